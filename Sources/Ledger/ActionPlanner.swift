import GitStore
import LedgerModel

/// Checks one event against the state at head and turns it into the commits it makes.
///
/// This is the one path every write takes (import, apply, report): roles and scope (by the table in
/// `Permissions`, which verify reads too), the state machine of plans and findings, and the
/// records' own rules are all checked here, before anything is written.
struct ActionPlanner {
    let snapshot: Snapshot
    /// Committer time of the commit the next commit will follow, to keep history in order.
    let previousTime: Int64?
    /// For a replay, the time the commits are made: history's order is judged on it, while the
    /// event keeps its own date (the author date). Nil: the commits are made at the event's date.
    var committedAt: Timestamp? = nil
    /// The ledger's clock: no write is dated after it (by more than `LedgerClock.allowedLead`).
    let now: Timestamp
    /// Who may do what: the table (`Permissions`). A test puts a permissive judge here to build
    /// the commits the table refuses, so that verify can be shown to refuse them too.
    var permissions: (Actor, Deed) -> Refusal? = Permissions.refusal

    func plan(_ event: Event) throws -> [CommitPlan] {
        if let problem = LedgerClock.problem(event.at, now: now) { throw LedgerError.invalid(JSONPointer.root / "at", problem) }
        guard let actor = try snapshot.actor(event.actor) else {
            throw LedgerError.invalid(JSONPointer.root / "actor", "actor \"\(event.actor)\" is not registered; register it first with a register-actor event")
        }
        let policy = try snapshot.ledgerInfo().policy
        if let previousTime, (committedAt ?? event.at).seconds < previousTime - Int64(policy.maxTimeSkewDays) * 86_400 {
            throw LedgerError.invalid(JSONPointer.root / "at", "\(event.at) is more than \(policy.maxTimeSkewDays) days before the ledger's last change; events must come in time order")
        }
        var c = CommitPlan(action: ActionName(event.action), actor: actor, at: event.at, subject: "")
        switch event.action {
        case .registerUnit(let unit):
            try permit(actor, .registerUnit(unit.id))
            if try snapshot.exists(.unit(unit.id)) {
                throw LedgerError.invalid(JSONPointer.root / "unit" / "id", "unit \"\(unit.id)\" is already registered")
            }
            if let parent = unit.id.parent, try !snapshot.exists(.unit(parent)) {
                throw LedgerError.invalid(JSONPointer.root / "unit" / "id", "the parent unit \"\(parent)\" is not registered; register it first")
            }
            try c.write(.unit(unit.id), unit, into: snapshot)
            c.subject = "register unit \(unit.id) (\(unit.name))"
            c.unit = unit.id

        case .registerActor(let newActor):
            try permit(actor, .registerActor(newActor.id))
            if try snapshot.exists(.actor(newActor.id)) {
                throw LedgerError.invalid(JSONPointer.root / "actorRecord" / "id", "actor \"\(newActor.id)\" is already registered")
            }
            if let u = newActor.unit { try requireUnit(u, JSONPointer.root / "actorRecord" / "unit") }
            for (n, key) in newActor.keys.enumerated() {
                do { _ = try SSHPublicKey(openSSH: key) } catch {
                    throw LedgerError.invalid(JSONPointer.root / "actorRecord" / "keys" / n, "\(error)")
                }
            }
            try c.write(.actor(newActor.id), newActor, into: snapshot)
            c.subject = "register actor \(newActor.id) as \(newActor.roles.map(\.rawValue).joined(separator: ", "))"
            c.unit = newActor.unit

        case .revokeKey(let id, let key):
            try permit(actor, .revokeKey(of: id))
            guard var target = try snapshot.actor(id) else {
                throw LedgerError.invalid(JSONPointer.root / "actorId", "actor \"\(id)\" is not registered")
            }
            guard target.holds(key: key) else {
                throw LedgerError.invalid(JSONPointer.root / "key", "actor \"\(id)\" holds no such key (it may be revoked already)")
            }
            let identity = sshKeyIdentity(key)
            target.keys.removeAll { sshKeyIdentity($0) == identity }
            target.revokedKeys.append(RevokedKey(key: identity, at: event.at, by: actor.id))
            try requireAnAdminLeft(after: target)
            try c.write(.actor(id), target, into: snapshot)
            c.subject = "revoke a key of \(id)"

        case .issueDirective(var directive):
            try permit(actor, .issueDirective(directive.id, issuer: directive.issuer))
            if try snapshot.exists(.directive(directive.id)) {
                throw LedgerError.invalid(JSONPointer.root / "directive" / "id", "directive \"\(directive.id)\" exists already; amend it with amend-directive")
            }
            try requireUnit(directive.issuer, JSONPointer.root / "directive" / "issuer")
            for (n, u) in directive.scope.units.enumerated() { try requireUnit(u, JSONPointer.root / "directive" / "scope" / "units" / n) }
            try checkNoDerivedFrom(directive.clauses, JSONPointer.root / "directive" / "clauses")
            directive.version = 1
            try c.write(.directive(directive.id), directive, into: snapshot)
            c.subject = "issue \(directive.id) \(directive.title)"
            c.unit = directive.issuer
            c.directive = directive.id

        case .amendDirective(var directive, let note):
            guard let old = try snapshot.directive(directive.id) else {
                throw LedgerError.invalid(JSONPointer.root / "directive" / "id", "directive \"\(directive.id)\" is not issued; issue it with issue-directive")
            }
            try permit(actor, .amendDirective(directive.id, issuer: old.issuer))
            if directive.issuer != old.issuer {
                throw LedgerError.invalid(JSONPointer.root / "directive" / "issuer", "an amendment cannot change the issuer (\(old.issuer))")
            }
            for (n, u) in directive.scope.units.enumerated() { try requireUnit(u, JSONPointer.root / "directive" / "scope" / "units" / n) }
            try checkNoDerivedFrom(directive.clauses, JSONPointer.root / "directive" / "clauses")
            directive.version = old.version + 1
            try c.write(.directive(directive.id), directive, into: snapshot)
            c.subject = "amend \(directive.id) to version \(directive.version)"
            c.body = note
            c.unit = directive.issuer
            c.directive = directive.id

        case .adopt(let unit, let directiveID, let from, let clauses):
            try permit(actor, .adopt(directiveID, unit: unit))
            let directive = try requireDirective(directiveID, JSONPointer.root / "directive")
            try requireUnit(unit, JSONPointer.root / "unit")
            guard directive.scope.units.contains(where: { unit.isWithin($0) }), unit != directive.issuer else {
                throw LedgerError.invalid(JSONPointer.root / "unit", "unit \"\(unit)\" is not in the scope of \(directiveID) (\(directive.scope.units.map(\.rawValue).joined(separator: ", ")))")
            }
            let basis = try basisFor(directive: directive, unit: unit, from: from)
            // Adopting again is how a plan moves onto its basis's newer text (`luoshi plan rebase`): a newer
            // version, another source, or the same source changed since (a parent's edit).
            if let existing = try snapshot.plan(directiveID, unit), existing.basis.version == basis.basis.version,
               existing.basis.kind == basis.basis.kind, existing.basis.unit == basis.basis.unit,
               (existing.basis.blob ?? (try? LedgerReader.lookUpBasisBlob(of: existing, repository: snapshot.repository))??.hex) == basis.basis.blob {
                throw LedgerError.invalid(JSONPointer.root / "unit", "\(unit) has adopted \(directiveID) already; change its plan with edit-plan")
            }
            let plan = Plan(directive: directiveID, unit: unit, basis: basis.basis, adopted: event.at, clauses: basis.clauses, exemptions: [])
            try c.write(.plan(directiveID, unit), plan, into: snapshot)
            c.subject = "\(unit) adopts \(directiveID) from \(from == directive.issuer ? "the directive" : "the plan of \(from)")"
            c.unit = unit
            c.directive = directiveID
            guard let clauses else { return [c] }
            snapshot.startNextCommit()
            var edit = CommitPlan(action: .editPlan, actor: actor, at: event.at, subject: "")
            try editPlan(&edit, unit: unit, directive: directiveID, clauses: clauses, exemptions: nil, pointer: JSONPointer.root / "clauses")
            return [c, edit]

        case .editPlan(let unit, let directiveID, let clauses, let exemptions):
            try permit(actor, .editPlan(directiveID, unit: unit))
            try editPlan(&c, unit: unit, directive: directiveID, clauses: clauses, exemptions: exemptions, pointer: JSONPointer.root / "clauses")

        case .reportProgress(let unit, let directiveID, let clauseID, let status, let values, let evidence, let note, let asOf):
            try permit(actor, .reportProgress(directiveID, unit: unit))
            _ = try requireDirective(directiveID, JSONPointer.root / "directive")
            guard let plan = try snapshot.plan(directiveID, unit) else {
                throw LedgerError.invalid(JSONPointer.root / "unit", "\(unit) has no plan for \(directiveID); adopt it first")
            }
            guard let clause = plan.clause(clauseID) else {
                throw LedgerError.invalid(JSONPointer.root / "clause", "the plan of \(unit) for \(directiveID) has no clause \"\(clauseID)\" (it has \(plan.clauses.map(\.id.rawValue).joined(separator: ", ")))")
            }
            let metrics = Set(clause.targets.map(\.metric))
            if let unknown = values.keys.sorted().first(where: { !metrics.contains($0) }) {
                let known = metrics.isEmpty ? "it has no targets" : "its targets measure \(metrics.sorted().joined(separator: ", "))"
                throw LedgerError.invalid(JSONPointer.root / "values" / unknown, "clause \(clauseID) has no target \"\(unknown)\"; \(known)")
            }
            if let asOf, asOf > event.at.localDay {
                throw LedgerError.invalid(JSONPointer.root / "asOf", "\(asOf) is after the report itself (\(event.at)); asOf says when the reported state was true")
            }
            var progress = try snapshot.progress(directiveID, unit) ?? Progress(directive: directiveID, unit: unit, reports: [])
            let report = Report(clause: clauseID, status: status, values: values, evidence: evidence, note: note,
                                asOf: asOf, at: event.at, actor: actor.id)
            progress.reports.append(report)
            try c.write(.progress(directiveID, unit), progress, into: snapshot, adding: (report, Report.self))
            c.subject = "\(unit) reports \(directiveID) clause \(clauseID) \(status.rawValue)"
            c.body = note
            c.unit = unit; c.directive = directiveID; c.clause = clauseID

        case .approveExemption(let unit, let directiveID, let clauseID, let note):
            try permit(actor, .approveExemption(directiveID, unit: unit))
            guard var plan = try snapshot.plan(directiveID, unit) else {
                throw LedgerError.invalid(JSONPointer.root / "unit", "\(unit) has no plan for \(directiveID)")
            }
            guard let n = plan.exemptions.firstIndex(where: { $0.clause == clauseID }) else {
                throw LedgerError.invalid(JSONPointer.root / "clause", "the plan of \(unit) declares no exemption for clause \"\(clauseID)\"")
            }
            if plan.exemptions[n].approval != nil {
                throw LedgerError.invalid(JSONPointer.root / "clause", "the exemption of \(unit) from clause \(clauseID) is approved already")
            }
            plan.exemptions[n].approval = Approval(by: actor.id, at: event.at, note: note)
            try c.write(.plan(directiveID, unit), plan, into: snapshot)
            c.subject = "approve the exemption of \(unit) from \(directiveID) clause \(clauseID)"
            c.body = note
            c.unit = unit; c.directive = directiveID; c.clause = clauseID

        case .openFinding(var finding):
            try permit(actor, .openFinding(finding.id, unit: finding.unit))
            if try snapshot.exists(.finding(finding.id)) {
                throw LedgerError.invalid(JSONPointer.root / "finding" / "id", "finding \"\(finding.id)\" exists already")
            }
            try requireUnit(finding.unit, JSONPointer.root / "finding" / "unit")
            if let d = finding.directive {
                let directive = try requireDirective(d, JSONPointer.root / "finding" / "directive")
                if let cl = finding.clause {
                    let planClauses = try snapshot.plan(d, finding.unit)?.clauses.map(\.id) ?? []
                    guard directive.clause(cl) != nil || planClauses.contains(cl) else {
                        throw LedgerError.invalid(JSONPointer.root / "finding" / "clause", "neither \(d) nor the plan of \(finding.unit) has a clause \"\(cl)\"")
                    }
                }
            }
            finding.state = .open
            finding.steps = [FindingStep(kind: .open, actor: actor.id, at: event.at, text: finding.text)]
            try c.write(.finding(finding.id), finding, into: snapshot)
            c.subject = "open \(finding.id) against \(finding.unit) (\(finding.severity.rawValue))"
            c.unit = finding.unit; c.directive = finding.directive; c.clause = finding.clause; c.finding = finding.id

        case .rectify(let id, let text, let evidence):
            var finding = try requireFinding(id)
            try permit(actor, .rectify(id, unit: finding.unit))
            finding.state = try nextState(of: finding, .rectify)
            finding.steps.append(FindingStep(kind: .rectify, actor: actor.id, at: event.at, text: text, evidence: evidence))
            try c.write(.finding(id), finding, into: snapshot)
            c.subject = "\(finding.unit) rectifies \(id)"
            c.body = text
            c.unit = finding.unit; c.directive = finding.directive; c.clause = finding.clause; c.finding = id

        case .closeFinding(let id, let verdict, let note):
            var finding = try requireFinding(id)
            try permit(actor, .closeFinding(id, unit: finding.unit))
            finding.state = try nextState(of: finding, .close, verdict: verdict)
            finding.steps.append(FindingStep(kind: .close, actor: actor.id, at: event.at, text: note, verdict: verdict))
            try c.write(.finding(id), finding, into: snapshot)
            c.subject = verdict == .verified ? "close \(id) as verified" : "reopen \(id)"
            c.body = note
            c.unit = finding.unit; c.directive = finding.directive; c.clause = finding.clause; c.finding = id

        case .holdAccountable(let id, let decision, let target):
            var finding = try requireFinding(id)
            try permit(actor, .holdAccountable(id, unit: finding.unit))
            finding.state = try nextState(of: finding, .holdAccountable)
            let isUnit = try (try? UnitID(target)).map { try snapshot.exists(.unit($0)) } ?? false
            let isActor = try (try? ActorID(target)).map { try snapshot.exists(.actor($0)) } ?? false
            guard isUnit || isActor else {
                throw LedgerError.invalid(JSONPointer.root / "target", "\"\(target)\" is neither a registered actor nor a registered unit")
            }
            finding.steps.append(FindingStep(kind: .holdAccountable, actor: actor.id, at: event.at, decision: decision, target: target))
            try c.write(.finding(id), finding, into: snapshot)
            c.subject = "hold \(target) accountable for \(id)"
            c.body = decision
            c.unit = finding.unit; c.directive = finding.directive; c.finding = id

        case .checkpoint(let note):
            try permit(actor, .checkpoint)
            guard let head = try snapshot.head() else {
                throw LedgerError.invalid(nil, "an empty ledger has nothing to checkpoint")
            }
            let id = try checkpointID(at: event.at)
            let checkpoint = Checkpoint(id: id, head: head.hex, by: actor.id, at: event.at, note: note)
            try c.write(.checkpoint(id), checkpoint, into: snapshot)
            c.subject = "checkpoint \(id) at \(head.hex.prefix(12))"
            c.body = note

        case .setPolicy(let patch):
            try permit(actor, .setPolicy)
            var info = try snapshot.ledgerInfo()
            do { try info.policy.merge(patch, at: JSONPointer.root / "policy") } catch let e as ValidationError {
                throw LedgerError.invalid(e.pointer, e.reason)
            }
            try c.write(.ledger, info, into: snapshot)
            c.subject = "set policy"
        }
        return [c]
    }

    // MARK: Plans

    private struct BasisRead { var basis: Basis; var clauses: [Clause] }

    /// What `unit` adopts from `from`: the directive, or `from`'s plan, as at head, with the blob
    /// that record has there.
    private func basisFor(directive: Directive, unit: UnitID, from: UnitID) throws -> BasisRead {
        let head = try snapshot.head()?.hex ?? String(repeating: "0", count: 40)
        func blob(_ path: RecordPath) throws -> String? { try snapshot.blobID(path)?.hex }
        if from == directive.issuer {
            return BasisRead(basis: Basis(kind: .directive, unit: from, version: directive.version, commit: head,
                                          blob: try blob(.directive(directive.id))),
                             clauses: directive.clauses)
        }
        guard unit.isStrictlyBelow(from) else {
            throw LedgerError.invalid(JSONPointer.root / "from", "\"\(from)\" is neither the issuer of \(directive.id) (\(directive.issuer)) nor a unit above \(unit)")
        }
        guard let parentPlan = try snapshot.plan(directive.id, from) else {
            throw LedgerError.invalid(JSONPointer.root / "from", "\(from) has no plan for \(directive.id) to adopt from; adopt from an ancestor that has one, or from \(directive.issuer)")
        }
        let clauses = parentPlan.clauses.map(\.asBasis)
        return BasisRead(basis: Basis(kind: .plan, unit: from, version: parentPlan.basis.version, commit: head,
                                      blob: try blob(.plan(directive.id, from))),
                         clauses: clauses)
    }

    private func editPlan(_ c: inout CommitPlan, unit: UnitID, directive directiveID: DirectiveID, clauses: [Clause],
                          exemptions: [Exemption]?, pointer: JSONPointer) throws {
        guard var plan = try snapshot.plan(directiveID, unit) else {
            throw LedgerError.invalid(JSONPointer.root / "unit", "\(unit) has no plan for \(directiveID); adopt it first")
        }
        // The basis as adopted, read at the commit the plan records.
        let basisBytes = try LedgerReader.basisBytes(of: plan, read: snapshot.bytes(_:at:))
        var decoder = PlanDecoder()
        let basis = try LedgerReader.basisClauses(of: plan, from: basisBytes, decoder: &decoder)
        let basisIDs = Set(basis.map(\.id))
        for (n, clause) in clauses.enumerated() {
            if let d = clause.derivedFrom, !basisIDs.contains(d) {
                throw LedgerError.invalid(pointer / n / "derivedFrom", "the basis of this plan has no clause \"\(d)\"")
            }
        }
        if let exemptions {
            let ids = Set(clauses.map(\.id))
            var kept: [Exemption] = []
            for (n, e) in exemptions.enumerated() {
                let p = JSONPointer.root / "exemptions" / n
                if e.approval != nil {
                    throw LedgerError.invalid(p / "approval", "an exemption is approved by a supervisor with approve-exemption, not by the plan")
                }
                guard basisIDs.contains(e.clause) else {
                    throw LedgerError.invalid(p / "clause", "the basis of this plan has no clause \"\(e.clause)\" to be exempted from")
                }
                if ids.contains(e.clause) {
                    throw LedgerError.invalid(p / "clause", "clause \"\(e.clause)\" is exempted but still in the plan")
                }
                var e = e
                // An approval stands while the unit keeps the same reason, also across a re-adoption earlier in
                // the same write (`luoshi plan rebase` adopts the moved basis, then writes the merged plan).
                var before = plan.exemption(e.clause)
                if before == nil, let earlier = try snapshot.planBeforeThisWrite(directiveID, unit), earlier.basis.commit != plan.basis.commit {
                    before = earlier.exemption(e.clause)
                }
                if let old = before, old.reason == e.reason { e.approval = old.approval }
                kept.append(e)
            }
            plan.exemptions = kept
        }
        c.moreClauses = ActionPlanner.changedClauses(from: plan, toClauses: clauses, exemptions: exemptions ?? plan.exemptions)
        plan.clauses = clauses
        if plan.basis.blob == nil {
            // A plan of format version 1 becomes version 2 when its unit next edits it.
            plan.basis.blob = ObjectID.blob(basisBytes[...]).hex
        }
        try c.write(.plan(directiveID, unit), plan, into: snapshot)
        c.subject = "\(unit) edits its plan for \(directiveID)"
        c.unit = unit
        c.directive = directiveID
    }

    /// The clauses an edit changes, added or drops, or whose exemption it changes, in the plan's
    /// order and then the dropped ones: each gets a `Luoshi-Clause` trailer, so `log --clause` finds the edit.
    static func changedClauses(from plan: Plan, toClauses clauses: [Clause], exemptions: [Exemption]) -> [ClauseID] {
        let before = Dictionary(plan.clauses.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let exemptedBefore = Dictionary(plan.exemptions.map { ($0.clause, $0.reason) }, uniquingKeysWith: { a, _ in a })
        let exemptedAfter = Dictionary(exemptions.map { ($0.clause, $0.reason) }, uniquingKeysWith: { a, _ in a })
        var changed = clauses.filter { before[$0.id] != $0 }.map(\.id)
        let kept = Set(clauses.map(\.id))
        changed += plan.clauses.map(\.id).filter { !kept.contains($0) }
        let exemptionIDs = Set(exemptedBefore.keys).union(exemptedAfter.keys).filter { exemptedBefore[$0] != exemptedAfter[$0] }
        changed += exemptionIDs.sorted().filter { !changed.contains($0) }
        return changed
    }

    /// A ledger needs an admin who can still sign: without one nobody can ever register a unit, an
    /// actor or a key again.
    private func requireAnAdminLeft(after changed: Actor) throws {
        guard changed.has(.admin), changed.keys.isEmpty else { return }
        for id in try snapshot.actorIDs() where id != changed.id {
            if let other = try snapshot.actor(id), other.has(.admin), !other.keys.isEmpty { return }
        }
        throw LedgerError.invalid(JSONPointer.root / "key", "this is the last key of \(changed.id), the only admin with a key: revoking it would leave nobody able to administer the ledger; register another admin with a key of its own first")
    }

    private func checkNoDerivedFrom(_ clauses: [Clause], _ pointer: JSONPointer) throws {
        if let n = clauses.firstIndex(where: { $0.derivedFrom != nil }) {
            throw LedgerError.invalid(pointer / n / "derivedFrom", "a directive's clauses are not derived from anything; derivedFrom belongs in plans")
        }
    }

    private func checkpointID(at: Timestamp) throws -> CheckpointID {
        let d = at.utcDay
        let secs = Int((at.seconds % 86_400 + 86_400) % 86_400)
        let stem = "cp-\(padded(d.year, 4))\(padded(d.month, 2))\(padded(d.day, 2))-\(padded(secs / 3600, 2))\(padded(secs / 60 % 60, 2))\(padded(secs % 60, 2))"
        var id = CheckpointID(unchecked: stem)
        var n = 2
        // A tag left by rewritten history keeps its id taken, so a new checkpoint never reuses it.
        while try snapshot.exists(.checkpoint(id)) || snapshot.repository.resolve(CheckpointTags.ref(id)) != nil {
            id = CheckpointID(unchecked: "\(stem)-\(n)"); n += 1
        }
        return id
    }

    // MARK: Permissions and state

    /// Refuses what the table (`Permissions`) does not permit `actor` to do, in its words.
    private func permit(_ actor: Actor, _ deed: Deed) throws {
        if let refusal = permissions(actor, deed) { throw LedgerError.denied(refusal.description) }
    }

    /// The state a step leaves `finding` in, or why the step cannot be taken now.
    private func nextState(of finding: Finding, _ kind: FindingStep.Kind, verdict: Verdict? = nil) throws -> FindingState {
        switch FindingState.after(kind, verdict: verdict, from: finding.state) {
        case .success(let state): return state
        case .failure(let why): throw LedgerError.invalid(JSONPointer.root / "finding", "finding \(finding.id) \(why)")
        }
    }

    private func requireUnit(_ id: UnitID, _ pointer: JSONPointer) throws {
        guard try snapshot.exists(.unit(id)) else {
            throw LedgerError.invalid(pointer, "unit \"\(id)\" is not registered; register it first with register-unit")
        }
    }

    private func requireDirective(_ id: DirectiveID, _ pointer: JSONPointer) throws -> Directive {
        guard let d = try snapshot.directive(id) else {
            throw LedgerError.invalid(pointer, "directive \"\(id)\" is not issued")
        }
        return d
    }

    private func requireFinding(_ id: FindingID) throws -> Finding {
        guard let f = try snapshot.finding(id) else {
            throw LedgerError.invalid(JSONPointer.root / "finding", "finding \"\(id)\" does not exist")
        }
        return f
    }
}
