import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerModel
import LedgerServer
import Testing

/// Each bad request gets its status and the one error shape, and nothing is written.
@Suite("luoshi serve: bad input and sessions")
struct BadInputTests {
    static let report = WriteTests.report

    /// Asserts the error answer: its status, its code, the pointer when one is expected.
    static func refused(_ r: TestResponse, _ status: HTTPResponse.Status, _ code: String, pointer: String? = nil,
                        sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == status, "\(String(buffer: r.body))", sourceLocation: sourceLocation)
        let body = try? json(r)
        #expect(body?["error"]?["code"]?.string == code, "\(String(buffer: r.body))", sourceLocation: sourceLocation)
        #expect(body?["error"]?["message"]?.string?.isEmpty == false, sourceLocation: sourceLocation)
        if let pointer { #expect(body?["error"]?["pointer"]?.string == pointer, "\(String(buffer: r.body))", sourceLocation: sourceLocation) }
    }

    @Test("bad events, bad signatures and bad queries are refused with their status, and main does not move")
    func refusals() async throws {
        let fixture = try ServerFixture()
        fixture.configuration.maxBodyBytes = 64 * 1024
        let before = try fixture.head()
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            var api = APIClient(client: client)
            // No session: reads and step 1 are 401.
            Self.refused(try await api.get("/api/v1/status"), .unauthorized, "no-session")
            Self.refused(try await api.post("/api/v1/events", try jsonText(Self.report)), .unauthorized, "no-session")
            try await api.signIn("north.lead", key: fixture.key("north.lead"))

            Self.refused(try await api.post("/api/v1/events", raw: #"{"action": "report-progress", "#), .badRequest, "bad-data", pointer: "")
            Self.refused(try await api.post("/api/v1/events", try jsonText(#"{"action": "report-everything", "actor": "north.lead"}"#)),
                         .badRequest, "bad-data", pointer: "/action")
            Self.refused(try await api.post("/api/v1/events", try jsonText(#"{"action": "report-progress", "actor": "south.lead", "unit": "cn/south", "directive": "D-2019-01", "clause": "1", "status": "done"}"#)),
                         .forbidden, "not-permitted", pointer: "/actor")
            Self.refused(try await api.post("/api/v1/events", try jsonText(#"{"action": "report-progress", "actor": "north.lead", "unit": "cn/north", "directive": "D-2019-01", "status": "done"}"#)),
                         .badRequest, "bad-data", pointer: "/clause")
            Self.refused(try await api.post("/api/v1/events", try jsonText(#"{"action": "report-progress", "actor": "north.lead", "unit": "cn/north", "directive": "D-2019-01", "clause": 1, "status": "done"}"#)),
                         .badRequest, "bad-data", pointer: "/clause")
            let huge = #"{"action": "report-progress", "actor": "north.lead", "note": ""# + String(repeating: "x", count: 100_000) + #""}"#
            Self.refused(try await api.post("/api/v1/events", raw: huge), .contentTooLarge, "too-large")

            // Signatures: not armour, not base64 inside it, over another buffer, in another namespace,
            // by another actor's key.
            func pending() async throws -> JSONValue { try json(try await api.post("/api/v1/events", try jsonText(Self.report))) }
            func send(_ p: JSONValue, _ sig: String) async throws -> TestResponse {
                try await api.post("/api/v1/events/\(p["pending"]!.string!)/signatures", .object(["signatures": .array([.string(sig)])]))
            }
            Self.refused(try await send(try await pending(), "hello"), .badRequest, "bad-data", pointer: "/signatures/0")
            Self.refused(try await send(try await pending(), "-----BEGIN SSH SIGNATURE-----\n@@@@\n-----END SSH SIGNATURE-----\n"),
                         .badRequest, "bad-data", pointer: "/signatures/0")
            Self.refused(try await send(try await pending(), try sshSign(Array("another buffer".utf8), key: fixture.key("north.lead"))),
                         .badRequest, "bad-data", pointer: "/signatures/0")
            let p1 = try await pending()
            Self.refused(try await send(p1, try sshSign(APIClient.buffer(p1), key: fixture.key("north.lead"), namespace: "file")),
                         .badRequest, "bad-data", pointer: "/signatures/0")
            let p2 = try await pending()
            Self.refused(try await send(p2, try sshSign(APIClient.buffer(p2), key: fixture.key("south.lead"))), .forbidden, "not-permitted")
            let p3 = try await pending()
            Self.refused(try await api.post("/api/v1/events/\(p3["pending"]!.string!)/signatures", .object(["signatures": .array([])])),
                         .badRequest, "bad-data", pointer: "/signatures")
            Self.refused(try await api.post("/api/v1/events/nosuchpending/signatures", .object(["signatures": .array([.string("x")])])),
                         .notFound, "not-found")

            // Queries: a unit id with "..", an unknown parameter, a typo'd directive.
            Self.refused(try await api.get("/api/v1/diff?directive=D-2019-01&unit=cn/../cn/north"), .badRequest, "bad-request")
            Self.refused(try await api.get("/api/v1/status?directiv=D-2019-01"), .badRequest, "bad-request")
            Self.refused(try await api.get("/api/v1/status?directive=D-2019-02"), .notFound, "not-found")
            Self.refused(try await api.get("/api/v1/nothing-here"), .notFound, "http")
        }
        #expect(try fixture.head() == before, "nothing was written")
    }

    @Test("a signature by a key revoked since is refused with 403")
    func revokedKey() async throws {
        let fixture = try ServerFixture(isPublic: true)
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let api = APIClient(client: client)
            let pub = try String(contentsOfFile: fixture.key("north.lead") + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            let revoke = try await api.write(try jsonText(#"{"action": "revoke-key", "actor": "admin", "actorId": "north.lead", "key": "\#(pub)"}"#), key: fixture.key("admin"))
            try #require(revoke.status == .created, "\(String(buffer: revoke.body))")
            let head = try fixture.head()
            let r = try await api.write(try jsonText(Self.report), key: fixture.key("north.lead"))
            Self.refused(r, .forbidden, "not-permitted")
            #expect(try fixture.head() == head)
        }
    }

    @Test("a session challenge is single-use and short-lived; a session ends at logout; a signature in another namespace opens none")
    func sessions() async throws {
        let fixture = try ServerFixture()
        let offset = Protected(Int64(0))
        fixture.configuration.clock = { Timestamp(seconds: Int64(Date().timeIntervalSince1970) + offset.value) }
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            var api = APIClient(client: client)
            func challenge() async throws -> JSONValue {
                try json(try await api.post("/api/v1/session", .object(["actor": .string("north.lead")])))
            }
            func answer(_ c: JSONValue, namespace: String = "luoshi-session", key: String? = nil) async throws -> TestResponse {
                let sig = try sshSign(Array(c["challenge"]!.string!.utf8), key: key ?? fixture.key("north.lead"), namespace: namespace)
                return try await api.post("/api/v1/session/\(c["id"]!.string!)", .object(["signature": .string(sig)]))
            }
            Self.refused(try await api.post("/api/v1/session", .object(["actor": .string("nobody")])), .badRequest, "bad-data", pointer: "/actor")
            let c = try await challenge()
            let first = try await answer(c)
            #expect(first.status == .created)
            let cookie = try #require(first.headers[.setCookie])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && !cookie.contains("Secure"))
            Self.refused(try await answer(c), .notFound, "not-found")
            Self.refused(try await answer(try await challenge(), namespace: "git"), .badRequest, "bad-data", pointer: "/signature")
            Self.refused(try await answer(try await challenge(), key: fixture.key("south.lead")), .forbidden, "not-permitted")
            let late = try await challenge()
            offset.value = fixture.configuration.challengeLifetime + 1
            Self.refused(try await answer(late), .gone, "expired")
            offset.value = 0

            // The token reads; the cookie alone reads too; after logout neither does.
            api.token = try json(first)["token"]?.string
            #expect(try await api.get("/api/v1/ledger").status == .ok)
            var byCookie = HTTPFields()
            byCookie[.cookie] = String(cookie.split(separator: ";")[0])
            #expect(try await client.execute(uri: "/api/v1/ledger", method: .get, headers: byCookie).status == .ok)
            #expect(try await client.execute(uri: "/api/v1/session", method: .delete, headers: api.headers).status == .noContent)
            Self.refused(try await api.get("/api/v1/ledger"), .unauthorized, "no-session")
            // A session expires.
            try await api.signIn("north.lead", key: fixture.key("north.lead"))
            offset.value = fixture.configuration.sessionLifetime + 1
            Self.refused(try await api.get("/api/v1/ledger"), .unauthorized, "no-session")
        }
    }

    @Test("--read-only prepares no writes; reads still answer")
    func readOnly() async throws {
        let fixture = try ServerFixture(isPublic: true)
        fixture.configuration.readOnly = true
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let api = APIClient(client: client)
            Self.refused(try await api.post("/api/v1/events", try jsonText(Self.report)), .forbidden, "read-only")
            #expect(try await api.get("/api/v1/directives").status == .ok)
        }
    }
}
