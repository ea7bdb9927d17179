import Foundation
import Testing

/// A Chinese directive numbered as Chinese documents number clauses (一, （二）, 第三条) and an EU-style
/// 5(2)(a), adopted down 省 → 市 → 县 (`scenarios/numerals-2021.jsonl`), read through the command line.
@Suite("Clause ids and levels as documents write them", .serialized)
struct DocumentNumberingTests {
    static let directive = "JF-2021-03"
    static let county = "cn/hedong/nanhu/qingxi"

    /// The display columns at which a table line's cells start: its first character and every
    /// character after a run of two or more spaces. A wide character takes two columns.
    static func cellStarts(_ line: Substring) -> [Int] {
        var starts: [Int] = [], column = 0, spaces = 2
        for c in line {
            if c == " " { spaces += 1 } else {
                if spaces >= 2 { starts.append(column) }
                spaces = 0
            }
            column += c.unicodeScalars.reduce(0) { $0 + (Self.isWide($1) ? 2 : 1) }
        }
        return starts
    }

    /// CJK ideographs and full-width forms, independently of the tool's own table.
    static func isWide(_ s: Unicode.Scalar) -> Bool {
        (0x4E00...0x9FFF).contains(s.value) || (0xFF01...0xFF60).contains(s.value) || (0x3000...0x303F).contains(s.value)
    }

    @Test("numeral clause ids load, verify, and read in diff, chain and status; the status table aligns by display width")
    func readsNumeralClauses() throws {
        let loaded = try LoadedLedger.load("numerals-2021.jsonl")
        let verify = try luoshi(["verify", "--ledger", loaded.ledger])
        #expect(verify.status == 0, "\(verify.stderr)")

        let diff = try luoshi(["diff", "--ledger", loaded.ledger, "--directive", Self.directive, "--unit", "cn/hedong/nanhu"])
        #expect(diff.status == 0, "\(diff.stderr)")
        let readings = diff.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") && !$0.hasPrefix("    ") && !$0.contains(":") }
        #expect(readings.map { $0.split(separator: " ").map(String.init) } == [
            ["一", "strengthened"], ["（二）", "weakened"], ["第三条", "reworded"], ["5(2)(a)", "faithful"],
        ])
        // The class starts in one display column whatever the width of the id before it.
        #expect(Set(readings.map { Self.cellStarts($0).last ?? -1 }).count == 1, "\(readings)")
        #expect(diff.stdout.contains("flags: adapted (clause （二）), escalated (clause 一)"))

        let chain = try luoshi(["chain", "--ledger", loaded.ledger, "--directive", Self.directive, "--unit", Self.county])
        #expect(chain.status == 0, "\(chain.stderr)")
        #expect(chain.stdout.contains("clause 一 documents_cut_pct >=: 30 → 35 → 40 → 40"), "\(chain.stdout)")

        let status = try luoshi(["status", "--ledger", loaded.ledger, "--directive", Self.directive, "--as-of", "2021-04-30"])
        #expect(status.status == 0, "\(status.stderr)")
        let lines = status.stdout.split(separator: "\n")
        let header = try #require(lines.first { $0.hasPrefix("unit ") })
        #expect(header.split(separator: " ").map(String.init) == ["unit", "adoption", "一", "（二）", "第三条", "5(2)(a)", "added", "flags"])
        let headerStarts = Self.cellStarts(header)
        let rows = lines.filter { $0.hasPrefix("cn/") || $0.hasPrefix("  cn/") || $0.hasPrefix("    cn/") }
        #expect(rows.count == 3)
        for row in rows {
            let starts = Self.cellStarts(row.drop { $0 == " " }).map { $0 + row.prefix { $0 == " " }.count }
            #expect(Set(starts.dropFirst()).isSubset(of: Set(headerStarts)), "\(row) against \(header)")
        }
        let countyRow = try #require(rows.first { $0.contains(Self.county) })
        #expect(countyRow.contains("+ done 42%  - wip"), "\(countyRow)")
    }

    @Test("a report on clause （二） travels in the Luoshi-Clause trailer as written, and log --clause finds it")
    func trailerAsWritten() throws {
        let loaded = try LoadedLedger.load("numerals-2021.jsonl")
        let r = try luoshi(["report", "--ledger", loaded.ledger, "--unit", Self.county, "--directive", Self.directive,
                            "--clause", "第三条", "--status", "in-progress", "--note", "视频会议已开通。",
                            "--key", loaded.keys + "/qingxi.office"])
        #expect(r.status == 0, "\(r.stderr)")
        let trailers = try loaded.git(["log", "-1", "--format=%(trailers:key=Luoshi-Clause)", "main"])
        #expect(trailers.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "Luoshi-Clause: 第三条")
        let all = try loaded.git(["log", "--format=%(trailers:key=Luoshi-Clause,valueonly)", "main"])
        #expect(Set(all.stdout.split(separator: "\n").map(String.init)).isSuperset(of: ["一", "（二）", "第三条", "5(2)(a)"]))
        let log = try luoshi(["log", "--ledger", loaded.ledger, "--clause", "（二）"])
        #expect(log.status == 0, "\(log.stderr)")
        #expect(log.stdout.contains("reports JF-2021-03 clause （二） in-progress"), "\(log.stdout)")
        // The id as a decomposed spelling is the same id: NFC on the way in.
        let show = try luoshi(["flags", "--ledger", loaded.ledger, "--unit", "cn/hedong/nanhu", "--as-of", "2021-04-30"])
        #expect(show.stdout.contains("（二）"))
    }

    @Test("every clause's class is what its changes' effects add up to, in every reading of every ledger",
          arguments: ["burden-2019.jsonl", "numerals-2021.jsonl", "sample"])
    func classFollowsEffects(_ scenario: String) throws {
        let ledger: String
        let keep: Any
        if scenario == "sample" {
            let sample = try SampleLedger.load()
            (ledger, keep) = (sample.ledger, sample)
        } else {
            let loaded = try LoadedLedger.load(scenario)
            (ledger, keep) = (loaded.ledger, loaded)
        }
        var readings = 0
        let status = try luoshi(["status", "--ledger", ledger, "--format", "json"])
        #expect(status.status == 0, "\(status.stderr)")
        let matrices = try #require((try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])?["matrices"] as? [[String: Any]])
        for matrix in matrices {
            let directive = try #require(matrix["directive"] as? String)
            for row in matrix["units"] as? [[String: Any]] ?? [] where row["adoption"] as? String != "not-adopted" {
                let unit = try #require(row["unit"] as? String)
                for against in ["basis", "directive"] {
                    let diff = try luoshi(["diff", "--ledger", ledger, "--directive", directive, "--unit", unit,
                                           "--against", against, "--format", "json"])
                    #expect(diff.status == 0, "\(unit): \(diff.stderr)")
                    let json = try #require(try JSONSerialization.jsonObject(with: Data(diff.stdout.utf8)) as? [String: Any])
                    for clause in json["clauses"] as? [[String: Any]] ?? [] {
                        readings += 1
                        let effects = (clause["changes"] as? [[String: Any]] ?? []).compactMap { $0["effect"] as? String }
                        let looser = effects.contains("looser"), tighter = effects.contains("tighter")
                        let expected = clause["class"] as? String == "omitted" ? "omitted"
                            : looser && tighter ? "mixed" : looser ? "weakened" : tighter ? "strengthened"
                            : effects.isEmpty ? "faithful" : "reworded"
                        #expect(clause["class"] as? String == expected, "\(scenario) \(unit) \(against) clause \(clause["basisId"] ?? "?"): \(effects)")
                    }
                }
            }
        }
        #expect(readings > 20, "\(scenario): only \(readings) readings")
        withExtendedLifetime(keep) {}
    }
}
