import Foundation
import LedgerModel
import Testing

@Suite("Plans decoded with shared clause lists")
struct PlanDecoderTests {
    static func plan(unit: String, clauses: String = Self.clauses, exemptions: String = "[]") -> String {
        #"{"adopted": "2020-02-01T00:00:00Z", "basis": {"commit": "aa4e169d3f6281516f10d5f933e5433d1bdbddcb", "kind": "plan", "unit": "cn/p00", "version": 1}, "clauses": "#
            + clauses + #", "directive": "D-1", "exemptions": "# + exemptions + #", "formatVersion": 1, "unit": ""# + unit + #""}"#
    }

    static let clauses = #"[{"deadline": "2020-12-31", "evidence": "outcome", "id": "1", "localize": false, "modality": "must", "targets": [{"metric": "documents_cut_pct", "op": ">=", "unit": "%", "value": 30}], "text": "Cut documents by \"30%\" [at least]."}, {"evidence": "any", "id": "2", "localize": true, "modality": "should", "targets": [], "text": "Report {burdens}."}]"#

    enum Outcome: Equatable {
        case plan(Plan)
        case error(String)
    }

    /// What a plain parse and decode of the same bytes gives: the plan, or the error's text.
    static func plain(_ text: String) -> Outcome {
        do { return .plan(try Plan(json: JSONParser.parse(Array(text.utf8)), at: .root)) } catch { return .error("\(error)") }
    }

    static func decoded(_ text: String, _ decoder: inout PlanDecoder) -> Outcome {
        do { return .plan(try decoder.plan(Array(text.utf8))) } catch { return .error("\(error)") }
    }

    @Test("a plan decodes as a plain parse decodes it, and plans holding the same list share one array")
    func sameValueSharedStorage() throws {
        var decoder = PlanDecoder()
        let a = try decoder.plan(Array(Self.plan(unit: "cn/p00/c000").utf8))
        let b = try decoder.plan(Array(Self.plan(unit: "cn/p00/c001").utf8))
        #expect(.plan(a) == Self.plain(Self.plan(unit: "cn/p00/c000")))
        #expect(.plan(b) == Self.plain(Self.plan(unit: "cn/p00/c001")))
        #expect(a.clauses.count == 2 && a.unit != b.unit)
        let address = { (p: Plan) in p.clauses.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) } }
        #expect(address(a) == address(b), "the second plan did not reuse the first one's clause list")
        // A list that differs by one byte is its own list.
        let c = try decoder.plan(Array(Self.plan(unit: "cn/p00/c002", clauses: Self.clauses.replacingOccurrences(of: "30}", with: "35}")).utf8))
        #expect(address(c) != address(a) && c.clauses[0].targets[0].value == 35)
    }

    @Test("bad plans fail with the error a plain parse gives, whether or not their clause list was seen before")
    func sameErrors() throws {
        let cases = [
            Self.plan(unit: "cn/p00/c000", clauses: #"[{"id": "1",, }]"#),                       // syntax error inside the list
            Self.plan(unit: "cn/p00/c000", clauses: #"[{"id": "1"}"#),                           // unterminated list
            Self.plan(unit: "cn/p00/c000", exemptions: "[,]"),                                   // syntax error after the list
            Self.plan(unit: "cn/p00/c000", clauses: Self.clauses.replacingOccurrences(of: #""must""#, with: #""shall""#)),
            Self.plan(unit: "Not A Unit", clauses: #"[{"id": "1",, }]"#),                        // invalid unit and a bad list
            Self.plan(unit: "Not A Unit"),                                                       // invalid unit, known list
            Self.plan(unit: "cn/p00/c000", clauses: "7"),                                        // not a list
            Self.plan(unit: "cn/p00/c000", clauses: #"[{"id": "1"}, {"id": "1"}]"#),
            Self.plan(unit: "cn/p00/c000").replacingOccurrences(of: #""directive""#, with: #""clauses": [], "directive""#),
            Self.plan(unit: "cn/p00/c000").replacingOccurrences(of: #""clauses": "# + Self.clauses + ", ", with: ""),
            Self.plan(unit: "cn/p00/c000") + " x",
            String(Self.plan(unit: "cn/p00/c000").dropLast(3)),
            "[1, 2]",
            "",
        ]
        var decoder = PlanDecoder()
        _ = try decoder.plan(Array(Self.plan(unit: "cn/p00/c000").utf8))   // the good list is known from here on
        for text in cases {
            let want = Self.plain(text)
            if case .plan = want { Issue.record("\(text) should be a bad plan"); continue }
            #expect(Self.decoded(text, &decoder) == want, "\(text)")
            var fresh = PlanDecoder()
            #expect(Self.decoded(text, &fresh) == want, "\(text)")
        }
    }
}
