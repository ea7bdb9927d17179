import GitStore
import LedgerModel

/// What a unit may adopt a directive from, as the adopt form offers it.
public struct AdoptionChoice: Sendable {
    /// The head the choice was read at: the commit an adoption prepared from it sits on.
    public var head: ObjectID
    public var directive: Directive
    /// The unit's plan for the directive, if it has adopted it already.
    public var plan: Plan?
    /// The units whose text it may adopt, nearest first: each unit above it with a plan for the
    /// directive, then the directive's issuer (the directive itself). The first is the usual choice.
    public var bases: [UnitID]
    /// Whether the unit is in the directive's scope (only then may it adopt).
    public var inScope: Bool
}

extension Ledger {
    /// The bases `unit` may adopt `directive` from at head, the rules `adopt` applies: the issuer's
    /// directive, or the plan of a unit strictly above it that has one.
    public func adoptionChoice(directive id: DirectiveID, unit: UnitID) throws -> AdoptionChoice {
        try requireExisting(unit: unit, directive: id)
        let at = try head()
        guard let directiveJSON = try record(.directive(id), at: at) else {
            throw LedgerError.notFound("there is no directive \(id)")
        }
        let directive = try Directive(json: directiveJSON, at: .root)
        let plan = try record(.plan(id, unit), at: at).map { try Plan(json: $0, at: .root) }
        var bases: [UnitID] = []
        for above in unit.lineage.dropFirst() where above != directive.issuer {
            if try repository.blobID(at: RecordPath.plan(id, above).path, inCommit: at) != nil { bases.append(above) }
        }
        bases.append(directive.issuer)
        let inScope = unit != directive.issuer && directive.scope.units.contains { unit.isWithin($0) }
        return AdoptionChoice(head: at, directive: directive, plan: plan, bases: bases, inScope: inScope)
    }
}
