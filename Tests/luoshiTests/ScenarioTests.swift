import Foundation
import Testing

@Suite("The burden-2019 scenario, loaded through the command line", .serialized)
struct ScenarioTests {
    @Test("loads, and check.py scores every expected reading")
    func checkPassesEveryReading() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let r = try run("python3", [scenarios.appendingPathComponent("check.py").path, loaded.ledger,
                                    scenarios.appendingPathComponent("burden-2019.expected.json").path, "--luoshi", luoshiBinary])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains(" 0 failed"), "\(r.stdout)")
    }

    @Test("stock git reads it: fsck is clean, trailers parse, every commit's signature verifies")
    func stockGitReadsIt() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let fsck = try loaded.git(["fsck", "--full", "--strict"])
        #expect(fsck.status == 0, "\(fsck.stderr)")
        #expect(!fsck.stdout.contains("error") && !fsck.stderr.contains("error"))

        let trailers = try loaded.git(["log", "--format=%(trailers:key=Luoshi-Action,valueonly)"]).stdout
            .split(separator: "\n").filter { !$0.isEmpty }
        let commits = try loaded.git(["rev-list", "--count", "refs/heads/main"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(String(trailers.count) == commits)
        #expect(trailers.contains("report-progress") && trailers.contains("adopt") && trailers.contains("genesis"))

        let signers = loaded.folder.path("signers")
        let export = try luoshi(["export", "allowed-signers", "--ledger", loaded.ledger, "--out", signers])
        #expect(export.status == 0, "\(export.stderr)")
        var verified = 0
        for commit in try loaded.git(["rev-list", "refs/heads/main"]).stdout.split(separator: "\n") {
            let v = try loaded.git(["-c", "gpg.format=ssh", "-c", "gpg.ssh.allowedSignersFile=\(signers)", "verify-commit", String(commit)])
            #expect(v.status == 0, "git verify-commit \(commit): \(v.stderr)")
            if v.status == 0 { verified += 1 }
        }
        #expect(String(verified) == commits)
    }

    @Test("verify from genesis finds nothing wrong, and says so in JSON")
    func verifyIsClean() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let r = try luoshi(["verify", "--ledger", loaded.ledger, "--format", "json"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(json?["ok"] as? Bool == true)
        #expect((json?["commits"] as? Int ?? 0) > 70)
    }

    @Test("every record written while loading validates against schemas/ with Python's jsonschema")
    func recordsMatchSchemas() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let r = try run("python3", [repositoryRoot.appendingPathComponent("scripts/validate.py").path, "ledger", loaded.ledger])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains(" 0 invalid"), "\(r.stdout)")
    }
}
