import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerModel
import LedgerServer
import Testing

@Suite("The web UI: pages rendered on the server, in Chinese and English")
struct WebTests {
    static func page(_ response: TestResponse) -> String { String(buffer: response.body) }

    /// What `luoshi status --format json` says of each directive, counted as the home page counts it:
    /// units, adopted (or behind), clauses of units with a report, reported done, flags.
    static func glances(_ fixture: ServerFixture) throws -> [String: [Int]] {
        let r = try fixture.cli(["status", "--format", "json"])
        guard case .array(let matrices)? = try JSONParser.parse(r.stdout)["matrices"] else { throw FixtureError("no matrices: \(r.stderr)") }
        var out: [String: [Int]] = [:]
        for m in matrices {
            guard case .array(let units)? = m["units"] else { continue }
            var g = [units.count, 0, 0, 0, 0, 0]
            for u in units {
                if u["adoption"]?.string != "not-adopted" { g[1] += 1 }
                if case .object(let cells)? = u["clauses"] {
                    g[2] += cells.count
                    g[3] += cells.values.filter { $0["progress"] != nil && $0["progress"] != .null }.count
                    g[4] += cells.values.filter { $0["progress"]?["status"]?.string == "done" }.count
                }
                if case .integer(let n)? = u["flags"]?["total"] { g[5] += Int(n) }
            }
            out[m["directive"]!.string!] = g
        }
        return out
    }

    @Test("home lists every directive with what status says of it, in the language the browser asks for")
    func home() async throws {
        let fixture = try ServerFixture(scenario: "sample", isPublic: true)
        let expected = try Self.glances(fixture)
        #expect(!expected.isEmpty)
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let api = APIClient(client: client)
            let english = try await api.get("/", headers: [.acceptLanguage: "fr-CA, en-GB;q=0.8, zh;q=0.5"])
            #expect(english.status == .ok)
            #expect(english.headers[.contentType] == "text/html; charset=utf-8")
            let html = Self.page(english)
            #expect(html.hasPrefix("<!DOCTYPE html><html lang=\"en\">"))
            #expect(html.contains("<h1>Directives</h1>"))
            for (directive, g) in expected {
                guard let row = html.range(of: "<tr data-directive=\"\(directive)\">"),
                      let end = html[row.upperBound...].range(of: "</tr>") else { Issue.record("no row for \(directive)"); continue }
                let cells = String(html[row.upperBound..<end.lowerBound])
                #expect(cells.contains("\(g[1]) / \(g[0])"), "adopted, \(directive): \(cells)")
                #expect(cells.contains("\(g[3]) / \(g[2])"), "reported, \(directive): \(cells)")
                #expect(cells.contains("\(g[4]) / \(g[2])"), "done, \(directive): \(cells)")
                #expect(cells.hasSuffix("<td class=\"number\" data-label=\"Flags\">\(g[5])</td>"), "flags, \(directive): \(cells)")
            }
            #expect(html.components(separatedBy: "<tr data-directive=").count - 1 == expected.count)

            // Chinese when the browser puts it first, or when it names neither language.
            let chinese = Self.page(try await api.get("/", headers: [.acceptLanguage: "zh-TW,zh;q=0.9,en;q=0.8"]))
            #expect(chinese.contains("<html lang=\"zh-CN\">"))
            #expect(chinese.contains("<h1>上级部署</h1>"))
            #expect(Self.page(try await api.get("/", headers: [.acceptLanguage: "de"])).contains("<html lang=\"zh-CN\">"))
            #expect(Self.page(try await api.get("/", headers: [.acceptLanguage: "zh;q=0.1, en;q=0.2"])).contains("<html lang=\"en\">"))

            // The switch: ?lang= wins and is remembered in a cookie, which then wins over the header.
            let switched = try await api.get("/?lang=en", headers: [.acceptLanguage: "zh-CN"])
            #expect(Self.page(switched).contains("<html lang=\"en\">"))
            let cookie = try #require(switched.headers[.setCookie])
            #expect(cookie.hasPrefix("luoshi-lang=en;") && cookie.contains("SameSite=Strict"))
            let kept = try await api.get("/", headers: [.acceptLanguage: "zh-CN", .cookie: "luoshi-lang=en"])
            #expect(Self.page(kept).contains("<html lang=\"en\">"))
            #expect(kept.headers[.setCookie] == nil)
            #expect(Self.page(switched).contains("<a href=\"?lang=zh\" lang=\"zh-CN\" hreflang=\"zh-CN\">中文</a>"))
            #expect(try await api.get("/?lang=fr").status == .badRequest)
            #expect(try await api.get("/?langauge=en").status == .badRequest)
        }
    }

    @Test("every page forbids inline script, frames and other origins; the style sheet and the page script are all it loads")
    func securityHeaders() async throws {
        let fixture = try ServerFixture(isPublic: true)
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let api = APIClient(client: client)
            let home = try await api.get("/")
            let policy = try #require(home.headers[.contentSecurityPolicy])
            for part in ["default-src 'none'", "script-src 'self'", "connect-src 'self'", "style-src 'self'", "frame-ancestors 'none'",
                         "base-uri 'none'", "form-action 'self'"] {
                #expect(policy.contains(part), "\(policy)")
            }
            #expect(!policy.contains("unsafe"))
            #expect(home.headers[.xContentTypeOptions] == "nosniff")
            let html = Self.page(home)
            // One script element, empty, loading the page script from this server.
            #expect(html.components(separatedBy: "<script").count == 2, "a second script element")
            #expect(html.contains("<script src=\"/assets/luoshi.js\" defer=\"defer\"></script>"))
            #expect(!html.contains("style="), "inline style")
            #expect(html.range(of: #"\son[a-z]+="#, options: .regularExpression) == nil, "an event handler attribute")
            #expect(html.contains("<link rel=\"stylesheet\" href=\"/assets/luoshi.css\">"))
            let sheet = try await api.get("/assets/luoshi.css")
            #expect(sheet.status == .ok)
            #expect(sheet.headers[.contentType] == "text/css; charset=utf-8")
            #expect(String(buffer: sheet.body).contains("@media (max-width: 700px)"))
            let script = try await api.get("/assets/luoshi.js")
            #expect(script.status == .ok)
            #expect(script.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(script.headers[.contentSecurityPolicy] != nil)
            let file = try Data(contentsOf: repositoryRoot.appendingPathComponent("web/luoshi.js"))
            #expect(Data(script.body.readableBytesView) == file, "web/luoshi.js is stale in EmbeddedWeb.swift: run python3 scripts/embed-web.py")
        }
    }

    @Test("record text reaches the page as escaped text, never as markup")
    func hostileText() async throws {
        let fixture = try ServerFixture(isPublic: true)
        let hostile = "<img src=x onerror=\"document.title='pwned'\"></script><script>alert(1)</script> & 'quoted'"
        let event: JSONValue = try jsonText("""
            {"action": "issue-directive", "actor": "central.office", "at": "2019-12-31T09:00:00Z", "directive": {"id": "D-2019-66",
             "title": \(String(decoding: CanonicalJSON.encode(.string(hostile)), as: UTF8.self).trimmingCharacters(in: .newlines)), "issuer": "cn", "issued": "2019-12-31",
             "scope": {"units": ["cn"], "levels": ["province"]}, "reporting": {"every": "P1M"},
             "clauses": [{"id": "1", "text": "Hold fewer meetings.", "modality": "must", "targets": [], "evidence": "outcome", "localize": false}]}}
            """)
        let file = fixture.folder.appendingPathComponent("hostile.json").path
        try Data(CanonicalJSON.encode(event)).write(to: URL(fileURLWithPath: file))
        let applied = try fixture.cli(["apply", file, "--key", fixture.key("central.office")])
        try #require(applied.status == 0, "\(applied.stderr)")
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let html = Self.page(try await APIClient(client: client).get("/?lang=en"))
            #expect(html.contains("<tr data-directive=\"D-2019-66\">"))
            #expect(!html.contains("<img"), "the title became an element")
            #expect(!html.contains("<script>"), "the title became a script")
            #expect(html.contains("&lt;img src=x onerror=&quot;document.title=&#39;pwned&#39;&quot;&gt;&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;quoted&#39;"))
        }
    }

    @Test("a server that needs a session answers the page with a sign-in page (401) until there is one")
    func signInNeeded() async throws {
        let fixture = try ServerFixture()
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            var api = APIClient(client: client)
            let refused = try await api.get("/", headers: [.acceptLanguage: "zh-CN"])
            #expect(refused.status == .unauthorized)
            #expect(Self.page(refused).contains("<h1>需要登录</h1>"))
            #expect(!Self.page(refused).contains("data-directive"), "the ledger shown without a session")
            try await api.signIn("central.inspector", key: fixture.key("central.inspector"))
            let shown = try await api.get("/", headers: [.acceptLanguage: "en"])
            #expect(shown.status == .ok)
            #expect(Self.page(shown).contains("<tr data-directive=\"D-2019-01\">"))
        }
    }
}

@Suite("The web UI: a directive's page")
struct DirectivePageTests {
    @Test("a directive's text by version, an amendment shown against the version before, a typo named as such")
    func versions() async throws {
        let fixture = try ServerFixture(isPublic: true)
        // Amend D-2019-01: clause 1 loosened from 30% to 20% (Chinese text changed as well), the last clause dropped.
        let issued = try String(contentsOf: repositoryRoot.appendingPathComponent("scenarios/burden-2019.jsonl"), encoding: .utf8)
            .split(separator: "\n").first { $0.contains("\"issue-directive\"") && $0.contains("\"D-2019-01\"") }
        var event = try JSONSerialization.jsonObject(with: Data(try #require(issued).utf8)) as! [String: Any]
        var directive = event["directive"] as! [String: Any]
        var clauses = directive["clauses"] as! [[String: Any]]
        let dropped = clauses.removeLast()["id"] as! String
        clauses[0]["text"] = "Cut the number of documents issued to lower levels by at least 20% compared with 2018. 文件数量压减百分之二十。"
        directive["clauses"] = clauses
        event = directive
        let file = fixture.folder.appendingPathComponent("amended.json").path
        try JSONSerialization.data(withJSONObject: event).write(to: URL(fileURLWithPath: file))
        let amended = try fixture.cli(["directive", "amend", file, "--note", "clause 1 eased", "--key", fixture.key("central.office")])
        try #require(amended.status == 0, "\(amended.stderr)")
        let log = try fixture.cli(["log", "--directive", "D-2019-01", "--format", "json"])
        guard case .array(let commits)? = try JSONParser.parse(log.stdout)["commits"] else { throw FixtureError("no log: \(log.stderr)") }
        let versionCommits = commits.filter { ["issue-directive", "amend-directive"].contains($0["action"]?.string ?? "") }.compactMap { $0["commit"]?.string }
        #expect(versionCommits.count == 2)

        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let api = APIClient(client: client)
            let home = WebTests.page(try await api.get("/?lang=en"))
            #expect(home.contains("<a href=\"/directives/D-2019-01\"><code>D-2019-01</code></a>"))
            let response = try await api.get("/directives/D-2019-01?lang=en")
            #expect(response.status == .ok)
            let html = WebTests.page(response)
            #expect(html.components(separatedBy: "<section class=\"version\"").count - 1 == versionCommits.count)
            // Newest first, each with the commit that made it.
            let v2 = try #require(html.range(of: "<section class=\"version\" id=\"v2\">")), v1 = try #require(html.range(of: "<section class=\"version\" id=\"v1\">"))
            #expect(v2.lowerBound < v1.lowerBound)
            for commit in versionCommits { #expect(html.contains("title=\"\(commit)\""), "commit \(commit) not named") }
            #expect(html.contains("<h2>Version 2 · amended</h2>") && html.contains("<h2>Version 1 · issued</h2>"))
            let amendment = String(html[v2.lowerBound..<v1.lowerBound])
            // Words for English, characters for Chinese; what was dropped shown as removed.
            #expect(amendment.contains("by at least <del>30% </del><ins>20% </ins>compared with"), "\(amendment.prefix(3000))")
            #expect(amendment.contains("文件数量压减百分之二十。</ins>"), "the Chinese text added")
            #expect(amendment.contains("<li class=\"clause removed\"><span class=\"clause-id\">Clause \(dropped)</span>"))
            #expect(!String(html[v1.lowerBound...]).contains("<del>"), "the first version is shown as issued")
            #expect(amendment.contains("signature good"))

            let chinese = WebTests.page(try await api.get("/directives/D-2019-01", headers: [.acceptLanguage: "zh-CN"]))
            #expect(chinese.contains("<h2>版本 2 · 修订</h2>") && chinese.contains("本版删除"))

            let typo = try await api.get("/directives/D-2019-1?lang=en")
            #expect(typo.status == .notFound)
            #expect(typo.headers[.contentType] == "text/html; charset=utf-8")
            #expect(WebTests.page(typo).contains("did you mean D-2019-01?"), "\(WebTests.page(typo))")
        }
    }
}

@Suite("The web UI: the matrix")
struct MatrixPageTests {
    /// The units of `html`'s matrix, in order.
    static func units(_ html: String) -> [String] {
        html.components(separatedBy: "<tr data-unit=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }

    @Test("the matrix filters by level, reading, flag and unit id and pages on the server, as status says")
    func filtersAndPages() async throws {
        let fixture = try ServerFixture(scenario: "sample", isPublic: true)
        let status = try JSONParser.parse(try fixture.cli(["status", "--directive", "JF-2019-01", "--format", "json"]).stdout)
        guard case .array(let rows)? = status["matrices"]?[0]?["units"] else { throw FixtureError("no status") }
        func unitsWhere(_ keep: (JSONValue) -> Bool) -> [String] { rows.filter(keep).compactMap { $0["unit"]?.string } }
        let all = unitsWhere { _ in true }
        let weakened = unitsWhere { row in
            guard case .object(let cells)? = row["clauses"] else { return false }
            return cells.values.contains { $0["class"]?.string == "weakened" }
        }
        let counties = unitsWhere { $0["level"]?.string == "county" }
        let escalated = unitsWhere { row in
            if case .integer(let n)? = row["flags"]?["byKind"]?["escalated"] { return n > 0 }
            return false
        }
        #expect(!weakened.isEmpty && weakened.count < all.count)

        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let api = APIClient(client: client)
            func units(_ query: String) async throws -> [String] {
                let r = try await api.get("/directives/JF-2019-01/matrix?lang=en&\(query)")
                #expect(r.status == .ok, "\(query): \(String(buffer: r.body).suffix(400))")
                return Self.units(String(buffer: r.body))
            }
            #expect(try await units("") == all)
            #expect(try await units("class=weakened") == weakened)
            #expect(try await units("level=county") == counties)
            #expect(try await units("flag=escalated") == escalated)
            #expect(try await units("level=county&class=weakened") == counties.filter(weakened.contains))
            #expect(try await units("unit=HEDONG") == all.filter { $0.contains("hedong") })

            // Pages of five, followed by their next links, give every unit once, in order.
            var seen: [String] = [], link: String? = "/directives/JF-2019-01/matrix?limit=5&lang=en"
            while let next = link {
                let html = String(buffer: try await api.get(next).body)
                let page = Self.units(html)
                #expect(page.count <= 5)
                seen += page
                link = html.range(of: "\" rel=\"next\">").flatMap { end in
                    guard let start = html[..<end.lowerBound].range(of: "<a href=\"?", options: .backwards) else { return nil }
                    return "/directives/JF-2019-01/matrix?" + html[start.upperBound..<end.lowerBound].replacingOccurrences(of: "&amp;", with: "&")
                }
                if seen.count > all.count { break }
            }
            #expect(seen == all)

            // Levels rolled up: the units of each level add up to all of them.
            let html = String(buffer: try await api.get("/directives/JF-2019-01/matrix?lang=en").body)
            #expect(html.contains("<tr data-level=\"province\">") && html.contains("<tr data-level=\"county\">"))
            #expect(html.contains("<form class=\"filters\" method=\"get\">"))
            #expect(html.contains("<option value=\"weakened\">weakened</option>"))

            #expect(try await api.get("/directives/JF-2019-01/matrix?class=loose").status == .badRequest)
            #expect(try await api.get("/directives/JF-2019-01/matrix?cursor=cn/nowhere").status == .badRequest)
            #expect(try await api.get("/directives/JF-2019-01/matrix?limit=0").status == .badRequest)
            #expect(try await api.get("/directives/XX-1/matrix").status == .notFound)
        }
    }
}

@Suite("The web UI: flags")
struct FlagsPageTests {
    @Test("flags counted by kind as `luoshi flags` counts them, filtered by kind, directive and unit, paged")
    func flags() async throws {
        let fixture = try ServerFixture(scenario: "sample", isPublic: true)
        func cliFlags(_ extra: [String]) throws -> [JSONValue] {
            let r = try fixture.cli(["flags", "--format", "json"] + extra)
            guard case .array(let list)? = try JSONParser.parse(r.stdout)["flags"] else { throw FixtureError("no flags: \(r.stdout.prefix(200)) \(r.stderr)") }
            return list
        }
        let all = try cliFlags([])
        let counts = Dictionary(all.map { ($0["kind"]!.string!, 1) }, uniquingKeysWith: +)
        let (kind, _) = try #require(counts.filter { $0.value > 1 }.first)
        let underHedong = try cliFlags(["--unit", "cn/hedong"])

        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let api = APIClient(client: client)
            func rows(_ query: String) async throws -> [String] {
                let r = try await api.get("/flags?lang=en&\(query)")
                #expect(r.status == .ok, "\(query)")
                return String(buffer: r.body).components(separatedBy: "<tr data-kind=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
            }
            let page = String(buffer: try await api.get("/flags?lang=en").body)
            #expect(page.contains("All flags \(all.count)"))
            for (k, n) in counts { #expect(page.contains("<li data-kind=\"\(k)\">"), "\(k)"); #expect(page.contains(" \(n)</a></li>") || page.contains(" \(n)</strong></li>")) }
            let firstPage = try await rows("")
            #expect(firstPage.count == min(all.count, 100))
            let ofKind = try await rows("kind=\(kind)")
            #expect(ofKind.count == counts[kind] && ofKind.allSatisfy { $0 == kind })
            #expect(try await rows("unit=cn/hedong").count == min(underHedong.count, 100))
            if all.count > 100 {
                let rest = try await rows("offset=100")
                #expect(firstPage.count + rest.count == min(all.count, 200))
            }
            #expect(try await api.get("/flags?kind=sneaky").status == .badRequest)
            #expect(try await api.get("/flags?unit=cn/nowhere").status == .notFound)
            #expect(try await api.get("/flags?offset=-1").status == .badRequest)
        }
    }
}

@Suite("The web UI: a unit's plan")
struct UnitPageTests {
    @Test("a unit's plan beside its basis reads each clause as diff reads it, with its changes, flags and an as-of date")
    func plan() async throws {
        let fixture = try ServerFixture(scenario: "sample", isPublic: true)
        let diff = try JSONParser.parse(try fixture.cli(["diff", "--directive", "JF-2019-01", "--unit", "cn/hedong", "--format", "json"]).stdout)
        guard case .array(let clauses)? = diff["clauses"], case .array(let flags)? = diff["flags"] else { throw FixtureError("no diff") }
        let classes = clauses.map { ($0["basisId"]!.string!, $0["class"]!.string!) }
        #expect(classes.contains { $0.1 == "weakened" })

        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let api = APIClient(client: client)
            let r = try await api.get("/directives/JF-2019-01/units/cn/hedong?lang=en")
            #expect(r.status == .ok)
            let html = String(buffer: r.body)
            for (clause, fidelity) in classes {
                #expect(html.contains("<tr class=\"reading \(fidelity)\" data-clause=\"\(clause)\">"), "clause \(clause): \(fidelity)")
            }
            // A weakened clause shows what moved and that it loosened.
            #expect(html.contains("<li class=\"effect looser\">"))
            #expect(html.contains("<del>") && html.contains("<ins>"))
            #expect(html.contains("<h2>Flags \(flags.count)</h2>"))
            // The matrix links the unit's row here.
            let matrix = String(buffer: try await api.get("/directives/JF-2019-01/matrix?lang=en&unit=hedong").body)
            #expect(matrix.contains("<a href=\"/directives/JF-2019-01/units/cn/hedong\">"))
            // As it was before it adopted a plan: no plan, said so.
            let before = try await api.get("/directives/JF-2019-01/units/cn/hedong?lang=en&at=2019-03-16")
            #expect(before.status == .notFound)
            #expect(String(buffer: before.body).contains("cn/hedong has no plan for JF-2019-01"))
            let typo = try await api.get("/directives/JF-2019-01/units/cn/hedon?lang=en")
            #expect(typo.status == .notFound)
            #expect(String(buffer: typo.body).contains("cn/hedong"))
        }
    }
}

@Suite("The web UI: hostile evidence")
struct HostileEvidenceTests {
    @Test("a javascript: evidence URI and markup in an evidence title are shown as text on every page that shows evidence, never as a link")
    func evidence() async throws {
        let fixture = try ServerFixture(scenario: "sample", isPublic: true)
        let event = try jsonText(#"""
            {"action": "report-progress", "actor": "hedong.office", "at": "2026-01-05T09:00:00Z", "unit": "cn/hedong", "directive": "JF-2019-01",
             "clause": "1", "status": "done", "values": {"documents_cut_pct": 31},
             "evidence": [{"kind": "document", "title": "<img src=x onerror=alert(1)>", "uri": "javascript:alert(document.cookie)"}],
             "note": "</script><script>alert(2)</script>"}
            """#)
        let file = fixture.folder.appendingPathComponent("hostile-report.json").path
        try Data(CanonicalJSON.encode(event)).write(to: URL(fileURLWithPath: file))
        let applied = try fixture.cli(["apply", file, "--key", fixture.key("hedong.office")])
        try #require(applied.status == 0, "\(applied.stderr)")
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let api = APIClient(client: client)
            for path in ["/directives/JF-2019-01/units/cn/hedong?lang=en", "/flags?unit=cn/hedong&lang=en", "/directives/JF-2019-01/matrix?lang=en",
                         "/history?unit=cn/hedong&lang=en"] {
                let html = String(buffer: try await api.get(path).body)
                #expect(!html.lowercased().contains("href=\"javascript:"), "\(path): a javascript: link")
                #expect(!html.contains("<img src=x"), "\(path): the title became an element")
                #expect(!html.contains("<script>alert"), "\(path): the note became a script")
            }
            let unit = String(buffer: try await api.get("/directives/JF-2019-01/units/cn/hedong?lang=en").body)
            #expect(unit.contains("&lt;img src=x onerror=alert(1)&gt;"), "the title is on the unit page, as text")
            #expect(unit.contains("&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;"), "the note is on the unit page, as text")
        }
    }
}
