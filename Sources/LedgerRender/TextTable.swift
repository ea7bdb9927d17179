/// Aligned text tables, for people at a terminal.
public enum TextTable {
    /// The header and rows in columns two spaces apart, aligned by display width; the last column is
    /// not padded. Every cell is made terminal-safe first: cells hold record text.
    public static func render(header: [String], rows: [[String]]) -> String {
        let rows = rows.map { $0.map(\.terminalSafe) }
        var widths = header.map(\.displayWidth)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count - 1 { widths[i] = max(widths[i], cell.displayWidth) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in i == cells.count - 1 ? c : c.padding(widths[i]) }.joined(separator: "  ").trimmingTrailingSpaces + "\n"
        }
        return line(header) + rows.map(line).joined()
    }
}
