public import Fidelity
public import Ledger
public import LedgerModel

/// Text output of the lists: `units`, `directives`, `actors`, `findings`, `todo` and `deviations`.
public enum ListText {
    /// The units as a table: id, level and name.
    public static func units(_ units: [LedgerModel.Unit]) -> String {
        TextTable.render(header: ["unit", "level", "name"], rows: units.map { [$0.id.rawValue, $0.level, $0.name] })
    }

    /// The directives as a table: id, version, issuer, issue date, cadence, how many clauses, title.
    public static func directives(_ directives: [Directive]) -> String {
        let rows = directives.map { [$0.id.rawValue, "v\($0.version)", $0.issuer.rawValue, $0.issued.description, $0.reporting.every,
                                     "\($0.clauses.count)", $0.title] }
        return TextTable.render(header: ["directive", "version", "issuer", "issued", "reporting", "clauses", "title"], rows: rows)
    }

    /// The actors as a table: id, unit, roles, how many keys (and how many revoked), name.
    public static func actors(_ actors: [Actor]) -> String {
        let rows = actors.map { a in
            [a.id.rawValue, a.unit?.rawValue ?? "-", a.roles.map(\.rawValue).joined(separator: ","),
             "\(a.keys.count)" + (a.revokedKeys.isEmpty ? "" : " (\(a.revokedKeys.count) revoked)"), a.name]
        }
        return TextTable.render(header: ["actor", "unit", "roles", "keys", "name"], rows: rows)
    }

    /// The findings as a table: id, unit, directive, clause, severity, due date, state, text.
    public static func findings(_ findings: [Finding]) -> String {
        let rows = findings.map { f in
            [f.id.rawValue, f.unit.rawValue, f.directive?.rawValue ?? "-", f.clause?.rawValue ?? "-", f.severity.rawValue,
             f.due.description, f.state.rawValue, f.text]
        }
        return TextTable.render(header: ["finding", "unit", "directive", "clause", "severity", "due", "state", "text"], rows: rows)
    }

    /// What `unit` owes, one item a line with its date ("overdue" past it); a sentence when it owes nothing.
    public static func todo(unit: UnitID, items: [TodoItem]) -> String {
        guard !items.isEmpty else { return "\(unit) owes nothing now\n" }
        let rows = items.map { i in
            [i.due.map { $0.description + (i.overdue ? " overdue" : "") } ?? "-", i.kind.rawValue, i.directive?.rawValue ?? "-", i.detail]
        }
        return TextTable.render(header: ["due", "owes", "directive", "what"], rows: rows)
    }

    /// The ranked deviations, one unit a line with what it changed (`DeviationText`); a sentence when none deviates.
    public static func deviations(_ ranked: [Deviation]) -> String {
        guard !ranked.isEmpty else { return "no unit deviates from what it was given\n" }
        return ranked.map { "\($0.unit): " + DeviationText.describe($0) + "\n" }.joined()
    }
}
