import Fidelity
public import Ledger
import LedgerModel

/// Text and CSV output of `status`.
public enum StatusText {
    /// The short code of a cell's class; the legend explains them.
    static func code(_ cell: StatusCell) -> String {
        switch cell.fidelity {
        case nil: ""
        case .faithful: "="
        case .reworded: "~"
        case .weakened: "-"
        case .strengthened: "+"
        case .mixed: "±"
        case .omitted: cell.approved ? "xa" : cell.declared ? "xd" : "x"
        }
    }

    /// The latest report in a few characters: `done 31%`, `40%` (in progress), `wip`, `todo`, `blocked`; empty without one.
    static func progress(_ cell: StatusCell) -> String {
        guard let report = cell.report else { return "" }
        let value = cell.value.map { number($0) + (cell.target?.unit == "%" ? "%" : "") }
        switch report.status {
        case .done: return value.map { "done \($0)" } ?? "done"
        case .inProgress: return value ?? "wip"
        case .notStarted: return "todo"
        case .blocked: return "blocked"
        }
    }

    static func cell(_ c: StatusCell, adopted: Bool) -> String {
        guard adopted else { return "" }
        guard c.fidelity != nil else { return "n/a" }
        return "\(code(c)) \(progress(c))".trimmingTrailingSpaces
    }

    static func number(_ d: Double) -> String {
        if d.rounded() == d, abs(d) < 1e15 { return String(Int64(d)) }
        return String((d * 100).rounded() / 100)
    }

    static func adoption(_ row: StatusRow) -> String {
        switch row.adoption {
        case .adopted: "adopted"
        case .notAdopted: "not adopted"
        case .behind: "behind (v\(row.basisVersion ?? 0))"
        }
    }

    static func flags(_ row: StatusRow) -> String {
        guard row.flagTotal > 0 else { return "0" }
        let kinds = row.flags.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }
        return "\(row.flagTotal): \(kinds.joined(separator: ", "))"
    }

    /// Each matrix as an aligned table of units × clauses with its summary, then the legend.
    public static func render(_ matrices: [StatusMatrix]) -> String {
        guard !matrices.isEmpty else { return "no directives\n" }
        var out = ""
        for m in matrices {
            out += "\(m.directive) v\(m.version): \(m.title.terminalSafe)\n"
            let when = m.asOf.map { "as of the end of \($0)" } ?? "now"
            out += "issued by \(m.issuer) on \(m.issued); read \(when), at commit \(m.commit.prefix(12))\n\n"
            guard !m.rows.isEmpty else { out += "no units in scope\n\n"; continue }
            // Indent each unit by its depth below the shallowest row, so a subtree reads as one.
            let top = m.rows.map { $0.unit.rawValue.split(separator: "/").count }.min() ?? 0
            let rows = m.rows.map { row -> [String] in
                let depth = row.unit.rawValue.split(separator: "/").count - top
                let adopted = row.adoption != .notAdopted
                return [String(repeating: "  ", count: depth) + row.unit.rawValue, adoption(row)]
                    + row.cells.map { cell($0, adopted: adopted) }
                    + [adopted ? String(row.added.count) : "", flags(row)]
            }
            out += TextTable.render(header: ["unit", "adoption"] + m.clauses.map(\.rawValue) + ["added", "flags"], rows: rows)
            out += "\n" + summary(m) + "\n\n"
        }
        out += """
            class     = faithful  ~ reworded  - weakened  + strengthened  ± mixed
                      x omitted, no exemption declared  xd exemption declared  xa exemption approved
                      n/a not in the version the unit adopted; read against the directive through every level between
            progress  latest report: done (with the value reported for the clause's first target), 40% in progress
                      with that value, wip in progress, todo not started, blocked; nothing when no report
            flags     by kind; `luoshi flags --unit U` gives the evidence, `luoshi diff --against directive` the changes

            """
        return out
    }

    static func summary(_ m: StatusMatrix) -> String {
        let count = { (s: AdoptionState) in m.rows.filter { $0.adoption == s }.count }
        var classes: [FidelityClass: Int] = [:]
        for row in m.rows { for c in row.cells { if let f = c.fidelity { classes[f, default: 0] += 1 } } }
        let classText = FidelityClass.allCases.compactMap { c in classes[c].map { "\($0) \(c.rawValue)" } }
        let reported = m.rows.reduce(0) { $0 + $1.cells.filter { $0.report != nil }.count }
        let done = m.rows.reduce(0) { $0 + $1.cells.filter { $0.report?.status == .done }.count }
        let flags = m.rows.reduce(0) { $0 + $1.flagTotal }
        return "\(m.rows.count) unit\(m.rows.count == 1 ? "" : "s"): \(count(.adopted)) adopted, \(count(.behind)) behind, "
            + "\(count(.notAdopted)) not adopted"
            + (count(.behind) > 0 ? " (`luoshi plan rebase --unit U --directive \(m.directive)` brings a plan that is behind onto the newest text)" : "") + "\n"
            + "clauses: \(classText.isEmpty ? "none read" : classText.joined(separator: ", ")); "
            + "\(reported) reported on, \(done) done; \(flags) flag\(flags == 1 ? "" : "s")"
    }

    /// One line per unit and clause (`CSV`: RFC 4180, text cells defused).
    public static func csv(_ matrices: [StatusMatrix]) -> String {
        let header = ["directive", "version", "unit", "level", "adoption", "basis_version", "clause", "plan_clause", "class",
                      "declared", "approved", "status", "reported_at", "metric", "value", "target_unit", "added", "flags", "flags_by_kind"]
        var rows: [[CSV.Cell]] = []
        for m in matrices {
            for row in m.rows {
                let byKind = row.flags.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: ";")
                for c in row.cells {
                    rows.append([
                        .text(m.directive.rawValue), .number(String(m.version)), .text(row.unit.rawValue), .text(row.level ?? ""),
                        .text(row.adoption.rawValue), .number(row.basisVersion.map(String.init) ?? ""), .text(c.clause.rawValue),
                        .text(c.planClause?.rawValue ?? ""), .text(c.fidelity?.rawValue ?? ""),
                        .text(c.fidelity == nil ? "" : String(c.declared)), .text(c.fidelity == nil ? "" : String(c.approved)),
                        .text(c.report?.status.rawValue ?? ""), .text(c.report?.at.description ?? ""),
                        .text(c.report == nil ? "" : c.target?.metric ?? ""), .number(c.value.map(number) ?? ""),
                        .text(c.report == nil ? "" : c.target?.unit ?? ""),
                        .number(String(row.added.count)), .number(String(row.flagTotal)), .text(byKind),
                    ])
                }
            }
        }
        return CSV(header: header, rows: rows).text
    }
}
