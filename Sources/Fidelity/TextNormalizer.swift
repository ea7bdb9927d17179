/// Folds clause text so that two texts differing only in whitespace, punctuation, letter case
/// or full-width/half-width forms read as the same text, in Chinese as in English.
///
/// Pure standard library: the folding is the part of NFKC that matters for clause text
/// (the full-width ASCII block, the ideographic space and the full-width signs), and
/// punctuation is whatever Unicode classes as punctuation (`P*`), which covers CJK marks
/// such as 。，、；：？！“”‘’（）《》【】 along with ASCII ones.
enum TextNormalizer {
    /// Half-width form of a full-width scalar; other scalars unchanged.
    static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0xFF01...0xFF5E: Unicode.Scalar(scalar.value - 0xFEE0) ?? scalar // ！ … ～ → ! … ~
        case 0x3000: " " // ideographic space
        case 0xFFE0: "\u{A2}" // ￠
        case 0xFFE1: "\u{A3}" // ￡
        case 0xFFE2: "\u{AC}" // ￢
        case 0xFFE3: "\u{AF}" // ￣
        case 0xFFE4: "\u{A6}" // ￤
        case 0xFFE5: "\u{A5}" // ￥
        case 0xFFE6: "\u{20A9}" // ￦
        default: scalar
        }
    }

    /// Whether the scalar carries no meaning for comparison: whitespace or punctuation.
    static func isIgnorable(_ scalar: Unicode.Scalar) -> Bool {
        // ASCII from a table of the same rule: Unicode property lookups dominate the time of a diff.
        if scalar.isASCII { return asciiIgnorable[Int(scalar.value)] }
        return isIgnorableByProperties(scalar)
    }

    private static let asciiIgnorable: [Bool] = (0..<128).map { isIgnorableByProperties(Unicode.Scalar(UInt8($0))) }

    private static func isIgnorableByProperties(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.properties.isWhitespace { return true }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation, .control, .format:
            return true
        default:
            return false
        }
    }

    /// The text folded to half-width and lower case, whitespace and punctuation kept
    /// (modal words and numbers are read from this form, where word boundaries still exist).
    static func folded(_ text: String) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            let f = fold(scalar)
            if f.isASCII {
                // Fast path; also keeps ASCII digits and letters exactly one scalar each.
                let v = f.value
                out.append(v >= 0x41 && v <= 0x5A ? Unicode.Scalar(v + 0x20)! : f)
            } else if f == "\u{2019}" || f == "\u{2018}" {
                out.append("'") // curly apostrophes, so that "mustn’t" reads as "mustn't"
            } else {
                out.append(contentsOf: f.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return out
    }

    /// The comparable form: folded, lower-cased, no whitespace or punctuation.
    static func normalized(_ text: String) -> [Unicode.Scalar] {
        folded(text).filter { !isIgnorable($0) }
    }

    /// Multiset of character bigrams; a one-character text counts as its single character.
    static func bigrams(_ scalars: [Unicode.Scalar]) -> [UInt64: Int] {
        var counts: [UInt64: Int] = [:]
        if scalars.count == 1 {
            counts[UInt64(scalars[0].value) << 32 | 0xFFFF_FFFF] = 1
            return counts
        }
        for i in scalars.indices.dropLast() {
            counts[UInt64(scalars[i].value) << 32 | UInt64(scalars[i + 1].value), default: 0] += 1
        }
        return counts
    }

    /// Dice coefficient over bigram multisets of the normalised texts: 1 for equal texts, 0 for nothing shared.
    static func similarity(_ a: String, _ b: String) -> Double {
        let na = normalized(a), nb = normalized(b)
        if na == nb { return 1 }
        if na.isEmpty || nb.isEmpty { return 0 }
        let ga = bigrams(na), gb = bigrams(nb)
        var shared = 0
        for (gram, count) in ga { shared += min(count, gb[gram] ?? 0) }
        let total = ga.values.reduce(0, +) + gb.values.reduce(0, +)
        return Double(2 * shared) / Double(total)
    }

    /// The numbers written in a text, in order: `30`, `2018`, `1,000`, `12.5` (full-width digits count).
    static func numbers(in text: String) -> [Double] {
        let s = folded(text)
        var out: [Double] = []
        var i = 0
        func isDigit(_ k: Int) -> Bool { k < s.count && s[k].value >= 0x30 && s[k].value <= 0x39 }
        while i < s.count {
            guard isDigit(i), i == 0 || !(isDigit(i - 1) || s[i - 1] == ".") else { i += 1; continue }
            var literal = ""
            while i < s.count {
                if isDigit(i) {
                    literal.unicodeScalars.append(s[i]); i += 1
                } else if s[i] == ",", isDigit(i + 1), isDigit(i + 2), isDigit(i + 3), !isDigit(i + 4) {
                    i += 1 // a thousands separator
                } else if s[i] == ".", isDigit(i + 1), !literal.contains(".") {
                    literal.unicodeScalars.append("."); i += 1
                } else {
                    break
                }
            }
            if let value = Double(literal) { out.append(value) }
        }
        return out
    }
}
