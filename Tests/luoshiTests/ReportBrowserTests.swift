import Fidelity
import Foundation
import Ledger
import LedgerModel
import LedgerRender
import Testing

/// Headless Chromium (Debian's `chromium`, which `make deps` installs): the DOM after the report's script ran, and screenshots.
enum Browser {
    /// Where screenshots go: a test artefact for people to look at, outside the repository.
    static let artefacts: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("luoshi-report-artefacts")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    static var binary: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func chromium(_ args: [String], profile: TemporaryFolder) throws -> RunResult {
        guard let binary else { throw LoadError(message: "chromium is not installed: run `make deps` (Debian's chromium package)") }
        return try run("timeout", ["300", binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                   "--user-data-dir=\(profile.path("profile"))"] + args)
    }

    /// The page's DOM once its scripts have run.
    static func dom(_ file: String, profile: TemporaryFolder) throws -> String {
        let r = try chromium(["--dump-dom", "file://" + file], profile: profile)
        guard r.status == 0 else { throw LoadError(message: "chromium --dump-dom exited \(r.status): \(r.stderr.suffix(500))") }
        return r.stdout
    }

    static func screenshot(_ file: String, to png: URL, profile: TemporaryFolder) throws {
        try? FileManager.default.removeItem(at: png)
        let r = try chromium(["--screenshot=\(png.path)", "--window-size=1400,2000", "--hide-scrollbars", "file://" + file], profile: profile)
        guard r.status == 0 else { throw LoadError(message: "chromium --screenshot exited \(r.status): \(r.stderr.suffix(500))") }
    }
}

extension String {
    func count(of needle: String) -> Int { components(separatedBy: needle).count - 1 }
}

@Suite("The HTML report, opened in headless Chromium", .serialized)
struct ReportBrowserTests {
    @Test("the sample's report shows its matrix, diffs, ladder and flags with the sample's real values")
    func sampleReport() throws {
        let sample = try SampleLedger.load()
        let asOf = try SampleLedger.asOf()
        let html = sample.folder.path("report.html")
        let r = try luoshi(["report-html", "--ledger", sample.ledger, "--directive", "JF-2019-01", "--as-of", asOf, "--out", html])
        #expect(r.status == 0, "\(r.stderr)")

        // Self-contained: nothing is fetched from anywhere.
        let source = try String(contentsOfFile: html, encoding: .utf8)
        #expect(!source.contains("src=\"http") && !source.contains("href=\"http") && !source.contains("@import") && !source.contains("url("))

        let dom = try Browser.dom(html, profile: sample.folder)
        #expect(dom.contains("data-ready=\"1\""), "the report's script did not finish")
        // The matrix: 31 units in scope (all but the centre), one row each, classes from the sample.
        #expect(dom.contains("1–31 of 31 units"))
        #expect(dom.count(of: "<tr data-unit=") == 31)
        #expect(dom.contains("<tr data-unit=\"cn/yunling/shanfeng\" class=\"none\">"), "Shanfeng is not adopted")
        #expect(dom.contains("data-class=\"strengthened\""))
        #expect(dom.contains("data-class=\"weakened\""))
        #expect(dom.contains("data-class=\"omitted\""))
        // The diffs: Hedong made its consolidated form optional (应当 → 可以), highlighted character by character.
        #expect(dom.contains("<del lang=\"zh\">应当</del>"), "no highlighted removal of 应当")
        #expect(dom.contains("<ins lang=\"zh\">可以</ins>"), "no highlighted addition of 可以")
        #expect(dom.contains("id=\"u-cn/hedong\""))
        // Qingxi's document cut 50% → 60% of its city.
        #expect(dom.contains("<del>50%</del>") && dom.contains("<ins>60%</ins>"), "no highlighted 50% → 60%")
        // The ladder of clause 1: 30 → 40 → 50 → 60 down Jiangbei, Linjiang, Qingxi.
        #expect(dom.contains("data-clause=\"1\""))
        #expect(dom.contains("data-values=\"30 40 50 60\""), "no ladder 30 → 40 → 50 → 60")
        #expect(dom.contains("cn/jiangbei → cn/jiangbei/linjiang → cn/jiangbei/linjiang/qingxi"))
        // The flags: every kind counted, rows drawn with their evidence. (The sample's texts hide no
        // invisible characters, so it raises every kind but hidden-text.)
        for kind in FlagKind.allCases where kind != .hiddenText {
            #expect(dom.contains("<tr data-kind=\"\(kind.rawValue)\""), "no \(kind.rawValue) in the flag counts")
        }
        #expect(dom.contains("reused-evidence") && dom.contains("cn/hedong/dongpo/lishui"))
        // History with verified signatures; a progress timeline per opened unit.
        #expect(dom.contains("✓ verified"))
        #expect(!dom.contains("✗ bad") && !dom.contains("✗ unsigned"))
        #expect(dom.contains("class=\"tl\""))

        let png = Browser.artefacts.appendingPathComponent("sample-report.png")
        try Browser.screenshot(html, to: png, profile: sample.folder)
        let size = (try? FileManager.default.attributesOfItem(atPath: png.path)[.size] as? Int) ?? 0
        #expect(size > 50_000, "the screenshot \(png.path) is \(size) bytes")
        print("report screenshot: \(png.path)")
    }

    @Test("a 40,000-unit report opens drawing one page, and record text stays text")
    func fortyThousandUnits() throws {
        let folder = try TemporaryFolder()
        let report = try SyntheticReport.make(units: 40_000)
        let start = Date()
        let html = ReportHTML.render(report)
        let renderSeconds = Date().timeIntervalSince(start)
        let file = folder.path("big.html")
        try html.write(toFile: file, atomically: false, encoding: .utf8)
        let open = Date()
        let dom = try Browser.dom(file, profile: folder)
        let browserSeconds = Date().timeIntervalSince(open)
        print("40,000 units: \(html.utf8.count / 1_000_000) MB, rendered in \(String(format: "%.1f", renderSeconds)) s, opened in \(String(format: "%.1f", browserSeconds)) s")
        // The times are figures to read (printed above); the page's shape below is what must hold.
        #expect(html.utf8.count < 60_000_000)
        #expect(dom.contains("data-ready=\"1\""))
        #expect(dom.contains("of \(report.units.count) units"))
        #expect(dom.count(of: "<tr data-unit=") == 50, "one page of the matrix, not every unit")
        #expect(dom.count(of: "<details class=\"unit\"") == 50)
        // The hostile names and texts arrive as text, never as markup.
        #expect(!dom.contains("<img src=\"x\""), "a unit name became an element")
        #expect(!dom.contains("<script>document.title"), "a clause text became a script")
        #expect(dom.contains("<title>JF-SYN — "))
        #expect(dom.contains("&lt;img src=x onerror"))
        #expect(!html.contains("</script><script>document.title"))

        let png = Browser.artefacts.appendingPathComponent("forty-thousand.png")
        try Browser.screenshot(file, to: png, profile: folder)
        print("report screenshot: \(png.path)")
    }
}

/// A directive report of any size, made without a ledger: the renderer's input is plain values.
enum SyntheticReport {
    static func make(units count: Int) throws -> DirectiveReport {
        let hostile = "<img src=x onerror=\"document.title='pwned'\">"
        let clauses = [
            Clause(id: ClauseID("1"), title: "Cut documents by 30%", text: "发给基层的文件数量必须比2018年减少30%以上。", modality: .must,
                   targets: [Target(metric: "documents_cut_pct", op: .atLeast, value: 30, unit: "%")], deadline: try Day("2019-12-31"),
                   evidence: .outcome, localize: false),
            Clause(id: ClauseID("2"), title: "No restating rules </script><script>document.title='pwned'</script>",
                   text: "不得制定照搬照抄的实施细则。</script><script>document.title='pwned'</script>", modality: .mustNot,
                   evidence: .any, localize: false),
            Clause(id: ClauseID("3"), title: "A channel", text: "必须设立基层干部反映负担问题的渠道。", modality: .must,
                   deadline: try Day("2019-06-30"), evidence: .outcome, localize: true),
        ]
        let directive = Directive(id: DirectiveID("JF-SYN"), title: "Synthetic \(hostile)", issuer: try UnitID("cn"),
                                  issued: try Day("2019-03-15"), version: 1, scope: Scope(units: [try UnitID("cn")], levels: ["province", "city", "county"]),
                                  reporting: try Cadence(every: "P1M"), clauses: clauses)
        var tighter = clauses, looser = clauses
        tighter[0].targets[0].value = 40; tighter[0].text = "发给基层的文件数量必须比2018年减少40%以上。"
        looser[0].targets[0].value = 20; looser[0].text = "发给基层的文件数量必须比2018年减少20%以上。"
        looser[2].text = "设立渠道。"
        let readings = [Fidelity.diff(basis: clauses, plan: clauses, exemptions: []),
                        Fidelity.diff(basis: clauses, plan: tighter, exemptions: []),
                        Fidelity.diff(basis: clauses, plan: looser, exemptions: []),
                        Fidelity.diff(basis: clauses, plan: Array(clauses.prefix(2)), exemptions: [])]
        let adopted = try Timestamp("2019-04-01T09:00:00Z")
        let basis = Basis(kind: .directive, unit: try UnitID("cn"), version: 1, commit: String(repeating: "a", count: 40))
        let actor = ActorID("someone.office")
        let one = ClauseID("1"), three = ClauseID("3")
        var units: [UnitReport] = []
        var flags: [Flag] = []
        var made = 0, p = 0
        outer: while true {
            for c in 0..<20 {
                for k in 0..<100 {
                    guard made < count else { break outer }
                    let id = try UnitID(k == 0 ? (c == 0 ? "cn/p\(p)" : "cn/p\(p)/c\(c)") : "cn/p\(p)/c\(c)/k\(k)")
                    let level = k == 0 ? (c == 0 ? "province" : "city") : "county"
                    let name = made == 3 ? hostile : "单位 \(made)"
                    made += 1
                    if made % 97 == 0 {
                        units.append(UnitReport(unit: LedgerModel.Unit(id: id, name: name, level: level), plan: nil))
                        flags.append(Flag(kind: .notAdopted, unit: id, directive: directive.id))
                        continue
                    }
                    let reading = readings[made % readings.count]
                    let reports = [Report(clause: one, status: .inProgress, values: ["documents_cut_pct": 12],
                                          evidence: [Evidence(kind: .outcome, title: "台账 \(hostile)")], note: nil, asOf: nil,
                                          at: try Timestamp("2019-06-05T10:00:00Z"), actor: actor),
                                   Report(clause: three, status: .done, values: [:], evidence: [],
                                          note: nil, asOf: nil, at: try Timestamp("2019-06-20T10:00:00Z"), actor: actor)]
                    let history = [HistoryLine(commit: String(repeating: "b", count: 40), time: adopted, actor: "someone.office",
                                               action: "adopt", subject: "\(id) adopts JF-SYN from the directive", signature: "good")]
                    units.append(UnitReport(unit: LedgerModel.Unit(id: id, name: name, level: level), plan: PlanReport(
                        adopted: adopted, basis: basis, behind: 0, cumulative: reading, own: reading, reports: reports,
                        findings: [], history: history)))
                    if made % readings.count == 2 {
                        flags.append(Flag(kind: .adapted, unit: id, directive: directive.id, clause: one,
                                          detail: .object(["note": .string(hostile)])))
                    }
                }
            }
            p += 1
        }
        let ladder = Ladder(clause: one, title: clauses[0].title, metric: "documents_cut_pct", op: .atLeast, unit: "%",
                            paths: [LadderPath(values: [30, 40, 50, 60], example: [try UnitID("cn/p0"), try UnitID("cn/p0/c1"), try UnitID("cn/p0/c1/k1")], count: 120),
                                    LadderPath(values: [30, 20, 20, 20], example: [try UnitID("cn/p1"), try UnitID("cn/p1/c1"), try UnitID("cn/p1/c1/k1")], count: 9000)])
        return DirectiveReport(directive: directive, asOf: try Day("2020-03-13"), under: nil, commit: nil, units: units,
                               ladders: [ladder], flags: flags)
    }
}
