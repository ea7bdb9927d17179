import LedgerModel

/// The skeleton of a text, in the spirit of Unicode TR39: what it reads as, once characters that
/// show nothing are dropped and letters that look like Latin ones are read as those. Modal words
/// are read on the skeleton, so a weakening cannot hide behind `m\u{200B}ay`, `mаy` (Cyrillic а)
/// or `可\u{200B}以`.
///
/// Pure standard library: the confusables are those of the Latin letters in the modal words'
/// alphabet (Cyrillic, Greek and Armenian look-alikes, dotless i, the mathematical alphanumerics);
/// full-width forms are folded by `TextNormalizer`.
enum TextSkeleton {
    static func skeleton(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { !$0.isASCII }) else { return text }
        var out = String.UnicodeScalarView()
        for u in text.unicodeScalars {
            if isHidden(u) { continue }
            out.append(latin(u))
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

    private static func latin(_ u: Unicode.Scalar) -> Unicode.Scalar {
        if let mapped = confusables[u] { return mapped }
        // Mathematical alphanumerics (𝐦𝐮𝐬𝐭, 𝘮𝘢𝘺): thirteen alphabets of A–Z, a–z from U+1D400.
        if (0x1D400...0x1D6A3).contains(u.value) {
            let n = (u.value - 0x1D400) % 52
            return Unicode.Scalar(n < 26 ? 0x41 + n : 0x61 + n - 26)!
        }
        return u
    }

    private static let confusables: [Unicode.Scalar: Unicode.Scalar] = {
        let pairs: [(String, String)] = [
            // Cyrillic
            ("аеорсухѕіјһԁԛԝӏɡ", "aeopcyxsijhdqwlg"),
            ("АВЕКМНОРСТХЅІЈ", "ABEKMHOPCTXSIJ"),
            // Greek
            ("αονικρυχ", "aovikpux"),
            ("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX"),
            // Armenian, Latin look-alikes
            ("օսհոզ", "ouhnq"),
            ("ıℓⅰⅼ", "illl"),
        ]
        var table: [Unicode.Scalar: Unicode.Scalar] = [:]
        for (from, to) in pairs {
            for (f, t) in zip(from.unicodeScalars, to.unicodeScalars) { table[f] = t }
        }
        return table
    }()
}
