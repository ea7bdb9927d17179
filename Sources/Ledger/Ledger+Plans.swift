import Fidelity
import GitStore
import LedgerModel

/// A plan's clauses read against the basis the unit adopted, before or after a change: what
/// `plan edit` shows for confirmation and what it prints once written.
public struct PlanReading: Sendable {
    public var directive: DirectiveID
    public var unit: UnitID
    public var basis: Basis
    /// Directive versions issued since the basis the plan was built on.
    public var behind: Int
    public var reading: PlanDiff
    /// The flags the plan's text raises against the unit: selective, adapted, escalated, not-localized.
    public var flags: [Flag]

    public var json: JSONValue {
        .object([
            "directive": directive.json, "unit": unit.json,
            "against": .object(["kind": basis.kind.json, "unit": basis.unit.json, "version": .integer(Int64(basis.version))]),
            "clauses": reading.clauses.json, "added": reading.added.json, "flags": flags.json,
            "summary": .object(["classes": reading.summary, "behind": .integer(Int64(behind)), "clauses": .integer(Int64(reading.clauses.count))]),
        ])
    }
}

extension Ledger {
    /// `unit`'s plan for `directive` at head; a usage error naming the nearest ids when the unit or
    /// directive does not exist, or saying how to adopt when the unit has no plan.
    public func plan(directive: DirectiveID, unit: UnitID) throws -> Plan {
        try requireDirective(directive)
        try requireUnit(unit)
        guard let value = try record(.plan(directive, unit), at: head()) else {
            throw LedgerError.notFound("\(unit) has no plan for \(directive); adopt it first with `luoshi adopt --unit \(unit) --directive \(directive)`")
        }
        do { return try Plan(json: value, at: .root) } catch let e as ValidationError {
            throw LedgerError.internalFailure("the plan of \(unit) for \(directive) is invalid (\(e)); run `luoshi verify`")
        }
    }

    /// Reads `edit` (default: the plan as it is) against the basis `unit` adopted for `directive`,
    /// as the plan would be after the edit: exemptions that keep their reason keep their approval.
    public func reading(directive: DirectiveID, unit: UnitID, edit: PlanEdit? = nil) throws -> PlanReading {
        var plan = try self.plan(directive: directive, unit: unit)
        if let edit {
            plan.clauses = edit.clauses
            if let exemptions = edit.exemptions {
                let old = plan.exemptions
                plan.exemptions = exemptions.map { e in
                    var e = e
                    if let before = old.first(where: { $0.clause == e.clause }), before.reason == e.reason { e.approval = before.approval }
                    return e
                }
            }
        }
        let basis = try LedgerReader.basisClauses(of: plan, repository: repository)
        let context = PlanContext(plan: plan, basisClauses: basis, progress: nil)
        let current = try record(.directive(directive), at: head()).map { try Directive(json: $0, at: .root) }
        return PlanReading(directive: directive, unit: unit, basis: plan.basis,
                           behind: max(0, (current?.version ?? plan.basis.version) - plan.basis.version),
                           reading: context.ownDiff, flags: Indicators.planFlags(of: context))
    }
}

extension Ledger {
    /// What `adopt` adopts from when not told: the nearest unit above with a plan, else the directive's issuer.
    public func defaultBasis(directive: DirectiveID, unit: UnitID) throws -> UnitID {
        guard let value = try record(.directive(directive), at: head()) else { return unit }
        let issuer = try Directive(json: value, at: .root).issuer
        var up = unit.parent
        while let p = up, p != issuer {
            if try record(.plan(directive, p), at: head()) != nil { return p }
            up = p.parent
        }
        return issuer
    }
}
