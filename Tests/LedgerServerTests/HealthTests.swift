import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerModel
import LedgerServer
import Testing

@Suite("luoshi serve: health and the start-up verification")
struct HealthTests {
    /// Asks /healthz until the start-up verification has finished.
    static func settled(_ api: APIClient) async throws -> (HTTPResponse.Status, JSONValue) {
        for _ in 0..<200 {
            let r = try await api.get("/healthz")
            let body = try json(r)
            if body["verification"]?.string != "running" { return (r.status, body) }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw FixtureError("the verification did not finish")
    }

    @Test("a ledger that verifies is healthy, and its verified head is recorded for the next start")
    func healthy() async throws {
        let fixture = try ServerFixture()
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let (status, body) = try await Self.settled(APIClient(client: client))
            #expect(status == .ok)
            #expect(body["verification"]?.string == "ok")
            #expect(body["writes"] == .bool(true))
            #expect(body["verifiedHead"]?.string == (try fixture.head()))
        }
        let recorded = try String(contentsOfFile: fixture.ledger + "/luoshi/verified-head", encoding: .utf8)
        #expect(recorded == (try fixture.head()) + "\n")
    }

    @Test("a ledger that does not verify is served read-only, with the problem in /healthz")
    func unverified() async throws {
        let fixture = try ServerFixture()
        // An unsigned commit put on main with stock git, behind the ledger's back.
        let tree = String(try run("git", ["--git-dir", fixture.ledger, "rev-parse", "refs/heads/main^{tree}"]).text.dropLast())
        let commit = try run("git", ["--git-dir", fixture.ledger, "-c", "user.name=x", "-c", "user.email=x@ledger",
                                     "commit-tree", tree, "-p", try fixture.head(), "-m", "sneaked in"])
        #expect(try run("git", ["--git-dir", fixture.ledger, "update-ref", "refs/heads/main", String(commit.text.dropLast())]).status == 0)
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let api = APIClient(client: client)
            let (status, body) = try await Self.settled(api)
            #expect(status == .serviceUnavailable)
            #expect(body["verification"]?.string == "failed")
            guard case .array(let problems)? = body["problems"] else { Issue.record("no problems"); return }
            #expect(problems.contains { $0.string?.contains("unsigned") == true })
            var signedIn = api
            try await signedIn.signIn("north.lead", key: fixture.key("north.lead"))
            let r = try await signedIn.post("/api/v1/events", try jsonText(WriteTests.report))
            #expect(r.status == .serviceUnavailable)
            #expect(errorCode(r) == "not-verified")
            #expect(try await signedIn.get("/api/v1/directives").status == .ok, "reads still answer")
        }
    }
}
