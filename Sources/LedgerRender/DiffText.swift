public import Fidelity
public import Ledger
public import LedgerModel

/// Text output of `diff` and `chain`, for supervisors.
public enum DiffText {
    /// `s` in the colour of its class on a terminal (`colour`), else as it is.
    public static func paint(_ s: String, _ fidelity: FidelityClass, _ colour: Bool) -> String {
        guard colour else { return s }
        let code = switch fidelity {
        case .faithful: "32"
        case .reworded: "36"
        case .weakened, .omitted: "31"
        case .strengthened: "35"
        case .mixed: "33"
        }
        return "\u{1B}[\(code)m\(s)\u{1B}[0m"
    }

    /// A unit's plan read against its basis or the directive, clause by clause, then the summary and
    /// the flags. `basisMoved` says why the basis changed without a new version of the directive (a
    /// parent's edit: `Ledger.behind`), for a plan read against its basis now.
    public static func render(_ report: DiffReport, colour: Bool, basisMoved: String? = nil) -> String {
        let against = report.against == .directive ? "directive \(report.directive) v\(report.againstVersion)" : "the plan of \(report.againstUnit)"
        var out = "\(report.unit) — plan for \(report.directive), read against \(against)\n"
        if report.behind > 0 {
            out += "  note: the directive has been amended \(report.behind) time\(report.behind == 1 ? "" : "s") since this plan's basis;"
                + " `luoshi plan rebase --unit \(report.unit) --directive \(report.directive)` brings it up\n"
        }
        if let basisMoved {
            out += "  note: \(basisMoved); `luoshi plan rebase --unit \(report.unit) --directive \(report.directive)` brings it up\n"
        }
        out += "\n"
        out += renderReading(report.reading, colour: colour, indent: "  ")
        let counts = FidelityClass.allCases.compactMap { c -> String? in
            let n = report.reading.clauses.filter { $0.fidelity == c }.count
            return n == 0 ? nil : "\(n) \(c.rawValue)"
        } + (report.reading.added.isEmpty ? [] : ["\(report.reading.added.count) added"])
        out += "\n  summary: \(counts.joined(separator: ", "))\n"
        if !report.flags.isEmpty {
            out += "  flags: \(report.flags.map { $0.kind.rawValue + ($0.clause.map { " (clause \($0))" } ?? "") }.joined(separator: ", "))\n"
        }
        return out
    }

    /// Each basis clause's class, its changes and its text diff, then the added clauses, `indent` before each line.
    public static func renderReading(_ reading: PlanDiff, colour: Bool, indent: String) -> String {
        var out = ""
        let width = max(6, reading.clauses.map { label($0).displayWidth }.max() ?? 0)
        for r in reading.clauses {
            let name = label(r).padding(width)
            var line = "\(indent)\(name)  \(paint(r.fidelity.rawValue.padding(12), r.fidelity, colour))"
            if r.fidelity == .omitted {
                line += r.approved ? " exemption declared and approved" : r.declared ? " exemption declared, not approved" : " no exemption declared"
            }
            out += line.trimmingTrailingSpaces + "\n"
            for c in r.changes where c.field != "text" {
                out += "\(indent)    \(c.field): \(render(c.from).terminalSafe) → \(render(c.to).terminalSafe) (\(c.effect.rawValue))\n"
            }
            if let plan = r.plan, plan.text != r.basis.text {
                out += "\(indent)    text: \(TextDiff.inline(r.basis.text.terminalSafe, plan.text.terminalSafe, colour: colour))\n"
            }
        }
        for a in reading.added {
            out += "\(indent)\(("+" + a.id.rawValue).padding(width))  \(paint("added".padding(12), .strengthened, colour))\n"
            out += "\(indent)    text: \(a.text.terminalSafe)\n"
        }
        return out
    }

    /// A clause's name in a reading: its basis id, or `basis→plan` when the plan renumbered it.
    public static func label(_ r: ClauseReading) -> String {
        guard let id = r.id, id != r.basisId else { return r.basisId.rawValue }
        return "\(r.basisId)→\(id)"
    }

    /// A field's value as people read it: a string as it is, `none` for null, JSON otherwise.
    public static func render(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): s
        case .null: "none"
        default: CanonicalJSON.compact(v)
        }
    }

    /// Every hop from the directive down to a unit, the targets that move down it, and the cumulative reading.
    public static func renderChain(_ report: ChainReport, colour: Bool) -> String {
        var out = "Chain of \(report.directive) down to \(report.unit): \(report.units.map(\.rawValue).joined(separator: " → "))\n"
        // The ladder: each target's value at every level, for clauses whose targets move.
        var ladder: [String] = []
        for reading in report.cumulative.clauses {
            for target in reading.basis.targets {
                var steps = [fmt(target.value)]
                for hop in report.hops {
                    guard let r = hop.clauses.first(where: { $0.basis.targets.contains { $0.metric == target.metric } }),
                          let v = r.plan?.targets.first(where: { $0.metric == target.metric })?.value else { continue }
                    steps.append(fmt(v))
                }
                if Set(steps).count > 1 {
                    ladder.append("  clause \(reading.basisId) \(target.metric) \(target.op.rawValue): \(steps.joined(separator: " → "))")
                }
            }
        }
        if !ladder.isEmpty { out += "\nTargets down the chain:\n" + ladder.joined(separator: "\n") + "\n" }
        for (unit, hop) in zip(report.units, report.hops) {
            let changed = hop.clauses.filter { $0.fidelity != .faithful }
            out += "\n\(unit): \(changed.isEmpty && hop.added.isEmpty ? "faithful to its basis" : "\(changed.count) clause\(changed.count == 1 ? "" : "s") changed, \(hop.added.count) added")\n"
            if !changed.isEmpty || !hop.added.isEmpty {
                out += renderReading(PlanDiff(clauses: changed, added: hop.added), colour: colour, indent: "  ")
            }
        }
        out += "\nCumulative, \(report.unit) against the directive:\n"
        out += renderReading(report.cumulative, colour: colour, indent: "  ")
        return out
    }

    /// A value as its record writes it (total: `Int(d)` would trap from 2^63 on).
    public static func fmt(_ d: Double) -> String { CanonicalJSON.numberText(d) }
}
