import LedgerModel

/// One basis clause paired with its plan counterpart.
public struct ClauseMatch: Sendable, Hashable {
    public var basisId: ClauseID
    public var planId: ClauseID
    public var method: MatchMethod
    /// Text similarity of the pair in [0, 1].
    public var similarity: Double

    public init(basisId: ClauseID, planId: ClauseID, method: MatchMethod, similarity: Double) {
        self.basisId = basisId; self.planId = planId; self.method = method; self.similarity = similarity
    }
}

/// Pairs basis clauses with plan clauses, one to one, in four passes:
///
/// 1. **derivedFrom**: a plan clause that names an existing basis clause is that clause's
///    counterpart, even when another plan clause carries the basis clause's id (the unit said where
///    the clause came from; an equal id after renumbering is a coincidence). When two plan clauses
///    name the same basis clause, the first in plan order wins; the other goes on to the later passes.
///    A `derivedFrom` naming no basis clause is ignored.
/// 2. **id**: equal ids, among clauses not yet paired.
/// 3. **similarity**, for what is left:
///    - if no plan clause id is a basis clause id (a renumbered plan), the best one-to-one assignment
///      on `combinedScore` (text 0.6, target metrics 0.15, deadline 0.1, position 0.1, localize 0.05),
///      taken greedily, best score first; a pair scoring under `renumberedFloor` (0.3) shares nothing
///      and stays apart;
///    - otherwise a pair is matched only when its text similarity is at least `sameTextThreshold` (0.5),
///      again best first.
///    Ties go to the earlier basis clause, then to the earlier plan clause.
enum ClauseMatcher {
    static func match(basis: [Clause], plan: [Clause]) -> [ClauseMatch] {
        var planForBasis: [Int: (plan: Int, method: MatchMethod)] = [:]
        var basisTaken = Set<Int>(), planTaken = Set<Int>()
        let basisIndex = Dictionary(basis.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        let planIndex = Dictionary(plan.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })

        func pair(_ b: Int, _ p: Int, _ method: MatchMethod) {
            planForBasis[b] = (p, method); basisTaken.insert(b); planTaken.insert(p)
        }

        for (p, clause) in plan.enumerated() {
            guard let source = clause.derivedFrom, let b = basisIndex[source], !basisTaken.contains(b) else { continue }
            pair(b, p, clause.id == source ? .id : .derivedFrom)
        }
        for (b, clause) in basis.enumerated() where !basisTaken.contains(b) {
            guard let p = planIndex[clause.id], !planTaken.contains(p) else { continue }
            // A plan clause whose derivedFrom names another basis clause is not this one's by id.
            if let source = plan[p].derivedFrom, source != clause.id, basisIndex[source] != nil { continue }
            pair(b, p, .id)
        }

        let leftBasis = basis.indices.filter { !basisTaken.contains($0) }
        let leftPlan = plan.indices.filter { !planTaken.contains($0) }
        if !leftBasis.isEmpty, !leftPlan.isEmpty {
            let renumbered = !plan.contains { basisIndex[$0.id] != nil }
            var candidates: [(b: Int, p: Int, score: Double)] = []
            for b in leftBasis {
                for p in leftPlan {
                    let text = Fidelity.similarity(basis[b].text, plan[p].text)
                    if renumbered {
                        let score = combinedScore(basis, b, plan, p, text: text)
                        if score >= renumberedFloor { candidates.append((b, p, score)) }
                    } else if text >= Fidelity.sameTextThreshold {
                        candidates.append((b, p, text))
                    }
                }
            }
            // Stable order: best score first, then earlier basis clause, then earlier plan clause.
            candidates.sort { x, y in x.score != y.score ? x.score > y.score : x.b != y.b ? x.b < y.b : x.p < y.p }
            for c in candidates where !basisTaken.contains(c.b) && !planTaken.contains(c.p) {
                pair(c.b, c.p, .similarity)
            }
        }

        return basis.indices.compactMap { b in
            guard let (p, method) = planForBasis[b] else { return nil }
            return ClauseMatch(basisId: basis[b].id, planId: plan[p].id, method: method,
                               similarity: Fidelity.similarity(basis[b].text, plan[p].text))
        }
    }

    /// Below this combined score a renumbered pair has nothing in common and is not matched.
    static let renumberedFloor = 0.3

    /// Similarity of a basis clause and a plan clause of a renumbered plan, in [0, 1].
    static func combinedScore(_ basis: [Clause], _ b: Int, _ plan: [Clause], _ p: Int, text: Double) -> Double {
        let x = basis[b], y = plan[p]
        let metricsX = Set(x.targets.map(\.metric)), metricsY = Set(y.targets.map(\.metric))
        let union = metricsX.union(metricsY)
        let metrics = union.isEmpty ? 1 : Double(metricsX.intersection(metricsY).count) / Double(union.count)
        let deadline: Double = x.deadline == y.deadline ? 1 : 0
        let localize: Double = x.localize == y.localize ? 1 : 0
        let relativeX = basis.count > 1 ? Double(b) / Double(basis.count - 1) : 0
        let relativeY = plan.count > 1 ? Double(p) / Double(plan.count - 1) : 0
        let position = 1 - abs(relativeX - relativeY)
        return 0.6 * text + 0.15 * metrics + 0.1 * deadline + 0.1 * position + 0.05 * localize
    }
}
