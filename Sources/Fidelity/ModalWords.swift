import LedgerModel

/// How binding an obligation is, on one scale for the modality field and for modal words in text.
///
/// `strength` 0 is permission ("may"), which belongs to both families: may → should-not is tighter.
/// Between the families proper (must/should against must-not/should-not) there is no order:
/// that is a reversal, and `shift(to:)` says so.
struct ModalLevel: Hashable, Sendable {
    var prohibits: Bool
    var strength: Int

    init(prohibits: Bool, strength: Int) {
        self.prohibits = strength > 0 && prohibits
        self.strength = max(0, strength)
    }

    init(_ modality: Modality) { self.init(prohibits: modality.isProhibition, strength: modality.strength) }

    enum Shift { case same, looser, tighter, reversed }

    /// How moving from `self` to `other` changes the obligation.
    func shift(to other: ModalLevel) -> Shift {
        if strength > 0, other.strength > 0, prohibits != other.prohibits { return .reversed }
        if other.strength < strength { return .looser }
        if other.strength > strength { return .tighter }
        return .same
    }
}

/// The modal word that governs a text, as written (with its softener, e.g. "原则上必须").
struct ModalReading: Hashable, Sendable {
    var word: String
    var level: ModalLevel
}

/// Finds modal words in clause text, Chinese and English, as words.
///
/// The governing word is a prohibition if the text has one (the strongest), else the strongest
/// obligation; ties go to the first. A softener (原则上, "in principle") lowers the next modal word
/// after it in the same sentence by one step ("in principle" also the English modal word just before it,
/// as in "must, in principle, ..."). Chinese has no spaces, so 应 is read as a modal word unless it is part of
/// a known compound (应用, 应急, 响应, 适应, 反应, 对应, 供应, ...); English words are matched whole.
///
/// Soft prohibitions are prohibitions at the strength of "should not": 不提倡, 尽量避免, 尽量不, "discouraged",
/// "not recommended", "should be avoided", "avoid" (and 原则上不得, "in principle must not", through the
/// softener). So "must not" → "discouraged" is looser, and "must" → "discouraged" a reversal. "to avoid"
/// states a purpose ("to avoid duplication, forms must be merged"), not a prohibition.
enum ModalWords {
    private struct Term {
        var scalars: [Unicode.Scalar]
        var modality: Modality?   // nil: a softener
        init(_ text: String, _ modality: Modality?) { scalars = Array(text.unicodeScalars); self.modality = modality }
    }

    /// Chinese terms, longest first so that 应当 wins over 应 and 不应 over 应.
    private static let chinese: [Term] = [
        Term("原则上", nil),
        Term("不应当", .shouldNot), Term("不应该", .shouldNot),
        Term("不可以", .mustNot), Term("不得", .mustNot), Term("严禁", .mustNot), Term("禁止", .mustNot), Term("不准", .mustNot), Term("不许", .mustNot),
        Term("尽量避免", .shouldNot), Term("不提倡", .shouldNot), Term("尽量不", .shouldNot),
        Term("不宜", .shouldNot), Term("不应", .shouldNot),
        Term("必须", .must), Term("务必", .must),
        Term("应当", .should), Term("应该", .should), Term("应", .should),
        Term("可以", .may),
    ]

    /// Characters that, right after 应, make a compound that is not modal (应用 apply, 应急 emergency, ...).
    private static let notModalAfterYing: Set<Unicode.Scalar> = Set("用急对付聘邀届变酬答和声".unicodeScalars)
    /// Characters that, right before 应, make a compound that is not modal (响应 respond, 供应 supply, ...).
    private static let notModalBeforeYing: Set<Unicode.Scalar> = Set("响适反对供相回答感效呼顺报照".unicodeScalars)

    /// English phrases as word sequences, longest first at each word.
    private static let english: [(words: [String], modality: Modality?)] = [
        (["in", "principle"], nil),
        (["must", "not"], .mustNot), (["must", "never"], .mustNot), (["mustn't"], .mustNot),
        (["shall", "not"], .mustNot), (["shall", "never"], .mustNot), (["shan't"], .mustNot),
        (["may", "not"], .mustNot), (["do", "not"], .mustNot), (["don't"], .mustNot),
        (["prohibited"], .mustNot), (["forbidden"], .mustNot),
        (["must", "be", "avoided"], .mustNot), (["shall", "be", "avoided"], .mustNot),
        (["should", "be", "avoided"], .shouldNot), (["should", "not"], .shouldNot), (["should", "never"], .shouldNot),
        (["shouldn't"], .shouldNot), (["ought", "not"], .shouldNot),
        (["not", "recommended"], .shouldNot),
        (["discouraged"], .shouldNot), (["avoid"], .shouldNot),
        (["must"], .must), (["shall"], .must), (["required", "to"], .must),
        (["should"], .should), (["ought", "to"], .should),
        (["may"], .may),
    ]

    private static let sentenceEnds: Set<Unicode.Scalar> = ["。", "；", ";", ".", "!", "?"]

    private struct Occurrence {
        var position: Int
        var end: Int
        var text: String
        var modality: Modality?
    }

    /// The governing modal word of a text, or nil when it has none.
    static func governing(in text: String) -> ModalReading? {
        let s = TextNormalizer.folded(TextSkeleton.skeleton(text))
        let occurrences = (chineseOccurrences(s) + englishOccurrences(s)).sorted { $0.position < $1.position }
        var readings: [(reading: ModalReading, end: Int, softened: Bool)] = []
        var pending: Occurrence?
        for o in occurrences {
            guard let modality = o.modality else {
                // "原则上必须" softens the word after it; English also writes "must, in principle, ...",
                // so "in principle" right after a modal word softens that word.
                if o.text.unicodeScalars.first!.isASCII, let last = readings.last, !last.softened,
                   (last.end..<o.position).allSatisfy({ TextNormalizer.isIgnorable(s[$0]) }) {
                    readings[readings.count - 1] = (softened(last.reading, by: o.text, before: false), last.end, true)
                } else {
                    pending = o
                }
                continue
            }
            var reading = ModalReading(word: o.text, level: ModalLevel(modality))
            // A softener reaches only as far as the end of its sentence.
            if let soft = pending, !(soft.end..<o.position).contains(where: { sentenceEnds.contains(s[$0]) }) {
                reading = softened(reading, by: soft.text, before: true)
                readings.append((reading, o.end, true))
            } else {
                readings.append((reading, o.end, false))
            }
            pending = nil
        }
        let all = readings.map(\.reading)
        let prohibitions = all.filter(\.level.prohibits)
        var best: ModalReading?
        for r in prohibitions.isEmpty ? all : prohibitions where best == nil || r.level.strength > best!.level.strength { best = r }
        return best
    }

    private static func softened(_ r: ModalReading, by softener: String, before: Bool) -> ModalReading {
        let spaced = r.word.unicodeScalars.first!.isASCII
        let word = before ? softener + (spaced ? " " : "") + r.word : r.word + (spaced ? ", " : "") + softener
        return ModalReading(word: word, level: ModalLevel(prohibits: r.level.prohibits, strength: r.level.strength - 1))
    }

    private static func chineseOccurrences(_ s: [Unicode.Scalar]) -> [Occurrence] {
        var out: [Occurrence] = []
        var i = 0
        scan: while i < s.count {
            for term in chinese where matches(term.scalars, in: s, at: i) {
                let end = i + term.scalars.count
                if term.scalars.last == "应" {
                    // 应 ending a term: 不应用 is "not apply", not "should not".
                    if end < s.count, notModalAfterYing.contains(s[end]) { continue }
                    if term.scalars.count == 1, i > 0, notModalBeforeYing.contains(s[i - 1]) { continue }
                }
                var text = ""
                text.unicodeScalars.append(contentsOf: term.scalars)
                out.append(Occurrence(position: i, end: end, text: text, modality: term.modality))
                i = end
                continue scan
            }
            i += 1
        }
        return out
    }

    private static func matches(_ term: [Unicode.Scalar], in s: [Unicode.Scalar], at i: Int) -> Bool {
        guard i + term.count <= s.count else { return false }
        for k in term.indices where s[i + k] != term[k] { return false }
        return true
    }

    private static func englishOccurrences(_ s: [Unicode.Scalar]) -> [Occurrence] {
        // Words: runs of ASCII letters and apostrophes.
        var words: [(text: String, position: Int, end: Int)] = []
        var i = 0
        func isWordScalar(_ c: Unicode.Scalar) -> Bool { (c.value >= 0x61 && c.value <= 0x7A) || c == "'" }
        while i < s.count {
            guard isWordScalar(s[i]) else { i += 1; continue }
            let start = i
            var w = ""
            while i < s.count, isWordScalar(s[i]) { w.unicodeScalars.append(s[i]); i += 1 }
            words.append((w, start, i))
        }
        var out: [Occurrence] = []
        var k = 0
        scan: while k < words.count {
            for phrase in english where k + phrase.words.count <= words.count
                && zip(phrase.words, words[k...]).allSatisfy({ $0 == $1.text }) {
                let next = k + phrase.words.count
                // "May 2019" is a month, not a permission.
                if phrase.words == ["may"], isFollowedByNumber(s, after: words[k].position + 3) { continue }
                // "to avoid duplication, ..." is a purpose, not a prohibition.
                if phrase.words == ["avoid"], k > 0, words[k - 1].text == "to" { continue }
                out.append(Occurrence(position: words[k].position, end: words[next - 1].end,
                                      text: phrase.words.joined(separator: " "), modality: phrase.modality))
                k = next
                continue scan
            }
            k += 1
        }
        return out
    }

    private static func isFollowedByNumber(_ s: [Unicode.Scalar], after index: Int) -> Bool {
        var i = index
        while i < s.count, s[i] == " " { i += 1 }
        return i < s.count && s[i].value >= 0x30 && s[i].value <= 0x39
    }
}
