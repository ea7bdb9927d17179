extension String {
    /// The text as a terminal may show it: every control character (escape sequences that clear the
    /// screen or set a window's title start with one), every invisible format character (bidi
    /// overrides and isolates, zero-width spaces and joiners) and line and paragraph separators
    /// written as `\u{…}`. Record text is any user's; it reaches another user's terminal in `status`,
    /// `flags`, `log`, `diff`, `chain`, `blame` and `verify`, and must not act on it there.
    var terminalSafe: String {
        guard unicodeScalars.contains(where: Self.isUnsafeOnTerminal) else { return self }
        var out = ""
        out.reserveCapacity(utf8.count + 16)
        for u in unicodeScalars {
            if Self.isUnsafeOnTerminal(u) { out += "\\u{\(String(u.value, radix: 16))}" } else { out.unicodeScalars.append(u) }
        }
        return out
    }

    static func isUnsafeOnTerminal(_ u: Unicode.Scalar) -> Bool {
        if u.value >= 0x20 && u.value < 0x7F { return false }
        switch u.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }
}
