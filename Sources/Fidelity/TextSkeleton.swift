import LedgerModel

/// The skeleton of a text, after Unicode TR39: what it reads as, once characters that show nothing
/// are dropped and characters that look like the letters of modal words are read as those letters.
/// Modal words are read on the skeleton, so a weakening cannot hide behind `m\u{200B}ay`, `mаy`
/// (Cyrillic а), `𝗆𝖺𝗒` or `可\u{200B}以`.
///
/// The look-alikes are TR39's own data (`Confusables`, generated from Unicode's confusables.txt by
/// `scripts/confusables.py`): every character outside ASCII whose prototype is made of Latin letters,
/// and the radicals and compatibility forms whose prototype is a CJK ideograph. ASCII is left as it
/// is (TR39 would also read `m` as `rn` and `I` as `l`, which a skeleton compared with itself allows,
/// but the modal words are read on this one as words); full-width forms are folded by `TextNormalizer`.
enum TextSkeleton {
    static func skeleton(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { !$0.isASCII }) else { return text }
        var out = String.UnicodeScalarView()
        for u in text.unicodeScalars {
            if isHidden(u) { continue }
            if !u.isASCII, let reading = Confusables.table[u.value] {
                out.append(contentsOf: reading.unicodeScalars)
            } else {
                out.append(u)
            }
        }
        return String(out)
    }

    /// Characters a reader cannot see: zero-width spaces and joiners, bidi controls, soft hyphens,
    /// variation selectors and the other default-ignorable code points.
    static func isHidden(_ u: Unicode.Scalar) -> Bool {
        !u.isASCII && (u.properties.isDefaultIgnorableCodePoint || u.properties.generalCategory == .format)
    }

    /// How many hidden characters `text` holds.
    static func hiddenCount(_ text: String) -> Int { text.unicodeScalars.count(where: isHidden) }

    /// The change to record when the plan's text hides more invisible characters than its basis:
    /// the text reads as something a reader does not see, which a supervisor must be shown.
    static func hiddenChange(basis: Clause, plan: Clause) -> FieldChange? {
        let before = hiddenCount(basis.text), after = hiddenCount(plan.text)
        guard after > before else { return nil }
        return FieldChange(field: "text.hidden", from: .integer(Int64(before)), to: .integer(Int64(after)), effect: .neutral)
    }
}
