import Foundation
import LedgerModel
import Testing
@testable import Fidelity

/// Renumbered plans at size: identical clauses pair first, so a plan that only renumbers and
/// reorders reads faithful however its texts repeat, in time that grows about linearly.
@Suite("Matching renumbered plans at size")
struct MatchingScaleTests {
    /// `count` clauses whose texts repeat every `distinct` clauses, with targets on some.
    static func directive(_ count: Int, distinct: Int) -> [Clause] {
        (0..<count).map { n in
            let k = n % distinct
            return Clause(id: try! ClauseID("c\(n)"), text: "第\(k)项：各地必须精简第\(k)类会议和文件，减轻基层负担。",
                          modality: k % 3 == 0 ? .should : .must,
                          targets: k % 4 == 0 ? [Target(metric: "cut_pct", op: .atLeast, value: Double(10 + k % 7))] : [])
        }
    }

    @Test("a 300-clause plan that only renumbers and reverses identical clauses reads faithful throughout")
    func reversedIdentical() {
        let basis = Self.directive(300, distinct: 40)
        let plan = basis.reversed().enumerated().map { n, c in var c = c; c.id = try! ClauseID("p\(n)"); return c }
        let reading = Fidelity.diff(basis: basis, plan: plan, exemptions: [])
        let misread = reading.clauses.filter { $0.fidelity != .faithful }
        #expect(misread.isEmpty, "\(misread.count) misread: \(misread.prefix(3).map { "\($0.basisId) \($0.fidelity)" })")
        #expect(reading.added.isEmpty)
    }

    @Test("renumbering 3,000 clauses, a few of them edited, is matched without a quadratic pass over all of them")
    func large() {
        let basis = Self.directive(3_000, distinct: 3_000)
        var plan = basis.enumerated().map { n, c in var c = c; c.id = try! ClauseID("p\(n)"); return c }
        for n in stride(from: 5, to: 3_000, by: 500) { plan[n].text += "（加强）" }
        let reading = Fidelity.diff(basis: basis, plan: plan, exemptions: [])
        #expect(reading.clauses.filter { $0.fidelity == .omitted }.isEmpty)
        #expect(reading.clauses.filter { $0.fidelity != .faithful }.count == 6)
    }
}
