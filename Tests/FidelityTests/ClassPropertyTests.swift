import LedgerModel
import Testing
@testable import Fidelity

/// A clause's class follows from its changes' effects, always: `weakened` ⇔ some looser and none
/// tighter, `strengthened` ⇔ some tighter and none looser, `mixed` ⇔ both, `reworded` ⇔ something
/// changed and nothing with an effect, `faithful` ⇔ nothing changed.
@Suite("a clause's class is the sum of its changes' effects")
struct ClassPropertyTests {
    /// The class the changes of `reading` add up to, worked out here independently of Fidelity.
    static func expectedClass(_ reading: ClauseReading) -> FidelityClass {
        if reading.fidelity == .omitted { return .omitted }
        let looser = reading.changes.contains { $0.effect == .looser }
        let tighter = reading.changes.contains { $0.effect == .tighter }
        switch (looser, tighter) {
        case (true, true): return .mixed
        case (true, false): return .weakened
        case (false, true): return .strengthened
        case (false, false): return reading.changes.isEmpty ? .faithful : .reworded
        }
    }

    static func check(_ diff: PlanDiff, _ context: @autoclosure () -> String) -> Int {
        for reading in diff.clauses where reading.fidelity != expectedClass(reading) {
            Issue.record("\(context()): clause \(reading.basisId) reads \(reading.fidelity) with \(reading.changes.map { "\($0.field) \($0.effect)" })")
        }
        return diff.clauses.count
    }


    /// Texts whose modal words cover every strength and both polarities, soft prohibitions included.
    static let texts = [
        "Counties must merge their statistical forms.", "Counties should merge their statistical forms.",
        "Counties may merge their statistical forms.", "Counties must not merge their statistical forms.",
        "Counties should not merge their statistical forms.", "Counties are discouraged from merging their statistical forms.",
        "Merging statistical forms should be avoided.", "Counties must, in principle, merge their statistical forms.",
        "各县必须合并统计报表。", "各县应当合并统计报表。", "各县可以合并统计报表。", "各县不得合并统计报表。", "各县不宜合并统计报表。",
        "各县原则上必须合并统计报表。", "各县原则上不得合并统计报表。", "不提倡各县合并统计报表。", "各县尽量避免合并统计报表。",
        "各县尽量不合并统计报表。", "统计报表合并为一张，压减30%以上。", "统计报表合并为一张，压减20%以上。",
    ]

    static func mutated(_ c: Clause, _ g: inout SeededGenerator) -> Clause {
        var p = c
        for _ in 0..<Int.random(in: 1...3, using: &g) {
            switch Int.random(in: 0..<9, using: &g) {
            case 0: p.modality = Modality.allCases.randomElement(using: &g)!
            case 1: p.text = texts.randomElement(using: &g)!
            case 2: if !p.targets.isEmpty { p.targets[0].value += Double(Int.random(in: -20...20, using: &g)) }
            case 3: if !p.targets.isEmpty { p.targets[0].op = TargetOp.allCases.randomElement(using: &g)! }
            case 4: p.deadline = Bool.random(using: &g) ? nil : Sample.day("2019-12-31").adding(days: Int.random(in: -200...200, using: &g))
            case 5: p.evidence = EvidenceRequirement.allCases.randomElement(using: &g)!
            case 6: p.localize.toggle()
            case 7: p.targets = Bool.random(using: &g) ? [] : p.targets + [Sample.atLeast("extra_pct", 10)]
            default: p.text += Bool.random(using: &g) ? "" : " Locally."
            }
        }
        return p
    }

    @Test("on random edits of every kind, of clauses in English and Chinese")
    func randomEdits() {
        var g = SeededGenerator(seed: 2019)
        let bases = Sample.directive + Self.texts.enumerated().map { n, text in
            Sample.clause(try! ClauseID("t\(n)"), text, n % 5 == 3 ? .mustNot : .must, targets: [Sample.atLeast("forms_cut_pct", 30)],
                          deadline: "2019-12-31")
        }
        var readings = 0
        for round in 0..<250 {
            for b in bases {
                let p = Self.mutated(b, &g)
                readings += Self.check(Fidelity.diff(basis: [b], plan: [p], exemptions: []), "round \(round), \(b.text) → \(p.text)")
            }
        }
        #expect(readings > 5_000)
    }

    @Test("on every plan and chain of the burden-2019 scenario")
    func scenarioReadings() throws {
        let scenario = try BurdenScenario()
        var readings = 0
        for unit in scenario.plans.keys.sorted() {
            readings += Self.check(scenario.diff(unit), "\(unit)")
            let chain = Fidelity.chain(scenario.hops(to: unit))
            readings += Self.check(chain.cumulative, "\(unit) against the directive")
            for hop in chain.hops { readings += Self.check(hop, "\(unit), a hop") }
        }
        #expect(readings > 50)
    }
}
