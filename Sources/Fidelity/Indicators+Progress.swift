import LedgerModel

// MARK: - paper-only, unverified-done, target-missed, backdated, deadline-rush, stale, overdue

extension Indicators {
    /// The flags of one plan's progress reports (already cut at `now`).
    static func progressFlags(_ context: PlanContext, _ clock: Clock, _ sink: inout FlagSink) {
        let plan = context.plan
        let reports = context.progress?.reports ?? []
        var latest: [ClauseID: Report] = [:]
        for r in reports { latest[r.clause] = r }

        func flag(_ kind: FlagKind, _ clause: ClauseID?, _ detail: @autoclosure () -> JSONValue) {
            sink.raise(kind, plan.unit, plan.directive, clause: clause, detail: detail())
        }

        for (id, report) in latest.sorted(by: { $0.key < $1.key }) where report.status == .done {
            let clause = plan.clause(id)
            if report.evidence.isEmpty {
                flag(.unverifiedDone, id, jsonObject(["at": report.at, "asOf": report.asOf, "values": report.values]))
            } else if clause?.evidence == .outcome, report.evidence.allSatisfy(\.kind.isActivity) {
                flag(.paperOnly, id, jsonObject([
                    "at": report.at, "required": EvidenceRequirement.outcome,
                    "evidence": report.evidence.map { jsonObject(["kind": $0.kind, "title": $0.title, "sha256": $0.sha256]) },
                ]))
            }
            let missed = (clause?.targets ?? []).compactMap { t -> JSONValue? in
                guard let v = report.values[t.metric], !t.isMet(by: v) else { return nil }
                return jsonObject(["metric": t.metric, "op": t.op, "target": t.value, "reported": v])
            }
            if !missed.isEmpty { flag(.targetMissed, id, jsonObject(["at": report.at, "missed": missed])) }
        }

        var backdated: [ClauseID: [JSONValue]] = [:]
        for r in reports {
            guard let asOf = r.asOf else { continue }
            let days = r.at.utcDay.daysSinceEpoch - asOf.daysSinceEpoch
            if days > clock.policy.backdateDays {
                backdated[r.clause, default: []].append(jsonObject(["at": r.at, "asOf": asOf, "days": days]))
            }
        }
        for (id, list) in backdated.sorted(by: { $0.key < $1.key }) {
            flag(.backdated, id, jsonObject(["backdateDays": clock.policy.backdateDays, "reports": JSONValue.array(list)]))
        }

        if let rush = deadlineRush(plan, reports, clock) { flag(.deadlineRush, nil, rush()) }
        if let stale = staleness(plan, reports, latest, clock) { flag(.stale, nil, stale()) }

        for clause in plan.clauses {
            guard let deadline = clause.deadline, deadline < clock.day, latest[clause.id]?.status != .done else { continue }
            flag(.overdue, clause.id, jsonObject([
                "deadline": deadline, "daysOverdue": clock.day.daysSinceEpoch - deadline.daysSinceEpoch,
                "status": latest[clause.id]?.status, "lastReport": latest[clause.id]?.at,
            ]))
        }
    }

    /// At least `rushShare` of the unit's reports on the directive, and at least two, committed in the
    /// `rushWindowDays` days up to (and on) the deadline of the clause each reports on.
    /// nil when the unit did not rush; else the flag's detail, worked out when asked for.
    static func deadlineRush(_ plan: Plan, _ reports: [Report], _ clock: Clock) -> (() -> JSONValue)? {
        let window = clock.policy.rushWindowDays
        let rushed = reports.filter { r in
            guard let deadline = plan.clause(r.clause)?.deadline else { return false }
            let before = deadline.daysSinceEpoch - r.at.utcDay.daysSinceEpoch
            return (0...window).contains(before)
        }
        guard rushed.count >= 2, Double(rushed.count) >= clock.policy.rushShare * Double(reports.count) else { return nil }
        return { jsonObject([
            "reports": reports.count, "rushed": rushed.count, "share": Double(rushed.count) / Double(reports.count),
            "rushShare": clock.policy.rushShare, "rushWindowDays": window,
            "rushedReports": rushed.map { jsonObject(["clause": $0.clause, "at": $0.at, "deadline": plan.clause($0.clause)?.deadline]) },
        ]) }
    }

    /// Clauses not done, a plan older than `staleDays`, and no progress report in the last `staleDays`.
    /// nil when the plan is not stale; else the flag's detail, worked out when asked for.
    static func staleness(_ plan: Plan, _ reports: [Report], _ latest: [ClauseID: Report], _ clock: Clock) -> (() -> JSONValue)? {
        let span = Clock.span(clock.policy.staleDays)
        let notDone = plan.clauses.filter { latest[$0.id]?.status != .done }.map(\.id)
        let lastReport = reports.map(\.at).max()
        guard !notDone.isEmpty, clock.now.seconds - plan.adopted.seconds > span else { return nil }
        if let lastReport, clock.now.seconds - lastReport.seconds <= span { return nil }
        return { jsonObject([
            "adopted": plan.adopted, "lastReport": lastReport, "staleDays": clock.policy.staleDays, "notDone": notDone,
        ]) }
    }
}
