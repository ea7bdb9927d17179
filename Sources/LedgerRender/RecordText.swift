public import LedgerModel

/// A record as text for people (`show --format text`): one "field: value" line each, nested records
/// indented, list items marked with "-". Names and values are terminal-safe: a record holds any user's text.
public enum RecordText {
    /// The record's fields, sorted by name, `indent` before each line.
    public static func render(_ value: JSONValue, indent: String = "") -> String {
        switch value {
        case .object(let members):
            return members.keys.sorted().map { key in
                let v = members[key]!
                let name = key.terminalSafe
                return isScalar(v) ? "\(indent)\(name): \(scalar(v))\n" : "\(indent)\(name):\(empty(v) ? " none" : "")\n" + render(v, indent: indent + "  ")
            }.joined()
        case .array(let items):
            return items.map { item in
                if isScalar(item) { return "\(indent)- \(scalar(item))\n" }
                // The first line of a nested record goes after the dash.
                let body = render(item, indent: indent + "  ")
                return indent + "- " + body.dropFirst(indent.count + 2)
            }.joined()
        default:
            return indent + scalar(value) + "\n"
        }
    }

    static func isScalar(_ v: JSONValue) -> Bool {
        switch v {
        case .object, .array: false
        default: true
        }
    }

    static func empty(_ v: JSONValue) -> Bool {
        switch v {
        case .object(let o): o.isEmpty
        case .array(let a): a.isEmpty
        default: false
        }
    }

    static func scalar(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): (s.contains("\n") ? CanonicalJSON.compact(v) : s).terminalSafe
        case .null: "none"
        default: CanonicalJSON.compact(v).terminalSafe
        }
    }
}
