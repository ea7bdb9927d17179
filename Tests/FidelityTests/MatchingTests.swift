import LedgerModel
import Testing
@testable import Fidelity

@Suite("matching plan clauses to basis clauses")
struct MatchingTests {
    let basis = Sample.directive

    @Test("a reordered plan matches every clause by id and reads faithful")
    func reordered() {
        let plan = [basis[3], basis[0], basis[6], basis[1], basis[2], basis[5], basis[4]]
        let matches = Fidelity.match(basis: basis, plan: plan)
        #expect(matches.map(\.basisId) == basis.map(\.id))
        #expect(matches.allSatisfy { $0.method == .id && $0.basisId == $0.planId && $0.similarity == 1 })
        let diff = Fidelity.diff(basis: basis, plan: plan, exemptions: [])
        #expect(diff.clauses.allSatisfy { $0.fidelity == .faithful })
        #expect(diff.added.isEmpty)
    }

    @Test("a plan renumbered A–G without derivedFrom is matched by similarity, never omitted and added")
    func renumberedWithoutDerivedFrom() {
        let letters: [ClauseID] = ["A", "B", "C", "D", "E", "F", "G"]
        // Also shuffled, so that position alone cannot explain the match.
        let order = [2, 0, 1, 3, 6, 5, 4]
        let plan = order.map { i in Sample.edited(basis[i]) { $0.id = letters[i] } }
        let matches = Fidelity.match(basis: basis, plan: plan)
        #expect(matches.map(\.planId) == letters)
        #expect(matches.allSatisfy { $0.method == .similarity })
        let diff = Fidelity.diff(basis: basis, plan: plan, exemptions: [])
        #expect(diff.added.isEmpty)
        #expect(diff.clauses.allSatisfy { $0.fidelity == .faithful })
    }

    @Test("a rewritten localised clause of a renumbered plan is still matched, on its fields and position")
    func renumberedLocalised() {
        var plan = basis.enumerated().map { i, c in Sample.edited(c) { $0.id = ClauseID(unchecked: "p\(i + 1)") } }
        plan[6].text = "Hold a quarterly open day where township staff can raise excessive burdens directly with the city."
        let diff = Fidelity.diff(basis: basis, plan: plan, exemptions: [])
        #expect(diff.reading("7")?.id == "p7")
        #expect(diff.reading("7")?.fidelity == .reworded)
        #expect(diff.added.isEmpty)
    }

    @Test("a renumbered plan with one more clause leaves exactly that clause added")
    func renumberedWithAddition() {
        var plan = basis.enumerated().map { i, c in Sample.edited(c) { $0.id = ClauseID(unchecked: "p\(i + 1)") } }
        plan.insert(Sample.clause("p0", "Every county reports its burden-reduction progress to the province every week.",
                                  targets: [Sample.atLeast("weekly_reports", 52)], deadline: "2019-03-31", evidence: .activity), at: 0)
        let diff = Fidelity.diff(basis: basis, plan: plan, exemptions: [])
        #expect(diff.added.map(\.id) == ["p0"])
        #expect(diff.clauses.map(\.id) == ["p1", "p2", "p3", "p4", "p5", "p6", "p7"])
    }

    @Test("derivedFrom matches a renumbered clause and wins over a coincidental id")
    func derivedFrom() {
        // The plan dropped clause 1 and renumbered 2 → 1, 3 → 2: ids now collide with the wrong basis clauses.
        let b = Array(basis.prefix(3))
        let plan = [
            Sample.edited(b[1]) { $0.id = "1"; $0.derivedFrom = "2" },
            Sample.edited(b[2]) { $0.id = "2"; $0.derivedFrom = "3" },
        ]
        let matches = Fidelity.match(basis: b, plan: plan)
        #expect(matches == [
            ClauseMatch(basisId: "2", planId: "1", method: .derivedFrom, similarity: 1),
            ClauseMatch(basisId: "3", planId: "2", method: .derivedFrom, similarity: 1),
        ])
        let diff = Fidelity.diff(basis: b, plan: plan, exemptions: [])
        #expect(Sample.classes(diff) == ["1": .omitted, "2": .faithful, "3": .faithful])
        #expect(diff.added.isEmpty)
    }

    @Test("a derivedFrom naming no basis clause is ignored and the id decides")
    func danglingDerivedFrom() {
        let plan = [Sample.edited(basis[0]) { $0.derivedFrom = "99" }]
        #expect(Fidelity.match(basis: [basis[0]], plan: plan).first?.method == .id)
    }

    @Test("when ids are shared, a leftover pair is matched only at text similarity 0.5 or more")
    func leftoverThreshold() {
        let b = Array(basis.prefix(3))
        let plan = [
            b[0],
            Sample.edited(b[1]) { $0.id = "2a" }, // same text, new id: matched by similarity
            Sample.clause("9", "Hold a quarterly open day for township staff.", .mustNot, evidence: .any), // unrelated to 3
        ]
        let diff = Fidelity.diff(basis: b, plan: plan, exemptions: [])
        #expect(diff.reading("2")?.id == "2a")
        #expect(diff.reading("2")?.matchedBy == .similarity)
        #expect(diff.reading("3")?.fidelity == .omitted)
        #expect(diff.added.map(\.id) == ["9"])
    }

    @Test("equal candidates go to the earlier basis clause, then the earlier plan clause")
    func tieBreak() {
        let text = "Publish the list of inspection items."
        // Clause 0 keeps its id, so the leftovers are matched on text alone, and all four pairs tie.
        let b = [basis[0], Sample.clause("a", text), Sample.clause("b", text)]
        let plan = [basis[0], Sample.clause("x", text), Sample.clause("y", text)]
        let matches = Fidelity.match(basis: b, plan: plan)
        #expect(matches.map(\.planId) == ["1", "x", "y"])
    }
}
