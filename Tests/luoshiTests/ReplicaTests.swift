import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A central ledger and copies of it over git: a bare central with the receive check, made from
/// burden-2019, and `luoshi clone`/`luoshi sync` copies, each of one unit's implementer.
struct Replicas: @unchecked Sendable {  // read-only after init; its helpers only run processes
    let forge: Forge
    let central: String
    var keys: String { forge.loaded.keys }
    var scratch: TemporaryFolder { forge.scratch }

    init() throws {
        forge = try Forge.burden()
        central = forge.scratch.path("central.git")
        let cloned = try run("git", ["clone", "-q", "--bare", forge.loaded.ledger, central])
        try #require(cloned.status == 0, "\(cloned.stderr)")
        try #require(try luoshi(["hooks", "install", "--ledger", central]).status == 0)
    }

    func main(of ledger: String) throws -> String {
        try run("git", ["--git-dir", ledger, "rev-parse", "refs/heads/main"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func ref(_ name: String, of ledger: String) throws -> String? {
        let r = try run("git", ["--git-dir", ledger, "rev-parse", "--verify", "-q", name])
        return r.status == 0 ? r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    /// `luoshi clone` of `url` (default: central's path) into a new folder `name`.
    func clone(_ name: String, from url: String? = nil) throws -> String {
        let path = scratch.path(name)
        let r = try luoshi(["clone", url ?? central, path])
        try #require(r.status == 0, "\(r.stdout)\(r.stderr)")
        return path
    }

    /// A progress report by `actor` on its unit's plan of D-2019-01, clause `clause`, with `note`.
    @discardableResult
    func report(in ledger: String, unit: String, actor: String, clause: String = "1", note: String) throws -> RunResult {
        try luoshi(["report", "--ledger", ledger, "--unit", unit, "--directive", "D-2019-01", "--clause", clause,
                    "--status", "in-progress", "--note", note, "--key", "\(keys)/\(actor)"])
    }

    func sync(_ ledger: String, actor: String?, extra: [String] = []) throws -> RunResult {
        try luoshi(["sync", "--ledger", ledger] + (actor.map { ["--key", "\(keys)/\($0)"] } ?? []) + extra)
    }

    /// The notes of the reports on `unit`'s plan at `ledger`'s main.
    func notes(in ledger: String, unit: String) throws -> [String] {
        let r = try run("git", ["--git-dir", ledger, "show", "main:directives/D-2019-01/plans/\(unit)/progress.json"])
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] ?? [:]
        return (object["reports"] as? [[String: Any]] ?? []).compactMap { $0["note"] as? String }
    }

    func verify(_ ledger: String) throws -> RunResult { try luoshi(["verify", "--ledger", ledger]) }
}

/// The implementers of burden-2019, their units and a clause of each unit's plan.
let burdenImplementers = [
    ("north.lead", "cn/north", "1"), ("east.lead", "cn/east", "1"), ("west.lead", "cn/west", "1"), ("south.lead", "cn/south", "1"),
    ("harbor.lead", "cn/east/harbor", "1"), ("hills.lead", "cn/east/hills", "A"), ("bay.lead", "cn/south/bay", "1"),
]

@Suite("Real git servers: stock git and luoshi clone/sync through luoshi serve, nginx + http-backend, git daemon")
struct GitServerTests {
    @Test("forged pushes with stock git are refused and central does not move; clone and sync work", arguments: GitServer.Kind.allCases)
    func forgedPushes(_ kind: GitServer.Kind) throws {
        let r = try Replicas()
        let server = try GitServer(kind, ledger: r.central, options: kind == .luoshi ? ["--public"] : [])
        defer { server.stop() }
        let forge = r.forge

        // Stock git clones it.
        let bare = r.scratch.path("stock.git")
        let cloned = try run("git", ["clone", "-q", "--bare", server.url, bare])
        try #require(cloned.status == 0, "\(cloned.stderr)\n\(server.logs)")
        #expect(try r.main(of: bare) == r.main(of: r.central))

        func push(_ refspecs: [String]) throws -> RunResult {
            try run("git", ["--git-dir", forge.loaded.ledger, "push", "--porcelain", server.url] + refspecs)
        }
        func expectRefused(_ refspecs: [String], _ kindOfProblem: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let before = try r.main(of: r.central)
            let tags = try run("git", ["--git-dir", r.central, "for-each-ref", "refs/tags/"]).stdout
            let pushed = try push(refspecs)
            #expect(pushed.status != 0, "taken: \(pushed.stderr)", sourceLocation: sourceLocation)
            #expect(pushed.stderr.contains("remote: luoshi: refused: commit "), "\(pushed.stderr)\n\(server.logs)", sourceLocation: sourceLocation)
            #expect(pushed.stderr.contains(": \(kindOfProblem): "), "\(pushed.stderr)", sourceLocation: sourceLocation)
            #expect(try r.main(of: r.central) == before, sourceLocation: sourceLocation)
            #expect(try run("git", ["--git-dir", r.central, "for-each-ref", "refs/tags/"]).stdout == tags, sourceLocation: sourceLocation)
        }

        let head = try forge.head()
        try expectRefused(["\(try forge.report(on: head, signer: nil)):refs/heads/main"], "unsigned")
        let stranger = r.scratch.path("stranger")
        try run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", stranger])
        try expectRefused(["\(try forge.report(on: head, keyFile: stranger)):refs/heads/main"], "unknown-key")
        let eastPlan = ReceiveCheckTests.eastPlan
        let plan = try forge.edited(try forge.record(eastPlan, at: head), "r['clauses'][0]['text'] = 'Nothing needs to be cut.'")
        let otherPlan = try forge.commit(on: head, set: [eastPlan: plan], actor: "north.lead", signer: "north.lead",
                                         message: ledgerMessage("edit-plan", unit: "cn/east", directive: "D-2019-01"))
        try expectRefused(["\(otherPlan):refs/heads/main"], "not-permitted")
        let fork = try forge.report(on: try forge.parent(of: head))
        try expectRefused(["+\(fork):refs/heads/main"], "rewritten-history")
        let checkpoint = try #require(try run("git", ["--git-dir", r.central, "for-each-ref", "--format=%(refname)", "refs/tags/checkpoints/"])
            .stdout.split(separator: "\n").first.map(String.init))
        try expectRefused([":\(checkpoint)"], "checkpoint")

        // An honest commit lands.
        let honest = try forge.report(on: head)
        let landed = try push(["\(honest):refs/heads/main"])
        #expect(landed.status == 0, "\(landed.stderr)\n\(server.logs)")
        #expect(try r.main(of: r.central) == honest)

        // luoshi clone and sync through the same server.
        let copy = try r.clone("copy", from: server.url)
        #expect(try r.main(of: copy) == honest)
        try #require(try r.report(in: copy, unit: "cn/east", actor: "east.lead", note: "through \(kind)").status == 0)
        let synced = try r.sync(copy, actor: "east.lead")
        #expect(synced.status == 0, "\(synced.stdout)\(synced.stderr)\n\(server.logs)")
        #expect(synced.stdout.contains("sent 1"), "\(synced.stdout)")
        #expect(try r.main(of: r.central) == r.main(of: copy))
        #expect(try r.notes(in: r.central, unit: "cn/east").contains("through \(kind)"))
        let verified = try r.verify(r.central)
        #expect(verified.status == 0, "\(verified.stdout)")
    }

    @Test("luoshi serve's /git/ needs a session to read unless --public, refuses a push over --max-push, and takes none when read-only")
    func serveGitRules() throws {
        let r = try Replicas()
        let server = try GitServer(.luoshi, ledger: r.central, options: ["--max-push", "20000"])
        defer { server.stop() }
        let denied = try run("git", ["clone", "-q", "--bare", server.url, r.scratch.path("denied.git")], environment: ["GIT_TERMINAL_PROMPT": "0"])
        #expect(denied.status != 0)
        #expect(!FileManager.default.fileExists(atPath: r.scratch.path("denied.git/refs/heads/main")))

        // A push larger than the limit: a report carrying a note of 120 kB that does not compress.
        let before = try r.main(of: r.central)
        let progress = "directives/D-2019-01/plans/cn/north/progress.json"
        let text = try r.forge.edited(try r.forge.record(progress, at: before),
                                      "r['reports'].append(dict(r['reports'][-1], note=__import__('os').urandom(60000).hex()))")
        let large = try r.forge.commit(on: before, set: [progress: text], actor: "north.lead", signer: "north.lead",
                                       message: ledgerMessage("report-progress", unit: "cn/north", directive: "D-2019-01", clause: "1"))
        let pushed = try run("git", ["--git-dir", r.forge.loaded.ledger, "-c", "http.postBuffer=1000000000", "push", server.url, "\(large):refs/heads/main"])
        #expect(pushed.status != 0)
        #expect(pushed.stderr.contains("413"), "\(pushed.stderr)")
        #expect(try r.main(of: r.central) == before)
        // Sent in chunks, without a length: it is counted as it comes and refused all the same.
        let chunked = try run("git", ["--git-dir", r.forge.loaded.ledger, "-c", "http.postBuffer=4096", "push", server.url, "\(large):refs/heads/main"])
        #expect(chunked.status != 0)
        #expect(chunked.stderr.contains("413"), "\(chunked.stderr)")
        #expect(try r.main(of: r.central) == before)
        #expect(try run("git", ["--git-dir", r.central, "cat-file", "-e", large]).status != 0)

        let readOnly = try GitServer(.luoshi, ledger: r.central, options: ["--public", "--read-only"])
        defer { readOnly.stop() }
        let small = try r.forge.report(on: before)
        let refused = try run("git", ["--git-dir", r.forge.loaded.ledger, "push", readOnly.url, "\(small):refs/heads/main"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("403"), "\(refused.stderr)")
        #expect(try r.main(of: r.central) == before)
    }
}

@Suite("luoshi clone and sync")
struct SyncTests {
    @Test("clone refuses a ledger that does not verify and leaves nothing; it will not clone into a folder in use")
    func cloneRefuses() throws {
        let r = try Replicas()
        let forged = try r.forge.report(on: try r.forge.head(), signer: nil)
        // Put on central behind the receive check's back, as a broken server would.
        try run("git", ["--git-dir", r.central, "fetch", "-q", r.forge.loaded.ledger, "\(forged):refs/heads/main", "--update-head-ok", "-f"])
        #expect(try r.main(of: r.central) == forged)
        let path = r.scratch.path("copy")
        let refused = try luoshi(["clone", r.central, path])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("does not verify; nothing was kept"), "\(refused.stderr)")
        #expect(refused.stderr.contains("unsigned"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: r.scratch.url.path).allSatisfy { !$0.contains("luoshi-clone") })

        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try "x".write(toFile: path + "/file", atomically: true, encoding: .utf8)
        let busy = try luoshi(["clone", r.forge.loaded.ledger, path])
        #expect(busy.status == 64)
        #expect(busy.stderr.contains("exists already"), "\(busy.stderr)")
        let unreachable = try luoshi(["clone", "http://127.0.0.1:1/git/", r.scratch.path("other")])
        #expect(unreachable.status == 69, "\(unreachable.stderr)")
    }

    @Test("a clone is verified, has the hook and the central it verified; a fast-forward each way")
    func fastForward() throws {
        let r = try Replicas()
        let a = try r.clone("a")
        #expect(try r.ref("refs/luoshi/central/main", of: a) == r.main(of: r.central))
        #expect(try String(contentsOfFile: a + "/hooks/pre-receive", encoding: .utf8).contains("verify-push"))
        #expect(try String(contentsOfFile: a + "/luoshi/verified-head", encoding: .utf8).hasPrefix(try r.main(of: r.central)))
        #expect(try r.verify(a).status == 0)
        let tags = try run("git", ["--git-dir", a, "tag", "-l"]).stdout
        #expect(tags == (try run("git", ["--git-dir", r.central, "tag", "-l"]).stdout))

        let b = try r.clone("b")
        try #require(try r.report(in: a, unit: "cn/north", actor: "north.lead", note: "from a").status == 0)
        let sent = try r.sync(a, actor: nil)
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(sent.stdout.contains("received 0, sent 1"), "\(sent.stdout)")
        let received = try r.sync(b, actor: nil, extra: ["--format", "json"])
        #expect(received.status == 0, "\(received.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(received.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(json["received"] as? Int == 1 && json["sent"] as? Int == 0 && json["replayed"] as? Int == 0, "\(received.stdout)")
        #expect(try r.main(of: b) == r.main(of: r.central))
        #expect(try r.notes(in: b, unit: "cn/north").contains("from a"))
        // Nothing to do: nothing moves.
        let again = try r.sync(b, actor: nil)
        #expect(again.stdout.contains("received 0, sent 0"), "\(again.stdout)")
    }

    @Test("when both moved, local events are replayed on central's head: checked, signed again, author dates kept")
    func replay() throws {
        let r = try Replicas()
        let a = try r.clone("a"), b = try r.clone("b")
        try #require(try r.report(in: a, unit: "cn/north", actor: "north.lead", note: "a1").status == 0)
        try #require(try r.report(in: a, unit: "cn/north", actor: "north.lead", note: "a2").status == 0)
        let offline = try run("git", ["--git-dir", a, "log", "--format=%H %at %an", "-2", "--reverse", "main"]).stdout
            .split(separator: "\n").map { $0.split(separator: " ") }
        try #require(try r.report(in: b, unit: "cn/east", actor: "east.lead", note: "b1").status == 0)
        try #require(try r.sync(b, actor: nil).status == 0)
        let localBefore = try r.main(of: a)

        // Replaying needs the key: without it, nothing changes here.
        let keyless = try r.sync(a, actor: nil)
        #expect(keyless.status == 64)
        #expect(keyless.stderr.contains("give --key KEY or --keys DIR"), "\(keyless.stderr)")
        #expect(try r.main(of: a) == localBefore)

        let synced = try r.sync(a, actor: "north.lead")
        #expect(synced.status == 0, "\(synced.stderr)")
        #expect(synced.stdout.contains("replayed 2"), "\(synced.stdout)")
        let centralHead = try r.main(of: r.central)
        #expect(try r.main(of: a) == centralHead)
        #expect(try r.notes(in: r.central, unit: "cn/north").suffix(2) == ["a1", "a2"])
        #expect(try r.notes(in: r.central, unit: "cn/east").last == "b1")
        // The replayed commits keep the author dates the unit wrote them at; their committer dates are the replay's.
        let replayed = try run("git", ["--git-dir", r.central, "log", "--format=%H %at %ct %an", "-2", "--reverse", "main"]).stdout
            .split(separator: "\n").map { $0.split(separator: " ") }
        for (old, new) in zip(offline, replayed) {
            #expect(old[0] != new[0])
            #expect(old[1] == new[1], "author date \(new[1]) is not the original \(old[1])")
            #expect(Int(new[2])! >= Int(new[1])!)
        }
        // Stock git accepts the new signatures.
        let signers = r.scratch.path("signers")
        try #require(try luoshi(["export", "allowed-signers", "--ledger", r.central, "--out", signers]).status == 0)
        for commit in replayed.map({ String($0[0]) }) {
            let checked = try run("git", ["--git-dir", r.central, "-c", "gpg.format=ssh", "-c", "gpg.ssh.allowedSignersFile=\(signers)", "verify-commit", commit])
            #expect(checked.status == 0, "\(checked.stderr)")
        }
        #expect(try r.verify(r.central).status == 0)
        #expect(try r.verify(a).status == 0)
        // The journal holds nothing central has.
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: a + "/luoshi/journal")) ?? []).isEmpty)
    }

    @Test("a rewritten central, or one that lost a checkpoint tag, is refused, naming it, and nothing changes here")
    func rewrittenCentral() throws {
        let r = try Replicas()
        let a = try r.clone("a")
        let checkpointRef = try #require(try run("git", ["--git-dir", r.central, "for-each-ref", "--format=%(refname)", "refs/tags/checkpoints/"])
            .stdout.split(separator: "\n").first.map(String.init))
        let checkpointCommit = try #require(try r.ref(checkpointRef + "^{commit}", of: r.central))
        try #require(try r.report(in: a, unit: "cn/north", actor: "north.lead", note: "kept").status == 0)
        let before = try run("git", ["--git-dir", a, "for-each-ref"]).stdout

        // Central rewritten behind the receive check's back: a fork from before the checkpoint.
        let fork = try r.forge.report(on: try r.forge.parent(of: checkpointCommit))
        try run("git", ["--git-dir", r.central, "fetch", "-q", "-f", r.forge.loaded.ledger, "\(fork):refs/heads/main"])
        let refused = try r.sync(a, actor: "north.lead")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("its history was rewritten"), "\(refused.stderr)")
        #expect(refused.stderr.contains(String(checkpointRef.dropFirst("refs/tags/".count))), "\(refused.stderr)")
        let after = try run("git", ["--git-dir", a, "for-each-ref"]).stdout
        #expect(after == before, "\(before)\n---\n\(after)")
        #expect(try r.notes(in: a, unit: "cn/north").last == "kept")

        // Central put back, but without the checkpoint tag.
        try run("git", ["--git-dir", r.central, "update-ref", "refs/heads/main", try r.ref("refs/luoshi/central/main", of: a)!])
        try run("git", ["--git-dir", r.central, "update-ref", "-d", checkpointRef])
        let untagged = try r.sync(a, actor: "north.lead")
        #expect(untagged.status == 1)
        #expect(untagged.stderr.contains("central no longer has \(checkpointRef)"), "\(untagged.stderr)")
        let afterTag = try run("git", ["--git-dir", a, "for-each-ref"]).stdout
        #expect(afterTag == before, "\(before)\n---\n\(afterTag)")
    }

    @Test("a report made invalid while offline (its clause removed by an amendment) is kept aside, shown, and dropped only when asked")
    func keptAside() throws {
        let r = try Replicas()
        let west = try r.clone("west")
        try #require(try r.report(in: west, unit: "cn/west", actor: "west.lead", clause: "6", note: "on a clause about to go").status == 0)
        try #require(try r.report(in: west, unit: "cn/west", actor: "west.lead", clause: "1", note: "still good").status == 0)

        // Meanwhile at central: clause 6 is amended away and cn/west's plan is rebased onto it.
        let issued = try #require(try String(contentsOf: scenarios.appendingPathComponent("burden-2019.jsonl"), encoding: .utf8)
            .split(separator: "\n").first { $0.contains("\"issue-directive\"") })
        var directive = try #require((try JSONSerialization.jsonObject(with: Data(issued.utf8)) as? [String: Any])?["directive"] as? [String: Any])
        directive["clauses"] = (directive["clauses"] as? [[String: Any]] ?? []).filter { $0["id"] as? String != "6" }
        let file = r.scratch.path("amended.json")
        try JSONSerialization.data(withJSONObject: directive).write(to: URL(fileURLWithPath: file))
        let amended = try luoshi(["directive", "amend", file, "--ledger", r.central, "--key", "\(r.keys)/central.office"])
        try #require(amended.status == 0, "\(amended.stderr)")
        let rebased = try luoshi(["plan", "rebase", "--unit", "cn/west", "--directive", "D-2019-01", "--theirs", "--yes",
                                  "--ledger", r.central, "--key", "\(r.keys)/west.lead"])
        try #require(rebased.status == 0, "\(rebased.stderr)")

        let synced = try r.sync(west, actor: "west.lead")
        #expect(synced.status == 0, "\(synced.stderr)")
        #expect(synced.stdout.contains("replayed 1"), "\(synced.stdout)")
        #expect(synced.stdout.contains("kept aside"), "\(synced.stdout)")
        #expect(try r.main(of: west) == r.main(of: r.central))
        #expect(try r.notes(in: r.central, unit: "cn/west").last == "still good")
        #expect(!(try r.notes(in: r.central, unit: "cn/west")).contains("on a clause about to go"))

        let pending = try luoshi(["sync", "--pending", "--ledger", west, "--format", "json"])
        #expect(pending.status == 0)
        let list = (try JSONSerialization.jsonObject(with: Data(pending.stdout.utf8)) as? [String: Any])?["pending"] as? [[String: Any]] ?? []
        try #require(list.count == 1, "\(pending.stdout)")
        let kept = list[0]
        let event = kept["event"] as? [String: Any] ?? [:]
        #expect(event["clause"] as? String == "6" && event["note"] as? String == "on a clause about to go", "\(kept)")
        #expect((kept["reason"] as? String ?? "").contains("has no clause \"6\""), "\(kept)")
        let id = try #require(kept["id"] as? String)
        #expect(try r.ref("refs/luoshi/pending/\(id)", of: west) != nil)
        // A later sync keeps it; only --drop gives it up.
        #expect(try r.sync(west, actor: "west.lead").status == 0)
        #expect(try luoshi(["sync", "--pending", "--ledger", west]).stdout.contains(id))
        let unknown = try luoshi(["sync", "--drop", "nope", "--ledger", west])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("kept aside: \(id)"), "\(unknown.stderr)")
        #expect(try luoshi(["sync", "--drop", id, "--ledger", west]).status == 0)
        #expect(try luoshi(["sync", "--pending", "--ledger", west]).stdout.contains("no event is kept aside"))
        #expect(try r.ref("refs/luoshi/pending/\(id)", of: west) == nil)
        #expect(try r.verify(west).status == 0)
    }

    @Test("eight offline copies make 25 reports each and all sync at once through luoshi serve until done")
    func offlineUnits() throws {
        let r = try Replicas()
        let server = try GitServer(.luoshi, ledger: r.central, options: ["--public"])
        defer { server.stop() }
        let start = try r.main(of: r.central)
        // Two offices of cn/north, each with its own copy: eight copies of seven units.
        let offices = burdenImplementers + [("north.lead", "cn/north", "1")]
        let copies = try offices.indices.map { try r.clone("copy\($0)", from: server.url) }
        let failures = Failures()
        parallel(offices.count) { n in
            for k in 1...25 {
                let made = try? r.report(in: copies[n], unit: offices[n].1, actor: offices[n].0, clause: offices[n].2, note: "copy \(n) report \(k)")
                if made?.status != 0 { failures.add("copy \(n) report \(k): \(made?.stderr ?? "")") }
            }
        }
        try #require(failures.all.isEmpty, "\(failures.all)")
        let began = Date()
        parallel(offices.count) { n in
            let synced = try? r.sync(copies[n], actor: offices[n].0)
            if synced?.status != 0 { failures.add("copy \(n): \(synced?.stdout ?? "") \(synced?.stderr ?? "")") }
        }
        let seconds = Date().timeIntervalSince(began)
        try #require(failures.all.isEmpty, "\(failures.all)\n\(server.logs.suffix(3000))")
        for copy in copies { #expect(try r.sync(copy, actor: nil).status == 0) }
        let reports = try run("git", ["--git-dir", r.central, "log", "--format=%s", "\(start)..main"]).stdout.split(separator: "\n")
        #expect(reports.count == 200, "\(reports.count) commits")
        #expect(reports.allSatisfy { $0.hasPrefix("report-progress:") })
        for (n, office) in offices.enumerated() {
            let notes = try r.notes(in: r.central, unit: office.1)
            #expect((1...25).allSatisfy { notes.contains("copy \(n) report \($0)") }, "copy \(n)")
        }
        let verified = try r.verify(r.central)
        #expect(verified.status == 0, "\(verified.stdout)")
        let head = try r.main(of: r.central)
        for copy in copies { #expect(try r.main(of: copy) == head) }
        print("offline units: 8 copies × 25 reports synced at once in \(String(format: "%.1f", seconds)) s")
    }

    @Test("kill -9 of luoshi sync at random points, 100 times: the copy verifies, nothing acknowledged is lost, a later sync completes")
    func killedSyncs() throws {
        let r = try Replicas()
        let copy = try r.clone("copy"), other = try r.clone("other")
        var acknowledged: [String] = []
        var killed = 0
        // How long a whole sync takes here (one commit each way), so that the kills fall anywhere in one.
        try #require(try r.report(in: copy, unit: "cn/north", actor: "north.lead", note: "timing").status == 0)
        acknowledged.append("timing")
        let timing = Date()
        try #require(try r.sync(copy, actor: "north.lead").status == 0)
        let span = max(Int(Date().timeIntervalSince(timing) * 1_300_000), 50_000)
        for n in 1...100 {
            let note = "fault \(n)"
            if try r.report(in: copy, unit: "cn/north", actor: "north.lead", note: note).status == 0 { acknowledged.append(note) }
            if n % 3 == 0 {
                // Central moves on too, so that some syncs replay.
                try #require(try r.report(in: other, unit: "cn/east", actor: "east.lead", note: "other \(n)").status == 0)
                _ = try r.sync(other, actor: "east.lead")
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: luoshiBinary)
            process.arguments = ["sync", "--ledger", copy, "--key", "\(r.keys)/north.lead"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(useconds_t(Int.random(in: 0...span)))
            if process.isRunning { kill(process.processIdentifier, SIGKILL); killed += 1 }
            process.waitUntilExit()
            let verified = try r.verify(copy)
            #expect(verified.status == 0, "after kill \(n): \(verified.stdout)\(verified.stderr)")
            let notes = try r.notes(in: copy, unit: "cn/north")
            let lost = acknowledged.filter { !notes.contains($0) }
            #expect(lost.isEmpty, "after kill \(n), lost: \(lost)")
            if !lost.isEmpty || verified.status != 0 { break }
        }
        // Give the git processes a killed sync left behind time to end.
        usleep(500_000)
        let last = try r.sync(copy, actor: "north.lead")
        #expect(last.status == 0, "\(last.stdout)\(last.stderr)")
        #expect(try r.main(of: copy) == r.main(of: r.central))
        let notes = try r.notes(in: r.central, unit: "cn/north")
        #expect(acknowledged.count == 101 && acknowledged.allSatisfy(notes.contains))
        #expect(try r.verify(r.central).status == 0)
        #expect(try luoshi(["sync", "--pending", "--ledger", copy]).stdout.contains("no event is kept aside"))
        print("killed syncs: \(killed) of 100 killed before they ended (at random within \(span / 1000) ms); \(acknowledged.count) reports, none lost")
    }
}

/// Runs `body(0..<count)` on threads of their own, all at once (not a pool the size of the cores).
func parallel(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for n in 0..<count {
        group.enter()
        let thread = Thread { body(n); group.leave() }
        thread.start()
    }
    group.wait()
}

final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ s: String) { lock.lock(); list.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return list }
}

/// `bytes` random bytes in hex: text that does not compress.
func randomHex(bytes: Int) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var generator = SystemRandomNumberGenerator()
    var out: [UInt8] = []
    out.reserveCapacity(bytes * 2)
    for _ in 0..<bytes {
        let b = UInt8.random(in: 0...255, using: &generator)
        out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)])
    }
    return String(decoding: out, as: UTF8.self)
}

/// Where git keeps a push's objects in `ledger` until the receive check has judged them.
func quarantines(in ledger: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: ledger + "/objects")) ?? []).filter { $0.hasPrefix("tmp_objdir-incoming-") }
}

/// The processes working in `ledger`'s folder (a receive-pack and its hook run there).
func processes(workingIn ledger: String) -> [Int32] {
    let target = URL(fileURLWithPath: ledger).resolvingSymlinksInPath().path
    return ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap(Int32.init).filter { pid in
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd")) == target
    }
}

/// Waits (at most 30 s) until no git process works in `ledger`.
func waitUntilQuiet(_ ledger: String) {
    let deadline = Date().addingTimeInterval(30)
    while Date() < deadline, !processes(workingIn: ledger).isEmpty { usleep(20_000) }
}

@Suite("Faults on the way to central: a server killed in a push, a full disk")
struct FaultTests {
    /// Where in a push the server is killed.
    enum KillPoint: CaseIterable { case packArriving, checkRunning, checkRunningLater }

    @Test("luoshi serve or nginx killed in the middle of a push: central is as it was or has the whole push, verifies, and a later sync lands the rest",
          arguments: [GitServer.Kind.luoshi, .nginx])
    func serverKilledMidPush(_ kind: GitServer.Kind) throws {
        let r = try Replicas()
        let options = kind == .luoshi ? ["--public"] : []
        var server = try GitServer(kind, ledger: r.central, options: options)
        let copy = try r.clone("copy", from: server.url)
        var acknowledged: [String] = []
        var outcomes: [String] = []
        for (trial, point) in (KillPoint.allCases + KillPoint.allCases).enumerated() {
            for k in 1...3 {
                let note = "trial \(trial) report \(k)"
                if try r.report(in: copy, unit: "cn/north", actor: "north.lead", note: note).status == 0 { acknowledged.append(note) }
            }
            if point == .packArriving {
                // A push of some megabytes, so that the kill can fall while its pack is on the way.
                let note = "trial \(trial) large " + randomHex(bytes: 1_500_000)
                let event: [String: Any] = ["action": "report-progress", "actor": "north.lead", "at": ISO8601DateFormatter().string(from: Date()),
                                            "unit": "cn/north", "directive": "D-2019-01", "clause": "1", "status": "in-progress", "note": note]
                let file = r.scratch.path("large-\(trial).json")
                try JSONSerialization.data(withJSONObject: event).write(to: URL(fileURLWithPath: file))
                let applied = try luoshi(["apply", file, "--ledger", copy, "--key", "\(r.keys)/north.lead"])
                try #require(applied.status == 0, "\(applied.stderr)")
                acknowledged.append(note)
            }
            let before = try r.main(of: r.central), local = try r.main(of: copy)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: luoshiBinary)
            process.arguments = ["sync", "--ledger", copy, "--remote", server.url, "--key", "\(r.keys)/north.lead"]
            let said = r.scratch.path("sync-\(trial).err")
            FileManager.default.createFile(atPath: said, contents: nil)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: said))
            try process.run()
            // The push is under way once git holds its objects apart; the check runs in central's folder.
            var reached = false
            let deadline = Date().addingTimeInterval(60)
            while process.isRunning, Date() < deadline {
                let arriving = !quarantines(in: r.central).isEmpty
                let checking = arriving && processes(workingIn: r.central).contains { pid in
                    ((try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? "").contains("verify-push")
                }
                if point == .packArriving ? arriving : checking { reached = true; break }
                usleep(500)
            }
            if point == .checkRunningLater { usleep(useconds_t(Int.random(in: 20_000...200_000))) }
            server.crashFrontEnd()
            let gone = Date().addingTimeInterval(5)
            while GitServer.accepts(port: server.port), Date() < gone { usleep(10_000) }
            #expect(!GitServer.accepts(port: server.port), "trial \(trial): \(kind) still takes connections after it was killed")
            process.waitUntilExit()
            waitUntilQuiet(r.central)
            let after = try r.main(of: r.central)
            outcomes.append("\(point): \(reached ? "killed in the push" : "the sync ended first"), sync exit \(process.terminationStatus) (\((((try? String(contentsOfFile: said, encoding: .utf8)) ?? "").split(separator: "\n").last ?? "").prefix(40))), central \(after == before ? "as it was" : after == local ? "took the push" : "elsewhere")")
            #expect(after == before || after == local, "trial \(trial): central moved to \(after), neither \(before) nor \(local)")
            if after == before {
                // What a push cut short brought is not in central (at most in a quarantine git's prune removes).
                #expect(try run("git", ["--git-dir", r.central, "cat-file", "-e", local]).status != 0, "trial \(trial)")
            }
            #expect(try run("git", ["--git-dir", r.central, "fsck", "--no-dangling"]).status == 0, "trial \(trial)")
            let centralVerified = try r.verify(r.central), copyVerified = try r.verify(copy)
            #expect(centralVerified.status == 0, "trial \(trial): \(centralVerified.stdout)")
            #expect(copyVerified.status == 0, "trial \(trial): \(copyVerified.stdout)")
            let lost = try acknowledged.filter { !(try r.notes(in: copy, unit: "cn/north")).contains($0) }
            #expect(lost.isEmpty, "trial \(trial): lost \(lost)")

            // The server back (on another port): the next sync completes.
            server = try GitServer(kind, ledger: r.central, options: options)
            let synced = try r.sync(copy, actor: "north.lead", extra: ["--remote", server.url])
            #expect(synced.status == 0, "trial \(trial): \(synced.stdout)\(synced.stderr)\n\(server.logs)")
            #expect(try r.main(of: copy) == r.main(of: r.central))
            let landed = try r.notes(in: r.central, unit: "cn/north")
            #expect(acknowledged.allSatisfy(landed.contains), "trial \(trial)")
            if synced.status != 0 || !lost.isEmpty { break }
        }
        server.stop()
        // The kills fell inside pushes, and some before central had the whole push.
        #expect(outcomes.filter { $0.contains("killed in the push") }.count >= 4, "\(outcomes)")
        #expect(outcomes.contains { $0.contains("central as it was") }, "\(outcomes)")
        #expect(try r.verify(r.central).status == 0)
        // A push whose processes were killed with the server leaves its quarantine; git's prune takes it away.
        let left = quarantines(in: r.central).count
        #expect(try run("git", ["--git-dir", r.central, "prune", "--expire=now"]).status == 0)
        #expect(quarantines(in: r.central).isEmpty)
        outcomes.append("\(left) quarantine folder\(left == 1 ? "" : "s") left, removed by git prune")
        print("\(kind) killed in a push: " + outcomes.joined(separator: "; "))
    }

    @Test("a full disk on central's side refuses the push, leaves central as it was, and the push lands once there is room",
          .enabled(if: getuid() == 0, "mounting a small disk for central needs root"))
    func fullDisk() throws {
        let r = try Replicas()
        let disk = r.scratch.path("disk")
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        let mounted = try run("mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", disk])
        try #require(mounted.status == 0, "\(mounted.stderr)")
        defer { _ = try? run("umount", ["-l", disk]) }
        let central = disk + "/central.git"
        try #require(try run("git", ["clone", "-q", "--bare", r.central, central]).status == 0)
        try #require(try luoshi(["hooks", "install", "--ledger", central]).status == 0)
        let server = try GitServer(.luoshi, ledger: central, options: ["--public"])
        defer { server.stop() }
        let copy = try r.clone("copy", from: server.url)
        // Reports carrying 60 kB of text that does not compress.
        var notes: [String] = []
        for k in 1...3 {
            let note = "large \(k) " + randomHex(bytes: 30_000)
            try #require(try r.report(in: copy, unit: "cn/north", actor: "north.lead", note: note).status == 0)
            notes.append(note)
        }
        // Fill the disk but for 24 kB.
        var room = statvfs()
        try #require(statvfs(disk, &room) == 0)
        let free = Int(room.f_bavail) * Int(room.f_frsize)
        try #require(free > 100_000, "\(free) bytes free")
        let filler = disk + "/filler"
        try #require(FileManager.default.createFile(atPath: filler, contents: Data(count: free - 24_576)))
        let before = try r.main(of: central)

        let refused = try r.sync(copy, actor: "north.lead")
        #expect(refused.status != 0, "\(refused.stdout)")
        #expect(refused.stderr.contains("No space left on device") || refused.stderr.contains("unpack"), "\(refused.stderr)\n\(server.logs)")
        waitUntilQuiet(central)
        #expect(try r.main(of: central) == before)
        #expect(quarantines(in: central).isEmpty)
        #expect(try run("git", ["--git-dir", central, "fsck", "--no-dangling"]).status == 0)
        #expect(try r.verify(central).status == 0)
        #expect(try r.verify(copy).status == 0)
        #expect(try r.notes(in: copy, unit: "cn/north").suffix(3) == notes[...])

        try FileManager.default.removeItem(atPath: filler)
        let synced = try r.sync(copy, actor: "north.lead")
        #expect(synced.status == 0, "\(synced.stdout)\(synced.stderr)\n\(server.logs)")
        #expect(try r.main(of: central) == r.main(of: copy))
        #expect(try r.notes(in: central, unit: "cn/north").suffix(3) == notes[...])
        #expect(try r.verify(central).status == 0)
        let said = refused.stderr.split(separator: "\n").first { $0.contains("No space") || $0.contains("unpack") } ?? ""
        print("full disk: the push was refused (\(said)); central stayed at \(before.prefix(12)), and took it once there was room")
    }
}
