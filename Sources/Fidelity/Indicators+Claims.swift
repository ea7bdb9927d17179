import LedgerModel

// MARK: - reused-evidence and open-loop: claims across units, and the loop of findings

extension Indicators {
    /// What a claim is about: a unit's clause (a progress report, or the rectification of a finding on
    /// that clause) or a unit's finding that names no clause.
    struct ClaimSubject: Hashable {
        var unit: UnitID
        var directive: DirectiveID?
        var clause: ClauseID?
    }

    /// One use of evidence: a progress report or a rectification.
    struct Claim {
        var subject: ClaimSubject
        var finding: FindingID?
        var at: Timestamp
        var hashes: [String]

        var json: JSONValue {
            jsonObject(["unit": subject.unit, "directive": subject.directive, "clause": subject.clause,
                        "finding": finding, "at": at])
        }
    }

    /// The claims made by `now`, oldest first (ties in ledger order: directive, unit, report; then findings).
    static func claims(_ view: LedgerView, _ clock: Clock) -> [Claim] {
        var out: [Claim] = []
        for directive in view.plans.keys.sorted() {
            let plans = view.plans[directive] ?? [:]
            for unit in plans.keys.sorted() {
                for r in plans[unit]?.progress?.reports ?? [] where clock.has(r.at) {
                    out.append(Claim(subject: ClaimSubject(unit: unit, directive: directive, clause: r.clause),
                                     finding: nil, at: r.at, hashes: r.evidence.compactMap(\.sha256)))
                }
            }
        }
        for finding in view.findings.values.sorted(by: { $0.id < $1.id }) {
            let subject = ClaimSubject(unit: finding.unit, directive: finding.directive, clause: finding.clause)
            for step in finding.steps where step.kind == .rectify && clock.has(step.at) {
                out.append(Claim(subject: subject, finding: finding.id, at: step.at,
                                 hashes: (step.evidence ?? []).compactMap(\.sha256)))
            }
        }
        return out.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
    }

    /// A claim whose evidence hash already stood behind an earlier claim of another unit or another
    /// clause. One flag per later subject (and finding), listing each reused hash once.
    static func reusedEvidence(_ view: LedgerView, _ clock: Clock, _ sink: inout FlagSink) {
        struct Key: Hashable { var subject: ClaimSubject; var finding: FindingID? }
        struct Reuse: Hashable { var key: Key; var hash: String }
        var firstUses: [String: [Claim]] = [:]   // per hash: the first claim of each subject, oldest first
        var reported = Set<Reuse>()
        var reuses: [Key: [JSONValue]] = [:]
        var order: [Key] = []
        for claim in claims(view, clock) {
            for hash in Set(claim.hashes).sorted() {
                let uses = firstUses[hash, default: []]
                if let earlier = uses.first(where: { $0.subject != claim.subject }) {
                    let key = Key(subject: claim.subject, finding: claim.finding)
                    if reported.insert(Reuse(key: key, hash: hash)).inserted {
                        if reuses[key] == nil { order.append(key) }
                        reuses[key, default: []].append(jsonObject(["sha256": hash, "at": claim.at, "earlier": earlier.json]))
                    }
                }
                if !uses.contains(where: { $0.subject == claim.subject }) { firstUses[hash, default: []].append(claim) }
            }
        }
        for key in order {
            sink.raise(.reusedEvidence, key.subject.unit, key.subject.directive, clause: key.subject.clause,
                       finding: key.finding, detail: jsonObject(["reuses": JSONValue.array(reuses[key] ?? [])]))
        }
    }

    /// Findings whose loop is open at `now`: past due with no rectification (the unit's move), or
    /// rectified and not examined within `examineWithinDays` (the supervisor's move).
    static func openLoops(_ findings: some Sequence<Finding>, _ clock: Clock, _ sink: inout FlagSink) {
        for finding in findings.sorted(by: { $0.id < $1.id }) {
            let steps = finding.steps.filter { clock.has($0.at) }
            guard let opened = steps.first else { continue }   // opened after `now`
            var state = FindingState.open
            var rectified: Timestamp?
            for step in steps {
                switch step.kind {
                case .open: break
                case .rectify: state = .rectified; rectified = step.at
                case .close: state = step.verdict == .reopened ? .reopened : .closed
                case .holdAccountable: break
                }
            }
            let detail: JSONValue
            switch state {
            case .open, .reopened:
                guard clock.day > finding.due else { continue }
                detail = jsonObject([
                    "move": "unit", "state": state, "opened": opened.at, "due": finding.due,
                    "daysPastDue": clock.day.daysSinceEpoch - finding.due.daysSinceEpoch, "lastRectification": rectified,
                ])
            case .rectified:
                guard let rectified, clock.now.seconds - rectified.seconds > Clock.span(clock.policy.examineWithinDays) else { continue }
                detail = jsonObject([
                    "move": "supervisor", "state": state, "opened": opened.at, "due": finding.due,
                    "lastRectification": rectified, "examineWithinDays": clock.policy.examineWithinDays,
                ])
            case .closed:
                continue
            }
            sink.raise(.openLoop, finding.unit, finding.directive, clause: finding.clause, finding: finding.id, detail: detail)
        }
    }
}
