import Foundation
import Testing

/// Plans of format version 2 record the blob of their basis (`basis.blob`); plans of version 1, as
/// every ledger from before version 2 holds them, do not. Both must read the same.
@Suite("Plan format versions: the basis blob", .serialized)
struct PlanFormatTests {
    static let directive = "D-2019-01"
    static let eastPlan = "directives/D-2019-01/plans/cn/east/plan.json"

    /// Every plan at `commit`: its path and parsed record.
    func plans(_ f: Forge, at commit: String) throws -> [(path: String, record: [String: Any])] {
        try f.paths(under: "directives/\(Self.directive)/plans", at: commit).filter { $0.hasSuffix("/plan.json") }.map { path in
            let record = try #require(try JSONSerialization.jsonObject(with: Data(try f.record(path, at: commit).utf8)) as? [String: Any])
            return (path, record)
        }
    }

    /// Where a plan's basis record lives.
    func basisPath(_ record: [String: Any]) throws -> String {
        let basis = try #require(record["basis"] as? [String: Any])
        return basis["kind"] as? String == "directive"
            ? "directives/\(Self.directive)/directive.json"
            : "directives/\(Self.directive)/plans/\(try #require(basis["unit"] as? String))/plan.json"
    }

    @Test("every plan luoshi writes is version 2 and names the blob git finds at its basis commit")
    func recordedBlobIsTheBasis() throws {
        let f = try Forge.burden()
        let plans = try plans(f, at: try f.head())
        #expect(plans.count == 7)
        for (path, record) in plans {
            let basis = try #require(record["basis"] as? [String: Any])
            #expect(record["formatVersion"] as? Int == 2, "\(path)")
            let commit = try #require(basis["commit"] as? String)
            let expected = try f.git(["rev-parse", "\(commit):\(try basisPath(record))"])
            #expect(basis["blob"] as? String == expected, "\(path)")
        }
    }

    /// The outputs a supervisor reads, as of a day after every commit of the test.
    func readings(_ f: Forge) throws -> [String] {
        let ledger = f.loaded.ledger
        var outputs = [
            ["status", "--ledger", ledger, "--as-of", "2030-01-01", "--format", "json"],
            ["flags", "--ledger", ledger, "--as-of", "2030-01-01", "--format", "json"],
        ]
        for unit in ["cn/east", "cn/east/harbor", "cn/east/hills", "cn/north", "cn/south", "cn/south/bay", "cn/west"] {
            for against in ["basis", "directive"] {
                outputs.append(["diff", "--ledger", ledger, "--directive", Self.directive, "--unit", unit, "--against", against, "--format", "json"])
            }
            outputs.append(["chain", "--ledger", ledger, "--directive", Self.directive, "--unit", unit, "--format", "json"])
        }
        return try outputs.map { arguments in
            let r = try luoshi(arguments)
            #expect(r.status == 0, "\(arguments): \(r.stderr)")
            return r.stdout
        }
    }

    @Test("plans of format version 1 read exactly as version 2; the unit's next edit makes its plan version 2")
    func versionOneReadsTheSame() throws {
        let f = try Forge.burden()
        let head = try f.head()
        let before = try readings(f)
        #expect(before.allSatisfy { $0.count > 2 })

        // The same plans as a ledger from before version 2 holds them: no blob, version 1.
        var set: [String: String] = [:]
        for (path, _) in try plans(f, at: head) {
            set[path] = try f.edited(try f.record(path, at: head), "r['formatVersion'] = 1; del r['basis']['blob']")
        }
        let old = try f.commit(on: head, set: set, actor: "admin", signer: "admin",
                               message: ledgerMessage("edit-plan", unit: "cn/east", directive: Self.directive))
        try f.move(to: old, from: head)
        #expect(try plans(f, at: old).allSatisfy { $0.record["formatVersion"] as? Int == 1 && ($0.record["basis"] as? [String: Any])?["blob"] == nil })
        // Status names the commit it read, which is now `old`; nothing else may differ.
        let after = try readings(f).map { $0.replacingOccurrences(of: old, with: head) }
        #expect(after.count == before.count)
        for (n, (a, b)) in zip(after, before).enumerated() where a != b {
            Issue.record("reading \(n) differs between format versions 1 and 2")
        }

        // east.lead edits its version 1 plan: luoshi writes it as version 2, with the blob of its basis.
        var plan = try #require(try JSONSerialization.jsonObject(with: Data(try f.record(Self.eastPlan, at: old).utf8)) as? [String: Any])
        var clauses = try #require(plan["clauses"] as? [[String: Any]])
        clauses[0]["text"] = "Cut documents issued to lower levels by at least 30%."
        plan = ["action": "edit-plan", "actor": "east.lead", "at": "2020-01-05T00:00:00Z", "unit": "cn/east",
                "directive": Self.directive, "clauses": clauses]
        let events = f.scratch.path("edit.jsonl")
        try (String(decoding: try JSONSerialization.data(withJSONObject: plan), as: UTF8.self) + "\n")
            .write(toFile: events, atomically: true, encoding: .utf8)
        let imported = try luoshi(["import", events, "--ledger", f.loaded.ledger, "--keys", f.loaded.keys])
        try #require(imported.status == 0, "\(imported.stderr)")
        let edited = try #require(try plans(f, at: try f.head()).first { $0.path == Self.eastPlan }?.record)
        let basis = try #require(edited["basis"] as? [String: Any])
        #expect(edited["formatVersion"] as? Int == 2)
        let commit = try #require(basis["commit"] as? String)
        #expect(basis["blob"] as? String == (try f.git(["rev-parse", "\(commit):\(try basisPath(edited))"])))
    }

    /// Imports `events` (JSON objects) into the forge's ledger; the import's result.
    func importEvents(_ f: Forge, _ events: [[String: Any]], name: String) throws -> RunResult {
        let file = f.scratch.path(name)
        try events.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }.joined(separator: "\n")
            .appending("\n").write(toFile: file, atomically: true, encoding: .utf8)
        return try luoshi(["import", file, "--ledger", f.loaded.ledger, "--keys", f.loaded.keys])
    }

    @Test("a clause's reason makes its plan version 3 and changes none of its readings; a unit adopting that plan does not inherit it")
    func reasonsAreVersionThree() throws {
        let f = try Forge.burden()
        func diffs() throws -> [String] {
            try ["basis", "directive"].map { against in
                let r = try luoshi(["diff", "--ledger", f.loaded.ledger, "--directive", Self.directive, "--unit", "cn/east", "--against", against, "--format", "json"])
                #expect(r.status == 0, "\(r.stderr)")
                return r.stdout
            }
        }
        let before = try diffs()
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(try f.record(Self.eastPlan, at: try f.head()).utf8)) as? [String: Any])
        var clauses = try #require(plan["clauses"] as? [[String: Any]])
        clauses[0]["reason"] = "本省发文基数已低，按原目标执行。"
        let edit: [String: Any] = ["action": "edit-plan", "actor": "east.lead", "at": "2020-01-05T00:00:00Z", "unit": "cn/east",
                                   "directive": Self.directive, "clauses": clauses]
        let imported = try importEvents(f, [edit], name: "reason.jsonl")
        try #require(imported.status == 0, "\(imported.stderr)")
        let edited = try #require(try plans(f, at: try f.head()).first { $0.path == Self.eastPlan }?.record)
        #expect(edited["formatVersion"] as? Int == 3)
        #expect((edited["clauses"] as? [[String: Any]])?.first?["reason"] as? String == "本省发文基数已低，按原目标执行。")
        #expect(try diffs() == before, "a reason changes no reading")

        // harbor adopts east's plan again (it changed): the reasons stay east's.
        let adopt: [String: Any] = ["action": "adopt", "actor": "harbor.lead", "at": "2020-01-06T00:00:00Z", "unit": "cn/east/harbor",
                                    "directive": Self.directive, "from": "cn/east"]
        let adopted = try importEvents(f, [adopt], name: "adopt.jsonl")
        try #require(adopted.status == 0, "\(adopted.stderr)")
        let harbor = try #require(try plans(f, at: try f.head()).first { $0.path.hasSuffix("/cn/east/harbor/plan.json") }?.record)
        #expect(harbor["formatVersion"] as? Int == 2)
        #expect((harbor["clauses"] as? [[String: Any]])?.allSatisfy { $0["reason"] == nil } == true)
        #expect(try luoshi(["verify", "--ledger", f.loaded.ledger]).status == 0)

        // A directive's clause gives none: refused, naming where.
        var directive = try #require(try JSONSerialization.jsonObject(with: Data(try f.record("directives/\(Self.directive)/directive.json", at: try f.head()).utf8)) as? [String: Any])
        var dClauses = try #require(directive["clauses"] as? [[String: Any]])
        dClauses[0]["reason"] = "因为上级要求。"
        directive["clauses"] = dClauses
        for key in ["formatVersion", "version"] { directive[key] = nil }
        let amend: [String: Any] = ["action": "amend-directive", "actor": "central.office", "at": "2020-01-07T00:00:00Z", "directive": directive]
        let refused = try importEvents(f, [amend], name: "amend.jsonl")
        #expect(refused.status == 65 && refused.stderr.contains("/directive/clauses/0/reason"), "\(refused.stderr)")
    }
}
