import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LedgerModel
import LedgerServer
import Testing

@Suite("The web UI: findings, and the supervisors' and auditors' forms")
struct FindingsPageTests {
    static func page(_ response: TestResponse) -> String { String(buffer: response.body) }

    /// The findings `luoshi findings` lists: id → (state, due).
    static func findings(_ fixture: ServerFixture) throws -> [String: (state: String, due: String)] {
        guard case .array(let list)? = try JSONParser.parse(try fixture.cli(["findings", "--format", "json"]).stdout)["findings"] else { return [:] }
        return Dictionary(uniqueKeysWithValues: list.map { ($0["id"]!.string!, ($0["state"]!.string!, $0["due"]!.string!)) })
    }

    @Test("every finding, open loops first and the overdue first among them, each with its steps; by state; as CSV")
    func findingsPage() async throws {
        let fixture = try ServerFixture(scenario: "sample", isPublic: true)
        let expected = try Self.findings(fixture)
        #expect(expected.count > 3)
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let api = APIClient(client: client)
            let html = Self.page(try await api.get("/findings?lang=en"))
            let order = html.matches(of: /<section class="finding ([a-z]+)( overdue)?" data-finding="([^"]+)">/).map { (String($0.output.1), $0.output.2 != nil, String($0.output.3)) }
            #expect(Set(order.map(\.2)) == Set(expected.keys))
            for (state, _, id) in order { #expect(expected[id]?.state == state, "\(id)") }
            let closedFrom = order.firstIndex { $0.0 == "closed" } ?? order.count
            #expect(order[closedFrom...].allSatisfy { $0.0 == "closed" }, "an open loop after a closed finding: \(order)")
            let open = order[..<closedFrom]
            let firstOnTime = open.firstIndex { !$0.1 } ?? open.endIndex
            #expect(open[firstOnTime...].allSatisfy { !$0.1 }, "an overdue finding after one on time: \(order)")
            #expect(html.contains("<li><strong>opened</strong> · <code>central.inspector</code> · 2019-08-01"))
            for (id, f) in expected where f.state == "rectified" {
                #expect(html.contains("<a href=\"/findings/close?finding=\(id)\">Close or reopen the finding</a>"))
            }

            let closed = Self.page(try await api.get("/findings?state=closed"))
            #expect(closed.components(separatedBy: "<section class=\"finding ").count - 1 == expected.values.filter { $0.state == "closed" }.count)
            #expect(try await api.get("/findings?state=shut").status == .badRequest)
            let csv = try await api.get("/findings?format=csv")
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(String(decoding: csv.body.readableBytesView.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n").count - 2 == expected.count)
        }
    }

    @Test("a flag links a finding form prefilled from it; the close form is for a finding that exists; a checkpoint form shows the head")
    func forms() async throws {
        let fixture = try ServerFixture(scenario: "sample", isPublic: true)
        let expected = try Self.findings(fixture)
        let head = try fixture.head()
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let api = APIClient(client: client)
            let flags = Self.page(try await api.get("/flags?unit=cn/hedong&lang=en"))
            let link = try #require(flags.firstMatch(of: /<a href="(\/findings\/new\?unit=cn\/hedong[^"]*)">Open a finding<\/a>/)?.output.1)
            let form = Self.page(try await api.get(String(link).replacingOccurrences(of: "&amp;", with: "&") + "&lang=en"))
            #expect(form.contains("data-action=\"open-finding\" data-head=\"\(head)\""))
            #expect(form.contains("<input type=\"hidden\" name=\"finding.unit\" value=\"cn/hedong\">"))
            let id = try #require(form.firstMatch(of: /name="finding.id" value="(F-\d{4}-\d{2})"/)?.output.1)
            #expect(expected[String(id)] == nil, "the suggested id \(id) is taken")
            #expect(form.range(of: #"<textarea name="finding.text" rows="4" required="required">[^<]+</textarea>"#, options: .regularExpression) != nil, "not prefilled")

            let rectified = try #require(expected.first { $0.value.state == "rectified" }?.key)
            let close = Self.page(try await api.get("/findings/close?finding=\(rectified)&lang=en"))
            #expect(close.contains("<input type=\"hidden\" name=\"finding\" value=\"\(rectified)\">"))
            #expect(close.contains("<option value=\"verified\">verified: closed</option>"))
            #expect(try await api.get("/findings/close?finding=F-1999-99").status == .notFound)
            #expect(try await api.get("/findings/new").status == .badRequest)

            let open = try #require(expected.first { $0.value.state == "open" }?.key)
            let rectify = Self.page(try await api.get("/findings/rectify?finding=\(open)&lang=en"))
            #expect(rectify.contains("data-action=\"rectify\" data-head=\"\(head)\""))
            #expect(rectify.contains("<input type=\"hidden\" name=\"finding\" value=\"\(open)\">"))
            #expect(Self.page(try await api.get("/findings?lang=en")).contains("<a href=\"/findings/rectify?finding=\(open)\">Report the rectification</a>"))
            #expect(try await api.get("/findings/rectify?finding=F-1999-99").status == .notFound)

            let tag = try run("git", ["--git-dir", fixture.ledger, "rev-parse", "refs/tags/checkpoints/cp-20190701-000000"]).text.trimmingCharacters(in: .whitespacesAndNewlines)
            let witness = Self.page(try await api.get("/checkpoints/witness?checkpoint=cp-20190701-000000&lang=en"))
            #expect(witness.contains("data-action=\"witness\" data-checkpoint=\"cp-20190701-000000\" data-tag=\"\(tag)\""), "the tag a witness's tag must name")
            #expect(try await api.get("/checkpoints/witness?checkpoint=cp-19990101-000000").status == .notFound)

            let checkpoint = Self.page(try await api.get("/checkpoints/new?lang=en"))
            #expect(checkpoint.contains("data-action=\"checkpoint\" data-head=\"\(head)\""))
            #expect(checkpoint.contains("<code>\(head)</code>"))
        }
    }
}

@Suite("The web UI: history for auditors")
struct HistoryPageTests {
    @Test("the log newest first with each commit's signature status, filtered as log filters, paged; the checkpoints with their witnesses; the verification")
    func history() async throws {
        let fixture = try ServerFixture(scenario: "sample", isPublic: true)
        guard case .array(let all)? = try JSONParser.parse(try fixture.cli(["log", "--format", "json"]).stdout)["commits"],
              case .array(let byAuditor)? = try JSONParser.parse(try fixture.cli(["log", "--actor", "auditor", "--format", "json"]).stdout)["commits"] else {
            Issue.record("no log"); return
        }
        #expect(all.count > 100 && !byAuditor.isEmpty)
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let api = APIClient(client: client)
            let html = String(buffer: try await api.get("/history?lang=en").body)
            let rows = html.matches(of: /<tr data-commit="([0-9a-f]{40})">/).map { String($0.output.1) }
            #expect(rows == all.reversed().prefix(100).map { $0["commit"]!.string! }, "newest first, 100 a page")
            #expect(html.contains("\(all.count) commits match"))
            #expect(html.contains("<td class=\"signature good\">signature good</td>"))
            let next = try #require(html.firstMatch(of: /<a href="(\/history\?cursor=[^"]+)" rel="next">/)?.output.1)
            let second = String(buffer: try await api.get(String(next)).body)
            let more = second.matches(of: /<tr data-commit="([0-9a-f]{40})">/).map { String($0.output.1) }
            #expect(more == all.reversed().dropFirst(100).prefix(100).map { $0["commit"]!.string! })

            let audited = String(buffer: try await api.get("/history?actor=auditor").body)
            #expect(audited.matches(of: /<tr data-commit=/).count == byAuditor.count)
            #expect(html.contains("<tr data-checkpoint=\"cp-20190701-000000\">"))
            let witnessed = try run("git", ["--git-dir", fixture.ledger, "for-each-ref", "--format=%(refname)", "refs/tags/witnesses/"]).text
            for ref in witnessed.split(separator: "\n") {
                let parts = ref.split(separator: "/")   // refs tags witnesses <checkpoint> <actor>
                let row = try #require(html.firstMatch(of: Regex<Substring>(verbatim: "<tr data-checkpoint=\"\(parts[3])\">")).map { html[$0.range.lowerBound...] })
                #expect(row.prefix(while: { $0 != "\n" }).prefix(600).contains(String(parts[4])), "\(parts[4]) witnessed \(parts[3])")
            }
            #expect(html.contains("<td>none yet · <a href=\"/checkpoints/witness?checkpoint=") || !witnessed.isEmpty)
            #expect(html.contains("<section class=\"verification"))
            #expect(try await api.get("/history?actor=nobody.here").status == .notFound)
            let typo = try await api.get("/history?since=last-week&lang=en")
            #expect(typo.status == .badRequest)
            #expect(String(buffer: typo.body).contains("is not a date of the form YYYY-MM-DD"))
            #expect(try await api.get("/flags?directive=not%20an%20id").status == .notFound)
            #expect(try await api.get("/flags?unit=%2F%2F").status == .badRequest, "a unit id that does not parse")
        }
    }
}

@Suite("The web UI: reporting burden")
struct BurdenPageTests {
    @Test("each unit's reports a month per directive and in total, heaviest first; the units over the limit are the burden flags")
    func burden() async throws {
        let fixture = try ServerFixture(scenario: "sample", isPublic: true)
        guard case .array(let flags)? = try JSONParser.parse(try fixture.cli(["flags", "--kind", "burden", "--format", "json"]).stdout)["flags"] else {
            Issue.record("no flags"); return
        }
        let units = try run("git", ["--git-dir", fixture.ledger, "ls-tree", "-r", "--name-only", "main", "units/"]).text.split(separator: "\n")
        #expect(!flags.isEmpty)
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let api = APIClient(client: client)
            let html = String(buffer: try await api.get("/burden?lang=en").body)
            let rows = html.matches(of: /<tr data-unit="([^"]+)"( class="over")?>/).map { (String($0.output.1), $0.output.2 != nil) }
            #expect(rows.count == min(100, units.count))
            #expect(Set(rows.filter(\.1).map(\.0)) == Set(flags.map { $0["unit"]!.string! }), "over the limit: the units the burden flag names")
            let heaviest = rows.prefix(flags.count).allSatisfy { $0.1 }
            #expect(heaviest, "heaviest first")
            let over = String(buffer: try await api.get("/burden?over=1").body)
            #expect(over.matches(of: /<tr data-unit=/).count == flags.count)
            let csv = String(decoding: try await api.get("/burden?format=csv&lang=en").body.readableBytesView.dropFirst(3), as: UTF8.self)
            let lines = csv.components(separatedBy: "\r\n").dropLast()
            #expect(lines.first?.hasPrefix("Unit,Level,") == true && lines.first?.hasSuffix(",Reports a month,Limit") == true)
            #expect(lines.count == 1 + units.count)
            for flag in flags {
                let total = flag["detail"]!["reportsPerMonth"]!
                guard case .number(let n) = total else { continue }
                let line = try #require(lines.first { $0.hasPrefix(flag["unit"]!.string! + ",") })
                let cells = line.split(separator: ",")
                #expect(cells.last == "8" && abs((Double(cells[cells.count - 2]) ?? 0) - n) < 0.006, "\(line) against \(n)")
            }
            #expect(try await api.get("/burden?over=yes").status == .badRequest)
        }
    }
}

@Suite("The web UI: a unit's chain, progress, findings and history")
struct UnitPageSectionsTests {
    @Test("the unit page shows the ladder chain shows, every report newest first, the unit's findings and its plan's log")
    func sections() async throws {
        let fixture = try ServerFixture(scenario: "sample", isPublic: true)
        let chain = try JSONParser.parse(try fixture.cli(["chain", "--directive", "JF-2019-01", "--unit", "cn/hedong/dongpo", "--format", "json"]).stdout)
        guard case .array(let hops)? = chain["hops"],
              case .array(let log)? = try JSONParser.parse(try fixture.cli(["log", "--unit", "cn/hedong/dongpo", "--directive", "JF-2019-01", "--format", "json"]).stdout)["commits"],
              case .array(let reports)? = try JSONParser.parse(try fixture.cli(["show", "progress", "cn/hedong/dongpo", "--directive", "JF-2019-01", "--format", "json"]).stdout)["reports"] else {
            Issue.record("no chain, log or progress"); return
        }
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let html = String(buffer: try await APIClient(client: client).get("/directives/JF-2019-01/units/cn/hedong/dongpo?lang=en").body)
            let ladder = html.matches(of: /<li data-unit="([^"]+)">/).map { String($0.output.1) }
            #expect(ladder == ["cn/hedong", "cn/hedong/dongpo"] && ladder.count == hops.count)
            #expect(html.contains("<h2>Progress, newest first \(reports.count)</h2>"))
            let days = html.matches(of: /<li><span class="day">(\d{4}-\d{2}-\d{2})<\/span>/).map { String($0.output.1) }
            #expect(days == days.sorted(by: >) && days.count == reports.count, "newest first: \(days)")
            #expect(html.contains("<section class=\"finding reopened\" data-finding=\"F-2019-03\">"))
            let rows = html.matches(of: /<tr data-commit="([0-9a-f]{40})">/).map { String($0.output.1) }
            #expect(rows == log.reversed().prefix(30).map { $0["commit"]!.string! })
        }
    }
}
