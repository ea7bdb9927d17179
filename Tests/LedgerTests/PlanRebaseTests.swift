import LedgerModel
import Testing
@testable import Ledger

/// The merge `plan rebase` writes, clause by clause, without a ledger.
@Suite("plan rebase: the three-way merge")
struct PlanRebaseTests {
    func clause(_ id: String, _ text: String, derivedFrom: String? = nil) throws -> Clause {
        Clause(id: try ClauseID(id), text: text, modality: .must, derivedFrom: try derivedFrom.map { try ClauseID($0) })
    }

    func step(_ id: String, _ resolution: PlanRebase.Resolution, old: Clause?, new: Clause?, own: Clause?) throws -> PlanRebase.Step {
        PlanRebase.Step(clause: try ClauseID(id), resolution: resolution, old: old, new: new, own: own)
    }

    @Test("each side's change is taken where only it changed; conflicts need a side; exemptions follow the new basis")
    func merge() throws {
        let a0 = try clause("1", "old 1"), a1 = try clause("1", "new 1")
        let b0 = try clause("2", "old 2"), bOwn = try clause("2", "own 2")
        let c0 = try clause("3", "old 3"), c1 = try clause("3", "basis 3"), cOwn = try clause("3b", "own 3", derivedFrom: "3")
        let d1 = try clause("4", "new clause")
        let e0 = try clause("5", "dropped")
        let added = try clause("X", "the unit's own")
        let rebase = PlanRebase(
            directive: try DirectiveID("D-1"), unit: try UnitID("cn/a"), from: try UnitID("cn"),
            oldBasis: Basis(kind: .directive, unit: try UnitID("cn"), version: 1, commit: String(repeating: "0", count: 40)),
            newVersion: 2, newBasisClauses: [a1, b0, c1, d1],
            steps: [
                try step("1", .basis, old: a0, new: a1, own: a0),
                try step("2", .own, old: b0, new: b0, own: bOwn),
                try step("3", .conflict, old: c0, new: c1, own: cOwn),
                try step("4", .addedByBasis, old: nil, new: d1, own: nil),
                try step("5", .removedByBasis, old: e0, new: nil, own: e0),
                try step("X", .addedByUnit, old: nil, new: nil, own: added),
            ],
            exemptions: [Exemption(clause: try ClauseID("4"), reason: "r"), Exemption(clause: try ClauseID("5"), reason: "gone")],
            upToDate: false)
        #expect(rebase.merged(taking: nil) == nil)
        #expect(rebase.conflicts.map(\.clause.rawValue) == ["3"])
        let ours = try #require(rebase.merged(taking: .ours))
        #expect(ours.clauses.map(\.text) == ["new 1", "own 2", "own 3", "new clause", "the unit's own"])
        // Clause 4 is in the plan now, so its exemption goes; clause 5 left the basis, so its exemption goes too.
        #expect(ours.exemptions == [])
        let theirs = try #require(rebase.merged(taking: .theirs))
        let three = try #require(theirs.clauses.first { $0.text == "basis 3" })
        // The basis's text under the id the unit gave it.
        #expect(three.id.rawValue == "3b" && three.derivedFrom?.rawValue == "3")
    }
}
