import Fidelity
import GitStore
import LedgerModel

/// A plan brought onto the newest text of its basis by a three-way merge, clause by clause: the basis
/// as the unit adopted it, the basis now, and the unit's own plan.
public struct PlanRebase: Sendable {
    /// What happened to one clause.
    public enum Resolution: String, Sendable, JSONEnum {
        /// Neither side changed it.
        case unchanged
        /// Only the basis changed it: the new text is taken.
        case basis
        /// Only the unit changed it (or left it out): the unit's version is kept.
        case own
        /// Both changed it the same way.
        case same
        /// Both changed it differently: the user chooses.
        case conflict
        /// New in the basis: added to the plan.
        case addedByBasis = "added-by-basis"
        /// Gone from the basis, and the unit had not changed it: dropped from the plan.
        case removedByBasis = "removed-by-basis"
        /// A clause the unit added: kept.
        case addedByUnit = "added-by-unit"
    }

    /// Which side a conflict takes.
    public enum Side: String, Sendable, CaseIterable { case ours, theirs }

    public struct Step: Sendable {
        /// The clause's id in the basis (or the unit's id, for a clause the unit added).
        public var clause: ClauseID
        public var resolution: Resolution
        /// The clause as the unit adopted it, as the basis has it now, and in the unit's plan; nil where absent.
        public var old: Clause?
        public var new: Clause?
        public var own: Clause?

        public var json: JSONValue {
            jsonObject(["clause": clause, "resolution": resolution, "old": old, "new": new, "own": own])
        }
    }

    public var directive: DirectiveID
    public var unit: UnitID
    /// The basis now: its kind and unit as before, the version it carries and the commit it is read at.
    public var from: UnitID
    public var oldBasis: Basis
    public var newVersion: Int
    public var newBasisClauses: [Clause]
    public var steps: [PlanRebase.Step]
    /// The plan's exemptions, for the clauses the new basis still has.
    public var exemptions: [Exemption]
    /// Whether the basis is the same as when the unit adopted it: nothing to do.
    public var upToDate: Bool

    public var conflicts: [PlanRebase.Step] { steps.filter { $0.resolution == .conflict } }

    /// The merged plan, each conflict taking `side`; nil while a conflict is left unresolved.
    public func merged(taking side: Side?) -> PlanEdit? {
        var clauses: [Clause] = []
        for step in steps {
            switch step.resolution {
            case .conflict:
                guard let side else { return nil }
                if let c = side == .ours ? step.own : step.new.map({ Self.renamed($0, like: step.own) }) { clauses.append(c) }
            case .unchanged, .basis, .addedByBasis:
                if let c = step.new { clauses.append(Self.renamed(c, like: step.own)) }
            case .own, .same, .addedByUnit:
                if let c = step.own { clauses.append(c) }
            case .removedByBasis:
                break
            }
        }
        let kept = Set(newBasisClauses.map(\.id))
        let ids = Set(clauses.map(\.id))
        return PlanEdit(clauses: clauses, exemptions: exemptions.filter { kept.contains($0.clause) && !ids.contains($0.clause) })
    }

    /// The basis's clause under the id the unit gave it (a renumbered clause keeps its number).
    static func renamed(_ clause: Clause, like own: Clause?) -> Clause {
        guard let own, own.id != clause.id else { return clause }
        var c = clause
        c.id = own.id
        c.derivedFrom = clause.id
        return c
    }

    public var json: JSONValue {
        .object([
            "directive": directive.json, "unit": unit.json, "from": from.json,
            "old": .object(["kind": oldBasis.kind.json, "unit": oldBasis.unit.json, "version": .integer(Int64(oldBasis.version))]),
            "newVersion": .integer(Int64(newVersion)), "upToDate": .bool(upToDate),
            "steps": .array(steps.map(\.json)),
        ])
    }
}

extension Ledger {
    /// The three-way merge of `unit`'s plan for `directive` onto its basis as it is at head.
    public func rebase(directive: DirectiveID, unit: UnitID) throws -> PlanRebase {
        let plan = try self.plan(directive: directive, unit: unit)
        let at = try head()
        let old = try LedgerReader.basisClauses(of: plan, repository: repository)
        let path = LedgerReader.basisPath(of: plan)
        guard let value = try record(path, at: at) else {
            throw LedgerError.internalFailure("the basis \(path.path) of \(unit)'s plan is missing at head")
        }
        let new: [Clause]
        let version: Int
        switch plan.basis.kind {
        case .directive:
            let d = try Directive(json: value, at: .root)
            (new, version) = (d.clauses, d.version)
        case .plan:
            let parent = try Plan(json: value, at: .root)
            (new, version) = (parent.clauses.map(\.asBasis), parent.basis.version)
        }
        let blobNow = try repository.blobID(at: path.path, inCommit: at)
        let blobThen = try LedgerReader.basisBlob(of: plan, repository: repository)
        let upToDate = version == plan.basis.version && blobNow == blobThen

        // The unit's clause for each basis id: by id, or by what it says it derives from.
        var own: [ClauseID: Clause] = [:]
        var ownAdded: [Clause] = []
        let oldIDs = Set(old.map(\.id)), newIDs = Set(new.map(\.id))
        for c in plan.clauses {
            let key = c.derivedFrom ?? c.id
            if oldIDs.contains(key) || newIDs.contains(key), own[key] == nil { own[key] = c } else { ownAdded.append(c) }
        }
        let oldByID = Dictionary(old.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let newByID = Dictionary(new.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        /// Equal as clauses, whatever id the unit gave its own and whatever reason it gave.
        func same(_ a: Clause?, _ b: Clause?) -> Bool {
            guard let a, let b else { return a == nil && b == nil }
            var x = a.asBasis
            x.id = b.id
            return x == b.asBasis
        }
        var steps: [PlanRebase.Step] = []
        // In the new basis's order, then what it dropped, then the unit's own additions.
        for id in new.map(\.id) + old.map(\.id).filter({ !newIDs.contains($0) }) {
            let (o, n, u) = (oldByID[id], newByID[id], own[id])
            let resolution: PlanRebase.Resolution
            switch (o, n) {
            case (nil, _):
                resolution = u == nil || same(u, n) ? .addedByBasis : .conflict
            case (_, nil):
                resolution = same(u, o) ? .removedByBasis : u == nil ? .removedByBasis : .conflict
            default:
                let unitChanged = !same(u, o), basisChanged = !same(n, o)
                switch (unitChanged, basisChanged) {
                case (false, false): resolution = .unchanged
                case (false, true): resolution = .basis
                case (true, false): resolution = .own
                case (true, true): resolution = same(u, n) ? .same : .conflict
                }
            }
            steps.append(PlanRebase.Step(clause: id, resolution: resolution, old: o, new: n, own: u))
        }
        for c in ownAdded {
            steps.append(PlanRebase.Step(clause: c.id, resolution: newIDs.contains(c.id) ? .conflict : .addedByUnit, old: nil, new: newByID[c.id], own: c))
        }
        return PlanRebase(directive: directive, unit: unit, from: plan.basis.unit, oldBasis: plan.basis, newVersion: version,
                          newBasisClauses: new, steps: steps, exemptions: plan.exemptions.map { Exemption(clause: $0.clause, reason: $0.reason) },
                          upToDate: upToDate)
    }

    /// How `edit` reads against the new basis of `rebase`, with the flags it will raise.
    public func reading(of edit: PlanEdit, after rebase: PlanRebase) throws -> PlanReading {
        var plan = try self.plan(directive: rebase.directive, unit: rebase.unit)
        let approved = plan.exemptions
        plan.clauses = edit.clauses
        // As the write keeps them: an approval stands while the reason stays the same.
        plan.exemptions = (edit.exemptions ?? []).map { e in
            var e = e
            if let old = approved.first(where: { $0.clause == e.clause }), old.reason == e.reason { e.approval = old.approval }
            return e
        }
        plan.basis.version = rebase.newVersion
        let context = PlanContext(plan: plan, basisClauses: rebase.newBasisClauses, progress: nil)
        let current = try record(.directive(rebase.directive), at: head()).map { try Directive(json: $0, at: .root) }
        return PlanReading(directive: rebase.directive, unit: rebase.unit, basis: plan.basis,
                           behind: max(0, (current?.version ?? plan.basis.version) - plan.basis.version),
                           reading: context.ownDiff, flags: Indicators.planFlags(of: context))
    }
}
