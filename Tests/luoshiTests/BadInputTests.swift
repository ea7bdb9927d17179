import Foundation
import Testing

@Suite("Bad input: one clear message, the documented exit code, and nothing written", .serialized)
struct BadInputTests {
    struct Case: CustomStringConvertible {
        var name: String
        var line: String
        var status: Int32
        var mentions: [String]
        var keys: String? = nil
        var description: String { name }
    }

    static let ok = #"{"action": "report-progress", "actor": "north.lead", "at": "2020-02-01T10:00:00Z", "unit": "cn/north", "directive": "D-2019-01", "clause": "1", "status": "done", "values": {"documents_cut_pct": 35}, "evidence": [{"kind": "outcome", "title": "Register", "sha256": "00000000000000000000000000000000000000000000000000000000000000ff"}]}"#

    static func unit(_ id: String) -> String {
        #"{"action": "register-unit", "actor": "admin", "at": "2020-02-01T10:00:00Z", "unit": {"id": "\#(id)", "name": "X", "level": "county"}}"#
    }

    static func report(_ fields: String, actor: String = "north.lead", unit: String = "cn/north") -> String {
        #"{"action": "report-progress", "actor": "\#(actor)", "at": "2020-02-01T10:00:00Z", "unit": "\#(unit)", "directive": "D-2019-01", \#(fields)}"#
    }

    /// An edit-plan of cn/north whose only clause has the id `id`, as written in JSON (escapes allowed).
    static func planClause(_ id: String, also second: String? = nil) -> String {
        let clause = { (id: String) in #"{"id": "\#(id)", "text": "a", "modality": "must", "targets": [], "evidence": "any", "localize": false}"# }
        let clauses = [id] + (second.map { [$0] } ?? [])
        return #"{"action": "edit-plan", "actor": "north.lead", "at": "2020-02-01T10:00:00Z", "unit": "cn/north", "directive": "D-2019-01", "clauses": [\#(clauses.map(clause).joined(separator: ", "))]}"#
    }

    static func level(_ level: String) -> String {
        #"{"action": "register-unit", "actor": "admin", "at": "2020-02-01T10:00:00Z", "unit": {"id": "cn/north/x", "name": "X", "level": "\#(level)"}}"#
    }

    static let allowedInClauseIDs = "a clause id may hold letters and digits of any script, '.', '_', '-' and round brackets ( ) （ ）, and no spaces or control characters"

    static let cases: [Case] = [
        Case(name: "clause id with a space", line: planClause("a b"), status: 65,
             mentions: ["/clauses/0/id", #"clause id "a b" holds U+0020 (a space)"#, allowedInClauseIDs]),
        Case(name: "clause id with a tab", line: planClause(#"1\t2"#), status: 65,
             mentions: ["/clauses/0/id", #"clause id "1<U+0009>2" holds U+0009 (a control character)"#, allowedInClauseIDs]),
        Case(name: "clause id with a zero-width joiner", line: planClause(#"第\u200d三条"#), status: 65,
             mentions: ["/clauses/0/id", #"clause id "第<U+200D>三条" holds U+200D (an invisible format character)"#, allowedInClauseIDs]),
        Case(name: "clause id with a bidi override", line: planClause(#"1\u202e2"#), status: 65,
             mentions: ["/clauses/0/id", "holds U+202E (a bidirectional control)", allowedInClauseIDs]),
        Case(name: "empty clause id", line: planClause(""), status: 65, mentions: ["/clauses/0/id", "clause id must not be empty"]),
        Case(name: "33-character clause id", line: planClause(String(repeating: "条", count: 33)), status: 65,
             mentions: ["/clauses/0/id", "is 33 characters long; at most 32 are allowed"]),
        Case(name: "level with a line break", line: level(#"县\n"#), status: 65,
             mentions: ["/unit/level", #"level "县<U+000A>" holds U+000A (a control character)"#, "a level is 1 to 32 characters of any script"]),
        Case(name: "clause ids equal after NFC", line: planClause(#"\u00e9"#, also: #"e\u0301"#), status: 65,
             mentions: ["/clauses/1/id", #"clause id "é" appears twice: U+00E9 and U+0065 U+0301 are one id once normalised to Unicode NFC"#]),
        Case(name: "malformed JSON", line: #"{"action": "register-unit", "actor": "admin","#, status: 65, mentions: [":2", "malformed JSON"]),
        Case(name: "unknown action", line: #"{"action": "promote", "actor": "admin", "at": "2020-02-01T10:00:00Z"}"#, status: 65, mentions: [":2", "/action", "promote"]),
        Case(name: "missing field", line: #"{"action": "register-unit", "actor": "admin", "at": "2020-02-01T10:00:00Z", "unit": {"id": "cn/x", "level": "city"}}"#, status: 65, mentions: ["/unit/name", "required"]),
        Case(name: "mistyped field", line: report(#""clause": "1", "status": "done", "values": {"documents_cut_pct": "35"}"#), status: 65, mentions: ["/values/documents_cut_pct", "number"]),
        Case(name: "unit id with ..", line: unit("cn/../x"), status: 65, mentions: ["/unit/id"]),
        Case(name: "unit id with a trailing /", line: unit("cn/north/"), status: 65, mentions: ["/unit/id", "empty segment"]),
        Case(name: "unit id with a leading /", line: unit("/cn/north"), status: 65, mentions: ["/unit/id", "empty segment"]),
        Case(name: "unit id in upper case", line: unit("cn/North"), status: 65, mentions: ["/unit/id", "lower-case"]),
        Case(name: "unit id with an empty segment", line: unit("cn//x"), status: 65, mentions: ["/unit/id", "empty segment"]),
        Case(name: "unit id too deep", line: unit("cn/a/b/c/d/e/f/g/h/i/j/k/l"), status: 65, mentions: ["/unit/id", "13 levels"]),
        Case(name: "unknown unit", line: #"{"action": "register-actor", "actor": "admin", "at": "2020-02-01T10:00:00Z", "actorRecord": {"id": "x.lead", "name": "X", "unit": "cn/nowhere", "roles": ["implementer"], "keys": []}}"#, status: 65, mentions: ["/actorRecord/unit", "cn/nowhere"]),
        Case(name: "unknown actor", line: report(#""clause": "1", "status": "done""#, actor: "ghost"), status: 65, mentions: ["/actor", "ghost"]),
        Case(name: "unknown directive", line: #"{"action": "report-progress", "actor": "north.lead", "at": "2020-02-01T10:00:00Z", "unit": "cn/north", "directive": "D-NONE", "clause": "1", "status": "done"}"#, status: 65, mentions: ["/directive", "D-NONE"]),
        Case(name: "unknown clause", line: report(#""clause": "99", "status": "done""#), status: 65, mentions: ["/clause", "99"]),
        Case(name: "unknown finding", line: #"{"action": "rectify", "actor": "north.lead", "at": "2020-02-01T10:00:00Z", "finding": "F-404", "text": "done"}"#, status: 65, mentions: ["/finding", "F-404"]),
        Case(name: "duplicate clause ids", line: #"{"action": "edit-plan", "actor": "north.lead", "at": "2020-02-01T10:00:00Z", "unit": "cn/north", "directive": "D-2019-01", "clauses": [{"id": "1", "text": "a", "modality": "must", "targets": [], "evidence": "any", "localize": false}, {"id": "1", "text": "b", "modality": "must", "targets": [], "evidence": "any", "localize": false}]}"#, status: 65, mentions: ["/clauses/1/id", "twice"]),
        Case(name: "impossible date", line: #"{"action": "open-finding", "actor": "central.inspector", "at": "2020-02-01T10:00:00Z", "finding": {"id": "F-X", "unit": "cn/north", "text": "t", "severity": "minor", "due": "2019-02-30"}}"#, status: 65, mentions: ["/finding/due", "2019-02-30"]),
        Case(name: "impossible timestamp", line: #"{"action": "checkpoint", "actor": "auditor", "at": "2020-02-30T10:00:00Z"}"#, status: 65, mentions: ["/at"]),
        Case(name: "unknown target op", line: #"{"action": "edit-plan", "actor": "north.lead", "at": "2020-02-01T10:00:00Z", "unit": "cn/north", "directive": "D-2019-01", "clauses": [{"id": "1", "text": "a", "modality": "must", "targets": [{"metric": "m", "op": "=>", "value": 1}], "evidence": "any", "localize": false}]}"#, status: 65, mentions: ["/clauses/0/targets/0/op", "=>"]),
        Case(name: "a signer without a key file", line: ok, status: 77, mentions: ["north.lead", "no key file"], keys: "missing"),
        Case(name: "a signer with a wrong key", line: ok, status: 77, mentions: ["north.lead", "not registered"], keys: "wrong"),
        Case(name: "an implementer writing another unit's plan", line: #"{"action": "edit-plan", "actor": "north.lead", "at": "2020-02-01T10:00:00Z", "unit": "cn/east", "directive": "D-2019-01", "clauses": []}"#, status: 77, mentions: ["not permitted", "cn/east"]),
        Case(name: "an implementer reporting for another unit", line: report(#""clause": "1", "status": "done""#, unit: "cn/east"), status: 77, mentions: ["not permitted", "cn/east"]),
        Case(name: "a supervisor opening a finding on its own unit", line: #"{"action": "open-finding", "actor": "east.inspector", "at": "2020-02-01T10:00:00Z", "finding": {"id": "F-X", "unit": "cn/east", "text": "t", "severity": "minor", "due": "2020-03-01"}}"#, status: 77, mentions: ["not permitted", "east.inspector"]),
        Case(name: "an implementer issuing a directive", line: #"{"action": "issue-directive", "actor": "north.lead", "at": "2020-02-01T10:00:00Z", "directive": {"id": "D-X", "title": "t", "issuer": "cn", "issued": "2020-02-01", "scope": {"units": ["cn"], "levels": ["city"]}, "reporting": {"every": "P1M"}, "clauses": [{"id": "1", "text": "a", "modality": "must", "targets": [], "evidence": "any", "localize": false}]}}"#, status: 77, mentions: ["not permitted", "issuer"]),
        Case(name: "a finding closed twice", line: #"{"action": "close-finding", "actor": "central.inspector", "at": "2020-02-01T10:00:00Z", "finding": "F-2019-003", "verdict": "verified"}"#, status: 65, mentions: ["/finding", "closed already"]),
        Case(name: "a finding closed before it is rectified", line: #"{"action": "close-finding", "actor": "central.inspector", "at": "2020-02-01T10:00:00Z", "finding": "F-2019-001", "verdict": "verified"}"#, status: 65, mentions: ["/finding", "not been rectified"]),
        Case(name: "an exemption approved by the unit itself", line: #"{"action": "approve-exemption", "actor": "west.lead", "at": "2020-02-01T10:00:00Z", "unit": "cn/west", "directive": "D-2019-01", "clause": "3"}"#, status: 77, mentions: ["not permitted"]),
    ]

    @Test("every bad event is refused with its message and exit code, and main does not move")
    func everyCaseRefused() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let before = try loaded.head()
        let missing = loaded.folder.path("keys-missing"), wrong = loaded.folder.path("keys-wrong")
        for dir in [missing, wrong] {
            try run("cp", ["-r", loaded.keys, dir])
        }
        try FileManager.default.removeItem(atPath: missing + "/north.lead")
        try FileManager.default.removeItem(atPath: wrong + "/north.lead")
        try run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", wrong + "/north.lead"])

        for c in Self.cases {
            let file = loaded.folder.path("bad.jsonl")
            // A good first line shows the import is all or nothing.
            try (Self.ok + "\n" + c.line + "\n").write(toFile: file, atomically: true, encoding: .utf8)
            let keys = c.keys == "missing" ? missing : c.keys == "wrong" ? wrong : loaded.keys
            let r = try luoshi(["import", file, "--ledger", loaded.ledger, "--keys", keys])
            #expect(r.status == c.status, "\(c.name): exit \(r.status), \(r.stderr)")
            for m in c.mentions { #expect(r.stderr.contains(m), "\(c.name): \(r.stderr) should mention \(m)") }
            #expect(r.stderr.split(separator: "\n").count == 1, "\(c.name): one message, got \(r.stderr)")
            #expect(r.stdout.isEmpty, "\(c.name): \(r.stdout)")
            if c.keys == nil { #expect(r.stderr.hasPrefix("luoshi: \(file):"), "\(c.name): \(r.stderr) names the file") }
            #expect(try loaded.head() == before, "\(c.name) moved main")
        }
    }

    @Test("usage errors exit 64 and say what to do")
    func usageErrors() throws {
        let folder = try TemporaryFolder()
        let r = try luoshi(["verify", "--ledger", folder.path("nothing-here")])
        #expect(r.status == 64)
        #expect(r.stderr.contains("luoshi init"))
        let bad = try luoshi(["log", "--ledger", folder.path("x"), "--since", "yesterday"])
        #expect(bad.status == 64)
    }
}
