/// An inline diff of two texts: words for alphabetic scripts, single characters for CJK.
enum TextDiff {
    enum Piece: Equatable { case same(String), removed(String), added(String) }

    /// Splits into words (with their trailing spaces) and single CJK characters.
    static func tokens(_ s: String) -> [String] {
        var out: [String] = []
        var word = ""
        for ch in s {
            if ch.unicodeScalars.contains(where: isCJK) {
                if !word.isEmpty { out.append(word); word = "" }
                out.append(String(ch))
            } else if ch.isWhitespace {
                word.append(ch)
                out.append(word); word = ""
            } else {
                word.append(ch)
            }
        }
        if !word.isEmpty { out.append(word) }
        return out
    }

    static func isCJK(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x3000...0x303F, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0xFF00...0xFFEF: true
        default: false
        }
    }

    /// The longest-common-subsequence diff of the two token lists.
    static func pieces(_ a: String, _ b: String) -> [Piece] {
        let x = tokens(a), y = tokens(b)
        var lcs = Array(repeating: Array(repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in stride(from: x.count - 1, through: 0, by: -1) {
            for j in stride(from: y.count - 1, through: 0, by: -1) {
                lcs[i][j] = x[i] == y[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var out: [Piece] = []
        var i = 0, j = 0
        func add(_ p: Piece) {
            switch (out.last, p) {
            case (.same(let s)?, .same(let t)): out[out.count - 1] = .same(s + t)
            case (.removed(let s)?, .removed(let t)): out[out.count - 1] = .removed(s + t)
            case (.added(let s)?, .added(let t)): out[out.count - 1] = .added(s + t)
            default: out.append(p)
            }
        }
        while i < x.count || j < y.count {
            if i < x.count, j < y.count, x[i] == y[j] { add(.same(x[i])); i += 1; j += 1 }
            else if i < x.count, j == y.count || lcs[i + 1][j] >= lcs[i][j + 1] { add(.removed(x[i])); i += 1 }
            else { add(.added(y[j])); j += 1 }
        }
        return out
    }

    /// `[-removed-]{+added+}` marks, or red/green on a terminal.
    static func inline(_ a: String, _ b: String, colour: Bool) -> String {
        pieces(a, b).map { p in
            switch p {
            case .same(let s): s
            case .removed(let s): colour ? "\u{1B}[31;9m\(s)\u{1B}[0m" : "[-\(s)-]"
            case .added(let s): colour ? "\u{1B}[32m\(s)\u{1B}[0m" : "{+\(s)+}"
            }
        }.joined()
    }
}
