import LedgerModel
import Testing
@testable import Fidelity

@Suite("the chain of plans, hop by hop and cumulatively")
struct ChainDiffTests {
    let directive = Sample.directive
    let province = try! UnitID("cn/south"), city = try! UnitID("cn/south/bay"), county = try! UnitID("cn/south/bay/x")

    func withTarget(_ clauses: [Clause], _ value: Double) -> [Clause] {
        clauses.map { c in c.id == "1" ? Sample.edited(c) { $0.targets[0].value = value } : c }
    }

    @Test("a cache reads each chain as without it, whether the clause lists are shared arrays, equal copies or different")
    func cachedChainsReadAsUncached() throws {
        func context(_ unit: UnitID, basis: [Clause], plan: [Clause], exempt: ClauseID? = nil) -> PlanContext {
            let p = Plan(directive: "D-1", unit: unit, basis: Basis(kind: .plan, unit: unit, version: 1, commit: String(repeating: "0", count: 40)),
                         adopted: Timestamp(seconds: 0), clauses: plan,
                         exemptions: exempt.map { [Exemption(clause: $0, reason: "not here")] } ?? [])
            return PlanContext(plan: p, basisClauses: basis, progress: nil)
        }
        let weaker = withTarget(directive, 20), copy = directive   // `copy` shares `directive`'s storage
        let equal = try [Clause](json: directive.json, at: .root)             // equal content, its own storage
        let dropped = Array(weaker.dropFirst())
        let chains: [[PlanContext]] = [
            [context(province, basis: directive, plan: weaker), context(city, basis: weaker, plan: weaker)],
            [context(province, basis: copy, plan: weaker), context(city, basis: weaker, plan: weaker)],
            [context(province, basis: equal, plan: weaker), context(city, basis: weaker, plan: weaker)],
            [context(province, basis: directive, plan: weaker), context(city, basis: weaker, plan: dropped)],
            [context(province, basis: directive, plan: weaker), context(city, basis: weaker, plan: dropped, exempt: "1")],
            [context(province, basis: directive, plan: directive), context(city, basis: directive, plan: dropped)],
        ]
        let cache = DiffCache()
        for _ in 0..<2 {
            for (n, chain) in chains.enumerated() {
                #expect(Fidelity.chain(chain, cache: cache) == Fidelity.chain(chain), "chain \(n)")
            }
        }
        #expect(Fidelity.chain(chains[4], cache: cache).cumulative.reading("1")?.declared == true)
        #expect(Fidelity.chain(chains[3], cache: cache).cumulative.reading("1")?.declared == false)
    }

    @Test("a 30 → 50 → 60 escalation reads strengthened at each hop and 30 → 60 cumulatively")
    func escalation() {
        let provincial = withTarget(directive, 50), municipal = withTarget(directive, 60)
        let reading = Fidelity.chain([
            ChainHop(unit: province, basis: directive, plan: provincial, exemptions: []),
            ChainHop(unit: city, basis: provincial, plan: municipal, exemptions: []),
        ])
        #expect(reading.hops.map { $0.reading("1")?.fidelity } == [.strengthened, .strengthened])
        #expect(reading.hops[1].reading("1")?.changes.first?.from == .integer(50))
        let cumulative = reading.cumulative.reading("1")
        #expect(cumulative?.fidelity == .strengthened)
        #expect(cumulative?.changes == [FieldChange(field: "targets[0].value", from: .integer(30), to: .integer(60), effect: .tighter)])
        #expect(reading.cumulative.clauses.filter { $0.basisId != "1" }.allSatisfy { $0.fidelity == .faithful })
    }

    @Test("a child that copies its parent is faithful at its hop, while the cumulative reading shows the parent's weakening")
    func inheritedWeakening() {
        let provincial = withTarget(directive, 20)
        let reading = Fidelity.chain([
            ChainHop(unit: province, basis: directive, plan: provincial),
            ChainHop(unit: city, basis: provincial, plan: provincial),
        ])
        #expect(reading.hops[0].reading("1")?.fidelity == .weakened)
        #expect(reading.hops[1].clauses.allSatisfy { $0.fidelity == .faithful })
        #expect(reading.cumulative.reading("1")?.fidelity == .weakened)
    }

    @Test("a clause omitted at one hop is omitted cumulatively, with that hop's exemption")
    func omittedOnTheWay() {
        let provincial = directive.filter { $0.id != "3" && $0.id != "5" }
        let exemption = Exemption(clause: "3", reason: "No implementing rules here.", approval: Sample.approval)
        let reading = Fidelity.chain([
            ChainHop(unit: province, basis: directive, plan: provincial, exemptions: [exemption]),
            ChainHop(unit: city, basis: provincial, plan: provincial),
            ChainHop(unit: county, basis: provincial, plan: provincial),
        ])
        let three = reading.cumulative.reading("3"), five = reading.cumulative.reading("5")
        #expect(three?.fidelity == .omitted && three?.declared == true && three?.approved == true)
        #expect(five?.fidelity == .omitted && five?.declared == false && five?.approved == false)
        #expect(reading.hops[1].clauses.count == 5)
    }

    @Test("a clause added at one hop and carried down is added cumulatively, but not at the later hops")
    func addedOnTheWay() {
        let weekly = Sample.clause("8", "Every county reports its progress to the province every week.", evidence: .activity)
        let provincial = directive + [weekly]
        let reading = Fidelity.chain([
            ChainHop(unit: province, basis: directive, plan: provincial),
            ChainHop(unit: city, basis: provincial, plan: provincial),
        ])
        #expect(reading.hops.map { $0.added.map(\.id) } == [["8"], []])
        #expect(reading.hops[1].reading("8")?.fidelity == .faithful)
        #expect(reading.cumulative.added.map(\.id) == ["8"])
        #expect(reading.cumulative.clauses.count == directive.count)
    }

    @Test("renumbering below is followed through: the cumulative reading names the last plan's ids")
    func renumberedBelow() {
        let provincial = withTarget(directive, 20)
        let letters: [ClauseID] = ["A", "B", "C", "D", "E", "F", "G"]
        let municipal = provincial.enumerated().map { i, c in Sample.edited(c) { $0.id = letters[i] } }
        let reading = Fidelity.chain([
            ChainHop(unit: province, basis: directive, plan: provincial),
            ChainHop(unit: city, basis: provincial, plan: municipal),
        ])
        #expect(reading.hops[1].clauses.allSatisfy { $0.fidelity == .faithful })
        #expect(reading.cumulative.clauses.map(\.id) == letters)
        #expect(reading.cumulative.reading("1")?.fidelity == .weakened)
        #expect(reading.cumulative.reading("1")?.matchedBy == .similarity)
        #expect(reading.cumulative.added.isEmpty)
    }

    @Test("a change undone further down reads faithful cumulatively")
    func reverted() {
        let provincial = withTarget(directive, 20)
        let reading = Fidelity.chain([
            ChainHop(unit: province, basis: directive, plan: provincial),
            ChainHop(unit: city, basis: provincial, plan: directive),
        ])
        #expect(reading.hops.map { $0.reading("1")?.fidelity } == [.weakened, .strengthened])
        #expect(reading.cumulative.reading("1")?.fidelity == .faithful)
    }

    @Test("one hop: the cumulative reading is that hop's diff; no hops: an empty reading")
    func degenerate() {
        let provincial = withTarget(directive, 20)
        let one = Fidelity.chain([ChainHop(unit: province, basis: directive, plan: provincial)])
        #expect(one.cumulative == one.hops[0])
        let none = Fidelity.chain([])
        #expect(none.hops.isEmpty && none.cumulative.clauses.isEmpty && none.cumulative.added.isEmpty)
    }
}

@Suite("The ranking of deviations")
struct DeviationRankingTests {
    func clause(_ id: String, _ value: Double, deadline: String = "2020-12-31") throws -> Clause {
        Clause(id: try ClauseID(id), text: "Cut forms by \(Int(value))%.", modality: .must,
               targets: [Target(metric: "forms_cut_pct", op: .atLeast, value: value, unit: "%")],
               deadline: try Day(deadline), evidence: .outcome, localize: false)
    }

    @Test("looser changes and unapproved omissions count 3, tightening and added clauses 2; ties go to the unit with more flags")
    func ranking() throws {
        let basis = [try clause("1", 30), try clause("2", 30)]
        let weakened = Fidelity.diff(basis: basis, plan: [try clause("1", 20), try clause("2", 30)], exemptions: [])
        let strengthened = Fidelity.diff(basis: basis, plan: [try clause("1", 40), try clause("2", 30), try clause("3", 10)], exemptions: [])
        let omitted = Fidelity.diff(basis: basis, plan: [try clause("1", 30)], exemptions: [])
        let faithful = Fidelity.diff(basis: basis, plan: basis, exemptions: [])
        #expect(Deviations.score(weakened) == 3)
        #expect(Deviations.score(strengthened) == 4)
        #expect(Deviations.score(omitted) == 3)
        #expect(Deviations.score(faithful) == 0)
        let a = try UnitID("cn/a"), b = try UnitID("cn/b"), c = try UnitID("cn/c"), d = try UnitID("cn/d")
        let ranked = Deviations.rank([(a, weakened), (b, strengthened), (c, omitted), (d, faithful)],
                                     flags: [Flag(kind: .selective, unit: c, detail: .null), Flag(kind: .overdue, unit: a, detail: .null),
                                             Flag(kind: .overdue, unit: a, detail: .null)])
        #expect(ranked.map(\.unit) == [b, c, a])
        #expect(ranked.map(\.flags) == [0, 1, 0])
    }
}
