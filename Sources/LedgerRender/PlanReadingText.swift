import Fidelity
public import Ledger
import LedgerModel

/// Text of a plan's reading, as `adopt`, `plan edit`, `exempt` and `plan rebase` print it.
public enum PlanReadingText {
    /// The lines a plan's reading prints: each clause that is not faithful, what changed, and the flags it
    /// will raise (or raises), then the summary. "clause 6 omitted (no exemption declared): will raise `selective`".
    public static func lines(_ r: PlanReading, future: Bool) -> [String] {
        let against = r.basis.kind == .directive ? "directive \(r.directive) v\(r.basis.version)" : "the plan of \(r.basis.unit) (v\(r.basis.version))"
        var lines = ["read against \(against):"]
        let raise = future ? "will raise" : "raises"
        func flags(_ clause: ClauseID?) -> String {
            let kinds = r.flags.filter { $0.clause == clause }.map { "`\($0.kind.rawValue)`" }
            return kinds.isEmpty ? "" : ": \(raise) " + kinds.joined(separator: ", ")
        }
        for c in r.reading.clauses where c.fidelity != .faithful || r.flags.contains(where: { $0.clause == (c.id ?? c.basisId) }) {
            var line = "  clause \(DiffText.label(c)) \(c.fidelity.rawValue)"
            if c.fidelity == .omitted {
                line += c.approved ? " (exemption approved)" : c.declared ? " (exemption declared, not approved)" : " (no exemption declared)"
            }
            line += flags(c.fidelity == .omitted ? c.basisId : c.id)
            lines.append(line)
            for change in c.changes where change.field != "text" {
                lines.append("      \(change.field): \(DiffText.render(change.from)) → \(DiffText.render(change.to)) (\(change.effect.rawValue))".terminalSafe)
            }
        }
        for a in r.reading.added { lines.append("  clause \(a.id) added" + flags(a.id)) }
        let counts = FidelityClass.allCases.compactMap { c -> String? in
            let n = r.reading.clauses.filter { $0.fidelity == c }.count
            return n == 0 ? nil : "\(n) \(c.rawValue)"
        } + (r.reading.added.isEmpty ? [] : ["\(r.reading.added.count) added"])
        lines.append("  summary: \(counts.joined(separator: ", ")); \(r.flags.isEmpty ? "no flags" : "\(r.flags.count) flag\(r.flags.count == 1 ? "" : "s")")")
        if r.behind > 0 {
            lines.append("  note: the directive has been amended \(r.behind) time\(r.behind == 1 ? "" : "s") since this plan's basis")
        }
        return lines
    }
}
