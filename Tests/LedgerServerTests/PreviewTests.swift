import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LedgerModel
import LedgerServer
import Testing

@Suite("The plan's live preview")
struct PreviewTests {
    /// An edit of cn/hedong's plan of JF-2019-01 that lowers clause 1's target from 30% to 20% and
    /// keeps its other clauses as they are.
    static func lowering(_ fixture: ServerFixture) throws -> JSONValue {
        let plan = try JSONParser.parse(try fixture.cli(["show", "plan", "cn/hedong", "--directive", "JF-2019-01", "--format", "json"]).stdout)
        guard case .array(var clauses)? = plan["clauses"], case .object(var first) = clauses[0],
              case .array(var targets)? = first["targets"], case .object(var target) = targets[0] else {
            throw FixtureError("no clause 1 with a target in \(plan)")
        }
        target["value"] = .integer(20)
        targets[0] = .object(target)
        first["targets"] = .array(targets)
        first["text"] = .string("发给基层的文件数量必须比2018年减少20%以上。")
        clauses[0] = .object(first)
        return .object(["action": .string("edit-plan"), "actor": .string("hedong.office"), "unit": .string("cn/hedong"),
                        "directive": .string("JF-2019-01"), "clauses": .array(clauses)])
    }

    @Test("the preview answers what diff answers once the same edit has landed, and moves nothing")
    func sameAsLanded() async throws {
        let fixture = try ServerFixture(scenario: "sample", isPublic: true)
        let asked = try Self.lowering(fixture)
        let before = try fixture.head()
        let app = try await buildApplication(fixture.configuration)
        let previewed: JSONValue = try await app.test(.router) { client in
            let r = try await APIClient(client: client).post("/api/v1/preview", asked)
            #expect(r.status == .ok, "\(String(buffer: r.body))")
            return try JSONParser.parse(String(buffer: r.body))
        }
        var event = asked
        #expect(try fixture.head() == before, "the preview moved main")
        guard case .array(let readings)? = previewed["clauses"] else { Issue.record("no clauses: \(previewed)"); return }
        #expect(readings.first { $0["id"]?.string == "1" }?["class"]?.string == "weakened")
        guard case .array(let raised)? = previewed["flags"] else { Issue.record("no flags"); return }
        #expect(raised.contains { $0["kind"]?.string == "adapted" && $0["clause"]?.string == "1" })

        // The same edit, landed by the CLI: diff then says what the preview said.
        if case .object(var members) = event { members["at"] = .string(Timestamp.now.description); event = .object(members) }
        let file = fixture.folder.appendingPathComponent("edit.json")
        try Data(CanonicalJSON.encode(event)).write(to: file)
        let applied = try fixture.cli(["apply", file.path, "--key", fixture.key("hedong.office")])
        try #require(applied.status == 0, "\(applied.stderr)")
        let landed = try JSONParser.parse(try fixture.cli(["diff", "--directive", "JF-2019-01", "--unit", "cn/hedong", "--format", "json"]).stdout)
        for member in ["clauses", "added", "against", "summary"] {
            #expect(previewed[member] == landed[member], "\(member) differs")
        }
        let kinds = { (v: JSONValue) -> [String] in
            guard case .array(let flags)? = v["flags"] else { return [] }
            return flags.map { "\($0["kind"]?.string ?? "") \($0["clause"]?.string ?? "")" }.sorted()
        }
        #expect(kinds(previewed) == kinds(landed))
    }

    @Test("a preview is refused as the write would be: another unit's office, another action, bad data, a read-only server")
    func refusals() async throws {
        let fixture = try ServerFixture(scenario: "sample", isPublic: true)
        let event = try Self.lowering(fixture)
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let api = APIClient(client: client)
            guard case .object(var other) = event else { return }
            other["actor"] = .string("jiangbei.office")
            let notTheirs = try await api.post("/api/v1/preview", .object(other))
            #expect(notTheirs.status == .forbidden)
            #expect(String(buffer: notTheirs.body).contains("only an implementer of cn/hedong may"))
            other = [:]
            let report = try await api.post("/api/v1/preview", try jsonText(#"{"action": "report-progress", "actor": "hedong.office", "unit": "cn/hedong", "directive": "JF-2019-01", "clause": "1", "status": "done"}"#))
            #expect(report.status == .badRequest)
            #expect(String(buffer: report.body).contains("\"pointer\": \"/action\""))
            let typo = try await api.post("/api/v1/preview", raw: CanonicalJSON.compact(event)
                .replacingOccurrences(of: "\"value\":20", with: "\"value\":\"20\""))
            #expect(typo.status == .badRequest)
            #expect(String(buffer: typo.body).contains("\"pointer\": \"/clauses/0/targets/0/value\""), "\(String(buffer: typo.body))")
            #expect(try await api.post("/api/v1/preview?dry=1", event).status == .badRequest)
        }
        var readOnly = fixture.configuration
        readOnly.readOnly = true
        let second = try await buildApplication(readOnly)
        try await second.test(.router) { client in
            let r = try await APIClient(client: client).post("/api/v1/preview", event)
            #expect(r.status == .forbidden)
            #expect(String(buffer: r.body).contains("read-only"))
        }
    }

    @Test("the plan page draws each clause editable beside its basis and its reading, with the head it was drawn at")
    func planPage() async throws {
        let fixture = try ServerFixture(scenario: "sample", isPublic: true)
        let head = try fixture.head()
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let api = APIClient(client: client)
            let r = try await api.get("/plan?directive=JF-2019-01&unit=cn%2Fjiangbei&lang=en")
            #expect(r.status == .ok)
            let html = String(buffer: r.body)
            #expect(html.contains("data-action=\"edit-plan\" data-head=\"\(head)\""))
            #expect(html.contains("<section class=\"plan-clause\" data-clause-id=\"1\" data-clause-json=\"{&quot;deadline&quot;:&quot;2019-12-31&quot;,&quot;evidence&quot;:"))
            #expect(html.contains("<input type=\"number\" step=\"any\" name=\"value-0\" value=\"40\">"), "jiangbei's target is 40")
            #expect(html.contains("<span class=\"class\">strengthened</span>"), "clause 1 raised from 30 to 40 reads as strengthened")
            #expect(html.contains("<span data-phrase=\"class.weakened\">weakened</span>"))
            #expect(try await api.get("/plan?directive=JF-2019-01&unit=cn/nowhere").status == .notFound)
        }
    }
}
