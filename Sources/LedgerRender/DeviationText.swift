public import Fidelity
import LedgerModel

/// Text output of `deviations`.
public enum DeviationText {
    /// "clause 5 weakened (deadline 2019-12-31 → 2020-06-30); clause 6 omitted (declared); clause 9 added", terminal-safe.
    public static func describe(_ d: Deviation) -> String {
        var parts = d.clauses.map { c -> String in
            let changes = c.changes.filter { $0.effect != .neutral && $0.field != "text" }
                .map { "\($0.field) \(DiffText.render($0.from)) → \(DiffText.render($0.to))" }.joined(separator: "; ")
            let tag = c.fidelity == .omitted ? (c.approved ? "omitted (approved)" : c.declared ? "omitted (declared)" : "omitted") : c.fidelity.rawValue
            return "clause \(c.basisId) \(tag)" + (changes.isEmpty ? "" : " (\(changes))")
        }
        parts += d.reading.added.map { "clause \($0.id) added" }
        return parts.joined(separator: "; ").terminalSafe
    }
}
