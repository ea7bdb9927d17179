/// An inline diff of two texts: words for alphabetic scripts, single characters for CJK.
public enum TextDiff {
    /// A run of text the two have in common, or that only the first or only the second has.
    public enum Piece: Equatable, Sendable { case same(String), removed(String), added(String) }

    /// Splits into words (with their trailing spaces) and single CJK characters.
    public static func tokens(_ s: String) -> [String] {
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

    /// Whether `u` is a CJK ideograph, CJK punctuation or a full-width form.
    public static func isCJK(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x3000...0x303F, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0xFF00...0xFFEF: true
        default: false
        }
    }

    /// How many steps the fine diff may take before it settles for a coarser one: about a second,
    /// whatever the texts. Two 100 KB clauses that share little would otherwise take minutes.
    public static let workLimit = 20_000_000

    /// The diff of the two token lists: Myers' algorithm in linear space (the middle snake of each
    /// part, found from both ends), so memory grows with the texts' length, not its square. `coarse`
    /// says the work limit was reached and some part is shown as removed and added whole.
    public static func diff(_ a: String, _ b: String, workLimit: Int = workLimit) -> (pieces: [Piece], coarse: Bool) {
        let x = tokens(a), y = tokens(b)
        var ids: [String: Int] = [:]
        func id(_ t: String) -> Int {
            if let n = ids[t] { return n }
            ids[t] = ids.count
            return ids.count - 1
        }
        let xs = x.map(id), ys = y.map(id)
        var script = MyersScript(a: xs, b: ys, budget: workLimit)
        script.run()
        // Between two runs of equal text, everything removed is shown first and then everything added,
        // however the script interleaves them: one change reads as one change.
        var out: [Piece] = []
        var removed = "", added = ""
        func flush() {
            if !removed.isEmpty { out.append(.removed(removed)); removed = "" }
            if !added.isEmpty { out.append(.added(added)); added = "" }
        }
        func add(_ p: Piece) {
            switch p {
            case .same(let t):
                flush()
                if case .same(let s)? = out.last { out[out.count - 1] = .same(s + t) } else { out.append(p) }
            case .removed(let t): removed += t
            case .added(let t): added += t
            }
        }
        for step in script.steps {
            switch step.kind {
            case .same: for i in step.range { add(.same(x[i])) }
            case .removed: for i in step.range { add(.removed(x[i])) }
            case .added: for j in step.range { add(.added(y[j])) }
            }
        }
        flush()
        return (out, script.coarse)
    }

    /// The diff's pieces, same, removed and added, in order.
    public static func pieces(_ a: String, _ b: String) -> [Piece] { diff(a, b).pieces }

    /// `[-removed-]{+added+}` marks, or red/green on a terminal.
    public static func inline(_ a: String, _ b: String, colour: Bool) -> String {
        let (pieces, coarse) = diff(a, b)
        return pieces.map { p in
            switch p {
            case .same(let s): s
            case .removed(let s): colour ? "\u{1B}[31;9m\(s)\u{1B}[0m" : "[-\(s)-]"
            case .added(let s): colour ? "\u{1B}[32m\(s)\u{1B}[0m" : "{+\(s)+}"
            }
        }.joined() + (coarse ? " (\(coarseNote))" : "")
    }

    /// What a diff that settled for a coarser one says of itself.
    public static let coarseNote = "texts too different to compare word by word: parts shown whole"
}
