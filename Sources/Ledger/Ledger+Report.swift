import Fidelity
import GitStore
import LedgerModel

/// Everything the report of one directive shows, as plain values: what `luoshi report-html` renders.
///
/// Built from a ledger by `Ledger.directiveReport`, or by hand (a test can synthesise tens of
/// thousands of units without signing a commit for each).
public struct DirectiveReport: Sendable {
    /// The directive as it stood on `asOf` (its newest version then).
    public var directive: Directive
    public var asOf: Day
    /// The subtree the report is limited to; nil for the directive's whole scope.
    public var under: UnitID?
    /// The ledger's commit the report reads (hex), when it was read from a ledger.
    public var commit: String?
    /// Every unit in scope (and under `under`), in id order: adopted or not.
    public var units: [UnitReport]
    /// Clauses whose target changes somewhere down a chain of plans.
    public var ladders: [Ladder]
    /// The flags about this directive, and the burden flags, of the units in the report.
    public var flags: [Flag]
    /// The clause ids of each version of the directive issued by `asOf`, so a plan built on an older
    /// version is not read as omitting what was added later. Empty when unknown.
    public var versionClauses: [Int: [ClauseID]]

    public init(directive: Directive, asOf: Day, under: UnitID?, commit: String?, units: [UnitReport], ladders: [Ladder], flags: [Flag],
                versionClauses: [Int: [ClauseID]] = [:]) {
        self.directive = directive; self.asOf = asOf; self.under = under; self.commit = commit
        self.units = units; self.ladders = ladders; self.flags = flags; self.versionClauses = versionClauses
    }
}

/// One unit of the report: who it is and, once adopted, how its plan reads.
public struct UnitReport: Sendable {
    public var unit: LedgerModel.Unit
    /// Nil while the unit has not adopted the directive.
    public var plan: PlanReport?

    public init(unit: LedgerModel.Unit, plan: PlanReport?) { self.unit = unit; self.plan = plan }
}

/// One unit's plan: its readings, its progress and its history.
public struct PlanReport: Sendable {
    public var adopted: Timestamp
    public var basis: Basis
    /// Directive versions issued since the version the plan was built on.
    public var behind: Int
    /// The plan read against the directive through every level (one reading per clause of the version it was built on).
    public var cumulative: PlanDiff
    /// The plan read against its own basis: what this unit changed.
    public var own: PlanDiff
    /// The unit's progress reports, oldest first.
    public var reports: [Report]
    /// Findings against the unit on this directive.
    public var findings: [Finding]
    /// Commits about this unit's plan, progress and findings, oldest first.
    public var history: [HistoryLine]

    public init(adopted: Timestamp, basis: Basis, behind: Int, cumulative: PlanDiff, own: PlanDiff, reports: [Report],
                findings: [Finding], history: [HistoryLine]) {
        self.adopted = adopted; self.basis = basis; self.behind = behind; self.cumulative = cumulative; self.own = own
        self.reports = reports; self.findings = findings; self.history = history
    }

    /// The latest report on each of the plan's clauses.
    public var latest: [ClauseID: Report] {
        var out: [ClauseID: Report] = [:]
        for r in reports { out[r.clause] = r }
        return out
    }
}

/// One commit in a plan's history, as the report shows it.
public struct HistoryLine: Sendable {
    public var commit: String
    public var time: Timestamp
    public var actor: String
    public var action: String
    public var subject: String
    /// good, bad, unsigned or unknown-key (see `HistoryEntry.SignatureStatus`).
    public var signature: String

    public init(commit: String, time: Timestamp, actor: String, action: String, subject: String, signature: String) {
        self.commit = commit; self.time = time; self.actor = actor; self.action = action; self.subject = subject
        self.signature = signature
    }
}

/// How one clause's target moves down the chains of plans: the escalation (or dilution) ladder.
public struct Ladder: Sendable {
    public var clause: ClauseID
    public var title: String?
    public var metric: String
    public var op: TargetOp
    public var unit: String?
    /// One entry per distinct sequence of values, directive first.
    public var paths: [LadderPath]

    public init(clause: ClauseID, title: String?, metric: String, op: TargetOp, unit: String?, paths: [LadderPath]) {
        self.clause = clause; self.title = title; self.metric = metric; self.op = op; self.unit = unit; self.paths = paths
    }
}

/// A sequence of target values from the directive down to a unit, and the units whose chain reads so.
public struct LadderPath: Sendable {
    /// The directive's value, then each level's (nil where the clause was dropped or has no such target).
    public var values: [Double?]
    /// The chain of one unit that reads this way, top first (for labels).
    public var example: [UnitID]
    /// How many units' chains read this way.
    public var count: Int

    public init(values: [Double?], example: [UnitID], count: Int) { self.values = values; self.example = example; self.count = count }
}

extension Ledger {
    /// Gathers the report of one directive as of the end of `asOf` (default: the last commit), limited to `under`.
    ///
    /// Reads the ledger once at the commit `asOf` names (`view(at:)`), walks each unit's chain of plans
    /// with `Fidelity.chain`, and reads the history once (`log`, from `history`: the index, or a walk of
    /// every commit), so the cost grows with units, not units × commits. `at` names the point in history
    /// as `--at` does (a date or a commit), and wins over `asOf`.
    public func directiveReport(_ id: DirectiveID, under: UnitID? = nil, asOf: Day? = nil, at spec: String? = nil,
                                history: (any HistorySource)? = nil) throws -> DirectiveReport {
        let source: any HistorySource = history ?? walkedHistory
        let point = try pointInHistory(spec ?? asOf?.description, history: source)
        let commit = point.commit
        let day = try point.day ?? Timestamp(seconds: repository.commit(commit).committer.time).utcDay
        // A named commit is read at its own time; a day (or the last commit's day) at its end.
        let namedCommit = spec.map { (try? Day($0)) == nil } ?? false
        let now = namedCommit ? point.now : Timestamp(seconds: day.endSeconds - 1)
        let (view, versions) = try viewAndVersions(at: commit)
        guard let directive = view.directives[id] else {
            throw LedgerError.notFound("there is no directive \(id) on \(day); `luoshi log --directive \(id)` shows when it was issued")
        }
        let plans = view.plans[id] ?? [:]
        var adopted = AdoptedChains(directive: id, repository: repository, plans: plans, versions: versions[id] ?? [:])
        let diffs = DiffCache()
        let inReport: (UnitID) -> Bool = { u in under.map { u.isWithin($0) } ?? true }

        var history: [UnitID: [HistoryLine]] = [:]
        var versionClauses: [Int: [ClauseID]] = [:]
        for e in try source.log(HistoryFilter(directive: id, until: day)) {
            if e.trailers.action == .issueDirective || e.trailers.action == .amendDirective,
               let value = try record(.directive(id), at: e.commit), let text = try? Directive(json: value, at: .root) {
                versionClauses[text.version] = text.clauses.map(\.id)
            }
            guard under.map({ u in e.trailers.unit.map { $0.isWithin(u) } ?? false }) ?? true else { continue }
            guard let unit = e.trailers.unit else { continue }
            history[unit, default: []].append(HistoryLine(
                commit: e.commit.hex, time: e.time, actor: e.actor, action: e.trailers.action?.rawValue ?? "",
                subject: e.subject, signature: e.signature.rawValue))
        }

        var units: [UnitReport] = []
        var chains: [UnitID: (units: [UnitID], hops: [PlanDiff])] = [:]
        for unit in view.units.values.sorted(by: { $0.id < $1.id }) where inReport(unit.id) {
            let inScope = directive.scope.includes(unit) && unit.id != directive.issuer
            guard let context = plans[unit.id], context.plan.adopted.seconds <= now.seconds else {
                if inScope { units.append(UnitReport(unit: unit, plan: nil)) }
                continue
            }
            let chain = try adopted.chain(unit.id)
            let reading = Fidelity.chain(chain, cache: diffs)
            chains[unit.id] = (chain.map(\.plan.unit), reading.hops)
            let plan = context.plan
            units.append(UnitReport(unit: unit, plan: PlanReport(
                adopted: plan.adopted, basis: plan.basis, behind: max(0, directive.version - plan.basis.version),
                cumulative: reading.cumulative, own: reading.hops.last ?? reading.cumulative,
                reports: (context.progress?.reports ?? []).filter { $0.at.seconds <= now.seconds },
                findings: view.findings.values.filter { $0.unit == unit.id && $0.directive == id && ($0.steps.first?.at.seconds ?? 0) <= now.seconds }
                    .sorted { $0.id < $1.id },
                history: history[unit.id] ?? [])))
        }

        let flags = Indicators.flags(view, now: now).filter { f in
            inReport(f.unit) && (f.directive == id || (f.directive == nil && f.kind == .burden))
        }
        return DirectiveReport(directive: directive, asOf: day, under: under, commit: commit.hex, units: units,
                               ladders: Self.ladders(directive, chains: chains), flags: flags, versionClauses: versionClauses)
    }

    /// For every clause with a target: the value at each hop of every chain, grouped by sequence;
    /// only clauses where some sequence departs from the directive's value.
    static func ladders(_ directive: Directive, chains: [UnitID: (units: [UnitID], hops: [PlanDiff])]) -> [Ladder] {
        // Only whole chains count: a city's chain already holds its province's values.
        let bases = Set(chains.values.flatMap { $0.units.dropLast() })
        return directive.clauses.compactMap { clause -> Ladder? in
            guard let t = clause.targets.first else { return nil }
            var paths: [[Double?]: LadderPath] = [:]
            for unit in chains.keys.sorted() where !bases.contains(unit) {
                guard let chain = chains[unit] else { continue }
                var values: [Double?] = [t.value]
                var id: ClauseID? = clause.id
                for hop in chain.hops {
                    let reading = id.flatMap { hop.reading($0) }
                    id = reading?.id
                    values.append(reading?.plan?.targets.first { $0.metric == t.metric }?.value)
                }
                if var p = paths[values] { p.count += 1; paths[values] = p } else { paths[values] = LadderPath(values: values, example: chain.units, count: 1) }
            }
            // A ladder is about targets that change; a clause only dropped somewhere is not one.
            guard paths.keys.contains(where: { $0.contains { $0 != nil && $0 != t.value } }) else { return nil }
            let ordered = paths.values.sorted {
                ($0.values.count, $0.example.map(\.rawValue).joined(separator: " ")) < ($1.values.count, $1.example.map(\.rawValue).joined(separator: " "))
            }
            return Ladder(clause: clause.id, title: clause.title, metric: t.metric, op: t.op, unit: t.unit, paths: ordered)
        }
    }
}
