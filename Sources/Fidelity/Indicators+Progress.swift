import LedgerModel

// MARK: - paper-only, unverified-done, target-missed, backdated, deadline-rush, stale, overdue

extension Indicators {
    /// The flags of one plan's progress reports (already cut at `now`).
    /// `examinations`: the findings opened against the unit by now, whose due dates it faces too.
    static func progressFlags(_ context: PlanContext, _ examinations: [Examination], _ clock: Clock, _ sink: inout FlagSink) {
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

        if let rush = deadlineRush(plan, reports, examinations, clock) { flag(.deadlineRush, nil, rush()) }
        if let stale = staleness(plan, reports, latest, clock) { flag(.stale, nil, stale()) }

        for clause in plan.clauses {
            guard let deadline = clause.deadline, deadline < clock.day, latest[clause.id]?.status != .done else { continue }
            flag(.overdue, clause.id, jsonObject([
                "deadline": deadline, "daysOverdue": clock.day.daysSinceEpoch - deadline.daysSinceEpoch,
                "status": latest[clause.id]?.status, "lastReport": latest[clause.id]?.at,
            ]))
        }
    }

    /// A finding's due date, which the unit it is against faces from the moment it is opened.
    struct Examination: Sendable {
        var finding: FindingID
        var due: Day
        var opened: Timestamp
    }

    /// The findings opened against each unit by now, about `directive` or about no directive in particular.
    static func examinations(_ findings: some Sequence<Finding>, directive: DirectiveID, _ clock: Clock) -> [UnitID: [Examination]] {
        var out: [UnitID: [Examination]] = [:]
        for f in findings where f.directive == nil || f.directive == directive {
            guard let opened = f.opened, clock.has(opened.at) else { continue }
            out[f.unit, default: []].append(Examination(finding: f.id, due: f.due, opened: opened.at))
        }
        return out
    }

    /// At least `rushShare` of the unit's reports on the directive, and at least two, committed in the
    /// `rushWindowDays` days up to (and on) a deadline the unit faces on it: any clause deadline of its
    /// plan, or the due date of a finding against it opened before the report (DESIGN.md: the burst
    /// of reporting before an examination, whichever clause it is on).
    /// nil when the unit did not rush; else the flag's detail, worked out when asked for.
    static func deadlineRush(_ plan: Plan, _ reports: [Report], _ examinations: [Examination], _ clock: Clock) -> (() -> JSONValue)? {
        let window = clock.policy.rushWindowDays
        let clauseDeadlines = plan.clauses.compactMap { c in c.deadline.map { (day: $0, clause: c.id) } }
        /// The nearest deadline a report made at `at` falls within the window before, and whose it is.
        func deadline(before at: Timestamp) -> (day: Day, clause: ClauseID?, finding: FindingID?)? {
            let day = at.utcDay.daysSinceEpoch
            var best: (day: Day, clause: ClauseID?, finding: FindingID?)?
            func consider(_ d: Day, _ clause: ClauseID?, _ finding: FindingID?) {
                guard (0...window).contains(d.daysSinceEpoch - day), best.map({ d < $0.day }) ?? true else { return }
                best = (d, clause, finding)
            }
            for c in clauseDeadlines { consider(c.day, c.clause, nil) }
            for e in examinations where e.opened.seconds <= at.seconds { consider(e.due, nil, e.finding) }
            return best
        }
        let rushed = reports.compactMap { r in deadline(before: r.at).map { (report: r, deadline: $0) } }
        guard rushed.count >= 2, Double(rushed.count) >= clock.policy.rushShare * Double(reports.count) else { return nil }
        return { jsonObject([
            "reports": reports.count, "rushed": rushed.count, "share": Double(rushed.count) / Double(reports.count),
            "rushShare": clock.policy.rushShare, "rushWindowDays": window,
            "rushedReports": rushed.map { jsonObject([
                "clause": $0.report.clause, "at": $0.report.at, "deadline": $0.deadline.day,
                "deadlineOf": $0.deadline.finding.map { jsonObject(["finding": $0]) } ?? jsonObject(["clause": $0.deadline.clause]),
            ]) },
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
