import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import LedgerServer
import Testing

@Suite("Writes from another site")
struct SameOriginTests {
    @Test("a write a browser sends from another site is refused (403 bad-origin) before anything runs")
    func otherOrigins() async throws {
        let fixture = try ServerFixture(isPublic: true)
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let body = ByteBuffer(string: #"{"actor": "central.inspector"}"#)
            for headers: HTTPFields in [[.origin: "http://evil.example"], [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"], [.origin: "null"]] {
                let r = try await client.execute(uri: "/api/v1/session", method: .post, headers: headers, body: body)
                #expect(r.status == .forbidden, "\(headers)")
                #expect(String(buffer: r.body).contains("\"code\": \"bad-origin\""), "\(String(buffer: r.body))")
                let d = try await client.execute(uri: "/api/v1/session", method: .delete, headers: headers)
                #expect(d.status == .forbidden)
            }
            // Refused before the body is read: a malformed event from another site is 403, not 400.
            let before = try fixture.head()
            let e = try await client.execute(uri: "/api/v1/events", method: .post, headers: [.origin: "http://evil.example"], body: ByteBuffer(string: "{"))
            #expect(e.status == .forbidden)
            #expect(try fixture.head() == before)
            // A program sends no Origin; a read is not a write.
            #expect(try await client.execute(uri: "/api/v1/session", method: .post, headers: [:], body: body).status == .created)
            #expect(try await client.execute(uri: "/api/v1/ledger", method: .get, headers: [.origin: "http://evil.example"]).status == .ok)
        }
        #expect(SameOrigin.matches(origin: "http://127.0.0.1:8420", host: "127.0.0.1:8420"))
        #expect(SameOrigin.matches(origin: "https://Ledger.Example", host: "ledger.example"))
        #expect(SameOrigin.matches(origin: "https://ledger.example:8443", host: "ledger.example"), "a proxy that passes the name without the port")
        #expect(SameOrigin.matches(origin: "http://[::1]:8420", host: "[::1]"))
        #expect(!SameOrigin.matches(origin: "http://127.0.0.1:9999", host: "127.0.0.1:8420"))
        #expect(!SameOrigin.matches(origin: "http://ledger.example.evil", host: "ledger.example"))
        #expect(!SameOrigin.matches(origin: "null", host: "ledger.example"))
        #expect(!SameOrigin.matches(origin: "http://ledger.example", host: ""))
    }
}
