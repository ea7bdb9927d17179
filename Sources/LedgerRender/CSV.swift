/// A table as a spreadsheet opens it, RFC 4180: fields separated by commas, records ended by CRLF,
/// a field quoted when it holds a comma, a quote, CR or LF, quotes doubled. A text cell that a
/// spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return,
/// or their full-width forms) gets a `'` before it, as OWASP's advice on CSV injection has it;
/// numbers and the header are written as they are. `status --format csv` and the web UI's
/// downloads are written here.
public struct CSV: Sendable {
    public enum Cell: Sendable, Hashable {
        /// Text that may come from a record: defused.
        case text(String)
        /// A number, already formatted: as it is.
        case number(String)
    }

    public var header: [String]
    public var rows: [[Cell]]

    public init(header: [String], rows: [[Cell]] = []) {
        self.header = header; self.rows = rows
    }

    /// The table, one record a line.
    public var text: String {
        ([header.map(Self.quote)] + rows.map { $0.map(Self.field) }).map { $0.joined(separator: ",") + "\r\n" }.joined()
    }

    /// The file a browser downloads: UTF-8 with a byte-order mark, so Excel reads Chinese as Chinese.
    public var bytesWithBOM: [UInt8] { [0xEF, 0xBB, 0xBF] + Array(text.utf8) }

    static func field(_ cell: Cell) -> String {
        switch cell {
        case .text(let t): quote(inert(t))
        case .number(let n): quote(n)
        }
    }

    /// A text cell a spreadsheet will not run as a formula: one starting with `=`, `+`, `-`, `@`, a
    /// tab or a carriage return (a target unit `=HYPERLINK(…)`) gets a leading `'`.
    static func inert(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"].contains(first) else { return cell }
        return "'" + cell
    }

    /// Quotes are doubled scalar by scalar: a `"` followed by a combining mark is one Character to Swift
    /// (and to `replacingOccurrences`), but a lone quote to a CSV reader, which would end the field there.
    static func quote(_ field: String) -> String {
        guard field.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        var quoted = "\""
        for scalar in field.unicodeScalars {
            if scalar == "\"" { quoted += "\"\"" } else { quoted.unicodeScalars.append(scalar) }
        }
        return quoted + "\""
    }
}
