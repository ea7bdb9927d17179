import Foundation
import Testing

/// `luoshi status` on the burden-2019 scenario, read as of the scenario's day so flags do not move with the clock.
@Suite("luoshi status: the units × clauses matrix", .serialized)
struct StatusTests {
    static let asOf = "2020-01-31"
    static let units = ["cn/east", "cn/east/harbor", "cn/east/hills", "cn/north", "cn/south", "cn/south/bay", "cn/west"]

    func status(_ loaded: LoadedLedger, _ extra: [String]) throws -> RunResult {
        try luoshi(["status", "--ledger", loaded.ledger, "--as-of", Self.asOf] + extra)
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// The rows of the only matrix, by unit.
    func rows(_ loaded: LoadedLedger, _ extra: [String] = []) throws -> [String: [String: Any]] {
        let r = try status(loaded, ["--format", "json"] + extra)
        #expect(r.status == 0, "\(r.stderr)")
        let matrices = try #require(try json(r.stdout)["matrices"] as? [[String: Any]])
        #expect(matrices.count == 1)
        let matrix = try #require(matrices.first)
        #expect(matrix["directive"] as? String == "D-2019-01")
        #expect(matrix["clauses"] as? [String] == ["1", "2", "3", "4", "5", "6", "7"])
        let units = try #require(matrix["units"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: units.map { ($0["unit"] as? String ?? "?", $0) })
    }

    func cell(_ row: [String: Any]?, _ clause: String) -> [String: Any]? {
        (row?["clauses"] as? [String: Any])?[clause] as? [String: Any]
    }

    @Test("JSON holds each unit's class per clause, its progress, adoption and added clauses")
    func jsonHoldsTheReadings() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let rows = try rows(loaded)
        #expect(rows.keys.sorted() == Self.units)
        #expect(rows.values.allSatisfy { $0["adoption"] as? String == "adopted" && $0["basisVersion"] as? Int == 1 })
        #expect(cell(rows["cn/east"], "4")?["class"] as? String == "weakened")
        #expect(cell(rows["cn/east"], "2")?["class"] as? String == "faithful")
        #expect(cell(rows["cn/west"], "5")?["class"] as? String == "omitted")
        #expect(cell(rows["cn/west"], "5")?["declared"] as? Bool == false)
        #expect(cell(rows["cn/west"], "3")?["declared"] as? Bool == true)
        #expect(cell(rows["cn/west"], "3")?["approved"] as? Bool == true)
        #expect(cell(rows["cn/south/bay"], "1")?["class"] as? String == "strengthened")
        #expect(rows["cn/south"]?["added"] as? [String] == ["8"])
        #expect(rows["cn/north"]?["added"] as? [String] == [])

        // Progress is the latest report on the unit's own clause: cn/east/hills renumbered 1 as A.
        let hills = cell(rows["cn/east/hills"], "1")
        #expect(hills?["planClause"] as? String == "A")
        let hillsProgress = hills?["progress"] as? [String: Any]
        #expect(hillsProgress?["status"] as? String == "done")
        #expect(hillsProgress?["value"] as? Double == 33)
        #expect(hillsProgress?["metric"] as? String == "documents_cut_pct")
        let east4 = cell(rows["cn/east"], "4")?["progress"] as? [String: Any]
        #expect(east4?["status"] as? String == "done")
        #expect(east4?["value"] as? Double == 15)
        #expect(cell(rows["cn/south"], "2")?["progress"] is NSNull)
    }

    @Test("each cell's class is what `diff --against directive` reads for that unit")
    func cellsAgreeWithDiff() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let rows = try rows(loaded)
        for unit in Self.units {
            let d = try luoshi(["diff", "--ledger", loaded.ledger, "--directive", "D-2019-01", "--unit", unit,
                                "--against", "directive", "--at", Self.asOf, "--format", "json"])
            #expect(d.status == 0, "\(d.stderr)")
            let clauses = try #require(try json(d.stdout)["clauses"] as? [[String: Any]])
            #expect(clauses.count == 7)
            for c in clauses {
                let basisId = c["basisId"] as? String ?? "?"
                #expect(cell(rows[unit], basisId)?["class"] as? String == c["class"] as? String, "\(unit) clause \(basisId)")
            }
            let added = try #require(try json(d.stdout)["added"] as? [[String: Any]])
            #expect(rows[unit]?["added"] as? [String] == added.map { $0["id"] as? String ?? "?" }, "\(unit) added")
        }
    }

    @Test("flag counts agree with `luoshi flags` filtered per unit")
    func flagCountsAgree() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let rows = try rows(loaded)
        let f = try luoshi(["flags", "--ledger", loaded.ledger, "--as-of", Self.asOf, "--format", "json"])
        #expect(f.status == 0, "\(f.stderr)")
        let flags = try #require(try json(f.stdout)["flags"] as? [[String: Any]])
        var expected: [String: [String: Int]] = [:]
        for flag in flags { expected[flag["unit"] as? String ?? "?", default: [:]][flag["kind"] as? String ?? "?", default: 0] += 1 }
        var total = 0
        for unit in Self.units {
            let counts = rows[unit]?["flags"] as? [String: Any]
            #expect(counts?["byKind"] as? [String: Int] == expected[unit] ?? [:], "\(unit)")
            #expect(counts?["total"] as? Int == expected[unit]?.values.reduce(0, +) ?? 0, "\(unit)")
            total += counts?["total"] as? Int ?? 0
        }
        #expect(total > 0)
        #expect((rows["cn/west"]?["flags"] as? [String: Any])?["byKind"] as? [String: Int] == expected["cn/west"])
        #expect(expected["cn/west"]?["selective"] == 1)
    }

    @Test("text is an aligned table with class codes, progress, adoption and flags, and a legend")
    func textReads() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let r = try status(loaded, ["--directive", "D-2019-01"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = try #require(lines.first { $0.hasPrefix("unit ") })
        #expect(header.contains("adoption") && header.contains("flags"))
        // Slice rows at the header's column starts: every row lines up with the header.
        var starts: [Int] = []
        let chars = Array(header)
        for (i, c) in chars.enumerated() where c != " " && (i == 0 || chars[i - 1] == " ") { starts.append(i) }
        #expect(starts.count == 2 + 7 + 2)
        func cells(_ unit: String) throws -> [String] {
            let line = Array(try #require(lines.first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(unit + " ") }))
            return starts.enumerated().map { k, s in
                let end = k + 1 < starts.count ? starts[k + 1] : line.count
                guard s < line.count else { return "" }
                return String(line[s..<min(end, line.count)]).trimmingCharacters(in: .whitespaces)
            }
        }
        let east = try cells("cn/east")
        #expect(east[1] == "adopted")
        #expect(east[2 + 3] == "- done 15%")  // clause 4: target weakened 30 → 20, reported done at 15
        #expect(east[2].hasPrefix("- done"))  // clause 1: deadline pushed, reported done
        #expect(try cells("cn/west")[2 + 4] == "x")  // clause 5 omitted, no exemption
        #expect(try cells("cn/west")[2 + 2] == "xa")  // clause 3 omitted with an approved exemption
        #expect(try cells("cn/south/bay")[2].hasPrefix("+ done 61"))
        #expect(try cells("cn/north")[2] == "= done 31%")
        #expect(try cells("cn/south")[9] == "1")  // one added clause
        #expect(try cells("cn/west").last?.contains("selective 1") == true)
        #expect(r.stdout.contains("= faithful") && r.stdout.contains("x omitted"))
        #expect(r.stdout.contains("7 units: 7 adopted, 0 behind, 0 not adopted"))
        // Subtrees are indented below their parent.
        #expect(lines.contains { $0.hasPrefix("  cn/east/harbor ") })
    }

    @Test("CSV is one RFC 4180 line per unit and clause")
    func csvLines() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let r = try status(loaded, ["--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasSuffix("\r\n"))
        let lines = r.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 1 + Self.units.count * 7)
        let header = lines[0].split(separator: ",").map(String.init)
        #expect(header.starts(with: ["directive", "version", "unit", "level", "adoption"]))
        func field(_ line: String, _ name: String) -> String? {
            guard let i = header.firstIndex(of: name) else { return nil }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return i < fields.count ? fields[i] : nil
        }
        func row(_ unit: String, _ clause: String) -> String? {
            lines.first { field($0, "unit") == unit && field($0, "clause") == clause }
        }
        #expect(row("cn/south/bay", "1").flatMap { field($0, "class") } == "strengthened")
        #expect(row("cn/east", "4").flatMap { field($0, "class") } == "weakened")
        #expect(row("cn/west", "5").flatMap { field($0, "class") } == "omitted")
        #expect(row("cn/west", "5").flatMap { field($0, "declared") } == "false")
        #expect(row("cn/east/hills", "1").flatMap { field($0, "plan_clause") } == "A")
        #expect(row("cn/east/hills", "1").flatMap { field($0, "value") } == "33")
        #expect(row("cn/north", "1").flatMap { field($0, "status") } == "done")
    }

    @Test("--under keeps a unit and its subtree")
    func underFilters() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        #expect(try rows(loaded, ["--under", "cn/east"]).keys.sorted() == ["cn/east", "cn/east/harbor", "cn/east/hills"])
        let text = try status(loaded, ["--under", "cn/south"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("cn/south/bay") && !text.stdout.contains("cn/west") && !text.stdout.contains("cn/east"))
        let csv = try status(loaded, ["--under", "cn/south/bay", "--format", "csv"])
        #expect(csv.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 1 + 7)
    }

    @Test("a directive or unit that does not exist is a usage error that names what does")
    func badOptions() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let d = try status(loaded, ["--directive", "D-1999-99"])
        #expect(d.status == 64)
        #expect(d.stderr == "luoshi: no directive D-1999-99; the directives are D-2019-01\n", "\(d.stderr)")
        #expect(d.stdout.isEmpty)
        let u = try status(loaded, ["--under", "cn/nowhere"])
        #expect(u.status == 64)
        #expect(u.stderr.contains("cn/nowhere"), "\(u.stderr)")
        let f = try status(loaded, ["--format", "xml"])
        #expect(f.status == 64)
    }
}
