import Foundation
import LedgerModel
import Testing

/// `luoshi serve` as its own process: HTTPS with a certificate made by `openssl`, and SIGTERM in a
/// burst of writes.
@Suite("luoshi serve: HTTPS and a graceful stop")
struct LiveServerTests {
    @Test("under --tls-cert and --tls-key it answers HTTPS only, and the session cookie is Secure")
    func tls() async throws {
        let fixture = try ServerFixture()
        let certificate = fixture.folder.appendingPathComponent("cert.pem").path
        let key = fixture.folder.appendingPathComponent("key.pem").path
        // The README's certificate: EC P-256 (browsers take no ed25519 certificates), for localhost.
        let made = try run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                       "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=localhost",
                                       "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        try #require(made.status == 0, "openssl: \(made.stderr)")
        let server = try LiveServer(ledger: fixture.ledger, folder: fixture.folder, arguments: [], tls: (certificate, key))
        defer { server.process.terminate(); server.process.waitUntilExit() }
        let curl = ["-sS", "--max-time", "10", "--cacert", certificate]

        let health = try run("curl", curl + ["-w", "\n%{http_code}", server.url + "/healthz"])
        #expect(health.status == 0, "\(health.stderr)")
        #expect(health.text.hasSuffix("\n200"))
        // Plain HTTP on the same port gets no answer; a client that does not trust the certificate refuses it.
        let plain = try run("curl", ["-sS", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(server.port)/healthz"])
        #expect(plain.status != 0 || plain.text != "200", "plain HTTP answered \(plain.text)")
        let untrusted = try run("curl", ["-sS", "--max-time", "10", server.url + "/healthz"])
        #expect(untrusted.status == 60, "curl without the certificate: exit \(untrusted.status) \(untrusted.stderr)")

        // A session over HTTPS: the cookie is Secure as well as HttpOnly and SameSite=Strict, and the token reads.
        let challenge = try JSONParser.parse(try run("curl", curl + ["-X", "POST", server.url + "/api/v1/session", "-d", #"{"actor": "north.lead"}"#]).stdout)
        let signature = try sshSign(Array(challenge["challenge"]!.stringValue!.utf8), key: fixture.key("north.lead"), namespace: "luoshi-session")
        let answer = try run("curl", curl + ["-D", "-", "-X", "POST", server.url + "/api/v1/session/\(challenge["id"]!.stringValue!)", "--data-binary", "@-"],
                             input: CanonicalJSON.encode(.object(["signature": .string(signature)])))
        let cookie = answer.text.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie:") }.map(String.init) ?? ""
        #expect(cookie.contains("; Secure"), "\(answer.text)")
        #expect(cookie.contains("; HttpOnly") && cookie.contains("; SameSite=Strict"))
        let token = try JSONParser.parse(String(answer.text.split(separator: "\r\n\r\n", maxSplits: 1).last ?? ""))["token"]?.stringValue
        let read = try run("curl", curl + ["-w", "\n%{http_code}", "-H", "Authorization: Bearer \(token ?? "")", server.url + "/api/v1/ledger"])
        #expect(read.text.hasSuffix("\n200"), "\(read.text)")
        let anonymous = try run("curl", curl + ["-o", "/dev/null", "-w", "%{http_code}", server.url + "/api/v1/ledger"])
        #expect(anonymous.text == "401")
    }

    @Test("SIGTERM in a burst of writes: the server exits 0, and every write that landed was acknowledged to its writer")
    func sigterm() async throws {
        let fixture = try ServerFixture()
        let before = try fixture.head()
        let server = try LiveServer(ledger: fixture.ledger, folder: fixture.folder)
        let acknowledged = KillTests.burst(server, writers: 4, key: fixture.key("north.lead"))
        for _ in 0..<100 where acknowledged.value.count < 8 { try await Task.sleep(for: .milliseconds(100)) }
        kill(server.process.processIdentifier, SIGTERM)
        let stopped = Date()
        server.process.waitUntilExit()
        #expect(server.process.terminationReason == .exit && server.process.terminationStatus == 0,
                "luoshi serve ended \(server.process.terminationReason == .exit ? "with exit" : "by signal") \(server.process.terminationStatus)")
        #expect(Date().timeIntervalSince(stopped) < 30)
        // Writers see the server gone (connection refused) and stop; then what landed is compared with what was acknowledged.
        try await Task.sleep(for: .milliseconds(1500))
        let told = Set(acknowledged.value)
        #expect(told.count >= 8, "writes landed before the stop")
        let landed = Set(try run("git", ["--git-dir", fixture.ledger, "rev-list", "\(before)..refs/heads/main"]).text.split(separator: "\n").map(String.init))
        #expect(landed == told, "landed and not acknowledged: \(landed.subtracting(told).sorted()); acknowledged and not on main: \(told.subtracting(landed).sorted())")
        #expect(try fixture.cli(["verify"]).status == 0)
        let log = try String(contentsOf: server.log, encoding: .utf8)
        #expect(!log.contains(" 500 "), "\(log.suffix(2000))")
    }
}
