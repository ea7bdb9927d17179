import LedgerModel

/// One level of a chain of plans: a unit's plan read against the basis it adopted.
public struct ChainHop: Sendable, Hashable {
    public var unit: UnitID
    /// The basis clauses as the unit adopted them (the directive for the first hop, else the parent's plan).
    public var basis: [Clause]
    public var plan: [Clause]
    public var exemptions: [Exemption]

    public init(unit: UnitID, basis: [Clause], plan: [Clause], exemptions: [Exemption] = []) {
        self.unit = unit; self.basis = basis; self.plan = plan; self.exemptions = exemptions
    }
}

/// A chain read hop by hop, and the first basis (the directive) read against the last plan.
public struct ChainReading: Sendable, Hashable {
    /// Each hop's own diff, in chain order: a hop is charged only with what its unit changed.
    public var hops: [PlanDiff]
    /// The first hop's basis against the last hop's plan, clauses matched through every hop.
    public var cumulative: PlanDiff

    public init(hops: [PlanDiff], cumulative: PlanDiff) { self.hops = hops; self.cumulative = cumulative }
}

extension Fidelity {
    /// Walks a chain of hops (directive → province plan → city plan ...): `hops[0].basis` is the directive's clauses.
    ///
    /// Returns each hop's own `PlanDiff` and the cumulative reading of the first basis against the last plan.
    /// A directive clause is followed through each hop's matching; the hop's plan clause is carried to the
    /// next hop's basis by id. A clause omitted at any hop is omitted cumulatively, with `declared`/`approved`
    /// from that hop's exemptions (and omitted, undeclared, when the next basis no longer holds it). A clause
    /// that reaches the last plan is compared with the directive clause directly, so an escalation 30 → 50 → 60
    /// reads 30 → 60, and a change reverted further down reads faithful. Its `matchedBy` is the weakest method
    /// used on the way (similarity, then derivedFrom, then id). Last-plan clauses no directive clause reaches
    /// (added at any hop and carried down) are `added`, in last-plan order.
    public static func chain(_ hops: [ChainHop]) -> ChainReading {
        chain(hops, diffs: hops.map { diff(basis: $0.basis, plan: $0.plan, exemptions: $0.exemptions) })
    }

    /// The chain of plans `contexts` (top first), each read against the basis it adopted.
    /// With `cache`, chains of the same stored clause lists (see `DiffCache`) are read once.
    public static func chain(_ contexts: [PlanContext], cache: DiffCache? = nil) -> ChainReading {
        let hops = contexts.map(\.hop)
        guard let cache else { return chain(hops, diffs: contexts.map(\.ownDiff)) }
        return cache.chain(hops) { chain(hops, diffs: contexts.map(\.ownDiff), cache: cache) }
    }

    /// The same, given each hop's own diff (`diff(basis:plan:exemptions:)` of that hop), so a caller reading
    /// many chains that share their upper hops computes each hop's diff once.
    /// `cache` remembers the readings of directive clauses against final clauses, which units that
    /// carry the same clause share.
    public static func chain(_ hops: [ChainHop], diffs: [PlanDiff], cache: DiffCache? = nil) -> ChainReading {
        precondition(diffs.count == hops.count, "one diff per hop")
        guard let first = hops.first, let last = hops.last else {
            return ChainReading(hops: [], cumulative: PlanDiff(clauses: [], added: []))
        }
        let lastPlan = Dictionary(last.plan.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var reached = Set<ClauseID>()
        var readings: [ClauseReading] = []
        clauses: for directiveClause in first.basis {
            var id = directiveClause.id
            var method = MatchMethod.id
            for (k, hop) in hops.enumerated() {
                guard let reading = diffs[k].reading(id), let next = reading.id, let how = reading.matchedBy else {
                    // Omitted here, or gone from this hop's basis (the parent changed its plan since).
                    readings.append(omitted(directiveClause, exemptedAs: id, exemptions: hop.exemptions))
                    continue clauses
                }
                id = next
                method = weaker(method, how)
            }
            guard let final = lastPlan[id] else {
                readings.append(omitted(directiveClause, exemptedAs: id, exemptions: last.exemptions))
                continue
            }
            reached.insert(id)
            readings.append(cache?.reading(basis: directiveClause, plan: final, method: method)
                ?? read(basis: directiveClause, plan: final, method: method, similarity: similarity(directiveClause.text, final.text)))
        }
        return ChainReading(hops: diffs, cumulative: PlanDiff(clauses: readings, added: last.plan.filter { !reached.contains($0.id) }))
    }

    /// An omitted directive clause, declared when the hop that dropped it exempted it (under its id at that hop).
    private static func omitted(_ b: Clause, exemptedAs id: ClauseID, exemptions: [Exemption]) -> ClauseReading {
        var reading = omitted(b, exemptions: [])
        if let exemption = exemptions.first(where: { $0.clause == id }) {
            reading.declared = true
            reading.approved = exemption.approval != nil
        }
        return reading
    }

    private static func weaker(_ a: MatchMethod, _ b: MatchMethod) -> MatchMethod {
        func rank(_ m: MatchMethod) -> Int {
            switch m {
            case .id: 0
            case .derivedFrom: 1
            case .similarity: 2
            }
        }
        return rank(a) >= rank(b) ? a : b
    }
}
