import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LedgerModel
import LedgerServer
import Testing

@Suite("The web UI: signing in and the report form")
struct WebWritingTests {
    static func page(_ response: TestResponse) -> String { String(buffer: response.body) }

    @Test("the sign-in page offers the key form to the script, says why without one, and goes back only to a local path")
    func signInPage() async throws {
        let fixture = try ServerFixture()
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let api = APIClient(client: client)
            let page = try await api.get("/sign-in?next=/flags", headers: [.acceptLanguage: "en"])
            #expect(page.status == .ok, "the sign-in page needs no session")
            let html = Self.page(page)
            #expect(html.contains("<form class=\"write\" data-luoshi=\"sign-in\" data-next=\"/flags\" data-luoshi-script=\"\" hidden=\"hidden\">"))
            #expect(html.contains("<input type=\"file\" name=\"key\">"))
            #expect(html.contains("<input type=\"password\" name=\"passphrase\" autocomplete=\"off\">"))
            #expect(html.contains("<noscript><p class=\"error\">Signing happens in the page"))
            #expect(html.contains("<a href=\"/sign-in\">Sign in</a>"))
            // What the page script says comes from the catalogue, in the page's language.
            #expect(html.contains("<span data-phrase=\"keyWrongPassphrase\">The passphrase does not open this key: type it again.</span>"))
            let chinese = Self.page(try await api.get("/sign-in", headers: [.acceptLanguage: "zh"]))
            #expect(chinese.contains("<span data-phrase=\"keyWrongPassphrase\">口令无法打开该密钥：请重新输入。</span>"))
            for hostile in ["//evil.example/", "https://evil.example/", "javascript:alert(1)"] {
                let html = Self.page(try await api.get("/sign-in?next=\(hostile.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"))
                #expect(html.contains("data-next=\"/\""), "next=\(hostile) kept")
            }
            #expect(try await api.get("/sign-in?nxt=/").status == .badRequest)
            // Every phrase the script asks for is in the page.
            let script = String(buffer: try await api.get("/assets/luoshi.js").body)
            let asked = Set(script.matches(of: /say\('([A-Za-z]+)'/).map { String($0.output.1) })
            #expect(asked.count > 15)
            for name in asked { #expect(html.contains("data-phrase=\"\(name)\""), "the script says \(name), the catalogue does not") }
        }
    }

    @Test("the report form shows each clause of the unit's plan with its text and targets, and the head it was drawn at")
    func reportForm() async throws {
        let fixture = try ServerFixture(scenario: "sample", isPublic: true)
        let headID = try fixture.head()
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let api = APIClient(client: client)
            let r = try await api.get("/report?directive=JF-2019-01&unit=cn%2Fhedong&lang=en")
            #expect(r.status == .ok)
            let html = Self.page(r)
            #expect(html.contains("data-action=\"report-progress\" data-head=\"\(headID)\""))
            #expect(html.contains("<input type=\"hidden\" name=\"unit\" value=\"cn/hedong\">"))
            #expect(html.contains("<div class=\"clause-detail\" data-clause=\"1\">"))
            #expect(html.contains("发给基层的文件数量必须比2018年减少30%以上。"))
            #expect(html.contains("<input type=\"number\" step=\"any\" data-metric=\"documents_cut_pct\">"))
            #expect(html.contains("<option value=\"done\">done</option>"))
            let unitPage = Self.page(try await api.get("/directives/JF-2019-01/units/cn/hedong?lang=en"))
            #expect(unitPage.contains("<a href=\"/report?directive=JF-2019-01&amp;unit=cn/hedong\">Report progress</a>"))

            #expect(try await api.get("/report?directive=JF-2019-01").status == .badRequest)
            #expect(try await api.get("/report?directive=JF-2019-01&unit=cn/nowhere").status == .notFound)
            #expect(try await api.get("/report?directive=JF-2019-01&unit=cn/hedong&at=2019-01-01").status == .badRequest)
        }
    }

    @Test("a sheet of reports is read and checked row by row for the page to sign, nothing written; the template downloads")
    func sheet() async throws {
        let fixture = try ServerFixture(scenario: "sample", isPublic: true)
        let before = try fixture.head()
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let csv = ByteBuffer(bytes: Array("unit,directive,clause,status\ncn/hedong,JF-2019-01,1,done\ncn/hedong,JF-2019-01,42,done\n".utf8))
            let r = try await client.execute(uri: "/api/v1/sheets/reports?actor=hedong.office", method: .post, headers: [.contentType: "text/csv"], body: csv)
            #expect(r.status == .ok)
            let answer = try JSONParser.parse(String(buffer: r.body))
            #expect(answer["problems"] == .integer(1))
            #expect(answer["rows"]?[0]?["event"]?["clause"]?.string == "1")
            #expect(answer["rows"]?[0]?["event"]?["at"] == nil, "dated by the server when prepared")
            #expect(answer["rows"]?[1]?["event"] == .null)
            #expect(answer["rows"]?[1]?["problems"]?[0]?["column"]?.string == "clause")
            #expect(try fixture.head() == before)
            let other = try await client.execute(uri: "/api/v1/sheets/reports?actor=jiangbei.office", method: .post, headers: [:], body: csv)
            #expect(JSONValue.integer(2) == (try JSONParser.parse(String(buffer: other.body)))["problems"], "jiangbei may not report for hedong")
            #expect(try await client.execute(uri: "/api/v1/sheets/reports", method: .post, headers: [:], body: csv).status == .badRequest)
            let unreadable = try await client.execute(uri: "/api/v1/sheets/reports?actor=hedong.office", method: .post, headers: [:], body: ByteBuffer(string: "colour\nred\n"))
            #expect(unreadable.status == .badRequest)
            let template = try await client.execute(uri: "/report/template.csv?lang=zh", method: .get, headers: [:])
            #expect(template.headers[.contentDisposition] == "attachment; filename=\"report-template.csv\"")
            #expect(String(decoding: template.body.readableBytesView.dropFirst(3), as: UTF8.self).hasPrefix("单位,文件,条款,状态,"))
            let page = String(buffer: try await client.execute(uri: "/report/sheet?lang=en", method: .get, headers: [:]).body)
            #expect(page.contains("<form class=\"write sheet\" data-luoshi=\"sheet\""))
            #expect(page.contains("<a href=\"/report/template.csv?lang=en\" download=\"\">Download the template</a>"))
        }
    }
}
