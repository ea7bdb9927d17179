import LedgerModel

/// How faithfully a plan carries one basis clause.
public enum FidelityClass: String, Sendable, CaseIterable, JSONEnum {
    case faithful, reworded, weakened, strengthened, mixed, omitted
}

/// Which way a change moves an obligation.
public enum Effect: String, Sendable, CaseIterable, JSONEnum {
    case looser, tighter, neutral
}

/// One field that differs between a basis clause and its plan counterpart,
/// e.g. `{"field": "targets[0].value", "from": 30, "to": 20, "effect": "looser"}`.
public struct FieldChange: Sendable, Hashable, JSONWritable {
    public var field: String
    public var from: JSONValue
    public var to: JSONValue
    public var effect: Effect

    public init(field: String, from: JSONValue, to: JSONValue, effect: Effect) {
        self.field = field; self.from = from; self.to = to; self.effect = effect
    }

    public var json: JSONValue { jsonObject(["field": field, "from": from, "to": to, "effect": effect]) }
}

/// How a basis clause found its plan counterpart.
public enum MatchMethod: String, Sendable, JSONEnum {
    case id
    case derivedFrom
    case similarity
}

/// The reading of one basis clause against a plan.
public struct ClauseReading: Sendable, Hashable {
    /// The plan's clause id; nil when omitted.
    public var id: ClauseID?
    public var basisId: ClauseID
    public var fidelity: FidelityClass
    /// For an omitted clause: the plan declared an exemption for it.
    public var declared: Bool
    /// For an omitted clause: a supervisor approved that exemption.
    public var approved: Bool
    public var changes: [FieldChange]
    public var basis: Clause
    public var plan: Clause?
    public var matchedBy: MatchMethod?
    /// Text similarity of the pair in [0, 1] (1 when equal up to normalisation); nil when omitted.
    public var similarity: Double?

    public init(id: ClauseID?, basisId: ClauseID, fidelity: FidelityClass, declared: Bool = false, approved: Bool = false,
                changes: [FieldChange], basis: Clause, plan: Clause?, matchedBy: MatchMethod?, similarity: Double?) {
        self.id = id; self.basisId = basisId; self.fidelity = fidelity; self.declared = declared; self.approved = approved
        self.changes = changes; self.basis = basis; self.plan = plan; self.matchedBy = matchedBy; self.similarity = similarity
    }
}

/// A plan read against its basis: one reading per basis clause, in basis order, and the added clauses.
public struct PlanDiff: Sendable, Hashable {
    public var clauses: [ClauseReading]
    /// Plan clauses with no basis counterpart, in plan order.
    public var added: [Clause]

    public init(clauses: [ClauseReading], added: [Clause]) { self.clauses = clauses; self.added = added }
}

/// The kinds of formalism indicator (DESIGN.md, "Formalism indicators").
public enum FlagKind: String, Sendable, CaseIterable, JSONEnum {
    case notAdopted = "not-adopted"
    case selective, adapted, escalated
    case notLocalized = "not-localized"
    case paperOnly = "paper-only"
    case unverifiedDone = "unverified-done"
    case targetMissed = "target-missed"
    case backdated
    case deadlineRush = "deadline-rush"
    case reusedEvidence = "reused-evidence"
    case stale, overdue
    case openLoop = "open-loop"
    case burden
    /// A plan clause whose text hides characters a reader cannot see (zero-width, bidi controls):
    /// what it says to a machine is not what it shows a supervisor.
    case hiddenText = "hidden-text"
}

/// One indicator raised against one unit.
public struct Flag: Sendable, Hashable, JSONWritable {
    public var kind: FlagKind
    public var unit: UnitID
    public var directive: DirectiveID?
    /// The flagged unit's own plan clause id; for an omitted clause, the basis id.
    public var clause: ClauseID?
    public var finding: FindingID?
    /// The clauses, commits, dates and counts that triggered it.
    public var detail: JSONValue

    public init(kind: FlagKind, unit: UnitID, directive: DirectiveID? = nil, clause: ClauseID? = nil,
                finding: FindingID? = nil, detail: JSONValue = .object([:])) {
        self.kind = kind; self.unit = unit; self.directive = directive; self.clause = clause
        self.finding = finding; self.detail = detail
    }

    /// Always the six keys, `null` where a flag has no directive, clause or finding.
    public var json: JSONValue {
        .object([
            "kind": kind.json, "unit": unit.json, "directive": directive?.json ?? .null,
            "clause": clause?.json ?? .null, "finding": finding?.json ?? .null, "detail": detail,
        ])
    }
}

/// One unit's plan with what the indicators need to read it.
public struct PlanContext: Sendable {
    public var plan: Plan
    /// The basis clauses as they were when the unit adopted (read at `plan.basis.commit`).
    public var basisClauses: [Clause]
    public var progress: Progress?
    /// The plan read against its basis, when the reader computed it already (see `ownDiff`).
    public var knownDiff: PlanDiff?

    public init(plan: Plan, basisClauses: [Clause], progress: Progress?, knownDiff: PlanDiff? = nil) {
        self.plan = plan; self.basisClauses = basisClauses; self.progress = progress; self.knownDiff = knownDiff
    }

    /// The plan read against its basis: `knownDiff`, or computed now.
    public var ownDiff: PlanDiff {
        knownDiff ?? Fidelity.diff(basis: basisClauses, plan: plan.clauses, exemptions: plan.exemptions)
    }

    /// The plan as one hop of a chain.
    public var hop: ChainHop {
        ChainHop(unit: plan.unit, basis: basisClauses, plan: plan.clauses, exemptions: plan.exemptions)
    }
}

/// Everything the indicators read, as of one moment. Built by the Ledger from the records at a commit.
public struct LedgerView: Sendable {
    public var policy: Policy
    public var units: [UnitID: Unit]
    public var directives: [DirectiveID: Directive]
    /// Plans by directive, then unit.
    public var plans: [DirectiveID: [UnitID: PlanContext]]
    public var findings: [FindingID: Finding]

    public init(policy: Policy, units: [UnitID: Unit], directives: [DirectiveID: Directive],
                plans: [DirectiveID: [UnitID: PlanContext]], findings: [FindingID: Finding]) {
        self.policy = policy; self.units = units; self.directives = directives; self.plans = plans; self.findings = findings
    }
}
