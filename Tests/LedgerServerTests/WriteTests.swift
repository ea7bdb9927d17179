import Foundation
import Hummingbird
import HummingbirdTesting
import Ledger
import LedgerModel
import LedgerServer
import Testing

/// Writes in two phases, signed by a client with stock `ssh-keygen`: the server never sees a key.
@Suite("luoshi serve: two-phase writes")
struct WriteTests {
    static let report = #"{"action": "report-progress", "actor": "north.lead", "unit": "cn/north", "directive": "D-2019-01", "clause": "1", "status": "in-progress", "values": {"documents_cut_pct": 31}}"#

    /// An allowed-signers file of the ledger's keys, for stock git's own judgement.
    static func allowedSigners(_ fixture: ServerFixture) throws -> String {
        let signers = fixture.folder.appendingPathComponent("allowed_signers")
        var lines = ""
        for file in try FileManager.default.contentsOfDirectory(atPath: fixture.keys) where file.hasSuffix(".pub") {
            let key = try String(contentsOfFile: fixture.keys + "/" + file, encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
            lines += "\(file.dropLast(4))@ledger \(key)\n"
        }
        try lines.write(to: signers, atomically: true, encoding: .utf8)
        return signers.path
    }

    /// Stock git's judgement of a signed commit or tag (`verify-commit` / `verify-tag`), with the
    /// ledger's keys as allowed signers.
    static func gitVerifies(_ fixture: ServerFixture, _ object: String, tag: Bool = false) throws -> Bool {
        let r = try run("git", ["--git-dir", fixture.ledger, "-c", "gpg.ssh.allowedSignersFile=\(try allowedSigners(fixture))",
                                tag ? "verify-tag" : "verify-commit", object])
        return r.status == 0 && r.stderr.contains("Good \"git\" signature")
    }

    @Test("a report prepared, signed by ssh-keygen and sent lands; stock git and luoshi verify accept it")
    func lands() async throws {
        let fixture = try ServerFixture()
        let before = try fixture.head()
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            var api = APIClient(client: client)
            try await api.signIn("north.lead", key: fixture.key("north.lead"))
            let prepared = try await api.post("/api/v1/events", try jsonText(Self.report))
            #expect(prepared.status == .ok)
            let answer = try json(prepared)
            // What a client checks before signing: the parent is the head it read, the trailers name the action.
            let buffer = String(decoding: APIClient.buffer(answer), as: UTF8.self)
            #expect(buffer.contains("parent \(before)\n"))
            #expect(buffer.contains("Luoshi-Action: report-progress\n"))
            #expect(fixture.configuration.ledgerPath == fixture.ledger)
            #expect(try fixture.head() == before, "nothing lands before the signature")
            let sig = try sshSign(APIClient.buffer(answer), key: fixture.key("north.lead"))
            let landed = try await api.post("/api/v1/events/\(answer["pending"]!.string!)/signatures", .object(["signatures": .array([.string(sig)])]))
            #expect(landed.status == .created, "\(String(buffer: landed.body))")
            let head = try json(landed)["head"]?.string
            #expect(head == (try fixture.head()))
            #expect(try Self.gitVerifies(fixture, head!))
            #expect(try fixture.cli(["verify"]).status == 0)
            // The pending is single-use.
            let again = try await api.post("/api/v1/events/\(answer["pending"]!.string!)/signatures", .object(["signatures": .array([.string(sig)])]))
            #expect(again.status == .notFound)
            #expect(try fixture.head() == head)
        }
    }

    @Test("when main moved since the prepare, 409 hands a fresh pending on the new head, whose signature lands")
    func conflict() async throws {
        let fixture = try ServerFixture()
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            var api = APIClient(client: client)
            try await api.signIn("north.lead", key: fixture.key("north.lead"))
            let answer = try json(try await api.post("/api/v1/events", try jsonText(Self.report)))
            // Another writer moves main meanwhile: the CLI, on the same ledger.
            let other = try fixture.cli(["report", "--unit", "cn/south", "--directive", "D-2019-01", "--clause", "1", "--status", "in-progress",
                                         "--actor", "south.lead", "--key", fixture.key("south.lead")])
            #expect(other.status == 0, "\(other.stderr)")
            let moved = try fixture.head()
            let sig = try sshSign(APIClient.buffer(answer), key: fixture.key("north.lead"))
            let r = try await api.post("/api/v1/events/\(answer["pending"]!.string!)/signatures", .object(["signatures": .array([.string(sig)])]))
            #expect(r.status == .conflict)
            let fresh = try json(r)
            #expect(fresh["error"]?["code"]?.string == "conflict")
            #expect(String(decoding: APIClient.buffer(fresh), as: UTF8.self).contains("parent \(moved)\n"))
            #expect(try fixture.head() == moved, "nothing written on a 409")
            let sig2 = try sshSign(APIClient.buffer(fresh), key: fixture.key("north.lead"))
            let landed = try await api.post("/api/v1/events/\(fresh["pending"]!.string!)/signatures", .object(["signatures": .array([.string(sig2)])]))
            #expect(landed.status == .created, "\(String(buffer: landed.body))")
            #expect(try fixture.cli(["verify"]).status == 0)
        }
    }

    @Test("a writer waiting behind another gets a commit whose parent is the one that write landed as; behind a write refused, the old head")
    func preparedBehind() async throws {
        let fixture = try ServerFixture()
        // North's turn must not run out while ssh-keygen signs on a loaded machine: south would then
        // be prepared on the old head, and rightly lose to north with a 409.
        fixture.configuration.writeTurn = .seconds(300)
        let app = try await buildApplication(fixture.configuration)
        let south = #"{"action": "report-progress", "actor": "south.lead", "unit": "cn/south", "directive": "D-2019-01", "clause": "1", "status": "in-progress", "note": "behind north"}"#
        try await app.test(.router) { client in
            var north = APIClient(client: client)
            try await north.signIn("north.lead", key: fixture.key("north.lead"))
            var southClient = APIClient(client: client)
            try await southClient.signIn("south.lead", key: fixture.key("south.lead"))
            let behind = southClient
            for lands in [true, false] {
                let before = try fixture.head()
                let a = try json(try await north.post("/api/v1/events", try jsonText(Self.report)))
                // South asks while north holds the turn: it waits, and is checked on top of north's write meanwhile.
                let waiting = Task { try await behind.post("/api/v1/events", try jsonText(south)) }
                try await Task.sleep(for: .milliseconds(200))
                // North signs (or, the second time, signs with a key it does not hold: refused).
                let sig = try sshSign(APIClient.buffer(a), key: fixture.key(lands ? "north.lead" : "south.lead"))
                let r = try await north.post("/api/v1/events/\(a["pending"]!.string!)/signatures", .object(["signatures": .array([.string(sig)])]))
                #expect(r.status == (lands ? .created : .forbidden), "\(String(buffer: r.body))")
                let parent = lands ? try #require(try json(r)["head"]?.string) : before
                let b = try await waiting.value
                #expect(b.status == .ok, "\(String(buffer: b.body))")
                let answer = try json(b)
                #expect(String(decoding: APIClient.buffer(answer), as: UTF8.self).contains("parent \(parent)\n"))
                let sig2 = try sshSign(APIClient.buffer(answer), key: fixture.key("south.lead"))
                let landed = try await behind.post("/api/v1/events/\(answer["pending"]!.string!)/signatures", .object(["signatures": .array([.string(sig2)])]))
                #expect(landed.status == .created, "\(String(buffer: landed.body))")
                let head = try #require(try json(landed)["head"]?.string)
                #expect(try Self.gitVerifies(fixture, head))
            }
            #expect(try fixture.cli(["verify"]).status == 0)
        }
    }

    @Test("a pending past its lifetime is 410, and nothing is written")
    func expired() async throws {
        let fixture = try ServerFixture()
        let offset = Protected(Int64(0))
        fixture.configuration.clock = { Timestamp(seconds: Int64(Date().timeIntervalSince1970) + offset.value) }
        let before = try fixture.head()
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            var api = APIClient(client: client)
            try await api.signIn("north.lead", key: fixture.key("north.lead"))
            let answer = try json(try await api.post("/api/v1/events", try jsonText(Self.report)))
            offset.value = fixture.configuration.pendingLifetime + 1
            let sig = try sshSign(APIClient.buffer(answer), key: fixture.key("north.lead"))
            let r = try await api.post("/api/v1/events/\(answer["pending"]!.string!)/signatures", .object(["signatures": .array([.string(sig)])]))
            #expect(r.status == .gone)
            #expect(errorCode(r) == "expired")
            #expect(try fixture.head() == before)
        }
    }

    @Test("adopt with clauses is two rounds (202, then 201), two commits, each signed by its author")
    func adoptInRounds() async throws {
        let fixture = try ServerFixture(isPublic: true)
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let api = APIClient(client: client)
            // A new unit and its implementer, registered by the admin through the same protocol.
            let unit = try await api.write(try jsonText(#"{"action": "register-unit", "actor": "admin", "unit": {"id": "cn/south/cove", "name": "Cove County", "level": "county"}}"#), key: fixture.key("admin"))
            #expect(unit.status == .created, "\(String(buffer: unit.body))")
            let key = fixture.key("cove.lead")
            #expect(try run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "cove.lead", "-f", key]).status == 0)
            let pub = try String(contentsOfFile: key + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            let actor = try await api.write(try jsonText(#"{"action": "register-actor", "actor": "admin", "actorRecord": {"id": "cove.lead", "name": "Cove County Office", "unit": "cn/south/cove", "roles": ["implementer"], "keys": ["\#(pub)"]}}"#), key: fixture.key("admin"))
            #expect(actor.status == .created, "\(String(buffer: actor.body))")
            let before = try fixture.head()
            let event = try jsonText(#"{"action": "adopt", "actor": "cove.lead", "unit": "cn/south/cove", "directive": "D-2019-01", "from": "cn/south", "clauses": [{"id": "1", "text": "Cut the number of documents issued to lower levels by at least 10% compared with 2018.", "modality": "should", "targets": [{"metric": "documents_cut_pct", "op": ">=", "value": 10, "unit": "%"}], "evidence": "outcome", "localize": false, "deadline": "2020-12-31"}]}"#)
            let first = try await api.post("/api/v1/events", event)
            try #require(first.status == .ok, "\(String(buffer: first.body))")
            let a = try json(first)
            let second = try await api.post("/api/v1/events/\(a["pending"]!.string!)/signatures",
                                            .object(["signatures": .array([.string(try sshSign(APIClient.buffer(a), key: key))])]))
            try #require(second.status == .accepted, "\(String(buffer: second.body))")
            #expect(try fixture.head() == before, "nothing lands before the last round")
            let b = try json(second)
            let last = try await api.post("/api/v1/events/\(b["pending"]!.string!)/signatures",
                                          .object(["signatures": .array([.string(try sshSign(APIClient.buffer(b), key: key))])]))
            #expect(last.status == .created, "\(String(buffer: last.body))")
            guard case .array(let commits)? = try json(last)["commits"] else { Issue.record("no commits"); return }
            #expect(commits.count == 2)
            for c in commits { #expect(try Self.gitVerifies(fixture, c.string!)) }
            #expect(try fixture.cli(["verify"]).status == 0)
        }
    }

    @Test("a checkpoint is its commit, then its tag, each signed; the tag lands with the commit")
    func checkpoint() async throws {
        let fixture = try ServerFixture(isPublic: true)
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let api = APIClient(client: client)
            let r = try await api.write(try jsonText(#"{"action": "checkpoint", "actor": "auditor", "note": "year end"}"#), key: fixture.key("auditor"))
            #expect(r.status == .created, "\(String(buffer: r.body))")
            guard case .array(let tags)? = try json(r)["tags"], let ref = tags.first?.string else { Issue.record("no tag"); return }
            let tag = try run("git", ["--git-dir", fixture.ledger, "cat-file", "-p", ref])
            #expect(tag.text.contains("-----BEGIN SSH SIGNATURE-----"))
            #expect(try fixture.cli(["verify"]).status == 0)
        }
    }

    @Test("a witness co-signs a checkpoint with one tag signed by ssh-keygen; stock git verifies it and main does not move")
    func witness() async throws {
        let fixture = try ServerFixture(isPublic: true)
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let api = APIClient(client: client)
            let cp = try await api.write(try jsonText(#"{"action": "checkpoint", "actor": "auditor", "note": "year end"}"#), key: fixture.key("auditor"))
            try #require(cp.status == .created, "\(String(buffer: cp.body))")
            let checkpoint = try json(cp)["tags"]![0]!.string!.replacingOccurrences(of: "refs/tags/", with: "")
            let head = try fixture.head()
            // The auditor may not witness its own checkpoint: refused at prepare, nothing to sign.
            let own = try await api.post("/api/v1/witnesses", .object(["actor": .string("auditor"), "checkpoint": .string(checkpoint)]))
            #expect(own.status == .forbidden, "\(String(buffer: own.body))")
            let prepared = try await api.post("/api/v1/witnesses", .object(["actor": .string("central.inspector"), "checkpoint": .string(checkpoint)]))
            try #require(prepared.status == .ok, "\(String(buffer: prepared.body))")
            let answer = try json(prepared)
            #expect(answer["commits"]?[0]?["kind"]?.string == "tag")
            let buffer = String(decoding: APIClient.buffer(answer), as: UTF8.self)
            #expect(buffer.contains("tag witnesses/\(checkpoint.dropFirst("checkpoints/".count))/central.inspector\n"))
            // Signed by another supervisor's key: refused, and no ref is made.
            let wrong = try await api.post("/api/v1/events/\(answer["pending"]!.string!)/signatures",
                                           .object(["signatures": .array([.string(try sshSign(APIClient.buffer(answer), key: fixture.key("east.inspector")))])]))
            #expect(wrong.status == .forbidden, "\(String(buffer: wrong.body))")
            let again = try json(try await api.post("/api/v1/witnesses", .object(["actor": .string("central.inspector"), "checkpoint": .string(checkpoint)])))
            let landed = try await api.post("/api/v1/events/\(again["pending"]!.string!)/signatures",
                                            .object(["signatures": .array([.string(try sshSign(APIClient.buffer(again), key: fixture.key("central.inspector")))])]))
            try #require(landed.status == .created, "\(String(buffer: landed.body))")
            let ref = try json(landed)["tags"]?[0]?.string
            #expect(ref == "refs/tags/witnesses/\(checkpoint.dropFirst("checkpoints/".count))/central.inspector")
            #expect(try fixture.head() == head, "a witness tag does not move main")
            #expect(try Self.gitVerifies(fixture, ref!, tag: true))
            #expect(try fixture.cli(["verify"]).status == 0)
            // A second witness by the same supervisor is refused.
            let twice = try await api.post("/api/v1/witnesses", .object(["actor": .string("central.inspector"), "checkpoint": .string(checkpoint)]))
            #expect(twice.status == .badRequest, "\(String(buffer: twice.body))")
        }
    }

    @Test("sixteen clients writing 1,000 reports at once lose nothing, and verify is clean after")
    func concurrentClients() async throws {
        let fixture = try ServerFixture(isPublic: true)
        let before = Int(try run("git", ["--git-dir", fixture.ledger, "rev-list", "--count", "refs/heads/main"]).text.dropLast())!
        let app = try await buildApplication(fixture.configuration)
        let writers = [("north.lead", "cn/north"), ("south.lead", "cn/south"), ("east.lead", "cn/east"), ("west.lead", "cn/west")]
        // Signed in process (the same SSHSIG bytes ssh-keygen makes): 1,000 ssh-keygen runs would time the tool, not the server.
        var keys: [String: SSHPrivateKey] = [:]
        for (actor, _) in writers { keys[actor] = try SSHPrivateKey(fileAt: fixture.key(actor)) }
        let signers = keys
        let clients = 16, reports = 1_000
        let told = Protected<[String]>([])
        try await app.test(.router) { client in
            let api = APIClient(client: client)
            try await withThrowingTaskGroup(of: Int.self) { group in
                for n in 0..<clients {
                    let (actor, unit) = writers[n % writers.count]
                    let mine = (reports - n + clients - 1) / clients   // reports n, n + clients, ...
                    group.addTask {
                        var landed = 0
                        for k in 0..<mine {
                            let e = #"{"action": "report-progress", "actor": "\#(actor)", "unit": "\#(unit)", "directive": "D-2019-01", "clause": "1", "status": "in-progress", "note": "client \#(n) report \#(k)"}"#
                            var r = try await api.post("/api/v1/events", try jsonText(e))
                            // Each answer hands an object to sign: a 409 a fresh one on the new head. Sign until it lands.
                            while r.status == .ok || r.status == .conflict {
                                let answer = try json(r)
                                let sig = try SSHSignature.sign(APIClient.buffer(answer), with: signers[actor]!)
                                r = try await api.post("/api/v1/events/\(answer["pending"]!.string!)/signatures", .object(["signatures": .array([.string(sig)])]))
                            }
                            if r.status == .created {
                                landed += 1
                                let commits = try json(r)["commits"]
                                told.mutate { $0.append(commits?[0]?.string ?? "") }
                            } else {
                                Issue.record("client \(n): \(r.status) \(String(buffer: r.body))")
                            }
                        }
                        return landed
                    }
                }
                var total = 0
                for try await n in group { total += n }
                #expect(total == reports)
            }
        }
        let after = Int(try run("git", ["--git-dir", fixture.ledger, "rev-list", "--count", "refs/heads/main"]).text.dropLast())!
        #expect(after == before + reports)
        // Every commit a client was told of is on main.
        let main = Set(try run("git", ["--git-dir", fixture.ledger, "rev-list", "refs/heads/main"]).text.split(separator: "\n").map(String.init))
        #expect(told.value.count == reports)
        #expect(told.value.allSatisfy(main.contains))
        #expect(try fixture.cli(["verify"]).status == 0)
    }
}

/// A value shared between a test and the clock it gives the server.
final class Protected<Value: Sendable>: @unchecked Sendable {
    private var stored: Value
    private let lock = NSLock()
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
    /// Changes the value under the lock: a read and a write no other thread can come between.
    func mutate(_ change: (inout Value) -> Void) {
        lock.lock(); change(&stored); lock.unlock()
    }
}
