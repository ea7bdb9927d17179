import Fidelity
import GitStore
import LedgerModel

/// One thing a unit owes now, as `luoshi todo` lists it.
public struct TodoItem: Sendable {
    public enum Kind: String, Sendable, JSONEnum {
        /// A clause of its plan not reported done.
        case clause
        /// A progress report the directive's cadence asks for.
        case report
        /// A finding against the unit waiting for its rectification.
        case finding
        /// A plan built on a basis that has moved since (an amendment, a parent's edit).
        case behind
    }
    public var kind: Kind
    public var directive: DirectiveID?
    public var clause: ClauseID?
    public var finding: FindingID?
    /// When it is due, if it has a date.
    public var due: Day?
    public var overdue: Bool
    /// What to do, in a sentence.
    public var detail: String

    public var json: JSONValue {
        jsonObject(["kind": kind, "directive": directive, "clause": clause, "finding": finding, "due": due,
                    "overdue": overdue, "detail": detail])
    }
}

extension Ledger {
    private func records<T: JSONReadable>(under folder: String, at commit: ObjectID? = nil, as type: T.Type,
                                          where keep: (RecordPath) -> Bool) throws -> [T] {
        let at = try commit ?? head()
        return try repository.listBlobs(inCommit: at, under: folder).compactMap { path, blob in
            guard let kind = RecordPath(path: path), keep(kind) else { return nil }
            do { return try T(json: LedgerReader.parse(repository.blob(blob), kind), at: .root) } catch let e as ValidationError {
                throw LedgerError.internalFailure("the record \(path) is invalid (\(e)); run `luoshi verify`")
            }
        }
    }

    /// Every unit, or those in `under`'s subtree, by id.
    public func units(under: UnitID? = nil) throws -> [LedgerModel.Unit] {
        if let under { try requireUnit(under) }
        return try records(under: "units/" + (under.map { "\($0)/" } ?? ""), as: LedgerModel.Unit.self) {
            if case .unit = $0 { return true } else { return false }
        }.sorted { $0.id < $1.id }
    }

    /// Every directive, by id.
    public func directives() throws -> [Directive] {
        try records(under: "directives/", as: Directive.self) {
            if case .directive = $0 { return true } else { return false }
        }.sorted { $0.id.rawValue < $1.id.rawValue }
    }

    /// The policy in force at head: the thresholds `set-policy` last set, the defaults for the others.
    public func policy() throws -> Policy {
        guard let value = try record(.ledger, at: try head()) else { return Policy() }
        return try LedgerInfo(json: value, at: .root).policy
    }

    /// Every actor, by id.
    public func actors() throws -> [Actor] {
        try records(under: "actors/", as: Actor.self) { if case .actor = $0 { return true } else { return false } }
            .sorted { $0.id.rawValue < $1.id.rawValue }
    }

    /// The findings, by id: only those not closed with `openOnly`, only those against `unit`'s subtree with `unit`.
    public func findings(openOnly: Bool = false, unit: UnitID? = nil) throws -> [Finding] {
        if let unit { try requireUnit(unit) }
        return try records(under: "findings/", as: Finding.self) { if case .finding = $0 { return true } else { return false } }
            .filter { (!openOnly || $0.state != .closed) && (unit.map($0.unit.isWithin) ?? true) }
            .sorted { $0.id.rawValue < $1.id.rawValue }
    }

    /// The worst deviations of `directive`'s plans (in `under`'s subtree), each unit read against its own
    /// basis, at the point in history `spec` names (a date or a commit, as `--at`; default: now): the
    /// ranking of `Deviations.rank`.
    public func deviations(directive: DirectiveID, under: UnitID? = nil, at spec: String? = nil) throws -> [Deviation] {
        try requireExisting(unit: under, directive: directive)
        let (commit, now, _) = try pointInHistory(spec)
        let view = try view(at: commit)
        let flags = Indicators.flags(view, now: now, directive: directive).filter { $0.directive == directive }
        let plans = Indicators.adopted(view.plans[directive] ?? [:], by: now)
        let readings = plans.filter { under.map($0.key.isWithin) ?? true }.map { (unit: $0.key, reading: $0.value.ownDiff) }
        return Deviations.rank(readings, flags: flags)
    }

    /// What `unit` owes now: clauses of its plans not done (with their deadlines), reports due by each
    /// directive's cadence, findings waiting for its rectification, plans behind their basis. Items
    /// with a date first, soonest first.
    public func todo(unit: UnitID, today: Day = Timestamp.now.utcDay) throws -> [TodoItem] {
        try requireUnit(unit)
        let at = try head()
        var items: [TodoItem] = []
        for directive in try directives() {
            guard let value = try record(.plan(directive.id, unit), at: at) else { continue }
            let plan = try Plan(json: value, at: .root)
            let progress = try record(.progress(directive.id, unit), at: at).map { try Progress(json: $0, at: .root) }
            let reports = progress?.reports ?? []
            for clause in plan.clauses {
                let latest = reports.last { $0.clause == clause.id }
                guard latest?.status != .done else { continue }
                let state = latest.map { "reported \($0.status.rawValue) on \($0.at.utcDay)" } ?? "not reported on"
                items.append(TodoItem(kind: .clause, directive: directive.id, clause: clause.id, due: clause.deadline,
                                      overdue: clause.deadline.map { $0 < today } ?? false,
                                      detail: "clause \(clause.id) is \(state)" + (clause.deadline.map { "; due \($0)" } ?? "")))
            }
            // The cadence: a report every so many days since the last one (or since adopting).
            let period = max(1, Int((30.4375 / directive.reporting.reportsPerMonth).rounded()))
            let last = reports.map(\.at.utcDay).max() ?? plan.adopted.utcDay
            let due = last.adding(days: period)
            items.append(TodoItem(kind: .report, directive: directive.id, due: due, overdue: due < today,
                                  detail: "a progress report every \(directive.reporting.every); the last was \(reports.isEmpty ? "none (adopted \(last))" : "on \(last)")"))
            if let behind = try behindDetail(plan, directive: directive, at: at) {
                items.append(TodoItem(kind: .behind, directive: directive.id, overdue: false,
                                      detail: behind + "; `luoshi plan rebase --unit \(unit) --directive \(directive.id)` brings it up"))
            }
        }
        for finding in try findings(openOnly: true) where finding.unit == unit && (finding.state == .open || finding.state == .reopened) {
            items.append(TodoItem(kind: .finding, directive: finding.directive, clause: finding.clause, finding: finding.id, due: finding.due,
                                  overdue: finding.due < today,
                                  detail: "finding \(finding.id) (\(finding.severity.rawValue)) is \(finding.state.rawValue): rectify it with `luoshi finding rectify \(finding.id)`"))
        }
        return items.sorted { a, b in
            switch (a.due, b.due) {
            case let (x?, y?) where x != y: return x < y
            case (_?, nil): return true
            case (nil, _?): return false
            default: return (a.kind.rawValue, a.directive?.rawValue ?? "", a.clause?.rawValue ?? "") < (b.kind.rawValue, b.directive?.rawValue ?? "", b.clause?.rawValue ?? "")
            }
        }
    }

    /// Why a plan is behind its basis, or nil: the directive amended since, or the parent's plan changed since.
    func behindDetail(_ plan: Plan, directive: Directive, at commit: ObjectID) throws -> String? {
        switch plan.basis.kind {
        case .directive:
            guard directive.version > plan.basis.version else { return nil }
            return "the plan is built on \(directive.id) v\(plan.basis.version); the directive is at v\(directive.version)"
        case .plan:
            let now = try repository.blobID(at: RecordPath.plan(plan.directive, plan.basis.unit).path, inCommit: commit)
            let then = try LedgerReader.basisBlob(of: plan, repository: repository)
            guard let now, now != then else { return nil }
            return "the plan of \(plan.basis.unit) it is built on has changed since it was adopted"
        }
    }
}

extension Ledger {
    /// Why `unit`'s plan for `directive` is behind its basis at head (an amendment, or a parent's edit
    /// since the unit adopted), or nil when it is not.
    public func behind(directive: DirectiveID, unit: UnitID) throws -> String? {
        let at = try head()
        guard let p = try record(.plan(directive, unit), at: at), let d = try record(.directive(directive), at: at) else { return nil }
        return try behindDetail(Plan(json: p, at: .root), directive: Directive(json: d, at: .root), at: at)
    }
}
