import LedgerModel

/// The formalism indicators of DESIGN.md ("Formalism indicators"): readings of a ledger that point at
/// implementation on paper only. Pure functions of a `LedgerView` and a moment.
///
/// A flag is attributed to the unit whose own change or report caused it, and only what had happened by
/// `now` counts: reports, finding steps, plans and approvals dated later are ignored, so a view built
/// from later state still reads as it stood on the `--as-of` day.
public enum Indicators {
    /// Every indicator raised by the ledger as seen in `view`, evaluated at `now` (end of the --as-of day).
    /// Sorted by unit, directive, kind (by its name), clause, then finding and detail, so the order is total.
    /// Each plan is read against its basis once (`PlanContext.ownDiff`). With `directive`, the plan and progress indicators of other directives are not evaluated (the
    /// ones about findings, evidence and burden still are); unsorted, the flags come in no set order.
    public static func flags(_ view: LedgerView, now: Timestamp, directive only: DirectiveID? = nil,
                             sorted: Bool = true) -> [Flag] {
        var sink = FlagSink(detailed: true)
        raise(view, now: now, directive: only, into: &sink)
        return sorted ? Flag.sorted(sink.flags) : sink.flags
    }

    /// Flag counts by the directive they are about (nil: about none, as `burden`), then unit and kind.
    public typealias Counts = [DirectiveID?: [UnitID: [FlagKind: Int]]]

    /// How many flags of each kind `flags(view, now:, directive:)` raises against each unit, by the
    /// directive they are about (nil: about none, as `burden`), without working out their details.
    public static func counts(_ view: LedgerView, now: Timestamp, directive only: DirectiveID? = nil) -> Counts {
        var sink = FlagSink(detailed: false)
        raise(view, now: now, directive: only, into: &sink)
        return sink.counts
    }

    /// The work of `counts` in pieces that share nothing, for a caller to run side by side, largest
    /// first: the indicators that look across units, and each directive's adopted plans in
    /// `planParts` runs. The pieces' counts added up (`adding`) are `counts`.
    public static func countingPieces(_ view: LedgerView, now: Timestamp, directive only: DirectiveID? = nil,
                                      planParts: Int) -> [@Sendable () -> Counts] {
        pieces(view, now: now, directive: only, planParts: planParts).map { piece in
            { var sink = FlagSink(detailed: false); piece(&sink); return sink.counts }
        }
    }

    /// Counts added up, kind by kind.
    public static func adding(_ parts: [Counts]) -> Counts {
        guard var total = parts.first else { return [:] }
        for part in parts.dropFirst() {
            for (directive, units) in part {
                total[directive, default: [:]].merge(units) { $0.merging($1, uniquingKeysWith: +) }
            }
        }
        return total
    }

    static func raise(_ view: LedgerView, now: Timestamp, directive only: DirectiveID?, into sink: inout FlagSink) {
        for piece in pieces(view, now: now, directive: only, planParts: 1) { piece(&sink) }
    }

    /// Every indicator, as pieces raising into a sink: first the ones that look across units, the
    /// largest, then the plan and progress indicators of each directive's adopted plans in
    /// `planParts` runs, so that threads taking pieces in turn finish close together.
    private static func pieces(_ view: LedgerView, now: Timestamp, directive only: DirectiveID?,
                               planParts: Int) -> [@Sendable (inout FlagSink) -> Void] {
        let clock = Clock(now: now, policy: view.policy)
        var issued: [(directive: Directive, plans: [UnitID: PlanContext])] = []
        for id in view.directives.keys.sorted() where only == nil || only == id {
            guard let directive = view.directives[id], directive.issued <= clock.day else { continue }
            issued.append((directive, adopted(view.plans[id] ?? [:], by: clock.now)))
        }
        let directives = issued
        var pieces: [@Sendable (inout FlagSink) -> Void] = [
            { sink in reusedEvidence(view, clock, &sink) },
            { sink in
                for (directive, plans) in directives { notAdopted(directive, units: view.units, plans: plans, clock, &sink) }
                openLoops(view.findings.values, clock, &sink)
                burdenFlags(view, clock, &sink)
            },
        ]
        for (directive, plans) in directives {
            let examinations = examinations(view.findings.values, directive: directive.id, clock)
            // Runs of the dictionary's own order, so no plan is copied out of it.
            let size = max(1, (plans.count + planParts - 1) / max(1, planParts))
            var start = plans.startIndex
            while start != plans.endIndex {
                let end = plans.index(start, offsetBy: size, limitedBy: plans.endIndex) ?? plans.endIndex
                let run = plans[start..<end]
                pieces.append { sink in
                    for (_, adopted) in run {
                        let context = clock.asOfNow(adopted)
                        planFlags(context, clock, &sink)
                        progressFlags(context, examinations[context.plan.unit] ?? [], clock, &sink)
                    }
                }
                start = end
            }
        }
        return pieces
    }

    /// The plans adopted by `now`; the same dictionary, not a copy, when that is all of them (as almost always).
    public static func adopted(_ plans: [UnitID: PlanContext], by now: Timestamp) -> [UnitID: PlanContext] {
        func has(_ context: PlanContext) -> Bool { context.plan.adopted.seconds <= now.seconds }
        return plans.values.allSatisfy(has) ? plans : plans.filter { has($0.value) }
    }

    /// Reports a month each registered unit owes: the sum of `reporting.reportsPerMonth` over the
    /// directives whose scope includes it (0 for a unit no directive reaches).
    public static func burden(_ view: LedgerView) -> [UnitID: Double] {
        owed(view, directives: Array(view.directives.values), parts: false).mapValues(\.total)
    }
}

// MARK: - not-adopted and burden

extension Indicators {
    /// Units in the directive's scope with no plan once `adoptWithinDays` have passed since issue.
    /// The issuing unit itself never owes a plan.
    static func notAdopted(_ directive: Directive, units: [UnitID: Unit], plans: [UnitID: PlanContext],
                           _ clock: Clock, _ sink: inout FlagSink) {
        let adoptBy = directive.issued.adding(days: clock.policy.adoptWithinDays)
        guard clock.day > adoptBy else { return }
        for unit in units.values where directive.scope.includes(unit) && unit.id != directive.issuer && plans.index(forKey: unit.id) == nil {
            sink.raise(.notAdopted, unit.id, directive.id, detail: jsonObject([
                "issued": directive.issued, "adoptBy": adoptBy, "adoptWithinDays": clock.policy.adoptWithinDays,
                "level": unit.level, "daysLate": clock.day.daysSinceEpoch - adoptBy.daysSinceEpoch,
            ]))
        }
    }

    /// Units owing more than `maxReportsPerMonth` reports a month over the directives issued by now.
    static func burdenFlags(_ view: LedgerView, _ clock: Clock, _ sink: inout FlagSink) {
        let issued = view.directives.values.filter { $0.issued <= clock.day }
        let limit = clock.policy.maxReportsPerMonth
        for (unit, owed) in owed(view, directives: issued, parts: sink.detailed).sorted(by: { $0.key < $1.key }) where owed.total > limit {
            sink.raise(.burden, unit, detail: jsonObject([
                "reportsPerMonth": owed.total, "maxReportsPerMonth": limit, "directives": JSONValue.array(owed.parts),
            ]))
        }
    }

    /// Each unit's reports a month, with (when `parts`) the directive each part is owed to.
    private static func owed(_ view: LedgerView, directives: [Directive], parts: Bool) -> [UnitID: (total: Double, parts: [JSONValue])] {
        burdens(view, directives: directives).mapValues { b in
            (b.total, parts ? b.owed.map { jsonObject(["directive": $0.directive, "every": $0.every, "reportsPerMonth": $0.reportsPerMonth]) } : [])
        }
    }

    /// What each registered unit owes a month: a part for each of `directives` (every directive of
    /// the view when nil) whose scope includes the unit, in directive order, and their sum.
    public static func burdens(_ view: LedgerView, directives: [Directive]? = nil) -> [UnitID: Burden] {
        var out: [UnitID: Burden] = [:]
        let directives = (directives ?? Array(view.directives.values)).sorted { $0.id < $1.id }
        for unit in view.units.values {
            var burden = Burden(unit: unit.id, level: unit.level, owed: [], total: 0)
            for d in directives where d.scope.includes(unit) {
                burden.owed.append(Burden.Part(directive: d.id, every: d.reporting.every, reportsPerMonth: d.reporting.reportsPerMonth))
                burden.total += d.reporting.reportsPerMonth
            }
            out[unit.id] = burden
        }
        return out
    }
}

/// The reports a month one unit owes: one part a directive whose scope includes it.
public struct Burden: Sendable, Hashable {
    public struct Part: Sendable, Hashable {
        public var directive: DirectiveID
        /// The directive's reporting cadence (`P1M`, `P2W`, …).
        public var every: String
        public var reportsPerMonth: Double
    }

    public var unit: UnitID
    public var level: String
    public var owed: [Part]
    public var total: Double
}

// MARK: - The moment of reading

extension Indicators {
    /// `now`, the calendar day it falls in, and the thresholds in force.
    struct Clock {
        let now: Timestamp
        /// The day `now` closes: the end of 2020-01-31 (2020-02-01T00:00Z) is still 2020-01-31.
        let day: Day
        let policy: Policy

        init(now: Timestamp, policy: Policy) {
            self.now = now
            self.policy = policy
            day = Timestamp(seconds: now.seconds - 1).utcDay
        }

        func has(_ t: Timestamp) -> Bool { t.seconds <= now.seconds }

        /// Seconds in `days` days.
        static func span(_ days: Int) -> Int64 { Int64(days) * 86_400 }

        /// The plan as it stood at `now`: later reports dropped, later approvals not yet given.
        func asOfNow(_ context: PlanContext) -> PlanContext {
            // Almost always nothing is later, and the plan is returned as it is, without copying its
            // exemptions and reports (each copy retains every string in them).
            let laterApproval = context.plan.exemptions.contains { $0.approval.map { !has($0.at) } ?? false }
            let laterReport = context.progress?.reports.contains { !has($0.at) } ?? false
            guard laterApproval || laterReport else { return context }
            var c = context
            c.plan.exemptions = c.plan.exemptions.map { e in
                var e = e
                if let a = e.approval, !has(a.at) { e.approval = nil }
                return e
            }
            c.progress?.reports.removeAll { !has($0.at) }
            return c
        }
    }
}

/// Where the indicators put what they raise: each flag in full, or (for `Indicators.counts`) only how
/// many of each kind a unit has, since working out a flag's detail is most of the cost of raising it.
struct FlagSink {
    let detailed: Bool
    private(set) var flags: [Flag] = []

    init(detailed: Bool) { self.detailed = detailed }

    mutating func raise(_ kind: FlagKind, _ unit: UnitID, _ directive: DirectiveID? = nil, clause: ClauseID? = nil,
                        finding: FindingID? = nil, detail: @autoclosure () -> JSONValue) {
        if detailed {
            flags.append(Flag(kind: kind, unit: unit, directive: directive, clause: clause, finding: finding, detail: detail()))
        } else {
            // A plan's flags come one after another: they are kept here, and added to `counts`
            // (a lookup by directive and one by unit, each hashing a string) when another unit's come.
            if pendingUnit != unit || pendingDirective != directive { flush() }
            pendingUnit = unit
            pendingDirective = directive
            pending.append(kind)
        }
    }

    /// The counts by directive, then unit and kind.
    var counts: Indicators.Counts {
        mutating get {
            flush()
            return added
        }
    }

    private var added: Indicators.Counts = [:]
    private var pendingUnit: UnitID?
    private var pendingDirective: DirectiveID?
    private var pending: [FlagKind] = []

    private mutating func flush() {
        guard let unit = pendingUnit else { return }
        var byKind: [FlagKind: Int] = [:]
        for kind in pending { byKind[kind, default: 0] += 1 }
        added[pendingDirective, default: [:]][unit, default: [:]].merge(byKind, uniquingKeysWith: +)
        pending.removeAll(keepingCapacity: true)
        pendingUnit = nil
        pendingDirective = nil
    }
}

extension Flag {
    /// In the order of `Indicators.flags`: unit, directive, kind, clause, then finding and detail
    /// (its compact canonical JSON, made once a flag rather than once a comparison).
    static func sorted(_ flags: [Flag]) -> [Flag] {
        flags.map { f in
            (key: [f.unit.rawValue, f.directive?.rawValue ?? "", f.kind.rawValue, f.clause?.rawValue ?? "", f.finding?.rawValue ?? "",
                   CanonicalJSON.compact(f.detail)], flag: f)
        }
        .sorted { $0.key.lexicographicallyPrecedes($1.key) }
        .map(\.flag)
    }
}
