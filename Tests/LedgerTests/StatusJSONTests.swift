import Fidelity
@testable import Ledger
import LedgerModel
import Testing

/// The status matrix is written as it goes (`StatusMatrix.writeJSON`), in batches of rows on several
/// threads; what it writes must be exactly `CanonicalJSON.encode` of the matrix's `json`.
@Suite("Status JSON written as it goes")
struct StatusJSONTests {
    /// Rows enough for several batches, of every shape a row can take: cells in column order or not,
    /// columns missing or repeated, with and without reports, targets, flags and a level.
    static func matrix(rows count: Int) throws -> StatusMatrix {
        let columns: [ClauseID] = ["1", "10", "2", "x", "不"]
        let classes = FidelityClass.allCases
        let kinds = FlagKind.allCases
        let rows = try (0..<count).map { n -> StatusRow in
            var cells = columns.enumerated().map { c, id -> StatusCell in
                let reported = (n + c) % 3 == 0
                let report = reported ? Report(clause: id, status: .done, values: ["documents_cut_pct": Double(n % 50) + 0.5],
                                               at: Timestamp(seconds: 1_570_000_000 + Int64(n)), actor: ActorID("a.b")) : nil
                return StatusCell(clause: id, planClause: n % 7 == c ? nil : id, fidelity: n % 11 == c ? nil : classes[(n + c) % classes.count],
                                  declared: (n + c) % 5 == 0, approved: (n + c) % 10 == 0, report: report,
                                  target: (n + c) % 2 == 0 ? Target(metric: "documents_cut_pct", op: .atLeast, value: 30, unit: n % 4 == 0 ? nil : "%") : nil)
            }
            switch n % 13 {
            case 0: cells.reverse()                         // another order
            case 1: cells.removeLast()                       // a column missing
            case 2: cells.append(cells[0])                   // a column twice: the first stands
            default: break
            }
            var flags: [FlagKind: Int] = [:]
            for k in 0..<(n % 4) { flags[kinds[(n + k * 5) % kinds.count]] = k + 1 }
            return StatusRow(unit: try UnitID("cn/u\(n)"), level: n % 6 == 0 ? nil : "county", adoption: n % 9 == 0 ? .behind : .adopted,
                             basisVersion: n % 8 == 0 ? nil : 1, basisUnit: n % 8 == 0 ? nil : try UnitID("cn"), cells: cells,
                             added: n % 5 == 0 ? ["9"] : n % 7 == 0 ? ["8", "不", "a\"b"] : [], flags: flags)
        }
        return StatusMatrix(directive: "D-1", title: "A \"title\" / with escapes\n", version: 2, issuer: try UnitID("cn"),
                            issued: try Day("2019-03-11"), commit: String(repeating: "a", count: 40), asOf: nil,
                            clauses: columns, rows: rows)
    }

    @Test("the bytes are those of CanonicalJSON.encode, in several pieces, for a matrix of several batches", arguments: [0, 1, 4_500])
    func sameBytes(rows: Int) throws {
        let matrices = [try Self.matrix(rows: rows), try Self.matrix(rows: 3)]
        let expected = CanonicalJSON.encode(.object(["matrices": .array(matrices.map(\.json))]))
        var pieces: [[UInt8]] = []
        StatusMatrix.writeJSON(matrices) { pieces.append($0) }
        #expect(pieces.joined().elementsEqual(expected))
        #expect(StatusMatrix.encodeJSON(matrices) == expected)
        if rows > 4_000 { #expect(pieces.count > 3, "rows are handed over in batches, not at the end") }
    }
}
