extension String {
    /// The text as a terminal may show it: every control character (escape sequences that clear the
    /// screen or set a window's title start with one), every invisible format character (bidi
    /// overrides and isolates, zero-width spaces and joiners) and line and paragraph separators
    /// written as `\u{…}`. Record text is any user's; it reaches another user's terminal in `status`,
    /// `flags`, `log`, `diff`, `chain`, `blame` and `verify`, and must not act on it there.
    public var terminalSafe: String {
        guard unicodeScalars.contains(where: Self.isUnsafeOnTerminal) else { return self }
        var out = ""
        out.reserveCapacity(utf8.count + 16)
        for u in unicodeScalars {
            if Self.isUnsafeOnTerminal(u) { out += "\\u{\(String(u.value, radix: 16))}" } else { out.unicodeScalars.append(u) }
        }
        return out
    }

    /// Whether a terminal would act on `u` or show nothing for it: a control, format or separator character.
    public static func isUnsafeOnTerminal(_ u: Unicode.Scalar) -> Bool {
        if u.value >= 0x20 && u.value < 0x7F { return false }
        switch u.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }
}

extension String {
    /// Columns on a terminal (`DisplayWidth`): East Asian wide characters take two.
    public var displayWidth: Int { DisplayWidth.of(self) }

    /// The text followed by spaces up to `width` columns.
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - displayWidth)) }

    /// The text without the spaces at its end.
    var trimmingTrailingSpaces: String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
