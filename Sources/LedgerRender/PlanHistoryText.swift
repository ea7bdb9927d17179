import Fidelity
public import Ledger
import LedgerModel

/// Text output of `history`: a table of events, each plan version's changes under it.
public enum PlanHistoryText {
    /// The plan's events as a table, oldest first, each plan version's changes indented under it.
    public static func render(_ story: PlanHistory) -> String {
        var out = "History of \(story.clause.map { "clause \($0) of " } ?? "")\(story.unit)'s plan for \(story.directive)\n\n"
        let header = ["date", "reading", "actor", "signature", "commit", "what"]
        var rows: [[String]] = []
        var details: [Int: [String]] = [:]
        for event in story.events {
            let e = event.entry
            let reading: String
            var what = e.subject
            switch event.kind {
            case .plan:
                if story.clause != nil {
                    reading = event.fidelity?.rawValue ?? "gone"
                } else {
                    reading = "plan"
                    let counts = (event.counts ?? [:]).sorted { $0.key.rawValue < $1.key.rawValue }
                    what += " (" + counts.map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", ") + ")"
                    if !event.changedClauses.isEmpty {
                        details[rows.count] = ["clauses now: " + event.changedClauses.map { "\($0.clause) \($0.fidelity.rawValue)" }.joined(separator: ", ")]
                    }
                }
                if let basis = event.basis {
                    what += "; basis: \(basis.kind == .directive ? "the directive" : "the plan of \(basis.unit)") v\(basis.version)"
                }
                details[rows.count, default: []] += event.changes.filter { $0.field != "text" }.map {
                    "\($0.field): \(DiffText.render($0.from)) → \(DiffText.render($0.to)) (\($0.effect.rawValue))".terminalSafe
                }
            case .basis:
                reading = "basis"
                if let version = event.version { what += " (v\(version))" }
            case .finding:
                reading = "finding"
            }
            rows.append([e.time.utcDay.description, reading, e.actor, e.signature.rawValue, String(String(describing: e.commit).prefix(12)), what])
        }
        let table = TextTable.render(header: header, rows: rows).split(separator: "\n", omittingEmptySubsequences: false)
        out += table[0] + "\n"
        for (n, line) in table.dropFirst().enumerated() where !line.isEmpty || n < rows.count {
            out += line + "\n"
            for d in details[n] ?? [] { out += "    \(d)\n" }
        }
        return out + "\n\(story.events.count) event\(story.events.count == 1 ? "" : "s"); dates are when the ledger received each commit\n"
    }
}
