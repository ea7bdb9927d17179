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
}
