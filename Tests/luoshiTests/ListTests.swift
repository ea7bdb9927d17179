import Foundation
import Testing

/// The lists (units, directives, actors, findings), the to-do and the ranked deviations.
@Suite("Lists, to-do and deviations", .serialized)
struct ListTests {
    func list(_ loaded: LoadedLedger, _ args: [String]) throws -> RunResult {
        try luoshi(args + ["--ledger", loaded.ledger])
    }

    func json(_ r: RunResult) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stderr)")
    }

    @Test("units, directives, actors and findings, as text and JSON")
    func lists() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let units = try list(loaded, ["units", "--under", "cn/east"])
        #expect(units.stdout == """
            unit            level     name
            cn/east         province  East Province
            cn/east/harbor  city      Harbor City
            cn/east/hills   city      Hills City

            """)
        let unitsJSON = try json(list(loaded, ["units", "--format", "json"]))
        #expect((unitsJSON["units"] as? [[String: Any]])?.count == 8)
        #expect((unitsJSON["units"] as? [[String: Any]])?.first?["id"] as? String == "cn")
        let directives = try list(loaded, ["directives"])
        #expect(directives.stdout.hasPrefix("directive  version  issuer  issued      reporting  clauses  title\nD-2019-01  v1       cn      2019-03-11  P1M        7 "))
        let actors = try json(list(loaded, ["actors", "--format", "json"]))
        #expect((actors["actors"] as? [[String: Any]])?.map { $0["id"] as? String }.contains("north.lead") == true)
        let open = try list(loaded, ["findings", "--open"])
        #expect(open.stdout.split(separator: "\n").map { String($0.prefix(10)) } == ["finding   ", "F-2019-001", "F-2019-002"])
        let east = try json(list(loaded, ["findings", "--unit", "cn/east", "--format", "json"]))
        #expect((east["findings"] as? [[String: Any]])?.map { $0["id"] as? String } == ["F-2019-002"])
        let typo = try list(loaded, ["findings", "--unit", "cn/eas"])
        #expect(typo.status == 64 && typo.stderr == "luoshi: no unit cn/eas; did you mean cn/east?\n")
    }

    @Test("todo: what a unit owes, dated items first")
    func todo() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let west = try json(list(loaded, ["todo", "--unit", "cn/west", "--format", "json"]))
        let items = try #require(west["items"] as? [[String: Any]])
        #expect(items.contains { $0["kind"] as? String == "finding" && $0["finding"] as? String == "F-2019-001" && $0["overdue"] as? Bool == true })
        #expect(items.contains { $0["kind"] as? String == "report" && $0["directive"] as? String == "D-2019-01" })
        #expect(items.contains { $0["kind"] as? String == "clause" })
        let dues = items.compactMap { $0["due"] as? String }
        #expect(dues == dues.sorted())
        let text = try list(loaded, ["todo", "--unit", "cn/west"])
        #expect(text.stdout.hasPrefix("due                 owes     directive  what\n"))
        #expect(text.stdout.contains("finding  D-2019-01  finding F-2019-001 (major) is open: rectify it with `luoshi finding rectify F-2019-001`\n"))
    }

    @Test("deviations: ranked as the demo and the report rank them")
    func deviations() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let text = try list(loaded, ["deviations", "--directive", "D-2019-01", "--as-of", "2020-03-01"])
        #expect(text.stdout == """
            cn/south: clause 1 strengthened (targets[0].value 30 → 50); clause 4 mixed (targets[0].value 30 → 40; deadline 2019-12-31 → 2020-03-31); clause 5 strengthened (deadline 2019-12-31 → 2019-09-30); clause 8 added
            cn/east: clause 1 weakened (deadline 2019-12-31 → 2020-06-30); clause 4 weakened (targets[0].value 30 → 20); clause 6 weakened (modality should → may)
            cn/west: clause 3 omitted (approved); clause 5 omitted
            cn/south/bay: clause 1 strengthened (targets[0].value 50 → 60)

            """)
        let ranked = try json(list(loaded, ["deviations", "--directive", "D-2019-01", "--under", "cn/east", "--as-of", "2020-03-01", "--format", "json"]))
        let rows = try #require(ranked["deviations"] as? [[String: Any]])
        #expect(rows.map { $0["unit"] as? String } == ["cn/east"])
        #expect(rows.first?["score"] as? Int == 9)
        let limited = try list(loaded, ["deviations", "--directive", "D-2019-01", "--limit", "1", "--as-of", "2020-03-01"])
        #expect(limited.stdout.split(separator: "\n").count == 1)
    }
}
