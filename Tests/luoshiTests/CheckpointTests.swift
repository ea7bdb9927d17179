import Foundation
import Testing

/// Checkpoints, witnesses, `verify --since` and `verify --expect-checkpoints`, end to end with the
/// built binary, stock git and ssh-keygen.
@Suite("Checkpoints: signed tags, witnesses, verify --since and kept lists", .serialized)
struct CheckpointTests {
    /// The burden scenario with one more checkpoint made by `luoshi checkpoint` and a report after it.
    struct Fixture {
        let loaded: LoadedLedger
        let id: String
        let commit: String
        var ledger: String { loaded.ledger }
        func key(_ actor: String) -> String { loaded.keys + "/" + actor }

        static func make(reportAfter: Bool = true) throws -> Fixture {
            let loaded = try LoadedLedger.load("burden-2019.jsonl")
            let r = try luoshi(["checkpoint", "--ledger", loaded.ledger, "--key", loaded.keys + "/auditor", "--note", "test"])
            #expect(r.status == 0, "\(r.stderr)")
            let parts = r.stdout.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            try #require(parts.count == 2, "checkpoint prints \"<id> <commit>\": \(r.stdout)")
            let fixture = Fixture(loaded: loaded, id: parts[0], commit: parts[1])
            if reportAfter { try fixture.report() }
            return fixture
        }

        /// One progress report by north.lead, now.
        func report() throws {
            let r = try luoshi(["report", "--ledger", ledger, "--unit", "cn/north", "--directive", "D-2019-01", "--clause", "1",
                                "--status", "in-progress", "--key", key("north.lead")])
            #expect(r.status == 0, "\(r.stderr)")
        }

        func git(_ args: [String]) throws -> RunResult { try loaded.git(args) }

        func signers() throws -> String {
            let file = loaded.folder.path("signers")
            let r = try luoshi(["export", "allowed-signers", "--ledger", ledger, "--out", file])
            #expect(r.status == 0, "\(r.stderr)")
            return file
        }

        func verifyTag(_ name: String) throws -> RunResult {
            try git(["-c", "gpg.format=ssh", "-c", "gpg.ssh.allowedSignersFile=\(try signers())", "verify-tag", name])
        }

        func verify(_ extra: [String] = []) throws -> RunResult {
            try luoshi(["verify", "--ledger", ledger] + extra)
        }
    }

    @Test("checkpoint commits the record and a signed tag on it that git verify-tag accepts")
    func checkpointTag() throws {
        let f = try Fixture.make(reportAfter: false)
        let tagged = try f.git(["rev-parse", "refs/tags/checkpoints/\(f.id)^{commit}"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(tagged == f.commit)
        #expect(try f.git(["cat-file", "-t", "refs/tags/checkpoints/\(f.id)"]).stdout == "tag\n")
        #expect(try f.git(["show", "\(f.commit):checkpoints/\(f.id).json"]).stdout.contains("\"by\": \"auditor\""))
        let good = try f.verifyTag("checkpoints/\(f.id)")
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stderr.contains("Good \"git\" signature for auditor@ledger"), "\(good.stderr)")
        // The scenario's own checkpoint event, imported, got its tag too.
        let tags = try f.git(["for-each-ref", "--format=%(refname)", "refs/tags/checkpoints/"]).stdout.split(separator: "\n")
        #expect(tags.count == 2, "\(tags)")
        let v = try f.verify()
        #expect(v.status == 0, "\(v.stdout)\(v.stderr)")
        // A key that is not the auditor's cannot make a checkpoint.
        let denied = try luoshi(["checkpoint", "--ledger", f.ledger, "--key", f.key("north.lead")])
        #expect(denied.status == 77, "\(denied.stderr)")
        #expect(denied.stderr.contains("no auditor"), "\(denied.stderr)")
    }

    @Test("a checkpoint tag re-made with another actor's key is caught by verify (stock git checks only that some allowed key signed)")
    func forgedCheckpointTag() throws {
        let f = try Fixture.make()
        #expect(try f.git(["tag", "-d", "checkpoints/\(f.id)"]).status == 0)
        let forged = try run("git", ["--git-dir", f.ledger, "-c", "gpg.format=ssh", "-c", "user.signingkey=\(f.key("central.inspector"))",
                                     "tag", "-s", "-m", "checkpoint \(f.id)", "checkpoints/\(f.id)", f.commit],
                             environment: ["GIT_COMMITTER_NAME": "National Audit Desk", "GIT_COMMITTER_EMAIL": "auditor@ledger"])
        #expect(forged.status == 0, "\(forged.stderr)")
        let v = try f.verify()
        #expect(v.status == 1)
        #expect(v.stdout.contains("unknown-key") && v.stdout.contains("refs/tags/checkpoints/\(f.id)"), "\(v.stdout)")
    }

    @Test("a supervisor of the auditor's unit witnesses a checkpoint; a forged witness is detected")
    func witness() throws {
        let f = try Fixture.make()
        let w = try luoshi(["witness", "checkpoints/\(f.id)", "--ledger", f.ledger, "--key", f.key("central.inspector")])
        #expect(w.status == 0, "\(w.stderr)")
        let ref = "witnesses/\(f.id)/central.inspector"
        let target = try f.git(["rev-parse", "refs/tags/\(ref)^{}"]).stdout
        #expect(target.trimmingCharacters(in: .whitespacesAndNewlines) == f.commit)
        let good = try f.verifyTag(ref)
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stderr.contains("central.inspector@ledger"), "\(good.stderr)")
        #expect(try f.verify().status == 0)

        // A supervisor of a unit below the auditor's may not witness.
        let below = try luoshi(["witness", f.id, "--ledger", f.ledger, "--key", f.key("east.inspector")])
        #expect(below.status == 77, "\(below.stderr)")
        #expect(below.stderr.contains("cn/east"), "\(below.stderr)")
        // Nor may the auditor witness its own checkpoint.
        #expect(try luoshi(["witness", f.id, "--ledger", f.ledger, "--key", f.key("auditor")]).status == 77)

        // Forged: the witness tag replaced by one in central.inspector's name, signed with east.inspector's key.
        #expect(try f.git(["update-ref", "-d", "refs/tags/\(ref)"]).status == 0)
        let forged = try run("git", ["--git-dir", f.ledger, "-c", "gpg.format=ssh", "-c", "user.signingkey=\(f.key("east.inspector"))",
                                     "-c", "advice.nestedTag=false", "tag", "-s", "-m", "witness", ref, "checkpoints/\(f.id)"],
                             environment: ["GIT_COMMITTER_NAME": "Central Inspection Team", "GIT_COMMITTER_EMAIL": "central.inspector@ledger"])
        #expect(forged.status == 0, "\(forged.stderr)")
        let v = try f.verify(["--format", "json"])
        #expect(v.status == 1)
        #expect(v.stdout.contains("\"kind\": \"unknown-key\"") && v.stdout.contains("refs/tags/\(ref)"), "\(v.stdout)")

        // Forged: a witness tag that is not signed at all.
        #expect(try f.git(["update-ref", "-d", "refs/tags/\(ref)"]).status == 0)
        #expect(try f.git(["-c", "advice.nestedTag=false", "tag", "-a", "-m", "witness", ref, "checkpoints/\(f.id)"]).status == 0)
        let unsigned = try f.verify()
        #expect(unsigned.status == 1)
        #expect(unsigned.stdout.contains("unsigned") && unsigned.stdout.contains(ref), "\(unsigned.stdout)")
    }

    @Test("verify --since passes on a clean ledger and checks only the commits after the checkpoint")
    func sinceClean() throws {
        let f = try Fixture.make()
        try f.report()
        let r = try f.verify(["--since", "checkpoints/\(f.id)", "--format", "json"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("\"commits\": 2"), "\(r.stdout)")
        let text = try f.verify(["--since", f.id])
        #expect(text.stdout.contains("from checkpoint \(f.id)"), "\(text.stdout)")
        // A bad commit after the checkpoint is still caught: an unsigned report written with stock git.
        let unsignedCommit = try f.git(["-c", "user.name=x", "-c", "user.email=north.lead@ledger", "commit-tree", "-m", "x",
                                        "-p", "refs/heads/main", "refs/heads/main^{tree}"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try f.git(["update-ref", "refs/heads/main", unsignedCommit]).status == 0)
        let bad = try f.verify(["--since", f.id])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("unsigned"), "\(bad.stdout)")
    }

    @Test("verify --since fails when the checkpoint is no longer an ancestor of main (reset and re-commit)")
    func sinceRewritten() throws {
        let f = try Fixture.make()
        #expect(try f.git(["update-ref", "refs/heads/main", "\(f.commit)~1"]).status == 0)
        try f.report()
        let r = try f.verify(["--since", f.id, "--format", "json"])
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("\"kind\": \"checkpoint\"") && r.stdout.contains("not in the history of main"), "\(r.stdout)")
        // From genesis the rewrite is caught too: the tag points outside history.
        let full = try f.verify()
        #expect(full.status == 1)
        #expect(full.stdout.contains("checkpoint") && full.stdout.contains(f.id), "\(full.stdout)")
        // A checkpoint that never existed fails the same way.
        let none = try f.verify(["--since", "cp-19990101-000000"])
        #expect(none.status == 1)
        #expect(none.stdout.contains("does not exist"), "\(none.stdout)")
    }

    @Test("verify --expect-checkpoints fails for a deleted tag and for a moved tag")
    func expectedCheckpoints() throws {
        let f = try Fixture.make()
        let kept = f.loaded.folder.path("kept")
        let e = try luoshi(["export", "checkpoints", "--ledger", f.ledger, "--out", kept])
        #expect(e.status == 0, "\(e.stderr)")
        let lines = try String(contentsOfFile: kept, encoding: .utf8)
        #expect(lines.contains("\(f.id) \(f.commit)\n"), "\(lines)")
        #expect(lines.split(separator: "\n").count == 2, "\(lines)")
        #expect(try f.verify(["--expect-checkpoints", kept]).status == 0)

        // Moved: the tag re-pointed (lightweight) at main.
        #expect(try f.git(["update-ref", "refs/tags/checkpoints/\(f.id)", "refs/heads/main"]).status == 0)
        let moved = try f.verify(["--expect-checkpoints", kept])
        #expect(moved.status == 1)
        #expect(moved.stdout.contains("has moved") && moved.stdout.contains(f.id), "\(moved.stdout)")

        // Deleted.
        #expect(try f.git(["update-ref", "-d", "refs/tags/checkpoints/\(f.id)"]).status == 0)
        let missing = try f.verify(["--expect-checkpoints", kept, "--format", "json"])
        #expect(missing.status == 1)
        #expect(missing.stdout.contains("\"kind\": \"checkpoint\"") && missing.stdout.contains("is missing"), "\(missing.stdout)")
        // Verify from genesis alone sees the checkpoint record without its tag.
        let plain = try f.verify()
        #expect(plain.status == 1)
        #expect(plain.stdout.contains("has no tag"), "\(plain.stdout)")

        // A malformed kept list is a usage error.
        try "not a checkpoint line\n".write(toFile: kept, atomically: true, encoding: .utf8)
        #expect(try f.verify(["--expect-checkpoints", kept]).status == 64)
    }
}
