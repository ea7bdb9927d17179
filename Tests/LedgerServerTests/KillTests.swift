import Foundation
import LedgerModel
import Testing

/// `luoshi serve` as its own process, killed with SIGKILL in a burst of writes.
@Suite("luoshi serve: killed in a burst of writes")
struct KillTests {
    static func curl(_ arguments: [String]) throws -> RunResult {
        try run("curl", ["-sS", "--max-time", "10"] + arguments)
    }

    /// One report through the API with curl and ssh-keygen; the landed head, or nil when it did not land.
    static func report(_ server: LiveServer, key: String, note: String) throws -> String? {
        let event = #"{"action": "report-progress", "actor": "north.lead", "unit": "cn/north", "directive": "D-2019-01", "clause": "1", "status": "in-progress", "note": "\#(note)"}"#
        var r = try curl(["-X", "POST", server.url + "/api/v1/events", "-d", event])
        guard r.status == 0, var answer = try? JSONParser.parse(r.stdout) else { return nil }
        for _ in 0..<5 {
            guard let pending = answer["pending"]?.stringValue else { return nil }
            let sig = try sshSign(APIClient.buffer(answer), key: key)
            let body = CanonicalJSON.encode(.object(["signatures": .array([.string(sig)])]))
            r = try run("curl", ["-sS", "--max-time", "10", "-w", "\n%{http_code}", "-X", "POST", server.url + "/api/v1/events/\(pending)/signatures", "--data-binary", "@-"], input: body)
            guard r.status == 0 else { return nil }
            let lines = r.text.split(separator: "\n")
            guard let code = lines.last, let parsed = try? JSONParser.parse(String(lines.dropLast().joined(separator: "\n"))) else { return nil }
            if code == "201" { return parsed["head"]?.stringValue }
            guard code == "409" else { return nil }
            answer = parsed
        }
        return nil
    }

    /// `writers` threads, each writing up to 200 reports through curl and ssh-keygen until one does
    /// not land (the server is gone); the heads acknowledged to them, as they come.
    static func burst(_ server: LiveServer, writers: Int, key: String) -> Protected<[String]> {
        let landed = Protected<[String]>([])
        for w in 0..<writers {
            Thread {
                for n in 0..<200 {
                    guard let head = try? report(server, key: key, note: "writer \(w) report \(n)") else { return }
                    landed.mutate { $0.append(head) }
                }
            }.start()
        }
        return landed
    }

    @Test("no write that got 201 is lost, main's history verifies, and the server starts again cleanly")
    func killNine() async throws {
        let fixture = try ServerFixture()
        let server = try LiveServer(ledger: fixture.ledger, folder: fixture.folder)
        let key = fixture.key("north.lead")
        // Three writers in a burst; the server is killed while they write.
        let landed = Self.burst(server, writers: 3, key: key)
        // Let some writes land first.
        for _ in 0..<100 where landed.value.count < 6 { try await Task.sleep(for: .milliseconds(100)) }
        server.kill9()
        try await Task.sleep(for: .milliseconds(800))
        let acknowledged = landed.value
        #expect(acknowledged.count >= 3, "writes landed before the kill")
        let head = try fixture.head()
        for h in acknowledged {
            let r = try run("git", ["--git-dir", fixture.ledger, "merge-base", "--is-ancestor", h, head])
            #expect(r.status == 0, "the acknowledged commit \(h) is in main's history")
        }
        #expect(try fixture.cli(["verify"]).status == 0)
        // Started again on the same ledger, it verifies and takes writes.
        let again = try LiveServer(ledger: fixture.ledger, folder: fixture.folder)
        defer { again.process.terminate(); again.process.waitUntilExit() }
        #expect(try Self.report(again, key: key, note: "after the restart") != nil)
        #expect(try fixture.cli(["verify"]).status == 0)
    }
}
