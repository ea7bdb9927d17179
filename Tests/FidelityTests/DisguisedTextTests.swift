import LedgerModel
import Testing
@testable import Fidelity

/// A weakening cannot hide behind characters that show nothing or letters that only look Latin:
/// modal words are read on the text's skeleton, and a plan text that hides invisible characters
/// says so.
@Suite("Disguised modal words")
struct DisguisedTextTests {
    func read(_ b: Clause, _ p: Clause) -> ClauseReading {
        Fidelity.diff(basis: [b], plan: [p], exemptions: []).clauses[0]
    }

    @Test("must → a disguised may reads weakened, with the modal words named", arguments: [
        ("Every county m\u{200B}ay publish its list of inspection items.", "may", true),
        ("Every county m\u{0430}y publish its list of inspection items.", "may", false),      // Cyrillic а
        ("Every county \u{1D5C6}\u{1D5BA}\u{1D5D2} publish its list of inspection items.", "may", false),  // sans-serif 𝗆𝖺𝗒
        ("Every county m\u{2060}a\u{00AD}y publish its list of inspection items.", "may", true),
        ("Every county sh\u{043E}uld publish its list of inspection items.", "should", false),  // Cyrillic о
        ("Every county \u{217F}ay publish its list of inspection items.", "may", false),     // ⅿ, small Roman numeral 1,000
        ("Every county SH\u{041E}ULD publish its list of inspection items.", "should", false),  // Cyrillic capital О
        ("Every county m\u{0251}y publish its list of inspection items.", "may", false),     // Latin alpha ɑ
    ])
    func english(_ text: String, _ word: String, _ hidden: Bool) {
        let b = Sample.clause("1", "Every county must publish its list of inspection items.")
        let reading = read(b, Sample.edited(b) { $0.text = text })
        #expect(reading.fidelity == .weakened, "\(reading.changes)")
        #expect(reading.changes.contains { $0.field == "text.modal" && $0.to == .string(word) && $0.effect == .looser }, "\(reading.changes)")
        #expect(reading.changes.contains { $0.field == "text.hidden" } == hidden, "\(reading.changes)")
    }

    @Test("必须 → 可\u{200B}以 reads weakened and shows the hidden character")
    func chinese() {
        let b = Sample.clause("2", "各地必须公开督查检查事项清单。")
        let reading = read(b, Sample.edited(b) { $0.text = "各地可\u{200B}以公开督查检查事项清单。" })
        #expect(reading.fidelity == .weakened, "\(reading.changes)")
        #expect(reading.changes.contains(FieldChange(field: "text.hidden", from: .integer(0), to: .integer(1), effect: .neutral)))
    }

    @Test("a plan that only adds an invisible character is no longer faithful: the hidden text is shown")
    func onlyHidden() {
        let b = Sample.clause("3", "Every county must publish its list of inspection items.")
        let reading = read(b, Sample.edited(b) { $0.text = "Every county must\u{200B} publish its list of inspection items." })
        #expect(reading.fidelity == .reworded, "\(reading.changes)")
        #expect(reading.changes.map(\.field).contains("text.hidden"))
    }

    @Test("plain text, Chinese and English, has itself as skeleton")
    func plain() {
        for text in ["Every county must publish.", "各地必须公开督查检查事项清单。", "Über 30 % — «must»"] {
            #expect(TextSkeleton.skeleton(text) == text)
        }
    }

    @Test("the look-alikes are TR39's: each modal word is its own skeleton, and Cyrillic, Greek, Armenian and letter-like symbols read as the Latin letters they look like")
    func tr39() {
        let words = ["must", "must not", "must never", "mustn't", "shall", "shall not", "shan't", "may", "may not", "do not",
                     "don't", "prohibited", "forbidden", "avoided", "should", "should not", "shouldn't", "ought to", "ought not",
                     "not recommended", "discouraged", "avoid", "required to", "in principle",
                     "原则上", "不应当", "不应该", "不可以", "不得", "严禁", "禁止", "不准", "不许", "尽量避免", "不提倡", "尽量不",
                     "不宜", "不应", "必须", "务必", "应当", "应该", "应", "可以"]
        for word in words { #expect(TextSkeleton.skeleton(word) == word, "\(word)") }
        let lookAlikes: [(String, String)] = [
            ("аеорсухѕіјһԁԛԝɡ", "aeopcyxsijhdqwg"), ("АВЕКМНОРСТХЅІЈ", "abekmhopctxsij"),   // Cyrillic
            ("αοιρυ", "aoipu"), ("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "abezhikmnoptyx"),                         // Greek
            ("օսհոզ", "ouhnq"), ("ıℓⅰⅼ\u{212A}", "ililk"),                                    // Armenian; ı, ℓ, ⅰ, ⅼ, the Kelvin sign
        ]
        for (disguised, latin) in lookAlikes {
            #expect(String(String.UnicodeScalarView(TextNormalizer.folded(TextSkeleton.skeleton(disguised)))) == latin, "\(disguised)")
        }
        #expect(Confusables.table.count == Confusables.count && Confusables.count > 2000, "TR39's data, every line read, not a hand-picked list")
        #expect(Confusables.table.keys.allSatisfy { $0 > 0x7F }, "ASCII reads as itself")
    }

    @Test("a plan clause that hides invisible characters raises hidden-text, with the counts, and so does an added clause; a plain plan raises none")
    func hiddenTextFlag() throws {
        let b = Sample.clause("3", "Every county must publish its list of inspection items.")
        func flags(_ text: String, added: String? = nil) throws -> [Flag] {
            var clauses = [Sample.edited(b) { $0.text = text }]
            if let added { clauses.append(Sample.clause("9", added)) }
            let plan = Plan(directive: "D-1", unit: try UnitID("cn/a"),
                            basis: Basis(kind: .directive, unit: try UnitID("cn"), version: 1, commit: String(repeating: "0", count: 40)),
                            adopted: try Timestamp("2019-03-20T09:00:00Z"), clauses: clauses, exemptions: [])
            return Indicators.planFlags(of: PlanContext(plan: plan, basisClauses: [b], progress: nil))
        }
        let hidden = try flags("Every county must\u{200B} publish its list of \u{2066}inspection\u{2069} items.").filter { $0.kind == .hiddenText }
        #expect(hidden.count == 1)
        #expect(hidden.first?.clause == "3")
        #expect(hidden.first?.detail["hidden"] == .integer(3))
        #expect(hidden.first?.detail["basisHidden"] == .integer(0))
        #expect(try flags(b.text).isEmpty)
        #expect(try flags(b.text, added: "Every town must\u{202E} report.").contains { $0.kind == .hiddenText && $0.clause == "9" })
    }
}
