/// Who may do what, in one table: for each action, the role it needs and the units that role
/// gives it over; which actions write which records; and the rules on names and witnesses.
///
/// The write path (`ActionPlanner`), `verify` and `witness` all ask it, and a refusal's sentence
/// is made here, so a change the writer refuses with exit 77 is one verify blames as
/// `not-permitted`, under the same rule and in the same words.
public enum Permissions {
    /// The units over which a role is held.
    public enum Scope: String, Sendable, CaseIterable {
        /// The role alone, whatever unit the actor has (or none): the ledger's own roles.
        case anyUnit = "any unit"
        /// The role in the unit acted for itself.
        case ownUnit = "own unit"
        /// The role in a unit strictly above the unit acted on: a supervisor's units below.
        case unitsBelow = "units below"
        /// The role in the unit named or one above it; with no unit named, in a top-level unit.
        case unitOrAbove = "unit or above"
    }

    /// A rule an actor is judged by.
    public enum Rule: String, Sendable, CaseIterable, CustomStringConvertible {
        case admin
        case issuer = "issuer-of-unit"
        case implementer = "implementer-of-unit"
        case supervisor = "supervisor-above-unit"
        case auditor
        /// A supervisor in the checkpoint's auditor's unit or above it witnesses the checkpoint.
        case witness = "witness-at-or-above-auditor"
        /// A witness is someone other than the checkpoint's auditor.
        case witnessIsAnother = "witness-not-auditor"
        /// A report, a finding step, an approval and a checkpoint name the actor who signs them.
        case ownName = "own-name"

        public var description: String { rawValue }

        /// The role the rule asks for; nil for the rules on names.
        public var role: Role? {
            switch self {
            case .admin: .admin
            case .issuer: .issuer
            case .implementer: .implementer
            case .supervisor, .witness: .supervisor
            case .auditor: .auditor
            case .witnessIsAnother, .ownName: nil
            }
        }

        /// The units the role must be held over; nil for the rules on names.
        public var scope: Scope? {
            switch self {
            case .admin, .auditor: .anyUnit
            case .issuer, .implementer: .ownUnit
            case .supervisor: .unitsBelow
            case .witness: .unitOrAbove
            case .witnessIsAnother, .ownName: nil
            }
        }

        /// Whether `actor` holds the role over `unit` (for `unitOrAbove`, the unit named).
        public func permits(_ actor: Actor, over unit: UnitID?) -> Bool {
            guard let role, let scope else { return true }
            guard actor.has(role) else { return false }
            switch scope {
            case .anyUnit: return true
            case .ownUnit: return unit != nil && actor.unit == unit
            case .unitsBelow:
                guard let own = actor.unit, let unit else { return false }
                return unit.isStrictlyBelow(own)
            case .unitOrAbove:
                guard let own = actor.unit else { return false }
                return unit.map { $0.isWithin(own) } ?? (own.parent == nil)
            }
        }

        /// Who holds the rule's role over `unit`, as people say it, one and many: "admin",
        /// "implementer of cn/east", "supervisors above cn/east".
        public func holder(of unit: UnitID?) -> (one: String, many: String) {
            let name = role?.rawValue ?? "actor"
            let over: String
            switch scope {
            case .ownUnit: over = unit.map { " of \($0)" } ?? ""
            case .unitsBelow: over = unit.map { " above \($0)" } ?? ""
            case .unitOrAbove: over = unit.map { " of \($0) or above it" } ?? " of a top-level unit"
            case .anyUnit, nil: over = ""
            }
            return (name + over, name + "s" + over)
        }
    }

    // MARK: The table

    /// The rule each action is judged by: its role and scope.
    public static func rule(for action: ActionName) -> Rule {
        switch action {
        case .genesis, .registerUnit, .registerActor, .revokeKey, .setPolicy: .admin
        case .issueDirective, .amendDirective: .issuer
        case .adopt, .editPlan, .reportProgress, .rectify: .implementer
        case .approveExemption, .openFinding, .closeFinding, .holdAccountable: .supervisor
        case .checkpoint: .auditor
        }
    }

    /// The actions that write a record at `path`, as its commit's `Luoshi-Action` may say.
    public static func actions(writing path: RecordPath) -> [ActionName] {
        switch path {
        case .ledger: [.genesis, .setPolicy]
        case .actor: [.genesis, .registerActor, .revokeKey]
        case .unit: [.registerUnit]
        case .directive: [.issueDirective, .amendDirective]
        case .plan: [.adopt, .editPlan, .approveExemption]
        case .progress: [.reportProgress]
        case .finding: [.openFinding, .rectify, .closeFinding, .holdAccountable]
        case .checkpoint: [.checkpoint]
        }
    }

    /// The action that adds a step of this kind to a finding.
    public static func action(adding step: FindingStep.Kind) -> ActionName {
        switch step {
        case .open: .openFinding
        case .rectify: .rectify
        case .close: .closeFinding
        case .holdAccountable: .holdAccountable
        }
    }

    // MARK: Judging

    /// Why `actor` may not do `deed`; nil when the table permits it.
    public static func refusal(_ actor: Actor, _ deed: Deed) -> Refusal? {
        let rule = rule(for: deed.action)
        if rule.permits(actor, over: deed.unit) { return nil }
        return Refusal(rule: rule, "\(actor.id) (\(actor.rolesDescription)) may not \(deed): only \(withArticle(rule.holder(of: deed.unit).one)) may")
    }

    /// Why `actor` may not write what `deed` writes in the name of `named`; nil when it is its own.
    public static func refusal(_ actor: Actor, _ deed: Deed, inTheNameOf named: ActorID) -> Refusal? {
        if named == actor.id { return nil }
        return Refusal(rule: .ownName, "\(actor.id) (\(actor.rolesDescription)) may not \(deed) in another actor's name (\(named)): a record names the actor who signs it")
    }

    /// Why `witness` may not co-sign a checkpoint made by `auditor`; nil when it may.
    public static func witnessRefusal(_ witness: Actor, auditor: Actor) -> Refusal? {
        if witness.id == auditor.id {
            return Refusal(rule: .witnessIsAnother, "\(witness.id) wrote the checkpoint; a witness is someone else")
        }
        if Rule.witness.permits(witness, over: auditor.unit) { return nil }
        guard witness.has(.supervisor), let unit = witness.unit else {
            return Refusal(rule: .witness, "\(witness.id) (\(witness.rolesDescription)) is not a supervisor of a unit; only supervisors witness checkpoints")
        }
        if let auditorUnit = auditor.unit {
            return Refusal(rule: .witness, "\(witness.id) supervises \(unit), which is not \(auditorUnit) (the auditor's unit) or above it")
        }
        return Refusal(rule: .witness, "\(witness.id) supervises \(unit); the auditor \(auditor.id) has no unit, so only supervisors of a top-level unit may witness")
    }

    private static func withArticle(_ noun: String) -> String {
        (noun.first.map { "aeiou".contains($0) } ?? false ? "an " : "a ") + noun
    }
}

/// One thing an actor does, as the table judges it: the action and what it is done to.
public enum Deed: Sendable, Hashable, CustomStringConvertible {
    case genesis
    case registerUnit(UnitID)
    case registerActor(ActorID)
    case revokeKey(of: ActorID)
    case setPolicy
    case issueDirective(DirectiveID, issuer: UnitID)
    case amendDirective(DirectiveID, issuer: UnitID)
    case adopt(DirectiveID, unit: UnitID)
    case editPlan(DirectiveID, unit: UnitID)
    case reportProgress(DirectiveID, unit: UnitID)
    case approveExemption(DirectiveID, unit: UnitID)
    case openFinding(FindingID, unit: UnitID)
    case rectify(FindingID, unit: UnitID)
    case closeFinding(FindingID, unit: UnitID)
    case holdAccountable(FindingID, unit: UnitID)
    case checkpoint

    /// Taking a step of a finding against `unit`.
    public static func step(_ kind: FindingStep.Kind, of finding: FindingID, unit: UnitID) -> Deed {
        switch kind {
        case .open: .openFinding(finding, unit: unit)
        case .rectify: .rectify(finding, unit: unit)
        case .close: .closeFinding(finding, unit: unit)
        case .holdAccountable: .holdAccountable(finding, unit: unit)
        }
    }

    public var action: ActionName {
        switch self {
        case .genesis: .genesis
        case .registerUnit: .registerUnit
        case .registerActor: .registerActor
        case .revokeKey: .revokeKey
        case .setPolicy: .setPolicy
        case .issueDirective: .issueDirective
        case .amendDirective: .amendDirective
        case .adopt: .adopt
        case .editPlan: .editPlan
        case .reportProgress: .reportProgress
        case .approveExemption: .approveExemption
        case .openFinding: .openFinding
        case .rectify: .rectify
        case .closeFinding: .closeFinding
        case .holdAccountable: .holdAccountable
        case .checkpoint: .checkpoint
        }
    }

    /// The unit the rule's scope is measured from: the unit acted for or on, a directive's issuer;
    /// nil for what is done to the ledger as a whole.
    public var unit: UnitID? {
        switch self {
        case .genesis, .registerUnit, .registerActor, .revokeKey, .setPolicy, .checkpoint: nil
        case .issueDirective(_, let u), .amendDirective(_, let u): u
        case .adopt(_, let u), .editPlan(_, let u), .reportProgress(_, let u), .approveExemption(_, let u): u
        case .openFinding(_, let u), .rectify(_, let u), .closeFinding(_, let u), .holdAccountable(_, let u): u
        }
    }

    /// What is done, after "may not": "edit the plan of cn/east for D-2019-01".
    public var description: String {
        switch self {
        case .genesis: "write the ledger's genesis"
        case .registerUnit(let u): "register unit \(u)"
        case .registerActor(let a): "register actor \(a)"
        case .revokeKey(let a): "revoke a key of \(a)"
        case .setPolicy: "set the policy"
        case .issueDirective(let d, let u): "issue directive \(d) of \(u)"
        case .amendDirective(let d, let u): "amend directive \(d) of \(u)"
        case .adopt(let d, let u): "adopt \(d) for \(u)"
        case .editPlan(let d, let u): "edit the plan of \(u) for \(d)"
        case .reportProgress(let d, let u): "report progress on \(d) for \(u)"
        case .approveExemption(let d, let u): "approve an exemption of \(u) from \(d)"
        case .openFinding(let f, let u): "open finding \(f) against \(u)"
        case .rectify(let f, let u): "rectify finding \(f) of \(u)"
        case .closeFinding(let f, let u): "close finding \(f) of \(u)"
        case .holdAccountable(let f, let u): "hold anyone accountable for finding \(f) of \(u)"
        case .checkpoint: "write a checkpoint"
        }
    }
}

/// Why an actor may not do something: the rule, and the one sentence that says so, the same
/// for a refused write (exit 77) and for verify's `not-permitted`.
public struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
    public var rule: Permissions.Rule
    public var description: String

    public init(rule: Permissions.Rule, _ description: String) { self.rule = rule; self.description = description }
}

extension Actor {
    /// The actor's roles and unit, as refusals name them: "implementer of cn/east", "admin".
    public var rolesDescription: String {
        let roles = roles.map(\.rawValue).joined(separator: ", ")
        return unit.map { "\(roles) of \($0)" } ?? roles
    }
}
