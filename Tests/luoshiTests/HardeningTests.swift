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

    @Test("values of 2^63 and more in a report or a plan target are shown, not a trap, in every reading")
    func hugeValues() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        #expect(try report(loaded, ["--value", "documents_cut_pct=1e19", "--status", "done"]).status == 0)
        let shown = try luoshi(["show", "plan", "cn/north", "--directive", Self.directive, "--ledger", loaded.ledger, "--format", "json"])
        var plan = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        var clauses = try #require(plan["clauses"] as? [[String: Any]])
        var targets = try #require(clauses[0]["targets"] as? [[String: Any]])
        targets[0]["value"] = 9.3e18
        clauses[0]["targets"] = targets
        // After the report, dated now: the edit follows it in time.
        let now = ISO8601DateFormatter().string(from: Date())
        plan = ["action": "edit-plan", "actor": "north.lead", "at": now, "unit": "cn/north", "directive": Self.directive, "clauses": clauses]
        let line = String(decoding: try JSONSerialization.data(withJSONObject: plan), as: UTF8.self)
        let edited = try importing(loaded, [line])
        #expect(edited.status == 0, "\(edited.stderr)")
        for command in [["chain", "--directive", Self.directive, "--unit", "cn/north"], ["report-html", "--directive", Self.directive, "--out", loaded.folder.path("r.html")],
                        ["diff", "--directive", Self.directive, "--unit", "cn/north", "--against", "directive"], ["status", "--format", "csv"]] {
            let r = try luoshi(command + ["--ledger", loaded.ledger])
            #expect(r.status == 0, "\(command): \(r.status) \(r.stderr.prefix(300))")
        }
        let chain = try luoshi(["chain", "--directive", Self.directive, "--unit", "cn/north", "--ledger", loaded.ledger])
        #expect(chain.stdout.contains("9.3e+18"), "\(chain.stdout)")
        try expectSound(loaded)
    }

    @Test("--out inside the ledger's git directory is refused, by any route; the ledger is untouched")
    func outputInsideLedger() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let head = try String(contentsOfFile: loaded.ledger + "/HEAD", encoding: .utf8)
        let main = try loaded.head()
        let link = loaded.folder.path("link")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: loaded.ledger + "/refs/heads")
        let dangling = loaded.folder.path("dangling")
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: loaded.ledger + "/new-file")
        for out in [loaded.ledger + "/HEAD", loaded.ledger + "/refs/heads/main", loaded.ledger + "/../ledger/config", link + "/main", dangling, loaded.ledger] {
            for command in [["report-html", "--directive", Self.directive], ["export", "allowed-signers"], ["export", "checkpoints"]] {
                let r = try luoshi(command + ["--out", out, "--ledger", loaded.ledger])
                #expect(r.status == 64, "\(command) \(out): \(r.status) \(r.stderr)")
                #expect(r.stderr.contains("inside the ledger's git directory"), "\(r.stderr)")
            }
        }
        #expect(try String(contentsOfFile: loaded.ledger + "/HEAD", encoding: .utf8) == head)
        #expect(try loaded.head() == main)
        #expect(!FileManager.default.fileExists(atPath: loaded.ledger + "/new-file"))
        let fine = try luoshi(["export", "allowed-signers", "--out", loaded.folder.path("signers"), "--ledger", loaded.ledger])
        #expect(fine.status == 0, "\(fine.stderr)")
        try expectSound(loaded)
    }

    @Test("import reads its input line by line up to a limit: endless input is bad data, not a trap")
    func endlessInput() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let before = try loaded.head()
        let r = try run("bash", ["-c", "head -c 20000000 /dev/zero | '\(luoshiBinary)' import - --ledger '\(loaded.ledger)' --keys '\(loaded.keys)'"])
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr.contains("<stdin>:1") && r.stderr.contains("longer than 16 MiB"), "\(r.stderr)")
        let apply = try run("bash", ["-c", "head -c 70000000 /dev/zero | tr '\\0' '\\n' | '\(luoshiBinary)' apply --ledger '\(loaded.ledger)' --key '\(loaded.keys)/admin'"])
        #expect(apply.status == 65 && apply.stderr.contains("longer than 64 MiB"), "\(apply.stderr)")
        #expect(try loaded.head() == before)
    }

    @Test("evidence is hashed as it is read, and hashes as sha256sum does")
    func streamedEvidence() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let file = loaded.folder.path("big.bin")
        try run("bash", ["-c", "head -c 3500000 /dev/urandom > '\(file)'"])
        let expected = try run("sha256sum", [file]).stdout.prefix(64)
        #expect(try report(loaded, ["--evidence", "outcome:Big file:\(file)"]).status == 0)
        let progress = try luoshi(["show", "progress", "cn/north", "--directive", Self.directive, "--ledger", loaded.ledger, "--format", "json"])
        #expect(progress.stdout.contains(String(expected)))
        let fifo = loaded.folder.path("fifo")
        try run("mkfifo", [fifo])
        let r = try report(loaded, ["--evidence", "outcome:Pipe:\(fifo)"])
        #expect(r.status == 64 && r.stderr.contains("not a regular file"), "\(r.stderr)")
    }

    @Test("output that cannot be written is an error, not a silent success")
    func fullDevice() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        for command in ["status", "status --format json", "status --format csv", "flags", "log", "verify", "show ledger",
                        "diff --directive \(Self.directive) --unit cn/north --format json"] {
            let r = try run("bash", ["-c", "'\(luoshiBinary)' \(command) --ledger '\(loaded.ledger)' > /dev/full"])
            #expect(r.status == 70, "\(command): \(r.status) \(r.stderr.prefix(200))")
            #expect(r.stderr.hasPrefix("luoshi: cannot write to standard output"), "\(command): \(r.stderr.prefix(200))")
        }
    }

    @Test("a key that is a pipe or a device says so, as a usage error")
    func keyNotAFile() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let fifo = loaded.folder.path("key-fifo")
        try run("mkfifo", [fifo])
        for key in [fifo, "/dev/stdin", "/dev/null", loaded.folder.url.path] {
            let r = try luoshi(["report", "--ledger", loaded.ledger, "--unit", "cn/north", "--directive", Self.directive, "--clause", "1",
                                "--status", "done", "--key", key])
            #expect(r.status == 64, "\(key): \(r.stderr)")
            #expect(!r.stderr.contains("permission"), "\(key): \(r.stderr)")
        }
    }

    @Test("a ledger owned by another user says so, and how to proceed", .enabled(if: getuid() == 0))
    func anotherUsersLedger() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        try run("chown", ["-R", "nobody", loaded.ledger])
        let r = try luoshi(["status", "--ledger", loaded.ledger])
        #expect(r.status == 77, "\(r.stderr)")
        #expect(r.stderr.contains("belongs to another user") && r.stderr.contains("safe.directory"), "\(r.stderr)")
    }

    @Test("escape sequences and invisible controls in record text reach no terminal raw; CSV text cells are no formulas")
    func hostileText() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let shown = try luoshi(["show", "plan", "cn/north", "--directive", Self.directive, "--ledger", loaded.ledger, "--format", "json"])
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        var clauses = try #require(plan["clauses"] as? [[String: Any]])
        let hostile = "Cut meetings\u{1B}[2J\u{1B}]0;owned\u{07} by \u{202E}half\u{200B}\u{2066}"
        clauses[0]["text"] = hostile
        var targets = try #require(clauses[0]["targets"] as? [[String: Any]])
        targets[0]["unit"] = "=HYPERLINK(\"http://example.invalid\")\u{1B}[2J\u{202E}"
        clauses[0]["targets"] = targets
        let clause = try #require(clauses[0]["id"] as? String)
        let metric = try #require(targets[0]["metric"] as? String)
        let edit: [String: Any] = ["action": "edit-plan", "actor": "north.lead", "at": "2020-02-01T10:00:00Z", "unit": "cn/north", "directive": Self.directive, "clauses": clauses]
        let report: [String: Any] = ["action": "report-progress", "actor": "north.lead", "at": "2020-02-01T10:00:00Z", "unit": "cn/north", "directive": Self.directive,
                                     "clause": clause, "status": "done", "values": [metric: -5], "note": hostile]
        let lines = try [edit, report].map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
        let r = try importing(loaded, lines)
        #expect(r.status == 0, "\(r.stderr)")
        for command in [["status"], ["flags"], ["log"], ["diff", "--directive", Self.directive, "--unit", "cn/north"],
                        ["chain", "--directive", Self.directive, "--unit", "cn/north"], ["blame", "--directive", Self.directive, "--unit", "cn/north"],
                        ["verify"], ["show", "plan", "cn/north", "--directive", Self.directive], ["show", "progress", "cn/north", "--directive", Self.directive],
                        ["history", "--directive", Self.directive, "--unit", "cn/north"], ["history", "--directive", Self.directive, "--unit", "cn/north", "--clause", clause],
                        ["deviations", "--directive", Self.directive],
                        ["todo", "--unit", "cn/north"]] {
            let out = try luoshi(command + ["--ledger", loaded.ledger])
            #expect(out.status == 0, "\(command): \(out.stderr)")
            let raw = out.stdout.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n") || $0.value == 0x7F || $0.properties.generalCategory == .format }
            #expect(raw.isEmpty, "\(command) shows \(raw.map { String($0.value, radix: 16) }) raw")
        }
        let diff = try luoshi(["diff", "--directive", Self.directive, "--unit", "cn/north", "--ledger", loaded.ledger])
        #expect(diff.stdout.contains("\\u{1b}[2J") && diff.stdout.contains("\\u{202e}"), "\(diff.stdout)")
        let csv = try luoshi(["status", "--format", "csv", "--ledger", loaded.ledger]).stdout
        #expect(csv.contains("'=HYPERLINK"), "\(csv)")
        #expect(!csv.contains(",=HYPERLINK") && !csv.contains(",\"=HYPERLINK"))
        #expect(csv.contains(",-5,"), "numbers keep their sign: \(csv)")
    }

    @Test("log --clause finds the edit-plan commits that changed that clause")
    func logFindsPlanEdits() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let shown = try luoshi(["show", "plan", "cn/north", "--directive", Self.directive, "--ledger", loaded.ledger, "--format", "json"])
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        var clauses = try #require(plan["clauses"] as? [[String: Any]])
        let changed = try #require(clauses[1]["id"] as? String), untouched = try #require(clauses[2]["id"] as? String)
        clauses[1]["text"] = "A new wording of this clause."
        let edit: [String: Any] = ["action": "edit-plan", "actor": "north.lead", "at": "2020-02-01T10:00:00Z", "unit": "cn/north", "directive": Self.directive, "clauses": clauses]
        #expect(try importing(loaded, [String(decoding: try JSONSerialization.data(withJSONObject: edit), as: UTF8.self)]).status == 0)
        let head = try loaded.head()
        let found = try luoshi(["log", "--clause", changed, "--directive", Self.directive, "--ledger", loaded.ledger, "--format", "json"])
        #expect(found.stdout.contains(head), "\(found.stdout)")
        let other = try luoshi(["log", "--clause", untouched, "--directive", Self.directive, "--ledger", loaded.ledger, "--format", "json"])
        #expect(!other.stdout.contains(head))
        let trailers = try loaded.git(["log", "-1", "--format=%(trailers:key=Luoshi-Clause,valueonly)"]).stdout
        #expect(trailers.split(separator: "\n") == [Substring(changed)])
    }
}
