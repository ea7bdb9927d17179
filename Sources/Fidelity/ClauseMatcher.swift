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

/// Pairs basis clauses with plan clauses, one to one, pass by pass:
///
/// 1. **derivedFrom**: a plan clause that names an existing basis clause is that clause's
///    counterpart, even when another plan clause carries the basis clause's id (the unit said where
///    the clause came from; an equal id after renumbering is a coincidence). When two plan clauses
///    name the same basis clause, the first in plan order wins; the other goes on to the later passes.
///    A `derivedFrom` naming no basis clause is ignored.
/// 2. **id**: equal ids, among clauses not yet paired.
/// 3. **identical**, for what is left: equal normalised text and equal fields, then equal normalised
///    text alone, each basis clause in order taking the first such plan clause (method `similarity`,
///    similarity 1). Hashing keeps this linear, and a plan that only renumbers or reorders clauses
///    is read faithful, even where its texts repeat.
/// 4. **similarity**, for what is left:
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

        // Identical clauses pair first, in order: a clause renumbered or moved but not changed is
        // that clause, whatever scores its neighbours would give it (in linear time, by hashing).
        let renumbered = !plan.contains { basisIndex[$0.id] != nil }
        for sameFields in [true, false] {
            var waiting: [IdenticalKey: [Int]] = [:]
            for p in plan.indices.reversed() where !planTaken.contains(p) {
                waiting[IdenticalKey(plan[p], allFields: sameFields), default: []].append(p)
            }
            for b in basis.indices where !basisTaken.contains(b) {
                let key = IdenticalKey(basis[b], allFields: sameFields)
                guard let p = waiting[key]?.popLast() else { continue }
                pair(b, p, .similarity)
            }
        }

        let leftBasis = basis.indices.filter { !basisTaken.contains($0) }
        let leftPlan = plan.indices.filter { !planTaken.contains($0) }
        if !leftBasis.isEmpty, !leftPlan.isEmpty {
            // Each text is normalised and cut into bigrams once, not once per pair.
            let basisProfiles = leftBasis.map { TextProfile(basis[$0].text) }, planProfiles = leftPlan.map { TextProfile(plan[$0].text) }
            let basisFields = leftBasis.map { FieldProfile(basis, $0) }, planFields = leftPlan.map { FieldProfile(plan, $0) }
            var candidates: [(b: Int, p: Int, score: Double)] = []
            for (i, b) in leftBasis.enumerated() {
                for (j, p) in leftPlan.enumerated() {
                    let text = basisProfiles[i].similarity(to: planProfiles[j])
                    if renumbered {
                        let score = 0.6 * text + basisFields[i].score(with: planFields[j])
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

    /// What makes two clauses identical for matching: their normalised text, and with `allFields`
    /// also modality, targets, deadline, evidence and localisation (ids, titles, derivations and reasons aside).
    struct IdenticalKey: Hashable {
        var text: [Unicode.Scalar]
        var fields: Clause?

        init(_ clause: Clause, allFields: Bool) {
            text = TextNormalizer.normalized(clause.text)
            if allFields {
                var c = clause
                c.id = ""; c.title = nil; c.derivedFrom = nil; c.reason = nil; c.text = ""
                fields = c
            }
        }
    }

    /// A text made ready for similarity: normalised, its bigrams counted.
    struct TextProfile {
        var normalized: [Unicode.Scalar]
        /// The bigram multiset, sorted by bigram: two profiles meet by one merge, without hashing.
        var grams: [UInt64]
        var counts: [Int]
        var total: Int

        init(_ text: String) {
            normalized = TextNormalizer.normalized(text)
            let sorted = TextNormalizer.bigrams(normalized).sorted { $0.key < $1.key }
            grams = sorted.map(\.key); counts = sorted.map(\.value)
            total = counts.reduce(0, +)
        }

        /// `TextNormalizer.similarity` of the two texts.
        func similarity(to other: TextProfile) -> Double {
            if normalized.count == other.normalized.count, normalized == other.normalized { return 1 }
            if normalized.isEmpty || other.normalized.isEmpty { return 0 }
            // Called for every pair of leftover clauses: buffers, so the loop neither retains nor checks bounds.
            let shared = grams.withUnsafeBufferPointer { g in
                other.grams.withUnsafeBufferPointer { h in
                    counts.withUnsafeBufferPointer { c in
                        other.counts.withUnsafeBufferPointer { d in
                            var shared = 0, i = 0, j = 0
                            while i < g.count, j < h.count {
                                if g[i] == h[j] { shared += min(c[i], d[j]); i += 1; j += 1 } else if g[i] < h[j] { i += 1 } else { j += 1 }
                            }
                            return shared
                        }
                    }
                }
            }
            return Double(2 * shared) / Double(total + other.total)
        }
    }

    /// The fields of a clause `combinedScore` reads besides its text, read once per clause.
    struct FieldProfile {
        var metrics: [String]
        var deadline: Day?
        var localize: Bool
        var position: Double

        init(_ clauses: [Clause], _ n: Int) {
            let c = clauses[n]
            metrics = Array(Set(c.targets.map(\.metric))).sorted()
            deadline = c.deadline; localize = c.localize
            position = clauses.count > 1 ? Double(n) / Double(clauses.count - 1) : 0
        }

        /// `combinedScore` without its text part.
        func score(with other: FieldProfile) -> Double {
            let shared = metrics.count(where: other.metrics.contains)
            let union = metrics.count + other.metrics.count - shared
            let metricScore = union == 0 ? 1 : Double(shared) / Double(union)
            return 0.15 * metricScore + 0.1 * (deadline == other.deadline ? 1 : 0) + 0.1 * (1 - abs(position - other.position))
                + 0.05 * (localize == other.localize ? 1 : 0)
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
