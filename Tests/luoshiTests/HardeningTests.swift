import Foundation
import Testing

/// No single actor can break, freeze or crash a ledger: each careless or hostile action below is
/// refused with one message and its exit code, writes nothing, and leaves `verify` clean and every
/// reading command working.
@Suite("Hardening: one actor cannot break, freeze or crash a ledger", .serialized)
struct HardeningTests {
    static let directive = "D-2019-01"

    /// `report` on clause 1 of cn/north, signed by north.lead, with `extra` options.
    func report(_ loaded: LoadedLedger, _ extra: [String]) throws -> RunResult {
        try luoshi(["report", "--ledger", loaded.ledger, "--unit", "cn/north", "--directive", Self.directive, "--clause", "1",
                    "--status", "in-progress", "--key", loaded.keys + "/north.lead"] + extra)
    }

    func importing(_ loaded: LoadedLedger, _ lines: [String]) throws -> RunResult {
        let file = loaded.folder.path("events-\(UUID().uuidString).jsonl")
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        return try luoshi(["import", file, "--ledger", loaded.ledger, "--keys", loaded.keys])
    }

    /// The ledger still verifies and every reading command still answers.
    func expectSound(_ loaded: LoadedLedger, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let v = try luoshi(["verify", "--ledger", loaded.ledger])
        #expect(v.status == 0, "verify: \(v.stdout) \(v.stderr)", sourceLocation: sourceLocation)
        for command in [["status"], ["flags"], ["diff", "--directive", Self.directive, "--unit", "cn/north"],
                        ["show", "progress", "cn/north", "--directive", Self.directive], ["log"]] {
            let r = try luoshi(command + ["--ledger", loaded.ledger])
            #expect(r.status == 0, "\(command): \(r.status) \(r.stderr)", sourceLocation: sourceLocation)
        }
    }

    @Test("report --value takes only JSON numbers the ledger keeps exactly; nothing is written otherwise")
    func reportValues() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let before = try loaded.head()
        let cases: [(String, String)] = [
            ("nan", "a JSON number"), ("inf", "a JSON number"), ("-inf", "a JSON number"), ("1e400", "beyond what a double holds"),
            ("1e-400", "too small"), ("0x1p3", "a JSON number"), ("+5", "a JSON number"), (".5", "a JSON number"),
            ("9007199254740993", "2^53"), ("-0", "-0"), ("", "a JSON number"), ("5 ", "a JSON number"),
        ]
        for (value, says) in cases {
            let r = try report(loaded, ["--value", "documents_cut_pct=\(value)"])
            #expect(r.status == 64, "\(value): \(r.status) \(r.stderr)")
            #expect(r.stderr.hasPrefix("luoshi: --value documents_cut_pct=\(value): ") && r.stderr.contains(says), "\(value): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1)
        }
        #expect(try loaded.head() == before, "nothing was written")
        let ok = try report(loaded, ["--value", "documents_cut_pct=31.5"])
        #expect(ok.status == 0, "\(ok.stderr)")
        try expectSound(loaded)
    }

    @Test("report builds its record through the one validating path: a blank evidence title is refused as apply refuses it")
    func reportEvidenceTitle() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let before = try loaded.head()
        let file = loaded.folder.path("evidence.txt")
        try "register".write(toFile: file, atomically: true, encoding: .utf8)
        for title in ["", "   ", "\u{3000}"] {
            let r = try report(loaded, ["--evidence", "outcome:\(title):\(file)"])
            #expect(r.status == 65, "\(r.stderr)")
            #expect(r.stderr.contains("/evidence/0/title") && r.stderr.contains("must not be empty"), "\(r.stderr)")
        }
        #expect(try loaded.head() == before)
        for target in ["/dev/null", loaded.folder.url.path, loaded.folder.path("missing")] {
            let r = try report(loaded, ["--evidence", "outcome:Register:\(target)"])
            #expect(r.status == 64, "\(target): \(r.stderr)")
        }
        try expectSound(loaded)
    }

    @Test("--actor that is no actor id is a usage error, not an internal one")
    func badActorOption() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let r = try report(loaded, ["--actor", "Bad Actor"])
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr.contains("--actor") && r.stderr.contains("Bad Actor"))
        let d = try luoshi(["diff", "--ledger", loaded.ledger, "--directive", "a b", "--unit", "cn/north"])
        #expect(d.status == 64 && d.stderr.contains("--directive"), "\(d.stderr)")
    }

    @Test("a NUL or control character in any text that reaches a commit message leaves its trailers whole")
    func controlCharactersInMessages() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let nasty = #"cut\u0000 here\u001b[2J\r\nLuoshi-Action: genesis\u0007"#
        let r = try importing(loaded, [
            #"{"action": "report-progress", "actor": "north.lead", "at": "2020-02-01T10:00:00Z", "unit": "cn/north", "directive": "D-2019-01", "clause": "1", "status": "done", "note": "\#(nasty)"}"#,
            #"{"action": "register-unit", "actor": "admin", "at": "2020-02-01T10:00:00Z", "unit": {"id": "cn/north/x", "name": "\#(nasty)", "level": "city"}}"#,
            #"{"action": "issue-directive", "actor": "central.office", "at": "2020-02-01T10:00:00Z", "directive": {"id": "D-X", "title": "\#(nasty)", "issuer": "cn", "issued": "2020-02-01", "scope": {"units": ["cn"], "levels": ["province"]}, "reporting": {"every": "P1M"}, "clauses": [{"id": "1", "text": "a", "modality": "must", "targets": [], "evidence": "any", "localize": false}]}}"#,
            #"{"action": "rectify", "actor": "west.lead", "at": "2020-02-01T10:00:00Z", "finding": "F-2019-001", "text": "\#(nasty)"}"#,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let log = try loaded.git(["log", "-4", "--format=%B%x01"]).stdout
        #expect(!log.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\u{1}" }, "\(log)")
        let trailers = try loaded.git(["log", "-4", "--format=%(trailers:key=Luoshi-Action,valueonly)"]).stdout
        #expect(trailers.split(separator: "\n").filter { !$0.isEmpty } == ["rectify", "issue-directive", "register-unit", "report-progress"])
        try expectSound(loaded)
    }

    @Test("register-actor refuses a name git cannot sign with, and says so")
    func actorNames() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let before = try loaded.head()
        let key = try String(contentsOfFile: loaded.keys + "/north.lead.pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        for name in ["A <b>", "x>", #"line\nbreak"#, #"nul\u0000"#, "", "   ", "...", #"\u2028"#] {
            let r = try importing(loaded, [
                #"{"action": "register-actor", "actor": "admin", "at": "2020-02-01T10:00:00Z", "actorRecord": {"id": "new.one", "name": "\#(name)", "unit": "cn/north", "roles": ["implementer"], "keys": ["\#(key)"]}}"#,
            ])
            #expect(r.status == 65, "\(name): \(r.stderr)")
            #expect(r.stderr.contains("/actorRecord/name"), "\(name): \(r.stderr)")
        }
        #expect(try loaded.head() == before)
    }

    @Test("init checks everything first and leaves nothing behind when it refuses")
    func initChecksFirst() throws {
        let folder = try TemporaryFolder()
        let key = folder.path("admin")
        try run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key])
        for (options, says) in [(["--admin", "Admin"], "--admin"), (["--admin", "a..b"], "--admin"), (["--admin", "admin", "--admin-name", "A <b>"], "--admin-name"),
                                (["--admin", "admin", "--admin-name", "..."], "--admin-name"), (["--admin", "admin", "--name", " "], "--name")] {
            let path = folder.path("ledger")
            let r = try luoshi(["init", path, "--key", key] + options)
            #expect(r.status == 64, "\(options): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains(says), "\(options): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: path), "\(options) left \(path) behind")
        }
        let made = try luoshi(["init", folder.path("ledger"), "--key", key, "--admin", "admin", "--admin-name", "王 Admin"])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(try luoshi(["verify", "--ledger", folder.path("ledger")]).status == 0)
    }

    @Test("an event dated far ahead is refused, so it cannot freeze the ledger for every later writer")
    func farFutureEvent() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let before = try loaded.head()
        for at in ["9999-12-31T00:00:00Z", "2062-01-01T00:00:00Z", "2106-02-08T00:00:00Z"] {
            let r = try luoshi(["apply", "--ledger", loaded.ledger, "--key", loaded.keys + "/auditor"],
                               input: #"{"action": "checkpoint", "actor": "auditor", "at": "\#(at)"}"#)
            #expect(r.status == 65, "\(at): \(r.stderr)")
            #expect(r.stderr.contains("/at") && r.stderr.contains("later than the ledger's clock"), "\(at): \(r.stderr)")
        }
        #expect(try loaded.head() == before)
        // Writes dated now go on.
        #expect(try report(loaded, []).status == 0)
        try expectSound(loaded)
    }

    @Test("the only admin cannot revoke its last key")
    func lastAdminKey() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let key = try String(contentsOfFile: loaded.keys + "/admin.pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let r = try importing(loaded, [#"{"action": "revoke-key", "actor": "admin", "at": "2020-02-01T10:00:00Z", "actorId": "admin", "key": "\#(key)"}"#])
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr.contains("register another admin"), "\(r.stderr)")
    }
}
