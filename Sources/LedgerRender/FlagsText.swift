public import Fidelity
import Ledger
public import LedgerModel

/// Text output of `flags`: an aligned table.
public enum FlagsText {
    /// The flags as a table, one a line, then how many there are; "no flags" when there are none.
    public static func render(_ flags: [Flag]) -> String {
        guard !flags.isEmpty else { return "no flags\n" }
        let rows = flags.map { f in
            [f.kind.rawValue, f.unit.rawValue, f.directive?.rawValue ?? "-", f.clause?.rawValue ?? f.finding?.rawValue ?? "-", summary(f.detail)]
        }
        return TextTable.render(header: ["kind", "unit", "directive", "clause", "detail"], rows: rows) + "\(flags.count) flag\(flags.count == 1 ? "" : "s")\n"
    }

    /// A flag's evidence in one line: its scalar members as `key=value`, sorted by key.
    public static func summary(_ detail: JSONValue) -> String {
        guard case .object(let o) = detail else { return DiffText.render(detail) }
        return o.keys.sorted().compactMap { k in
            guard let v = o[k] else { return nil }
            switch v {
            case .array, .object: return nil
            default: return "\(k)=\(DiffText.render(v))"
            }
        }.joined(separator: " ")
    }
}
