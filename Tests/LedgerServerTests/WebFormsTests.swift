import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LedgerModel
import LedgerServer
import Testing

@Suite("The web UI: adopting, exemptions, accountability, administration and the evidence store")
struct WebFormsTests {
    static func page(_ response: TestResponse) -> String { String(buffer: response.body) }
    static func unescaped(_ href: Substring) -> String { href.replacingOccurrences(of: "&amp;", with: "&") }
    static func sha256(_ bytes: [UInt8]) -> String { SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() }

    /// The unit's plan for JF-2019-01 as `luoshi show plan` prints it; nil when it has none.
    static func plan(_ fixture: ServerFixture, _ unit: String) throws -> JSONValue? {
        let r = try fixture.cli(["show", "plan", unit, "--directive", "JF-2019-01", "--format", "json"])
        return r.status == 0 ? try JSONParser.parse(r.stdout) : nil
    }

    /// The admin page's actors: id → unit.
    static func actors(_ html: String) -> [String: String] {
        Dictionary(html.matches(of: /<tr data-actor="([^"]+)"><th scope="row"><code>[^<]+<\/code><\/th><td>[^<]*<\/td><td><code>([^<]+)<\/code>/)
            .map { (String($0.output.1), String($0.output.2)) }, uniquingKeysWith: { a, _ in a })
    }

    @Test("a unit without a plan is offered the adopt form from the matrix: the nearest unit above with a plan first, then the directive; the ledger takes the first")
    func adopt() async throws {
        let fixture = try ServerFixture(scenario: "sample", isPublic: true)
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            var api = APIClient(client: client)
            let matrix = Self.page(try await api.get("/directives/JF-2019-01/matrix?lang=en&limit=500"))
            let links = matrix.matches(of: /<a class="adopt" href="([^"]+)">Adopt the directive<\/a>/).map { Self.unescaped($0.output.1) }
            let adopted = matrix.matches(of: /<a href="\/directives\/JF-2019-01\/units\/[^"]+"><code>/).count
            #expect(!links.isEmpty && adopted > 0, "the matrix offers adoption only to units without a plan")
            let actors = Self.actors(Self.page(try await api.get("/admin?lang=en")))
            #expect(actors["hedong.office"] == "cn/hedong")
            // A unit with an office of its own, so the office can adopt.
            let link = try #require(links.first { l in actors.values.contains { l.hasSuffix("unit=\($0)") } }, "\(links)")
            let unit = String(link.split(separator: "unit=").last!)
            let office = actors.first { $0.value == unit }!.key
            let form = Self.page(try await api.get(link + "&lang=en"))
            let head = try fixture.head()
            #expect(form.contains("data-action=\"adopt\" data-head=\"\(head)\""))
            let bases = form.matches(of: /<input type="radio" name="from" value="([^"]+)"( checked="checked")?>/).map { (String($0.output.1), $0.output.2 != nil) }
            #expect(bases.last?.0 == "cn", "the directive itself is offered last: \(bases)")
            #expect(bases.first?.1 == true && bases.dropFirst().allSatisfy { !$0.1 }, "the first basis is checked: \(bases)")
            // The nearest unit above with a plan, else the directive's issuer.
            var nearest = "cn", above = unit
            while let slash = above.lastIndex(of: "/") {
                above = String(above[..<slash])
                if above != "cn", try Self.plan(fixture, above) != nil { nearest = above; break }
            }
            #expect(bases.first?.0 == nearest, "nearest first: \(bases)")

            try await api.signIn(office, key: fixture.key(office))
            let event: JSONValue = .object(["action": .string("adopt"), "actor": .string(office), "unit": .string(unit),
                                            "directive": .string("JF-2019-01"), "from": .string(bases[0].0)])
            #expect(try await api.write(event, key: fixture.key(office)).status == .created)
            #expect(try Self.plan(fixture, unit)?["basis"]?["unit"]?.string == bases[0].0)
            let again = Self.page(try await api.get(link + "&lang=en"))
            #expect(again.contains("This unit has adopted the directive already.") && !again.contains("data-action=\"adopt\""))

            #expect(try await api.get("/adopt?directive=JF-2019-01&unit=cn").status == .unprocessableContent, "the issuer adopts nothing")
            #expect(try await api.get("/adopt?directive=JF-2019-01&unit=cn/nowhere").status == .notFound)
            #expect(try await api.get("/adopt?directive=JF-2019-01").status == .badRequest)
        }
    }

    @Test("a clause dropped with a reason is a declared exemption; the unit page links its approval, and the form shows the reason")
    func exemptions() async throws {
        let fixture = try ServerFixture(scenario: "sample", isPublic: true)
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            var api = APIClient(client: client)
            let editor = Self.page(try await api.get("/plan?directive=JF-2019-01&unit=cn/hedong&lang=en"))
            #expect(editor.contains("<textarea name=\"exemption\" rows=\"2\" maxlength=\"2000\">"))
            #expect(editor.contains("If dropped: the reason for the exemption"))
            // The plan as it stands, less its last clause, which is exempted.
            let plan = try #require(try Self.plan(fixture, "cn/hedong"))
            guard case .array(var clauses)? = plan["clauses"] else { Issue.record("no clauses"); return }
            let dropped = try #require(clauses.last?["id"]?.string)
            clauses.removeLast()
            try await api.signIn("hedong.office", key: fixture.key("hedong.office"))
            let reason = "本省无此类机构 <b>不适用</b>"
            let edit: JSONValue = .object(["action": .string("edit-plan"), "actor": .string("hedong.office"), "unit": .string("cn/hedong"),
                                           "directive": .string("JF-2019-01"), "clauses": .array(clauses),
                                           "exemptions": .array([.object(["clause": .string(dropped), "reason": .string(reason)])])])
            #expect(try await api.write(edit, key: fixture.key("hedong.office")).status == .created)
            let editorAfter = Self.page(try await api.get("/plan?directive=JF-2019-01&unit=cn/hedong&lang=en"))
            #expect(editorAfter.contains("<section class=\"plan-clause omitted\" data-basis-id=\"\(dropped)\">"))
            #expect(editorAfter.contains("本省无此类机构 &lt;b&gt;不适用&lt;/b&gt;</textarea>"), "the editor keeps the declared reason")

            let unitPage = Self.page(try await api.get("/directives/JF-2019-01/units/cn/hedong?lang=en"))
            let link = try #require(unitPage.firstMatch(of: /<a href="(\/exemptions\/approve\?[^"]+)">Approve the exemption<\/a>/)?.output.1)
            #expect(Self.unescaped(link) == "/exemptions/approve?directive=JF-2019-01&unit=cn/hedong&clause=\(dropped)")
            let asOf = Self.page(try await api.get("/directives/JF-2019-01/units/cn/hedong?lang=en&at=2019-01-01"))
            #expect(!asOf.contains("/exemptions/approve"), "a unit shown as it was offers no approval")
            let form = Self.page(try await api.get(Self.unescaped(link) + "&lang=en"))
            #expect(form.contains("data-action=\"approve-exemption\""))
            #expect(form.contains("<strong>Reason declared:</strong> 本省无此类机构 &lt;b&gt;不适用&lt;/b&gt;"))
            #expect(form.contains("<input type=\"hidden\" name=\"clause\" value=\"\(dropped)\">"))

            api.token = nil
            try await api.signIn("central.inspector", key: fixture.key("central.inspector"))
            let approve: JSONValue = .object(["action": .string("approve-exemption"), "actor": .string("central.inspector"), "unit": .string("cn/hedong"),
                                              "directive": .string("JF-2019-01"), "clause": .string(dropped), "note": .string("同意")])
            #expect(try await api.write(approve, key: fixture.key("central.inspector")).status == .created)
            let approved = Self.page(try await api.get(Self.unescaped(link) + "&lang=en"))
            #expect(approved.contains("Approved by <code>central.inspector</code>") && !approved.contains("data-action=\"approve-exemption\""))
            #expect(!Self.page(try await api.get("/directives/JF-2019-01/units/cn/hedong?lang=en")).contains("/exemptions/approve"))
            #expect(try await api.get("/exemptions/approve?directive=JF-2019-01&unit=cn/hedong&clause=1").status == .notFound, "clause 1 is not exempted")
            #expect(try await api.get("/exemptions/approve?directive=JF-2019-01&unit=cn/hedong").status == .badRequest)
        }
    }

    @Test("every finding links the form that holds someone accountable for it; the form names the finding")
    func hold() async throws {
        let fixture = try ServerFixture(scenario: "sample", isPublic: true)
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let api = APIClient(client: client)
            let findings = Self.page(try await api.get("/findings?lang=en"))
            let ids = findings.matches(of: /data-finding="([^"]+)"/).map { String($0.output.1) }
            #expect(!ids.isEmpty)
            for id in ids { #expect(findings.contains("<a href=\"/findings/hold?finding=\(id)\">Hold accountable</a>"), "\(id)") }
            let form = Self.page(try await api.get("/findings/hold?finding=\(ids[0])&lang=en"))
            #expect(form.contains("data-action=\"hold-accountable\""))
            #expect(form.contains("<input type=\"hidden\" name=\"finding\" value=\"\(ids[0])\">"))
            #expect(form.contains("<textarea name=\"decision\" rows=\"3\" required=\"required\"></textarea>"))
            #expect(try await api.get("/findings/hold?finding=F-1999-99").status == .notFound)
            #expect(try await api.get("/findings/hold").status == .badRequest)
        }
    }

    @Test("the admin page lists actors with roles and keys, each key with its revocation, and the policy; the forms carry what they change")
    func admin() async throws {
        let fixture = try ServerFixture(scenario: "sample", isPublic: true)
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let api = APIClient(client: client)
            let html = Self.page(try await api.get("/admin?lang=zh"))
            #expect(html.contains("<a href=\"/admin\">管理</a>"), "the bar links the admin page")
            guard case .array(let listed)? = try JSONParser.parse(try fixture.cli(["actors", "--format", "json"]).stdout)["actors"] else { Issue.record("luoshi actors"); return }
            #expect(Set(Self.actors(html).keys) == Set(listed.compactMap { $0["id"]?.string }), "every registered actor")
            #expect(html.contains("<tr data-actor=\"yunling.office\">") && html.contains("执行单位, 发文机关"))
            let key = try String(contentsOfFile: fixture.key("hedong.office") + ".pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
            let revoke = try #require(html.firstMatch(of: /<a href="(\/admin\/revoke\?actor=hedong.office&amp;key=[^"]+)">吊销此密钥<\/a>/)?.output.1)
            let form = Self.page(try await api.get(Self.unescaped(revoke) + "&lang=en"))
            #expect(form.contains("data-action=\"revoke-key\""))
            #expect(form.contains("<input type=\"hidden\" name=\"actorId\" value=\"hedong.office\">"))
            #expect(form.contains("<input type=\"hidden\" name=\"key\" value=\"\(key)"), "the whole key is in the form")
            #expect(try await api.get("/admin/revoke?actor=hedong.office&key=ssh-ed25519%20AAAA").status == .notFound)
            #expect(try await api.get("/admin/revoke?actor=nobody&key=x").status == .notFound)

            let policy = Self.page(try await api.get("/admin/policy?lang=en"))
            let shown = Dictionary(policy.matches(of: /name="policy\.([A-Za-z]+)" value="([^"]*)" data-was="([^"]*)"/).map { (String($0.output.1), String($0.output.2)) }, uniquingKeysWith: { a, _ in a })
            #expect(shown.count == 8 && shown["maxReportsPerMonth"] == "8", "\(shown)")
            let described = policy.matches(of: /<label>([^<]+) <code>[A-Za-z]+<\/code><input type="number"/).map { $0.output.1 }
            #expect(described.count == 8 && described.allSatisfy { $0.count > 20 }, "every threshold says what it means: \(described)")
            let units = Self.page(try await api.get("/admin/unit?parent=cn/hedong&lang=en"))
            #expect(units.contains("<input type=\"text\" name=\"unit.id\" value=\"cn/hedong/\" required=\"required\" spellcheck=\"false\">"))
            #expect(try await api.get("/admin/unit?parent=cn/nowhere").status == .notFound)
            let actorForm = Self.page(try await api.get("/admin/actor?lang=en"))
            #expect(actorForm.matches(of: /<input type="checkbox" name="actorRecord.roles" value="[a-z]+">/).count == 5)
            #expect(try await api.get("/admin?x=1").status == .badRequest)
        }
    }

    @Test("the evidence store keeps a file only under its own SHA-256, from a signed-in actor, within its limit; serves it as a download; the claim links it")
    func evidenceStore() async throws {
        let fixture = try ServerFixture(scenario: "sample", isPublic: true)
        fixture.configuration.maxEvidenceBytes = 1000
        let store = URL(fileURLWithPath: fixture.ledger).appendingPathComponent("luoshi/evidence")
        @Sendable func kept() -> [String] {
            (FileManager.default.enumerator(atPath: store.path)?.allObjects as? [String] ?? []).filter { !$0.hasSuffix("incoming") && $0.count > 3 }
        }
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            var api = APIClient(client: client)
            let file = Array("发文登记簿 2019\n".utf8), sha = Self.sha256(file)
            func put(_ name: String, _ bytes: [UInt8]) async throws -> TestResponse {
                try await client.execute(uri: "/api/v1/evidence/\(name)", method: .put, headers: api.headers, body: ByteBuffer(bytes: bytes))
            }
            #expect(try await put(sha, file).status == .unauthorized, "a public server still takes evidence only from a session")
            try await api.signIn("hedong.office", key: fixture.key("hedong.office"))
            let wrong = try await put(sha, file + [0x0A])
            #expect(wrong.status == .badRequest && errorCode(wrong) == "bad-data")
            #expect(try await put("ABC", file).status == .badRequest)
            #expect(try await put(String(repeating: "0", count: 64), Array(repeating: 0x41, count: 1001)).status == .contentTooLarge)
            #expect(kept().isEmpty, "nothing kept of a refused file: \(kept())")
            let first = try await put(sha, file)
            #expect(first.status == .created)
            #expect(try json(first)["size"] == .integer(Int64(file.count)))
            #expect(try await put(sha, file).status == .ok, "the same file again changes nothing")
            #expect(kept() == ["\(sha.prefix(2))/\(sha.dropFirst(2))"])

            let got = try await api.get("/api/v1/evidence/\(sha)")
            #expect(got.status == .ok && Array(got.body.readableBytesView) == file)
            #expect(got.headers[.contentType] == "application/octet-stream")
            #expect(got.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            #expect(got.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
            #expect(try await api.get("/api/v1/evidence/\(String(repeating: "a", count: 64))").status == .notFound)

            // A claim naming the stored file links it; one naming a file the store lacks, or a URI, does not.
            let report: JSONValue = .object(["action": .string("report-progress"), "actor": .string("hedong.office"), "unit": .string("cn/hedong"),
                                             "directive": .string("JF-2019-01"), "clause": .string("1"), "status": .string("in-progress"),
                                             "evidence": .array([.object(["kind": .string("data"), "title": .string("登记簿 <i>x</i>"), "sha256": .string(sha)]),
                                                                 .object(["kind": .string("document"), "title": .string("外链"), "uri": .string("javascript:alert(1)"),
                                                                          "sha256": .string(String(repeating: "b", count: 64))])])])
            #expect(try await api.write(report, key: fixture.key("hedong.office")).status == .created)
            let unitPage = Self.page(try await api.get("/directives/JF-2019-01/units/cn/hedong?lang=en"))
            #expect(unitPage.contains("<a href=\"/api/v1/evidence/\(sha)\" download=\"\" data-sha256=\"\(sha)\">登记簿 &lt;i&gt;x&lt;/i&gt;</a>"))
            #expect(!unitPage.contains("javascript:") && !unitPage.contains("/api/v1/evidence/bbbb"))
        }
        var readOnly = fixture.configuration
        readOnly.readOnly = true
        try await buildApplication(readOnly).test(.router) { client in
            var api = APIClient(client: client)
            try await api.signIn("hedong.office", key: fixture.key("hedong.office"))
            let r = try await client.execute(uri: "/api/v1/evidence/\(Self.sha256([1]))", method: .put, headers: api.headers, body: ByteBuffer(bytes: [1]))
            #expect(r.status == .forbidden && errorCode(r) == "read-only")
        }
    }

    @Test("a clause's reason is asked for in the plan editor, kept in the plan (format version 3) and shown beside the clause on the unit's page")
    func reasons() async throws {
        let fixture = try ServerFixture(scenario: "sample", isPublic: true)
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            var api = APIClient(client: client)
            let plan = try #require(try Self.plan(fixture, "cn/hedong"))
            guard case .array(var clauses)? = plan["clauses"], case .object(var first)? = clauses.first else { Issue.record("no clauses"); return }
            let why = "本省基数已低 <script>x</script>"
            first["reason"] = .string(why)
            clauses[0] = .object(first)
            try await api.signIn("hedong.office", key: fixture.key("hedong.office"))
            let edit: JSONValue = .object(["action": .string("edit-plan"), "actor": .string("hedong.office"), "unit": .string("cn/hedong"),
                                           "directive": .string("JF-2019-01"), "clauses": .array(clauses)])
            #expect(try await api.write(edit, key: fixture.key("hedong.office")).status == .created)
            let stored = try #require(try Self.plan(fixture, "cn/hedong"))
            #expect(stored["formatVersion"] == .integer(3))
            let escaped = "本省基数已低 &lt;script&gt;x&lt;/script&gt;"
            let unitPage = Self.page(try await api.get("/directives/JF-2019-01/units/cn/hedong?lang=en"))
            #expect(unitPage.contains("<p class=\"reason\"><strong>Reason given:</strong> \(escaped)</p>"))
            let editor = Self.page(try await api.get("/plan?directive=JF-2019-01&unit=cn/hedong&lang=zh"))
            #expect(editor.contains("<label class=\"reason\">本条偏离依据的理由（放宽要求时必填）<textarea name=\"reason\" rows=\"2\" maxlength=\"2000\">\(escaped)</textarea></label>"))
            let diff = try JSONParser.parse(try fixture.cli(["diff", "--directive", "JF-2019-01", "--unit", "cn/hedong", "--format", "json"]).stdout)
            #expect(CanonicalJSON.compact(diff).contains("reason") == false, "diff's shape is unchanged: reasons are not readings")
        }
    }

    @Test("the home page read from the matrix cache is the page read from the ledger, and a write moves it to the new head")
    func homeFromCache() async throws {
        let fixture = try ServerFixture(scenario: "sample", isPublic: true)
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            var api = APIClient(client: client)
            let read = Self.page(try await api.get("/?lang=en"))
            let cached = Self.page(try await api.get("/?lang=en"))
            let before = try fixture.head()
            #expect(read == cached && read.contains(String(before.prefix(12))))
            try await api.signIn("hedong.office", key: fixture.key("hedong.office"))
            let report: JSONValue = .object(["action": .string("report-progress"), "actor": .string("hedong.office"), "unit": .string("cn/hedong"),
                                             "directive": .string("JF-2019-01"), "clause": .string("2"), "status": .string("done")])
            #expect(try await api.write(report, key: fixture.key("hedong.office")).status == .created)
            let after = Self.page(try await api.get("/?lang=en"))
            let moved = try fixture.head()
            #expect(moved != before && after.contains(String(moved.prefix(12))), "the page follows the head")
        }
    }
}
