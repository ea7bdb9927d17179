import Fidelity
@testable import Ledger
import LedgerModel
import LedgerRender
import Testing

/// `status --format csv` read back by an RFC 4180 reader: every field, whatever its text, is the field written.
@Suite("Status CSV")
struct StatusCSVTests {
    /// RFC 4180 fields, scalar by scalar, as a spreadsheet reads them: a quote ends a quoted field
    /// unless another follows it.
    static func read(_ csv: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = ""
        var quoted = false, afterQuote = false
        var scalars = Array(csv.unicodeScalars)[...]
        while let u = scalars.popFirst() {
            if quoted {
                if u == "\"" {
                    if scalars.first == "\"" { scalars.removeFirst(); field.unicodeScalars.append(u) } else { quoted = false; afterQuote = true }
                } else {
                    field.unicodeScalars.append(u)
                }
                continue
            }
            switch u {
            case "\"" where field.isEmpty && !afterQuote: quoted = true
            case ",": row.append(field); field = ""; afterQuote = false
            case "\r": break
            case "\n": row.append(field); rows.append(row); row = []; field = ""; afterQuote = false
            default: field.unicodeScalars.append(u)
            }
        }
        return rows
    }

    static func matrix(targetUnit: String) throws -> StatusMatrix {
        let report = Report(clause: "1", status: .inProgress, values: ["documents_cut_pct": 12], at: try Timestamp("2019-06-05T10:00:00Z"),
                            actor: ActorID("east.office"))
        let cell = StatusCell(clause: "1", planClause: "1", fidelity: .weakened, report: report,
                              target: Target(metric: "documents_cut_pct", op: .atLeast, value: 20, unit: targetUnit))
        let row = StatusRow(unit: try UnitID("cn/east"), level: "province", adoption: .adopted, basisVersion: 1, basisUnit: try UnitID("cn"),
                            cells: [cell], added: [], flags: [:])
        return StatusMatrix(directive: "D-1", title: "t", version: 1, issuer: try UnitID("cn"), issued: try Day("2019-03-11"),
                            commit: String(repeating: "a", count: 40), asOf: nil, clauses: ["1"], rows: [row])
    }

    @Test("a quote followed by a combining mark is doubled too, so it cannot end its field", arguments: [
        "pct\"\u{301},=HYPERLINK(\"http://example.invalid\")", "a \"b\", c", "\"\u{20DD}\"\u{301}", "line\nbreak", "plain",
    ])
    func fieldsReadBack(unit: String) throws {
        let rows = Self.read(StatusText.csv([try Self.matrix(targetUnit: unit)]))
        #expect(rows.count == 2)
        #expect(rows.allSatisfy { $0.count == rows[0].count }, "\(rows)")
        let column = try #require(rows[0].firstIndex(of: "target_unit"))
        #expect(rows[1][column] == unit)
    }
}

@Suite("CSV for spreadsheets")
struct CSVTests {
    @Test("text that a spreadsheet would run is defused, numbers are not, and the file starts with a byte-order mark")
    func cells() {
        let table = CSV(header: ["单位", "note, quoted"], rows: [
            [.text("=HYPERLINK(\"http://example.invalid\")"), .number("-5")],
            [.text("-5"), .text("+1")], [.text("@SUM(A1)"), .text("\tx")], [.text("＝1"), .text("line\nbreak")], [.text("河东区"), .text("plain")],
        ])
        let rows = StatusCSVTests.read(table.text)
        #expect(rows == [["单位", "note, quoted"], ["'=HYPERLINK(\"http://example.invalid\")", "-5"], ["'-5", "'+1"],
                         ["'@SUM(A1)", "'\tx"], ["'＝1", "line\nbreak"], ["河东区", "plain"]])
        #expect(table.text.hasSuffix("plain\r\n"))
        #expect(Array(table.bytesWithBOM.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(Array(table.bytesWithBOM.dropFirst(3)) == Array(table.text.utf8))
    }
}
