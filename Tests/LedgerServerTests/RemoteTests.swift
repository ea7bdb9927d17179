import Foundation
import LedgerModel
import Testing

/// The CLI as a client of `luoshi serve`: it prepares there, checks and signs here.
@Suite("luoshi report, apply and import --remote")
struct RemoteTests {
    @Test("report, apply (a checkpoint and its tag) and import go through the server; import stops at the first refusal, naming its line")
    func remote() async throws {
        let fixture = try ServerFixture()
        let server = try LiveServer(ledger: fixture.ledger, folder: fixture.folder)
        defer { server.process.terminate(); server.process.waitUntilExit() }
        let count = { Int(try run("git", ["--git-dir", fixture.ledger, "rev-list", "--count", "refs/heads/main"]).text.dropLast())! }
        let before = try count()

        let report = try run(luoshiBinary, ["report", "--remote", server.url, "--actor", "north.lead", "--key", fixture.key("north.lead"),
                                            "--unit", "cn/north", "--directive", "D-2019-01", "--clause", "1", "--status", "in-progress",
                                            "--value", "documents_cut_pct=36", "--format", "json"])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(try JSONParser.parse(report.stdout)["head"]?.stringValue == (try fixture.head()))
        // The key is checked by the server: another actor's key is refused, exit 77.
        let wrongKey = try run(luoshiBinary, ["report", "--remote", server.url, "--actor", "north.lead", "--key", fixture.key("south.lead"),
                                              "--unit", "cn/north", "--directive", "D-2019-01", "--clause", "1", "--status", "done"])
        #expect(wrongKey.status == 77, "\(wrongKey.stderr)")

        let checkpoint = try run(luoshiBinary, ["apply", "--remote", server.url, "--key", fixture.key("auditor")],
                                 input: Array(#"{"action": "checkpoint", "actor": "auditor", "note": "through the server"}"#.utf8))
        #expect(checkpoint.status == 0, "\(checkpoint.stderr)")
        let tags = try run("git", ["--git-dir", fixture.ledger, "tag", "-l", "checkpoints/*"]).text.split(separator: "\n")
        #expect(tags.count == 2, "the scenario's checkpoint and this one")
        // A witness co-signs it through the server: one tag, signed here.
        let newest = String(tags.sorted().last ?? "")   // cp-<date>: the scenario's is of 2019, this one of today
        let witnessed = try run(luoshiBinary, ["witness", newest, "--remote", server.url,
                                               "--actor", "central.inspector", "--key", fixture.key("central.inspector"), "--format", "json"])
        #expect(witnessed.status == 0, "\(witnessed.stderr)")
        let witnessRef = try JSONParser.parse(witnessed.stdout)["ref"]?.stringValue ?? ""
        #expect(witnessRef.hasPrefix("refs/tags/witnesses/cp-") && witnessRef.hasSuffix("/central.inspector"))
        #expect(try run("git", ["--git-dir", fixture.ledger, "cat-file", "-t", witnessRef]).text == "tag\n")
        #expect(try count() == before + 2, "a witness moves no branch")

        let events = fixture.folder.appendingPathComponent("remote.jsonl")
        try """
        {"action": "report-progress", "actor": "north.lead", "unit": "cn/north", "directive": "D-2019-01", "clause": "1", "status": "in-progress"}
        {"action": "report-progress", "actor": "south.lead", "unit": "cn/south", "directive": "D-2019-01", "clause": "1", "status": "done"}
        {"action": "report-progress", "actor": "south.lead", "unit": "cn/north", "directive": "D-2019-01", "clause": "1", "status": "done"}
        {"action": "report-progress", "actor": "north.lead", "unit": "cn/north", "directive": "D-2019-01", "clause": "1", "status": "done"}
        """.write(to: events, atomically: true, encoding: .utf8)
        let imported = try run(luoshiBinary, ["import", events.path, "--keys", fixture.keys, "--remote", server.url])
        #expect(imported.status == 77)
        #expect(imported.stderr.contains("remote.jsonl:3: not permitted"), "\(imported.stderr)")
        // Report, checkpoint, and the two lines before the refusal.
        #expect(try count() == before + 4)
        #expect(try fixture.cli(["verify"]).status == 0)
    }
}
