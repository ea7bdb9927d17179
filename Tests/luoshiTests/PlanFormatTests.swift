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
}
