import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerServer
import Testing

@Suite("luoshi serve: health")
struct HealthTests {
    @Test("GET /healthz answers once the ledger is open")
    func health() async throws {
        let fixture = try ServerFixture()
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"head\""))
            }
        }
    }
}
