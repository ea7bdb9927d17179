import Foundation
import Testing

/// `plan rebase`: a plan brought onto the newest text of its basis by a three-way merge.
@Suite("plan rebase: a three-way merge onto the basis as it is now", .serialized)
struct RebaseTests {
    func cli(_ loaded: LoadedLedger, _ args: [String], input: String? = nil, editor: String? = nil) throws -> RunResult {
        try run(luoshiBinary, args + ["--ledger", loaded.ledger], input: input, environment: editor.map { ["EDITOR": $0] } ?? [:])
    }

    /// Rewrites one plan's clauses with `change` and writes it with `plan edit --file --yes`.
    func edit(_ loaded: LoadedLedger, unit: String, key: String, _ change: (inout [[String: Any]]) -> Void) throws {
        let plan = try loaded.git(["show", "main:directives/D-2019-01/plans/\(unit)/plan.json"]).stdout
        let json = try #require(JSONSerialization.jsonObject(with: Data(plan.utf8)) as? [String: Any])
        var clauses = try #require(json["clauses"] as? [[String: Any]])
        change(&clauses)
        let file = loaded.folder.path("edit-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: ["clauses": clauses, "exemptions": json["exemptions"] ?? []]).write(to: URL(fileURLWithPath: file))
        let r = try cli(loaded, ["plan", "edit", "--unit", unit, "--directive", "D-2019-01", "--file", file, "--yes", "--key", "\(loaded.keys)/\(key)"])
        #expect(r.status == 0, "\(r.stderr)")
    }

    static func setValue(_ id: String, _ value: Int) -> (inout [[String: Any]]) -> Void {
        { clauses in
            guard let n = clauses.firstIndex(where: { $0["id"] as? String == id }), var targets = clauses[n]["targets"] as? [[String: Any]] else { return }
            targets[0]["value"] = value
            clauses[n]["targets"] = targets
        }
    }

    /// cn/north/river adopts from cn/north and lowers clause 4's target to 10; then cn/north raises its clause
    /// 4 to 35 and its clause 1 to 40.
    func setUp() throws -> LoadedLedger {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let keys = loaded.keys
        _ = try run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "river.lead", "-f", "\(keys)/river.lead"])
        for args in [
            ["unit", "add", "cn/north/river", "--name", "River County", "--level", "county", "--key", "\(keys)/admin"],
            ["actor", "add", "river.lead", "--name", "River", "--unit", "cn/north/river", "--role", "implementer", "--public-key", "\(keys)/river.lead.pub", "--key", "\(keys)/admin"],
            ["adopt", "--unit", "cn/north/river", "--directive", "D-2019-01", "--from", "cn/north", "--key", "\(keys)/river.lead"],
        ] {
            let r = try cli(loaded, args)
            #expect(r.status == 0, "\(args): \(r.stderr)")
        }
        try edit(loaded, unit: "cn/north/river", key: "river.lead", Self.setValue("4", 10))
        try edit(loaded, unit: "cn/north", key: "north.lead") { clauses in Self.setValue("4", 35)(&clauses); Self.setValue("1", 40)(&clauses) }
        return loaded
    }

    @Test("a plan behind its parent's edit: diff and todo say so; conflicts need a side or the editor; --theirs and --ours merge")
    func parentEdited() throws {
        let loaded = try setUp()
        let keys = loaded.keys
        let diff = try cli(loaded, ["diff", "--directive", "D-2019-01", "--unit", "cn/north/river"])
        #expect(diff.stdout.contains("\n  note: the plan of cn/north it is built on has changed since it was adopted; `luoshi plan rebase --unit cn/north/river --directive D-2019-01` brings it up\n"))
        let todo = try cli(loaded, ["todo", "--unit", "cn/north/river"])
        #expect(todo.stdout.contains("behind"))

        let before = try loaded.head()
        let refused = try cli(loaded, ["plan", "rebase", "--unit", "cn/north/river", "--directive", "D-2019-01", "--yes", "--key", "\(keys)/river.lead"])
        #expect(refused.status == 64)
        #expect(refused.stderr == "luoshi: 1 clause conflict (4): resolve them in the editor (without --yes), or choose --ours or --theirs\n")
        #expect(try loaded.head() == before)

        let ours = try cli(loaded, ["plan", "rebase", "--unit", "cn/north/river", "--directive", "D-2019-01", "--ours", "--yes", "--key", "\(keys)/river.lead"])
        #expect(ours.status == 0, "\(ours.stderr)")
        #expect(ours.stdout.contains("""
            rebase the plan of cn/north/river for D-2019-01 onto the plan of cn/north as it is now (v1 → v1):
              clause 4: conflict: the unit and the basis both changed it; --ours keeps the unit's version
              clause 1: the basis changed it; the new text is taken
            read against the plan of cn/north (v1):
              clause 4 weakened: raises `adapted`
                  targets[0].value: 35 → 10 (looser)
            """))
        let plan = try loaded.git(["show", "main:directives/D-2019-01/plans/cn/north/river/plan.json"]).stdout
        let json = try #require(JSONSerialization.jsonObject(with: Data(plan.utf8)) as? [String: Any])
        let basis = try #require(json["basis"] as? [String: Any])
        #expect(basis["commit"] as? String == before)
        let clauses = try #require(json["clauses"] as? [[String: Any]])
        func value(_ id: String) -> Int? { ((clauses.first { $0["id"] as? String == id }?["targets"] as? [[String: Any]])?.first?["value"]) as? Int }
        #expect(value("1") == 40 && value("4") == 10)
        // Two commits: the adoption of the new basis, then the merged plan.
        let log = try loaded.git(["log", "--format=%s", "-2", "main"]).stdout
        #expect(log == "edit-plan: cn/north/river edits its plan for D-2019-01\nadopt: cn/north/river adopts D-2019-01 from the plan of cn/north\n")
        let after = try cli(loaded, ["diff", "--directive", "D-2019-01", "--unit", "cn/north/river"])
        #expect(!after.stdout.contains("note:"))
        let again = try cli(loaded, ["plan", "rebase", "--unit", "cn/north/river", "--directive", "D-2019-01", "--yes", "--key", "\(keys)/river.lead"])
        #expect(again.stdout == "the plan of cn/north/river for D-2019-01 is up to date with its basis (the plan of cn/north, v1); nothing written\n")
        #expect(try cli(loaded, ["verify"]).status == 0)
    }

    @Test("an approved exemption stays approved across a rebase")
    func approvalKept() throws {
        let loaded = try setUp()
        let keys = loaded.keys
        for args in [
            ["exempt", "--unit", "cn/north/river", "--directive", "D-2019-01", "--clause", "6", "--reason", "No statistics office.", "--key", "\(keys)/river.lead"],
            ["exemption", "approve", "--unit", "cn/north/river", "--directive", "D-2019-01", "--clause", "6", "--key", "\(keys)/central.inspector"],
        ] {
            let r = try cli(loaded, args)
            #expect(r.status == 0, "\(args): \(r.stderr)")
        }
        let r = try cli(loaded, ["plan", "rebase", "--unit", "cn/north/river", "--directive", "D-2019-01", "--ours", "--yes", "--key", "\(keys)/river.lead"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("  clause 6 omitted (exemption approved)\n"))
        let plan = try loaded.git(["show", "main:directives/D-2019-01/plans/cn/north/river/plan.json"]).stdout
        #expect(plan.contains("\"approval\": {\n        \"at\""))
        let flags = try cli(loaded, ["flags", "--unit", "cn/north/river", "--kind", "selective"])
        #expect(flags.stdout == "no flags\n", "\(flags.stdout)")
        #expect(try cli(loaded, ["verify"]).status == 0)
    }

    @Test("a conflict resolved in the editor, with the basis's new version in the comments")
    func editorResolves() throws {
        let loaded = try setUp()
        let script = loaded.folder.path("editor.sh")
        try """
            #!/bin/sh
            cp "$1" "$0.seen"
            python3 - "$1" <<'PY'
            import json, sys
            text = "".join(l for l in open(sys.argv[1], encoding="utf-8") if not l.lstrip().startswith("#"))
            plan = json.loads(text)
            for c in plan["clauses"]:
                if c["id"] == "4": c["targets"][0]["value"] = 25
            json.dump(plan, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
            PY

            """.write(toFile: script, atomically: true, encoding: .utf8)
        _ = try run("chmod", ["+x", script])
        let r = try cli(loaded, ["plan", "rebase", "--unit", "cn/north/river", "--directive", "D-2019-01", "--key", "\(loaded.keys)/river.lead"],
                        input: "y\n", editor: script)
        #expect(r.status == 0, "\(r.stderr)")
        let seen = try String(contentsOfFile: script + ".seen", encoding: .utf8)
        #expect(seen.contains("# clause 4, as the basis has it now:\n"))
        #expect(seen.contains("#         \"value\": 35\n"))
        #expect(r.stdout.contains("  clause 4: conflict: the unit and the basis both changed it; resolved in the editor\n"))
        #expect(r.stdout.contains("      targets[0].value: 35 → 25 (looser)\n"))
        let plan = try loaded.git(["show", "main:directives/D-2019-01/plans/cn/north/river/plan.json"]).stdout
        #expect(plan.contains("\"value\": 25"))
    }

    @Test("a plan behind an amended directive moves onto the new version")
    func directiveAmended() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let keys = loaded.keys
        let current = try loaded.git(["show", "main:directives/D-2019-01/directive.json"]).stdout
        var d = try #require(JSONSerialization.jsonObject(with: Data(current.utf8)) as? [String: Any])
        d.removeValue(forKey: "formatVersion"); d.removeValue(forKey: "version")
        var clauses = try #require(d["clauses"] as? [[String: Any]])
        clauses[clauses.count - 1]["deadline"] = "2019-08-31"
        d["clauses"] = clauses
        let file = loaded.folder.path("amended.json")
        try JSONSerialization.data(withJSONObject: d).write(to: URL(fileURLWithPath: file))
        let amend = try cli(loaded, ["directive", "amend", file, "--key", "\(keys)/central.office"])
        #expect(amend.status == 0, "\(amend.stderr)")
        let status = try cli(loaded, ["status", "--directive", "D-2019-01", "--under", "cn/north"])
        #expect(status.stdout.contains("behind (v1)"))
        #expect(status.stdout.contains("(`luoshi plan rebase --unit U --directive D-2019-01` brings a plan that is behind onto the newest text)"))
        let diff = try cli(loaded, ["diff", "--directive", "D-2019-01", "--unit", "cn/north"])
        #expect(diff.stdout.contains("since this plan's basis; `luoshi plan rebase --unit cn/north --directive D-2019-01` brings it up\n"))
        let r = try cli(loaded, ["plan", "rebase", "--unit", "cn/north", "--directive", "D-2019-01", "--theirs", "--yes", "--key", "\(keys)/north.lead"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("onto directive D-2019-01 as it is now (v1 → v2):\n"))
        let plan = try loaded.git(["show", "main:directives/D-2019-01/plans/cn/north/plan.json"]).stdout
        #expect(plan.contains("\"version\": 2"))
        let behind = try cli(loaded, ["diff", "--directive", "D-2019-01", "--unit", "cn/north", "--format", "json"])
        #expect(behind.stdout.contains("\"behind\": 0"))
        #expect(try cli(loaded, ["verify"]).status == 0)
    }
}
