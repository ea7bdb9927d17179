import ArgumentParser
import Foundation
import Ledger
import Testing
@testable import luoshi

/// The writing verbs: how they parse, what they print, what they refuse, and what they write.
@Suite("Verbs: a command for every write", .serialized)
struct VerbTests {
    // MARK: Parsing

    @Test("the verbs parse in the shapes scripts rely on")
    func parsing() throws {
        let unit = try #require(Luoshi.parseAsRoot(["unit", "add", "cn/north/river", "--name", "River County", "--level", "county", "--key", "keys/admin"]) as? Luoshi.UnitCommand.Add)
        #expect(unit.id == "cn/north/river" && unit.name == "River County" && unit.level == "county" && unit.write.key == "keys/admin" && !unit.write.dryRun)

        let actor = try #require(Luoshi.parseAsRoot(["actor", "add", "river.lead", "--name", "River County Office", "--unit", "cn/north/river",
                                                     "--role", "implementer", "--public-key", "keys/river.lead.pub", "--key", "keys/admin"]) as? Luoshi.ActorCommand.Add)
        #expect(actor.role == [.implementer] && actor.publicKeys == ["keys/river.lead.pub"])

        let adopt = try #require(Luoshi.parseAsRoot(["adopt", "--unit", "cn/north/river", "--directive", "D-2019-01", "--from", "cn/north", "--key", "k", "--dry-run"]) as? Luoshi.Adopt)
        #expect(adopt.from == "cn/north" && adopt.write.dryRun)

        let edit = try #require(Luoshi.parseAsRoot(["plan", "edit", "--unit", "cn/north/river", "--directive", "D-2019-01", "--file", "plan.json", "--yes", "--key", "k"]) as? Luoshi.PlanCommand.Edit)
        #expect(edit.file == "plan.json" && edit.yes)

        let open = try #require(Luoshi.parseAsRoot(["finding", "open", "F-2020-01", "--unit", "cn/north/river", "--directive", "D-2019-01", "--clause", "1",
                                                    "--severity", "major", "--due", "2020-06-30", "--text", "t", "--key", "k"]) as? Luoshi.FindingCommand.Open)
        #expect(open.severity == .major && open.due == "2020-06-30" && open.clause == "1")

        #expect(throws: (any Error).self) { try Luoshi.parseAsRoot(["unit", "add", "cn/x", "--name", "X", "--level", "county"]) }
        #expect(throws: (any Error).self) { try Luoshi.parseAsRoot(["finding", "open", "F-1", "--unit", "cn/x", "--severity", "grave", "--due", "2020-01-01", "--text", "t", "--key", "k"]) }
        #expect(throws: (any Error).self) { try Luoshi.parseAsRoot(["actor", "add", "x", "--name", "X", "--public-key", "k.pub", "--key", "k"]) }
    }

    @Test("every verb has an abstract and an example, and every option a help text")
    func helpEverywhere() throws {
        let verbs: [ParsableCommand.Type] = [
            Luoshi.UnitCommand.Add.self, Luoshi.ActorCommand.Add.self, Luoshi.ActorCommand.RevokeKey.self,
            Luoshi.DirectiveCommand.Issue.self, Luoshi.DirectiveCommand.Amend.self, Luoshi.Adopt.self, Luoshi.PlanCommand.Edit.self,
            Luoshi.Exempt.self, Luoshi.ExemptionCommand.Approve.self, Luoshi.FindingCommand.Open.self, Luoshi.FindingCommand.Rectify.self,
            Luoshi.FindingCommand.Close.self, Luoshi.FindingCommand.Reopen.self, Luoshi.FindingCommand.Hold.self, Luoshi.PolicyCommand.Set.self,
        ]
        for verb in verbs {
            #expect(!verb.configuration.abstract.isEmpty, "\(verb)")
            #expect(verb.configuration.discussion.contains("Example:"), "\(verb)")
            let help = verb.helpMessage(columns: 200)
            let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
            for (n, line) in lines.enumerated() where line.hasPrefix("  -") {
                // An option line with no help text ends right after the option's name and value, with no
                // indented text on the next line either.
                let next = n + 1 < lines.count ? lines[n + 1] : ""
                #expect(line.split(separator: " ").count > 2 || next.hasPrefix("        "), "\(verb): \(line)")
            }
        }
    }

    @Test("luoshi help lists every command under the job it is for")
    func helpByJob() throws {
        let help = try luoshi(["help"]).stdout
        for group in ["SETTING UP (ADMINS)", "ISSUING (ISSUERS)", "CARRYING OUT (UNITS)", "SUPERVISING (SUPERVISORS)", "AUDITING (AUDITORS)", "LISTING"] {
            #expect(help.contains("\(group) SUBCOMMANDS:"), "\(group)")
        }
        for command in Luoshi.configuration.subcommands.map({ $0._commandName }) {
            #expect(help.contains("\n  \(command) "), "\(command)")
        }
    }

    // MARK: Suggestions

    @Test("the nearest ids to a typo")
    func nearest() {
        let units = ["cn", "cn/hedong", "cn/hedong/dongpo", "cn/shannan", "cn/jiangbei"]
        #expect(NearestNames.nearest("cn/hednog", among: units) == ["cn/hedong"])
        #expect(NearestNames.message(.unit, "cn/hednog", among: units) == "no unit cn/hednog; did you mean cn/hedong?")
        #expect(NearestNames.message(.unit, "zz/qqqqqq", among: units, listing: "luoshi units") == "no unit zz/qqqqqq; the units are cn, cn/hedong, cn/hedong/dongpo, cn/jiangbei, cn/shannan")
        let many = (1...20).map { "cn/u\($0)" }
        #expect(NearestNames.message(.unit, "zz/qqqqqq", among: many, listing: "luoshi units") == "no unit zz/qqqqqq; `luoshi units` lists them")
        #expect(NearestNames.message(.directive, "D-1", among: []) == "no directive D-1; the ledger has no directives yet")
        #expect(NearestNames.nearest("D-2019-1", among: ["D-2019-01", "D-2020-01"]).first == "D-2019-01")
    }

    // MARK: End to end

    /// Runs the built binary on the loaded ledger.
    func verb(_ loaded: LoadedLedger, _ args: [String], input: String? = nil, editor: String? = nil) throws -> RunResult {
        try run(luoshiBinary, args + ["--ledger", loaded.ledger], input: input, environment: editor.map { ["EDITOR": $0] } ?? [:])
    }

    func lines(_ r: RunResult) -> [String] {
        r.stdout.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("  commit ") }
    }

    @Test("a new county is registered, adopts, adapts its plan and is read against its basis")
    func newCounty() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let keys = loaded.keys
        let before = try loaded.head()

        let dry = try verb(loaded, ["unit", "add", "cn/north/river", "--name", "River County", "--level", "county", "--key", "\(keys)/admin", "--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout == "register-unit: register unit cn/north/river (River County)\n  would write units/cn/north/river/unit.json\ndry run: nothing written\n")
        #expect(try loaded.head() == before)

        let unit = try verb(loaded, ["unit", "add", "cn/north/river", "--name", "River County", "--level", "county", "--key", "\(keys)/admin"])
        #expect(unit.status == 0, "\(unit.stderr)")
        #expect(lines(unit) == ["register-unit: register unit cn/north/river (River County)", "  wrote units/cn/north/river/unit.json"])
        let head = try loaded.head()
        #expect(unit.stdout.contains("  commit \(head.prefix(12))\n"))

        _ = try run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "river.lead", "-f", "\(keys)/river.lead"])
        _ = try run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "river.deputy", "-f", "\(keys)/river.deputy"])
        let actor = try verb(loaded, ["actor", "add", "river.lead", "--name", "River County Office", "--unit", "cn/north/river", "--role", "implementer",
                                      "--public-key", "\(keys)/river.lead.pub", "--key", "\(keys)/admin"])
        #expect(actor.status == 0, "\(actor.stderr)")
        #expect(lines(actor) == ["register-actor: register actor river.lead as implementer", "  wrote actors/river.lead.json"])
        // A private key file gives its public half.
        let deputy = try verb(loaded, ["actor", "add", "river.deputy", "--name", "Deputy", "--unit", "cn/north/river", "--role", "implementer",
                                       "--public-key", "\(keys)/river.deputy", "--key", "\(keys)/admin", "--format", "json"])
        #expect(deputy.status == 0, "\(deputy.stderr)")
        let written = try #require(JSONSerialization.jsonObject(with: Data(deputy.stdout.utf8)) as? [String: Any])
        #expect((written["changes"] as? [[String: Any]])?.first?["records"] as? [String] == ["actors/river.deputy.json"])
        #expect(written["dryRun"] as? Bool == false)
        let record = try loaded.git(["show", "main:actors/river.deputy.json"]).stdout
        let pub = try String(contentsOfFile: "\(keys)/river.deputy.pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        #expect(record.contains(pub + " river.deputy"))

        let adopt = try verb(loaded, ["adopt", "--unit", "cn/north/river", "--directive", "D-2019-01", "--from", "cn/north", "--key", "\(keys)/river.lead"])
        #expect(adopt.status == 0, "\(adopt.stderr)")
        #expect(lines(adopt) == ["adopt: cn/north/river adopts D-2019-01 from the plan of cn/north", "  wrote directives/D-2019-01/plans/cn/north/river/plan.json"])

        // The edit: clause 3 left out, clause 4's target lowered.
        let plan = try loaded.git(["show", "main:directives/D-2019-01/plans/cn/north/river/plan.json"]).stdout
        var json = try #require(JSONSerialization.jsonObject(with: Data(plan.utf8)) as? [String: Any])
        var clauses = try #require(json["clauses"] as? [[String: Any]])
        clauses.removeAll { $0["id"] as? String == "3" }
        var targets = try #require(clauses[0]["targets"] as? [[String: Any]])
        targets[0]["value"] = 10
        clauses[0]["targets"] = targets
        json = ["clauses": clauses, "exemptions": []]
        let file = loaded.folder.path("edit.json")
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: file))
        let reading = [
            "read against the plan of cn/north (v1):",
            "  clause 4 weakened: will raise `adapted`",
            "      targets[0].value: 30 → 10 (looser)",
            "  clause 3 omitted (no exemption declared): will raise `selective`",
        ]
        let beforeEdit = try loaded.head()
        let dryEdit = try verb(loaded, ["plan", "edit", "--unit", "cn/north/river", "--directive", "D-2019-01", "--file", file, "--yes",
                                        "--key", "\(keys)/river.lead", "--dry-run"])
        #expect(dryEdit.status == 0, "\(dryEdit.stderr)")
        #expect(Array(lines(dryEdit).prefix(6)) == ["edit-plan: cn/north/river edits its plan for D-2019-01",
                                                    "  would write directives/D-2019-01/plans/cn/north/river/plan.json"] + reading)
        #expect(lines(dryEdit).last == "dry run: nothing written")
        #expect(try loaded.head() == beforeEdit)

        let edit = try verb(loaded, ["plan", "edit", "--unit", "cn/north/river", "--directive", "D-2019-01", "--file", file, "--yes", "--key", "\(keys)/river.lead"])
        #expect(edit.status == 0, "\(edit.stderr)")
        #expect(Array(lines(edit).prefix(6)) == ["edit-plan: cn/north/river edits its plan for D-2019-01",
                                                 "  wrote directives/D-2019-01/plans/cn/north/river/plan.json"]
                + reading.map { $0.replacingOccurrences(of: "will raise", with: "raises") })
        let flags = try verb(loaded, ["flags", "--unit", "cn/north/river", "--kind", "selective,adapted", "--format", "json"])
        #expect(flags.stdout.contains(#""kind": "adapted""#) && flags.stdout.contains(#""kind": "selective""#))

        // Exempt from clause 6 with a reason; the supervisor approves it.
        let exempt = try verb(loaded, ["exempt", "--unit", "cn/north/river", "--directive", "D-2019-01", "--clause", "6", "--reason", "No statistics office.",
                                       "--key", "\(keys)/river.lead"])
        #expect(exempt.status == 0, "\(exempt.stderr)")
        #expect(exempt.stdout.contains("  clause 6 omitted (exemption declared, not approved): raises `selective`\n"))
        let approve = try verb(loaded, ["exemption", "approve", "--unit", "cn/north/river", "--directive", "D-2019-01", "--clause", "6",
                                        "--key", "\(keys)/central.inspector"])
        #expect(approve.status == 0, "\(approve.stderr)")
        #expect(lines(approve) == ["approve-exemption: approve the exemption of cn/north/river from D-2019-01 clause 6",
                                   "  wrote directives/D-2019-01/plans/cn/north/river/plan.json"])
        let verify = try verb(loaded, ["verify"])
        #expect(verify.status == 0, "\(verify.stdout)")
    }

    @Test("plan edit in $EDITOR: an invalid edit reopens with the error at the top and nothing typed lost")
    func editorFlow() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let script = loaded.folder.path("editor.sh")
        // Run 1 breaks a modality; run 2 keeps what it was given (to check), then mends it.
        try """
            #!/bin/sh
            f="$1"; count="$0.count"; n=$(cat "$count" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$count"
            if [ $n = 1 ]; then sed -i 's/"must-not"/"must-nicht"/' "$f"; else cp "$f" "$0.seen"; sed -i 's/"must-nicht"/"should-not"/' "$f"; fi

            """.write(toFile: script, atomically: true, encoding: .utf8)
        _ = try run("chmod", ["+x", script])
        let before = try loaded.head()
        let declined = try verb(loaded, ["plan", "edit", "--unit", "cn/north", "--directive", "D-2019-01", "--key", "\(loaded.keys)/north.lead"],
                                input: "n\n", editor: script)
        #expect(declined.status == 0, "\(declined.stderr)")
        #expect(try loaded.head() == before)
        let seen = try String(contentsOfFile: script + ".seen", encoding: .utf8)
        #expect(seen.hasPrefix("# error: the edited plan: at /clauses/3/modality: \"must-nicht\" is not one of"))
        #expect(seen.contains(#""modality": "must-nicht""#))
        #expect(declined.stderr.contains("  clause 3 weakened: will raise `adapted`\n      modality: must-not → should-not (looser)\n"))
        #expect(declined.stderr.hasSuffix("Write this plan of cn/north for D-2019-01? [y/N] "))
        // Declined: the edit is kept, and the path said.
        let kept = try #require(declined.stdout.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        #expect(declined.stdout.hasPrefix("nothing written; your edit is kept in "))
        #expect(try String(contentsOfFile: kept, encoding: .utf8).contains(#""modality": "should-not""#))
        try? FileManager.default.removeItem(atPath: kept)

        try? FileManager.default.removeItem(atPath: script + ".count")
        let accepted = try verb(loaded, ["plan", "edit", "--unit", "cn/north", "--directive", "D-2019-01", "--key", "\(loaded.keys)/north.lead"],
                                input: "y\n", editor: script)
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(accepted.stdout.hasPrefix("edit-plan: cn/north edits its plan for D-2019-01\n"))
        #expect(try loaded.head() != before)
        let plan = try loaded.git(["show", "main:directives/D-2019-01/plans/cn/north/plan.json"]).stdout
        #expect(plan.contains(#""modality": "should-not""#))

        // An editor that changes nothing writes nothing.
        let unchanged = try verb(loaded, ["plan", "edit", "--unit", "cn/north", "--directive", "D-2019-01", "--key", "\(loaded.keys)/north.lead"], editor: "true")
        #expect(unchanged.status == 0)
        #expect(unchanged.stdout == "no change to the plan of cn/north for D-2019-01; nothing written\n")
    }

    @Test("the supervision loop: open, rectify with evidence, reopen, rectify, close, hold")
    func findingLoop() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let keys = loaded.keys
        let open = try verb(loaded, ["finding", "open", "F-2020-01", "--unit", "cn/north", "--directive", "D-2019-01", "--clause", "1", "--severity", "major",
                                     "--due", "2030-06-30", "--text", "No register of cut documents.", "--key", "\(keys)/central.inspector"])
        #expect(open.status == 0, "\(open.stderr)")
        #expect(lines(open) == ["open-finding: open F-2020-01 against cn/north (major)", "  wrote findings/F-2020-01.json"])
        let evidence = loaded.folder.path("register.pdf")
        try "register".write(toFile: evidence, atomically: true, encoding: .utf8)
        let rectify = try verb(loaded, ["finding", "rectify", "F-2020-01", "--text", "Register published.", "--evidence", "outcome:Register:\(evidence)",
                                        "--key", "\(keys)/north.lead"])
        #expect(rectify.status == 0, "\(rectify.stderr)")
        #expect(lines(rectify) == ["rectify: cn/north rectifies F-2020-01", "  wrote findings/F-2020-01.json"])
        let record = try loaded.git(["show", "main:findings/F-2020-01.json"]).stdout
        // The file's sha256, as sha256sum prints it.
        #expect(record.contains(#""sha256": "\#(try sha256sum(evidence))""#))
        let reopen = try verb(loaded, ["finding", "reopen", "F-2020-01", "--note", "Half the documents.", "--key", "\(keys)/central.inspector"])
        #expect(lines(reopen) == ["close-finding: reopen F-2020-01", "  wrote findings/F-2020-01.json"])
        _ = try verb(loaded, ["finding", "rectify", "F-2020-01", "--text", "All of them now.", "--key", "\(keys)/north.lead"])
        let close = try verb(loaded, ["finding", "close", "F-2020-01", "--note", "Checked.", "--key", "\(keys)/central.inspector"])
        #expect(lines(close) == ["close-finding: close F-2020-01 as verified", "  wrote findings/F-2020-01.json"])
        let hold = try verb(loaded, ["finding", "hold", "F-2020-01", "--target", "north.lead", "--decision", "Warning.", "--key", "\(keys)/central.inspector"])
        #expect(lines(hold) == ["hold-accountable: hold north.lead accountable for F-2020-01", "  wrote findings/F-2020-01.json"])
        let closedAgain = try verb(loaded, ["finding", "close", "F-2020-01", "--key", "\(keys)/central.inspector"])
        #expect(closedAgain.status == 65)
        #expect(closedAgain.stderr.contains("finding F-2020-01 is closed already"))
        // The unit itself may not close its own finding.
        let bySelf = try verb(loaded, ["finding", "close", "F-2019-001", "--key", "\(keys)/west.lead"])
        #expect(bySelf.status == 77, "\(bySelf.stderr)")
        #expect(bySelf.stderr == "luoshi: not permitted: the key in \(keys)/west.lead belongs to no supervisor above cn/west (it is west.lead's)\n")
    }

    @Test("typos are usage errors naming the nearest ids, and nothing is written")
    func typos() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let keys = loaded.keys
        let before = try loaded.head()
        let cases: [([String], String)] = [
            (["adopt", "--unit", "cn/nrth", "--directive", "D-2019-01", "--key", "\(keys)/north.lead"], "no unit cn/nrth; did you mean cn/north?"),
            (["adopt", "--unit", "cn/north", "--directive", "D-2019-1", "--key", "\(keys)/north.lead"], "no directive D-2019-1; did you mean D-2019-01?"),
            (["finding", "close", "F-2019-01", "--key", "\(keys)/central.inspector"], "no finding F-2019-01; did you mean F-2019-001?"),
            (["actor", "revoke-key", "north.led", "--public-key", "\(keys)/north.lead.pub", "--key", "\(keys)/admin"], "no actor north.led; did you mean north.lead?"),
            (["exempt", "--unit", "cn/north", "--directive", "D-2019-01", "--clause", "33", "--reason", "r", "--key", "\(keys)/north.lead"],
             "no clause 33 in D-2019-01 or the plan of cn/north; did you mean 3?"),
            (["unit", "add", "cn/nort/x", "--name", "X", "--level", "county", "--key", "\(keys)/admin"], "no unit cn/nort; did you mean cn/north?"),
            (["policy", "set", "staleDay=60", "--key", "\(keys)/admin"], "staleDay: is not a known field; did you mean staleDays?"),
        ]
        for (args, message) in cases {
            let r = try verb(loaded, args)
            #expect(r.status == 64, "\(args): \(r.stderr)")
            #expect(r.stderr == "luoshi: \(message)\n", "\(args)")
            #expect(r.stdout.isEmpty)
        }
        #expect(try loaded.head() == before)
    }

    @Test("a filter or reading naming an id that does not exist is a usage error, not an empty answer")
    func filterTypos() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let cases: [([String], String)] = [
            (["flags", "--unit", "cn/nrth"], "no unit cn/nrth; did you mean cn/north?"),
            (["flags", "--directive", "D-2019-1"], "no directive D-2019-1; did you mean D-2019-01?"),
            (["status", "--under", "cn/est"], "no unit cn/est; did you mean cn/east or cn/west?"),
            (["diff", "--directive", "D-2019-01", "--unit", "cn/east/harbour"], "no unit cn/east/harbour; did you mean cn/east/harbor?"),
            (["chain", "--directive", "D-2019-01", "--unit", "cn/sout/bay"], "no unit cn/sout/bay; did you mean cn/south/bay?"),
            (["blame", "--directive", "D-2019-01", "--unit", "cn/wst"], "no unit cn/wst; did you mean cn/west?"),
            (["log", "--actor", "north.led"], "no actor north.led; did you mean north.lead?"),
            (["log", "--finding", "F-2019-004"], "no finding F-2019-004; did you mean F-2019-001, F-2019-002 or F-2019-003?"),
            (["log", "--directive", "D-2019-01", "--clause", "77"], "no clause 77 in D-2019-01; did you mean 7?"),
            (["show", "unit", "cn/nort"], "no unit cn/nort; did you mean cn/north?"),
            (["report-html", "--directive", "D-2019-01", "--under", "cn/eats", "--out", loaded.folder.path("r.html")], "no unit cn/eats; did you mean cn/east?"),
            (["report", "--unit", "cn/north", "--directive", "D-2019-01", "--clause", "11", "--status", "done", "--key", "\(loaded.keys)/north.lead"],
             "no clause 11 in D-2019-01 or the plan of cn/north; did you mean 1?"),
        ]
        for (args, message) in cases {
            let r = try verb(loaded, args)
            #expect(r.status == 64, "\(args): \(r.stdout)\(r.stderr)")
            #expect(r.stderr == "luoshi: \(message)\n", "\(args)")
            #expect(r.stdout.isEmpty, "\(args)")
        }
        #expect(!FileManager.default.fileExists(atPath: loaded.folder.path("r.html")))
    }

    @Test("directive issue and amend from a file, policy set, revoke-key")
    func adminAndIssuer() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let keys = loaded.keys
        let file = loaded.folder.path("D-2030-01.json")
        try #"{"id": "D-2030-01", "title": "Fewer forms", "issuer": "cn", "issued": "2030-01-15", "scope": {"units": ["cn"], "levels": ["province"]}, "reporting": {"every": "P1M"}, "clauses": [{"id": "1", "text": "Forms must be cut by half.", "modality": "must", "targets": [], "evidence": "outcome", "localize": false}]}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let issue = try verb(loaded, ["directive", "issue", file, "--key", "\(keys)/central.office"])
        #expect(issue.status == 0, "\(issue.stderr)")
        #expect(lines(issue) == ["issue-directive: issue D-2030-01 Fewer forms", "  wrote directives/D-2030-01/directive.json"])
        let amend = try verb(loaded, ["directive", "amend", file, "--note", "Same text.", "--key", "\(keys)/central.office"])
        #expect(lines(amend) == ["amend-directive: amend D-2030-01 to version 2", "  wrote directives/D-2030-01/directive.json"])
        let notIssuer = try verb(loaded, ["directive", "issue", file, "--key", "\(keys)/north.lead"])
        #expect(notIssuer.status == 77)
        let policy = try verb(loaded, ["policy", "set", "staleDays=60", "rushShare=0.5", "--key", "\(keys)/admin"])
        #expect(lines(policy) == ["set-policy: set policy", "  wrote ledger.json"])
        let ledger = try loaded.git(["show", "main:ledger.json"]).stdout
        #expect(ledger.contains(#""staleDays": 60"#) && ledger.contains(#""rushShare": 0.5"#))
        let revoke = try verb(loaded, ["actor", "revoke-key", "west.lead", "--public-key", "\(keys)/west.lead.pub", "--key", "\(keys)/admin"])
        #expect(lines(revoke) == ["revoke-key: revoke a key of west.lead", "  wrote actors/west.lead.json"])
        let revoked = try verb(loaded, ["report", "--unit", "cn/west", "--directive", "D-2019-01", "--clause", "1", "--status", "done", "--key", "\(keys)/west.lead"])
        #expect(revoked.status == 77)
        #expect(try verb(loaded, ["verify"]).status == 0)
    }

    func sha256sum(_ path: String) throws -> String {
        String(try run("sha256sum", [path]).stdout.prefix(64))
    }
}
