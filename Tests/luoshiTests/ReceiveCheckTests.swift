import Foundation
import Testing

/// The receive check (`luoshi verify-push` as the pre-receive hook): stock `git push` into a central
/// ledger, of commits forged with stock git and `ssh-keygen` as `AttackTests` forges them. Each push
/// that verify would blame is refused with a line naming the commit and the rule, central's main does
/// not move, and the pushed objects stay out of central (git's quarantine); honest pushes land.
@Suite("The receive check judges every push before it lands")
struct ReceiveCheckTests {
    /// A forge ledger, and `central`: a bare copy of it with the receive check installed.
    struct Setup {
        let forge: Forge
        let central: String

        init() throws {
            forge = try Forge.burden()
            central = forge.scratch.path("central.git")
            let cloned = try run("git", ["clone", "-q", "--bare", forge.loaded.ledger, central])
            try #require(cloned.status == 0, "\(cloned.stderr)")
            let installed = try luoshi(["hooks", "install", "--ledger", central])
            try #require(installed.status == 0, "\(installed.stderr)")
        }

        /// `git push` from the forge ledger into central; the result as the pusher sees it.
        func push(_ refspecs: [String]) throws -> RunResult {
            try run("git", ["--git-dir", forge.loaded.ledger, "push", "--porcelain", central] + refspecs)
        }

        func centralMain() throws -> String {
            try run("git", ["--git-dir", central, "rev-parse", "refs/heads/main"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func centralHas(_ object: String) throws -> Bool {
            try run("git", ["--git-dir", central, "cat-file", "-e", object]).status == 0
        }

        /// The push of `commit` as central's next main is refused for `kind`, naming the commit; nothing lands.
        func expectRefused(_ commit: String, _ kind: String, saying detail: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let before = try centralMain()
            let r = try push(["\(commit):refs/heads/main"])
            #expect(r.status != 0, "the push was taken: \(r.stderr)", sourceLocation: sourceLocation)
            #expect(r.stderr.contains("remote: luoshi: refused: commit \(commit.prefix(12)): \(kind): "), "\(r.stderr)", sourceLocation: sourceLocation)
            if let detail { #expect(r.stderr.contains(detail), "\(r.stderr)", sourceLocation: sourceLocation) }
            #expect((r.stdout + r.stderr).contains("pre-receive hook declined"), "\(r.stdout)\(r.stderr)", sourceLocation: sourceLocation)
            #expect(try centralMain() == before, sourceLocation: sourceLocation)
            #expect(try !centralHas(commit), "the refused commit is in central's objects", sourceLocation: sourceLocation)
        }
    }

    static let eastPlan = "directives/D-2019-01/plans/cn/east/plan.json"

    @Test("an honest commit forged with stock git lands, and central verifies")
    func honest() throws {
        let s = try Setup()
        let head = try s.forge.head()
        let honest = try s.forge.report(on: head)
        let r = try s.push(["\(honest):refs/heads/main"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("remote: luoshi: push accepted: 1 new commit verified"), "\(r.stderr)")
        #expect(try s.centralMain() == honest)
        let v = try luoshi(["verify", "--ledger", s.central])
        #expect(v.status == 0, "\(v.stdout)\(v.stderr)")
        #expect(!v.stderr.contains("receive check"), "\(v.stderr)")
    }

    @Test("an unsigned commit, one by a key no actor holds, and another actor's key are refused")
    func signatures() throws {
        let s = try Setup()
        let head = try s.forge.head()
        try s.expectRefused(try s.forge.report(on: head, signer: nil), "unsigned")
        let stranger = s.forge.scratch.path("stranger")
        try run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", stranger])
        try s.expectRefused(try s.forge.report(on: head, keyFile: stranger), "unknown-key", saying: "not a key of north.lead")
        try s.expectRefused(try s.forge.report(on: head, signer: "east.lead"), "unknown-key", saying: "not a key of north.lead")
    }

    @Test("an implementer's edit of another unit's plan is refused, behind an honest commit that would land")
    func anotherUnitsPlan() throws {
        let s = try Setup()
        let head = try s.forge.head()
        let honest = try s.forge.report(on: head)
        let plan = try s.forge.edited(try s.forge.record(Self.eastPlan, at: honest), "r['clauses'][0]['text'] = 'Nothing needs to be cut.'")
        let attack = try s.forge.commit(on: honest, set: [Self.eastPlan: plan], actor: "north.lead", signer: "north.lead",
                                        message: ledgerMessage("edit-plan", unit: "cn/east", directive: "D-2019-01"))
        try s.expectRefused(attack, "not-permitted", saying: "only an implementer of cn/east may")
        // The push is all or nothing: the honest commit under the attack did not land either.
        #expect(try !s.centralHas(honest))
    }

    @Test("a rewritten history is refused: a forced push that drops the head")
    func rewrittenHistory() throws {
        let s = try Setup()
        let head = try s.forge.head()
        let parent = try s.forge.parent(of: head)
        let before = try s.centralMain()
        // An honest-looking report on the parent: a fork that drops central's head.
        let fork = try s.forge.report(on: parent)
        let r = try s.push(["+\(fork):refs/heads/main"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("rewritten-history: refs/heads/main: not a fast-forward of main"), "\(r.stderr)")
        #expect(try s.centralMain() == before)
        // Deleting main is refused too.
        let deleted = try s.push([":refs/heads/main"])
        #expect(deleted.status != 0)
        #expect(deleted.stderr.contains("deleting main is refused"), "\(deleted.stderr)")
        #expect(try s.centralMain() == before)
    }

    @Test("a deleted or moved checkpoint tag, a tag by an unregistered key and a ref outside the ledger's are refused")
    func tagsAndRefs() throws {
        let s = try Setup()
        let tags = try run("git", ["--git-dir", s.central, "for-each-ref", "--format=%(refname)", "refs/tags/checkpoints/"]).stdout
            .split(separator: "\n").map(String.init)
        let checkpoint = try #require(tags.first)
        let deleted = try s.push([":\(checkpoint)"])
        #expect(deleted.status != 0)
        #expect(deleted.stderr.contains("checkpoint: \(checkpoint): deleting a checkpoint or witness tag is refused"), "\(deleted.stderr)")
        #expect(try run("git", ["--git-dir", s.central, "rev-parse", "--verify", "-q", checkpoint]).status == 0)

        let head = try s.forge.head()
        let moved = try s.push(["+\(head):\(checkpoint)"])
        #expect(moved.status != 0)
        #expect(moved.stderr.contains("is never moved"), "\(moved.stderr)")

        // A witness tag signed by a key no supervisor holds, on central's checkpoint tag.
        let stranger = s.forge.scratch.path("stranger")
        try run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", stranger])
        let id = String(checkpoint.dropFirst("refs/tags/checkpoints/".count))
        let witness = "witnesses/\(id)/central.inspector"
        try s.forge.git(["-c", "gpg.format=ssh", "-c", "user.signingkey=\(stranger)", "-c", "user.name=central.inspector",
                         "-c", "user.email=central.inspector@ledger", "tag", "-f", "-s", "-m", "witness", witness, checkpoint])
        let forged = try s.push(["+refs/tags/\(witness):refs/tags/\(witness)"])
        #expect(forged.status != 0)
        #expect(forged.stderr.contains("refs/tags/\(witness)") && forged.stderr.contains("which is not a key of central.inspector"), "\(forged.stderr)")
        #expect(try run("git", ["--git-dir", s.central, "rev-parse", "--verify", "-q", "refs/tags/\(witness)"]).status != 0)

        let other = try s.push(["\(head):refs/heads/elsewhere"])
        #expect(other.status != 0)
        #expect(other.stderr.contains("ref: refs/heads/elsewhere: a ledger takes pushes only to refs/heads/main"), "\(other.stderr)")
        #expect(try run("git", ["--git-dir", s.central, "rev-parse", "--verify", "-q", "refs/heads/elsewhere"]).status != 0)
    }

    @Test("a checkpoint lands only with its tag; a witness tag pushed later lands on its own")
    func checkpointAndWitness() throws {
        let s = try Setup()
        let made = try luoshi(["checkpoint", "--ledger", s.forge.loaded.ledger, "--key", s.forge.loaded.keys + "/auditor", "--format", "json"])
        try #require(made.status == 0, "\(made.stderr)")
        let head = try s.forge.head()
        let tagRef = try #require(try s.forge.git(["for-each-ref", "--format=%(refname)", "--points-at", head, "refs/tags/checkpoints/"])
            .split(separator: "\n").first.map(String.init))
        // The checkpoint commit without its tag is refused, and names the missing tag.
        try s.expectRefused(head, "checkpoint", saying: "has no tag \(tagRef)")
        // With its tag, both land.
        let both = try s.push(["\(head):refs/heads/main", "\(tagRef):\(tagRef)"])
        #expect(both.status == 0, "\(both.stderr)")
        #expect(try s.centralMain() == head)
        #expect(try run("git", ["--git-dir", s.central, "rev-parse", "--verify", "-q", tagRef]).status == 0)

        // A report lands after it, so the checkpoint is no longer at central's head when witnessed.
        let report = try s.forge.report(on: head)
        #expect(try s.push(["\(report):refs/heads/main"]).status == 0)

        let id = String(tagRef.dropFirst("refs/tags/checkpoints/".count))
        let witnessed = try luoshi(["witness", id, "--ledger", s.forge.loaded.ledger, "--key", s.forge.loaded.keys + "/central.inspector"])
        try #require(witnessed.status == 0, "\(witnessed.stderr)")
        let witnessRef = "refs/tags/witnesses/\(id)/central.inspector"
        let witness = try s.push(["\(witnessRef):\(witnessRef)"])
        #expect(witness.status == 0, "\(witness.stderr)")
        #expect(witness.stderr.contains("push accepted: 0 new commits verified"), "\(witness.stderr)")
        #expect(try run("git", ["--git-dir", s.central, "rev-parse", "--verify", "-q", witnessRef]).status == 0)
        let v = try luoshi(["verify", "--ledger", s.central])
        #expect(v.status == 0, "\(v.stdout)\(v.stderr)")
    }

    @Test("luoshi verify notes a ledger without the receive check, or with a stale one; hooks install keeps a foreign hook")
    func hookNotes() throws {
        let s = try Setup()
        let hook = s.central + "/hooks/pre-receive"
        #expect(!(try luoshi(["verify", "--ledger", s.central])).stderr.contains("receive check"))
        // The ledger `luoshi init` made has the hook too.
        let initVerify = try luoshi(["verify", "--ledger", s.forge.loaded.ledger])
        #expect(!initVerify.stderr.contains("receive check"), "\(initVerify.stderr)")

        try FileManager.default.removeItem(atPath: hook)
        let missing = try luoshi(["verify", "--ledger", s.central])
        #expect(missing.status == 0)
        #expect(missing.stderr.contains("has no receive check: pushes to it are taken unjudged; run `luoshi hooks install"), "\(missing.stderr)")

        let installed = try String(contentsOfFile: s.forge.loaded.ledger + "/hooks/pre-receive", encoding: .utf8)
        #expect(installed.contains("exec '\(luoshiBinary)' verify-push\n"), "\(installed)")
        let stale = installed.replacingOccurrences(of: luoshiBinary, with: "/opt/old/luoshi")
        try stale.write(toFile: hook, atomically: true, encoding: .utf8)
        let staleVerify = try luoshi(["verify", "--ledger", s.central])
        #expect(staleVerify.stderr.contains("receive check runs '/opt/old/luoshi' verify-push, not this luoshi"), "\(staleVerify.stderr)")
        #expect(try luoshi(["hooks", "install", "--ledger", s.central]).status == 0)
        #expect(!(try luoshi(["verify", "--ledger", s.central])).stderr.contains("receive check"))

        try "#!/bin/sh\nexit 0\n".write(toFile: hook, atomically: true, encoding: .utf8)
        let refused = try luoshi(["hooks", "install", "--ledger", s.central])
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("is a hook that is not Luoshi's"), "\(refused.stderr)")
        #expect(try String(contentsOfFile: hook, encoding: .utf8) == "#!/bin/sh\nexit 0\n")
        #expect(try luoshi(["hooks", "install", "--ledger", s.central, "--force"]).status == 0)
        #expect(try String(contentsOfFile: hook + ".before-luoshi", encoding: .utf8) == "#!/bin/sh\nexit 0\n")
        // Once installed again, a forged push is refused.
        try s.expectRefused(try s.forge.report(on: try s.forge.head(), signer: nil), "unsigned")
    }

    @Test("verify-push refuses input that is not git's, naming the line")
    func badInput() throws {
        let s = try Setup()
        let r = try run(luoshiBinary, ["verify-push", "--ledger", s.central], input: "not a ref update\n")
        #expect(r.status == 65)
        #expect(r.stderr.contains("<stdin>:1: not a \"<old> <new> <ref>\" line"), "\(r.stderr)")
    }
}
