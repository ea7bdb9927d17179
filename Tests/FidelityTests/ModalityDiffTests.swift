import LedgerModel
import Testing
@testable import Fidelity

@Suite("modality, in the field and in the text")
struct ModalityDiffTests {
    func read(_ b: Clause, _ p: Clause) -> ClauseReading {
        Fidelity.diff(basis: [b], plan: [p], exemptions: []).clauses[0]
    }

    @Test("a softer modality field is looser, a harder one tighter", arguments: [
        (Modality.should, Modality.may, FidelityClass.weakened),
        (.must, .should, .weakened),
        (.mustNot, .shouldNot, .weakened),
        (.should, .must, .strengthened),
        (.may, .shouldNot, .strengthened),
        (.shouldNot, .may, .weakened),
    ])
    func modalityField(from: Modality, to: Modality, expected: FidelityClass) {
        let b = Sample.clause("6", "Collect routine statistics through a single consolidated form.", from)
        let reading = read(b, Sample.edited(b) { $0.modality = to })
        #expect(reading.fidelity == expected)
        #expect(reading.changes.map(\.field) == ["modality"])
        #expect(reading.changes.first?.from == .string(from.rawValue))
    }

    @Test("an obligation turned into a prohibition reads mixed")
    func reversal() {
        let b = Sample.clause("3", "Publish implementing rules for every higher-level document.", .must)
        let reading = read(b, Sample.edited(b) { $0.modality = .mustNot })
        #expect(reading.fidelity == .mixed)
        // The obligation dropped and its opposite imposed: the class is what the two effects add up to.
        #expect(reading.changes == [
            FieldChange(field: "modality", from: .string("must"), to: .string("must-not"), effect: .looser),
            FieldChange(field: "modality", from: .string("must"), to: .string("must-not"), effect: .tighter),
        ])
    }

    @Test("soft prohibitions are prohibitions at the strength of should-not", arguments: [
        "Units are discouraged from convening meetings on weekends.",
        "Convening meetings on weekends is not recommended.",
        "Meetings on weekends should be avoided.",
        "Avoid convening meetings on weekends.",
        "不提倡在周末召开会议。",
        "尽量避免在周末召开会议。",
        "尽量不在周末召开会议。",
        "原则上不得在周末召开会议。",
    ])
    func softProhibitions(_ text: String) throws {
        let reading = try #require(ModalWords.governing(in: text), "\(text) has no modal word")
        #expect(reading.level == ModalLevel(.shouldNot), "\(text): \(reading.word)")
    }

    @Test("a prohibition softened into a soft one is looser; an obligation turned into one is a reversal", arguments: [
        ("Units must not convene meetings on weekends.", "Units are discouraged from convening meetings on weekends.", FidelityClass.weakened),
        ("Units shall not convene meetings on weekends.", "Convening meetings on weekends should be avoided.", .weakened),
        ("Units must not convene meetings on weekends.", "Units should avoid convening meetings on weekends.", .weakened),
        ("不得在周末召开会议。", "不提倡在周末召开会议。", .weakened),
        ("严禁在周末召开会议。", "尽量避免在周末召开会议。", .weakened),
        ("禁止在周末召开会议。", "原则上不得在周末召开会议。", .weakened),
        ("不宜在周末召开会议。", "尽量不在周末召开会议。", .reworded),
        ("必须在周末召开会议。", "尽量不在周末召开会议。", .mixed),
        ("Units discouraged from convening meetings on weekends.", "Units must not convene meetings on weekends.", .strengthened),
    ])
    func softenedProhibitions(from: String, to: String, expected: FidelityClass) {
        let b = Sample.clause("3", from, .mustNot, evidence: .any)
        let reading = read(b, Sample.edited(b) { $0.text = to })
        #expect(reading.fidelity == expected, "\(from) → \(to): \(reading.changes)")
    }

    @Test("\"to avoid\" states a purpose, and the obligation after it governs")
    func avoidAsPurpose() {
        #expect(ModalWords.governing(in: "To avoid duplication, counties must merge their forms.")?.word == "must")
        let b = Sample.clause("6", "To avoid duplication, counties must merge their forms.")
        #expect(read(b, Sample.edited(b) { $0.text = "To avoid duplication, counties may merge their forms." }).fidelity == .weakened)
    }

    @Test("must → should in the text, with the field unchanged, is looser")
    func englishText() {
        let b = Sample.clause("1", "Every county must publish its list of inspection items.")
        let reading = read(b, Sample.edited(b) { $0.text = "Every county should publish its list of inspection items." })
        #expect(reading.fidelity == .weakened)
        #expect(reading.changes.contains(FieldChange(field: "text.modal", from: .string("must"), to: .string("should"), effect: .looser)))
    }

    @Test("shall not → should not in the text is looser; may → must is tighter")
    func englishProhibition() {
        let b = Sample.clause("3", "Units shall not convene meetings on weekends.", .mustNot)
        #expect(read(b, Sample.edited(b) { $0.text = "Units should not convene meetings on weekends." }).fidelity == .weakened)
        let c = Sample.clause("4", "Units may merge their monthly reports.", .may)
        #expect(read(c, Sample.edited(c) { $0.text = "Units must merge their monthly reports." }).fidelity == .strengthened)
    }

    @Test("应当 → 可以 in Chinese text is looser")
    func chineseShouldToMay() {
        let b = Sample.clause("1", "各单位应当在年底前完成文件清理。", .should)
        let reading = read(b, Sample.edited(b) { $0.text = "各单位可以在年底前完成文件清理。" })
        #expect(reading.fidelity == .weakened)
        #expect(reading.changes.first == FieldChange(field: "text.modal", from: .string("应当"), to: .string("可以"), effect: .looser))
    }

    @Test("必须 → 原则上必须 is looser: 'in principle' softens what follows it")
    func inPrinciple() {
        let b = Sample.clause("1", "各地必须压减会议数量。")
        let reading = read(b, Sample.edited(b) { $0.text = "各地原则上必须压减会议数量。" })
        #expect(reading.fidelity == .weakened)
        #expect(reading.changes.first == FieldChange(field: "text.modal", from: .string("必须"), to: .string("原则上必须"), effect: .looser))
        #expect(ModalWords.governing(in: "Units must, in principle, cut meetings.")?.word == "must, in principle")
    }

    @Test("不得 → 不宜 is looser, and a prohibition governs an obligation in the same text")
    func chineseProhibition() {
        #expect(ModalWords.governing(in: "各单位必须精简文件，不得照搬照抄。")?.word == "不得")
        let b = Sample.clause("3", "不得照搬照抄上级文件。", .mustNot)
        #expect(read(b, Sample.edited(b) { $0.text = "不宜照搬照抄上级文件。" }).fidelity == .weakened)
    }

    @Test("应 inside 应用, 响应 or 供应 is not a modal word")
    func compoundsAreNotModal() {
        #expect(ModalWords.governing(in: "推广应用统一报表系统。") == nil)
        #expect(ModalWords.governing(in: "及时响应基层诉求，保障供应。") == nil)
        #expect(ModalWords.governing(in: "各单位应统一报表。")?.word == "应")
        // The basis has no modal word, so adding 可以 gives no modal reading: reworded, not weakened.
        let b = Sample.clause("6", "各单位应用统一报表系统报送数据。", .should)
        let reading = read(b, Sample.edited(b) { $0.text = "各单位可以应用统一报表系统报送数据。" })
        #expect(reading.fidelity == .reworded)
        #expect(reading.changes.map(\.field) == ["text"])
    }

    @Test("English modal words are matched as whole words, and 'May 2019' is a month")
    func englishWords() {
        #expect(ModalWords.governing(in: "Mustard seed oil is sold in Shallow Bay.") == nil)
        #expect(ModalWords.governing(in: "Report by May 2019.") == nil)
        #expect(ModalWords.governing(in: "Do not restate higher-level documents.")?.level == ModalLevel(.mustNot))
    }

    @Test("modal words are not read in a clause the basis asked to localise")
    func localisedText() {
        let b = Sample.clause("7", "各地必须设立基层减负反映渠道。", localize: true)
        let reading = read(b, Sample.edited(b) { $0.text = "各地可以设立基层减负反映渠道。" })
        #expect(reading.fidelity == .reworded)
    }

    @Test("modal words are not read when the texts no longer say the same thing")
    func dissimilarText() {
        let b = Sample.clause("1", "Every county must publish its list of inspection items.")
        let reading = read(b, Sample.edited(b) { $0.text = "Townships may hold an open day." })
        #expect(reading.fidelity == .reworded)
    }
}

@Suite("the governing modal word")
struct GoverningModalWordTests {
    @Test("原则上 softens only the next modal word of its own sentence")
    func softenerScope() {
        #expect(ModalWords.governing(in: "原则上不再新增考核事项。各地必须压减会议。")?.word == "必须")
        #expect(ModalWords.governing(in: "各地原则上应当压减会议。")?.level == ModalLevel(prohibits: false, strength: 0))
    }

    @Test("the strongest obligation governs when there is no prohibition")
    func strongestObligation() {
        #expect(ModalWords.governing(in: "各地可以合并报表，但必须按月报送。")?.word == "必须")
        #expect(ModalWords.governing(in: "Units may merge forms but shall report monthly.")?.word == "shall")
        #expect(ModalWords.governing(in: "Cut the number of meetings by at least 30%.") == nil)
    }
}
