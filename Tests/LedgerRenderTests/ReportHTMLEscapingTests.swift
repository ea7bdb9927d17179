import Fidelity
import Ledger
import LedgerModel
import LedgerRender
import Testing

/// Record text reaches the HTML report only as text: escaped in the markup, `\u003c` in the embedded data.
@Suite("HTML report: record text stays text")
struct ReportHTMLEscapingTests {
    static let hostile = HTMLTests.hostile
    static let escaped = HTMLTests.escaped

    /// A report whose every piece of record text the page shows is `text`: the directive's title, a
    /// clause's title and text, a target's unit, a unit's name and level, a flag's note, evidence, a
    /// finding and its steps, the history and a ladder.
    static func report(_ text: String) throws -> DirectiveReport {
        let basis = [
            Clause(id: ClauseID("1"), title: text, text: "Clause text " + text, modality: .must,
                   targets: [Target(metric: "documents_cut_pct", op: .atLeast, value: 30, unit: text)], deadline: try Day("2019-12-31"),
                   evidence: .outcome, localize: true),
            Clause(id: ClauseID("2"), title: nil, text: "Another clause " + text, modality: .mustNot, evidence: .any, localize: false),
        ]
        let directive = Directive(id: DirectiveID("JF-ESC"), title: "Directive " + text, issuer: try UnitID("cn"), issued: try Day("2019-03-15"),
                                  version: 1, scope: Scope(units: [try UnitID("cn")], levels: ["province"]), reporting: try Cadence(every: "P1M"),
                                  clauses: basis)
        var looser = basis
        looser[0].targets[0].value = 20
        looser[0].text = "Looser clause text " + text
        let reading = Fidelity.diff(basis: basis, plan: looser, exemptions: [])
        let unit = try UnitID("cn/east"), other = try UnitID("cn/west")
        let actor = ActorID("east.office")
        let at = try Timestamp("2019-06-05T10:00:00Z")
        let reports = [Report(clause: ClauseID("1"), status: .inProgress, values: ["documents_cut_pct": 12],
                              evidence: [Evidence(kind: .outcome, title: text)], note: text, asOf: nil, at: at, actor: actor)]
        let finding = Finding(id: try FindingID("F-2019-01"), unit: unit, directive: directive.id, clause: ClauseID("1"), text: text,
                              severity: .major, due: try Day("2019-09-30"), state: .rectified,
                              steps: [FindingStep(kind: .open, actor: actor, at: at, text: text),
                                      FindingStep(kind: .rectify, actor: actor, at: at, text: text, decision: text)])
        let history = [HistoryLine(commit: String(repeating: "b", count: 40), time: at, actor: "east.office", action: "adopt",
                                   subject: text, signature: "good")]
        let plan = PlanReport(adopted: at, basis: Basis(kind: .directive, unit: try UnitID("cn"), version: 1, commit: String(repeating: "a", count: 40)),
                              behind: 0, cumulative: reading, own: reading, reports: reports, findings: [finding], history: history)
        let units = [UnitReport(unit: LedgerModel.Unit(id: unit, name: text, level: "province"), plan: plan),
                     UnitReport(unit: LedgerModel.Unit(id: other, name: "West " + text, level: "province"), plan: nil)]
        let flags = [Flag(kind: .adapted, unit: unit, directive: directive.id, clause: ClauseID("1"), detail: .object(["note": .string(text)])),
                     Flag(kind: .notAdopted, unit: other, directive: directive.id)]
        let ladder = Ladder(clause: ClauseID("1"), title: text, metric: "documents_cut_pct", op: .atLeast, unit: text,
                            paths: [LadderPath(values: [30, 20], example: [unit], count: 1)])
        return DirectiveReport(directive: directive, asOf: try Day("2020-03-13"), under: nil, commit: String(repeating: "c", count: 40),
                               units: units, ladders: [ladder], flags: flags)
    }

    /// The page's markup and its embedded data, split at the data's script element.
    static func parts(_ html: String) throws -> (markup: String, data: String) {
        let open = "<script type=\"application/json\" id=\"report-data\">"
        let start = try #require(html.firstRange(of: open))
        let end = try #require(html[start.upperBound...].firstRange(of: "</script>"))
        return (String(html[..<start.lowerBound]) + String(html[end.upperBound...]), String(html[start.upperBound..<end.lowerBound]))
    }

    /// The names of the tags in `markup`, in order: what the browser builds its elements from.
    static func tags(_ markup: String) -> [String] {
        markup.split(separator: "<", omittingEmptySubsequences: false).dropFirst().map { piece in
            String(piece.prefix { $0.isLetter || $0.isNumber || $0 == "/" || $0 == "!" })
        }
    }

    @Test("titles, clause text, names and notes are escaped in the markup and never reach it raw")
    func escapedInMarkup() throws {
        let html = ReportHTML.render(try Self.report(Self.hostile))
        #expect(!html.contains(Self.hostile))
        #expect(!html.contains("<script>alert"), "record text became a script")
        // The page's own two script elements and no other.
        #expect(html.count(of: "<script") == 2 && html.count(of: "</script>") == 2)
        let (markup, _) = try Self.parts(html)
        #expect(markup.contains("<title>JF-ESC — Directive \(Self.escaped)</title>"))
        #expect(markup.contains("<h1>Directive \(Self.escaped)</h1>"))
        #expect(markup.contains("<div class=\"title\">\(Self.escaped)</div><div class=\"text\">Clause text \(Self.escaped)</div>"))
        #expect(markup.contains("<td>documents_cut_pct &gt;= 30 \(Self.escaped)</td>"), "a target's unit")
        #expect(markup.contains("<span>\(Self.escaped)</span></td>"), "the unit's name among the worst deviations")
        #expect(markup.contains("<figcaption>Clause 1 — <span>\(Self.escaped)</span>: <code>documents_cut_pct &gt;=</code> (\(Self.escaped))</figcaption>"))
        #expect(markup.count(of: Self.escaped) >= 8)
    }

    @Test("record text adds no element: the page has the same tags whatever the text")
    func sameTags() throws {
        let hostile = try Self.parts(ReportHTML.render(try Self.report(Self.hostile))).markup
        let plain = try Self.parts(ReportHTML.render(try Self.report("plain words"))).markup
        #expect(Self.tags(hostile) == Self.tags(plain))
        #expect(Self.tags(hostile).contains("td") && Self.tags(hostile).contains("svg"))
    }

    @Test("the embedded data holds no '<', and reads back to the record text exactly")
    func embeddedData() throws {
        let (_, data) = try Self.parts(ReportHTML.render(try Self.report(Self.hostile)))
        #expect(!data.contains("<"))
        #expect(data.contains("\\u003cscript>alert('x')\\u003c/script> & \\\"q\\\" \\u003c/td>"))
        guard case .object(let members) = try JSONParser.parse(data), case .array(let strings)? = members["strings"] else {
            Issue.record("the data is not an object with strings")
            return
        }
        for text in [Self.hostile, "Clause text " + Self.hostile, "West " + Self.hostile, "note=" + Self.hostile] {
            #expect(strings.contains(.string(text)), "\(text) is not in the data as it was written")
        }
    }
}

extension String {
    func count(of needle: String) -> Int {
        var n = 0, rest = self[...]
        while let r = rest.firstRange(of: needle) { n += 1; rest = rest[r.upperBound...] }
        return n
    }
}
