import LedgerModel
import Testing
@testable import Fidelity

@Suite("text equivalence and similarity")
struct TextNormalizerTests {
    @Test("full-width digits and punctuation are the same text as half-width ones")
    func fullWidth() {
        #expect(Fidelity.textEquivalent("不得超过10页。", "不得超过１０页．"))
        #expect(Fidelity.textEquivalent("（一）各单位应当，按时报送。", "(一)各单位应当,按时报送"))
        #expect(Fidelity.textEquivalent("每月\u{3000}报送一次", "每月报送一次"))
        #expect(!Fidelity.textEquivalent("不得超过10页。", "不得超过12页。"))
    }

    @Test("whitespace, punctuation and letter case make no difference in English")
    func english() {
        #expect(Fidelity.textEquivalent("Keep every document to at most 10 pages.", "keep every document to at most 10 pages ."))
        #expect(Fidelity.textEquivalent("“Cut” meetings—now", "\"cut\" meetings now"))
        #expect(!Fidelity.textEquivalent("Cut meetings.", "Cut documents."))
    }

    @Test("a punctuation-only change to a clause reads faithful")
    func punctuationOnlyClause() {
        let b = Sample.clause("2", "政策文件篇幅不得超过10页。", .mustNot, targets: [Sample.atMost("document_pages", 10)])
        let p = Sample.edited(b) { $0.text = "政策文件篇幅不得超过１０页．" }
        let diff = Fidelity.diff(basis: [b], plan: [p], exemptions: [])
        #expect(diff.clauses.first?.fidelity == .faithful)
        #expect(diff.clauses.first?.changes == [])
        #expect(diff.clauses.first?.similarity == 1)
    }

    @Test("similarity is 1 for equivalent texts, 0 for nothing shared, symmetric and in between otherwise")
    func similarity() {
        #expect(Fidelity.similarity("不得超过10页。", "不得超过１０页．") == 1)
        #expect(Fidelity.similarity("abc", "xyz") == 0)
        #expect(Fidelity.similarity("", "abc") == 0)
        let a = "各单位应当在年底前完成清理。", b = "各单位可以在年底前完成清理。"
        let s = Fidelity.similarity(a, b)
        #expect(s > 0.5 && s < 1)
        #expect(Fidelity.similarity(b, a) == s)
        let unrelated = Fidelity.similarity("Cut the number of meetings by at least 30%.", "建立基层减负观察点。")
        #expect(unrelated < 0.1)
    }

    @Test("numbers are read from text, with full-width digits, decimals and thousands separators")
    func numbers() {
        #expect(TextNormalizer.numbers(in: "at least 30% compared with 2018") == [30, 2018])
        #expect(TextNormalizer.numbers(in: "不超过１０页，12.5%，1,000元") == [10, 12.5, 1000])
        #expect(TextNormalizer.numbers(in: "no numbers here.") == [])
    }
}
