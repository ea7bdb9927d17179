import LedgerModel

/// The diff of decided against done: plans read clause by clause against their basis (DESIGN.md, "Fidelity").
///
/// Pure functions over clause values; nothing here reads git or files.
public enum Fidelity {
    /// Text similarity at or above which two texts are taken to say the same thing: leftover clauses of a
    /// plan that kept its ids are matched from here, and modal words and numbers in the text are read.
    public static let sameTextThreshold = 0.5

    /// Reads a plan's clauses against its basis clauses. Readings in basis order; `added` in plan order.
    ///
    /// A basis clause without a counterpart is `omitted`, `declared` when an exemption names its id and
    /// `approved` when that exemption carries an approval.
    public static func diff(basis: [Clause], plan: [Clause], exemptions: [Exemption]) -> PlanDiff {
        let matches = Dictionary(match(basis: basis, plan: plan).map { ($0.basisId, $0) }, uniquingKeysWith: { a, _ in a })
        let planById = Dictionary(plan.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var matchedPlanIds = Set<ClauseID>()
        var readings: [ClauseReading] = []
        for b in basis {
            if let m = matches[b.id], let p = planById[m.planId] {
                matchedPlanIds.insert(p.id)
                readings.append(read(basis: b, plan: p, method: m.method, similarity: m.similarity))
            } else {
                readings.append(omitted(b, exemptions: exemptions))
            }
        }
        return PlanDiff(clauses: readings, added: plan.filter { !matchedPlanIds.contains($0.id) })
    }

    /// Matches basis clause ids to plan clause ids (one-to-one), in basis order.
    ///
    /// By `derivedFrom` first, then by id, then by similarity (see `ClauseMatcher` for the passes,
    /// thresholds and tie-breaks). A renumbered or reordered clause is never left as omitted + added.
    public static func match(basis: [Clause], plan: [Clause]) -> [ClauseMatch] {
        ClauseMatcher.match(basis: basis, plan: plan)
    }

    /// Text similarity in [0,1] over character bigrams of normalised text (works for Chinese and English).
    ///
    /// The Dice coefficient of the two bigram multisets; 1 when the texts are equivalent.
    public static func similarity(_ a: String, _ b: String) -> Double {
        TextNormalizer.similarity(a, b)
    }

    /// Text equal up to whitespace, punctuation, letter case and full-width/half-width forms.
    public static func textEquivalent(_ a: String, _ b: String) -> Bool {
        a == b || TextNormalizer.normalized(a) == TextNormalizer.normalized(b)
    }

    /// The changes between one basis clause and its counterpart, each with its effect.
    public static func changes(from basis: Clause, to plan: Clause) -> [FieldChange] {
        ClauseComparison(basis: basis, plan: plan, textSimilarity: similarity(basis.text, plan.text)).changes
    }

    /// The reading of a matched pair.
    static func read(basis b: Clause, plan p: Clause, method: MatchMethod, similarity: Double) -> ClauseReading {
        let comparison = ClauseComparison(basis: b, plan: p, textSimilarity: similarity)
        return ClauseReading(id: p.id, basisId: b.id, fidelity: comparison.fidelity, changes: comparison.changes,
                             basis: b, plan: p, matchedBy: method, similarity: similarity)
    }

    /// The reading of a basis clause the plan left out.
    static func omitted(_ b: Clause, exemptions: [Exemption]) -> ClauseReading {
        let exemption = exemptions.first { $0.clause == b.id }
        return ClauseReading(id: nil, basisId: b.id, fidelity: .omitted, declared: exemption != nil,
                             approved: exemption?.approval != nil, changes: [], basis: b, plan: nil,
                             matchedBy: nil, similarity: nil)
    }
}

extension PlanDiff {
    /// The reading of one basis clause, by its id.
    public func reading(_ basisId: ClauseID) -> ClauseReading? { clauses.first { $0.basisId == basisId } }

    /// The readings of one class, in basis order.
    public func readings(_ fidelity: FidelityClass) -> [ClauseReading] { clauses.filter { $0.fidelity == fidelity } }
}

/// Remembers plan diffs by what was diffed, for a reader that diffs many plans of which many are
/// alike: plans adopted word for word, or one unit's plan read again in every chain below it.
/// Used by one thread at a time.
///
/// Clause lists are looked up by their storage first: readers that share one array between the
/// plans holding the same list (`PlanDecoder`) find those plans' diffs and chains without hashing
/// a clause. Lists that are equal but stored apart are found by content.
public final class DiffCache {
    private struct Inputs: Hashable {
        var basis: [Clause]
        var plan: [Clause]
        var exemptions: [Exemption]
    }

    /// One hop's inputs by the storage of its clause lists.
    private struct StoredInputs: Hashable {
        var basis: SameStorage<Clause>
        var plan: SameStorage<Clause>
        var exemptions: [Exemption]

        init(basis: [Clause], plan: [Clause], exemptions: [Exemption]) {
            self.basis = SameStorage(basis); self.plan = SameStorage(plan); self.exemptions = exemptions
        }

        init(_ hop: ChainHop) { self.init(basis: hop.basis, plan: hop.plan, exemptions: hop.exemptions) }
    }

    private struct Pair: Hashable {
        var basis: Clause
        var plan: Clause
        var method: MatchMethod
    }

    private var diffs: [Inputs: PlanDiff] = [:]
    private var stored: [StoredInputs: PlanDiff] = [:]
    private var chains: [[StoredInputs]: ChainReading] = [:]
    private var readings: [Pair: ClauseReading] = [:]

    public init() {}

    /// `Fidelity.diff(basis:plan:exemptions:)`, computed once for each distinct input.
    public func diff(basis: [Clause], plan: [Clause], exemptions: [Exemption]) -> PlanDiff {
        let key = StoredInputs(basis: basis, plan: plan, exemptions: exemptions)
        if let known = stored[key] { return known }
        let inputs = Inputs(basis: basis, plan: plan, exemptions: exemptions)
        let diff = diffs[inputs] ?? Fidelity.diff(basis: basis, plan: plan, exemptions: exemptions)
        diffs[inputs] = diff
        stored[key] = diff
        return diff
    }

    /// `read()` of a chain, once for each chain of the same stored clause lists.
    func chain(_ hops: [ChainHop], read: () -> ChainReading) -> ChainReading {
        let key = hops.map(StoredInputs.init)
        if let known = chains[key] { return known }
        let reading = read()
        chains[key] = reading
        return reading
    }

    /// The reading of a plan clause matched to a basis clause by `method`, computed once for each distinct pair.
    public func reading(basis: Clause, plan: Clause, method: MatchMethod) -> ClauseReading {
        let pair = Pair(basis: basis, plan: plan, method: method)
        if let known = readings[pair] { return known }
        let reading = Fidelity.read(basis: basis, plan: plan, method: method, similarity: Fidelity.similarity(basis.text, plan.text))
        readings[pair] = reading
        return reading
    }
}

/// An array as a key by its storage: two are equal when they share one buffer, which (arrays being
/// values that copy on write) means they hold the same elements. Equal arrays stored apart are not
/// equal keys. The key keeps the buffer alive, so its address is not reused while the key exists.
struct SameStorage<Element>: Hashable {
    let array: [Element]

    init(_ array: [Element]) { self.array = array }

    private var address: UnsafeRawPointer? { array.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) } }

    static func == (a: SameStorage, b: SameStorage) -> Bool { a.array.count == b.array.count && a.address == b.address }

    func hash(into hasher: inout Hasher) { hasher.combine(address) }
}
