import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GitStore
import LedgerModel

/// Why a sync or a clone took nothing: what arrived from central did not verify (a rewritten
/// history, a tag deleted, a forged commit), or central refused what this copy pushed. Nothing
/// local was changed.
public struct SyncRefusal: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public var problems: [VerifyProblem]

    public var description: String {
        ([reason] + problems.map { "commit \($0.commit.prefix(12)): \($0.kind.rawValue): \($0.detail)" }).joined(separator: "\n")
    }
}

/// What one `luoshi sync` did.
public struct SyncReport: Sendable, JSONWritable {
    public var remote: String
    /// Central's commits that arrived, verified and taken.
    public var received = 0
    /// This copy's commits central took.
    public var sent = 0
    /// This copy's events replayed on central's newer head (checked again, signed again).
    public var replayed = 0
    /// Events that could not be replayed, kept aside (`luoshi sync --pending`).
    public var keptAside: [PendingEvent] = []
    /// How many times it fetched: more than once when central moved while it pushed.
    public var rounds = 0
    /// `main` here, and central's, when the sync ended: the same.
    public var head: ObjectID?

    public var json: JSONValue {
        jsonObject(["remote": remote, "received": received, "sent": sent, "replayed": replayed,
                    "keptAside": keptAside, "rounds": rounds, "head": head?.hex])
    }
}

/// The refs a copy keeps of central: a fetch lands under `incoming` and is judged there; what
/// passed is kept under `central`, the central this copy last verified.
enum CentralRefs {
    static let incoming = "refs/luoshi/incoming/"
    static let central = "refs/luoshi/central/"
    static func main(_ namespace: String) -> String { namespace + "main" }

    /// What a fetch asks central for: its main and its checkpoint and witness tags, nothing else.
    static func refspecs(into namespace: String) -> [String] {
        ["+\(Ledger.mainRef):\(namespace)main",
         "+\(CheckpointTags.prefix)*:\(namespace)tags/checkpoints/*",
         "+\(CheckpointTags.witnessPrefix)*:\(namespace)tags/witnesses/*"]
    }
}

extension Ledger {
    /// The URL `luoshi sync` talks to when given none: the clone's `remote.origin.url`.
    public func remoteURL() throws -> String {
        let outcome = try GitCommand(gitDirectory: gitDirectory).run(["config", "--get", "remote.origin.url"])
        let url = outcome.output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard outcome.ok, !url.isEmpty else {
            throw LedgerError.usage("the ledger at \(path) has no central to sync with (no remote.origin.url); give one with --remote URL, or make a copy with `luoshi clone URL PATH`")
        }
        return url
    }

    /// Makes a bare copy of the ledger at `url` in the new folder `path`, verified before it is kept:
    /// from genesis, or from checkpoint `since` with the `expecting` list. The copy is made in a
    /// folder beside `path` and renamed into place once verified: a refused or failed clone leaves
    /// nothing. `hookExecutable` is the luoshi its receive check will run.
    public static func clone(from url: String, to path: String, since: String? = nil, expecting: [ExpectedCheckpoint] = [],
                             hookExecutable: String, echoTransfer: Bool = false,
                             progress: ((Int, Int) -> Void)? = nil) throws -> (ledger: Ledger, report: VerifyReport) {
        let manager = FileManager.default
        if manager.fileExists(atPath: path) {
            let empty = (try? manager.contentsOfDirectory(atPath: path))?.isEmpty ?? false
            guard empty else { throw LedgerError.usage("\(path) exists already; `luoshi clone` makes a new folder (to bring an existing copy up to date: `luoshi sync --ledger \(path)`)") }
            try manager.removeItem(atPath: path)
        }
        let target = URL(fileURLWithPath: path).standardizedFileURL
        let staging = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).luoshi-clone-\(getpid())").path
        try? manager.removeItem(atPath: staging)
        var kept = false
        defer { if !kept { try? manager.removeItem(atPath: staging) } }

        let git = GitCommand(gitDirectory: staging)
        let made = try GitCommand().run(["init", "--bare", "--quiet", "--initial-branch=main", staging])
        guard made.ok else { throw LedgerError.usage("cannot make \(path): \(GitCommand.lastLines(made.errors))") }
        _ = try git.run(["config", "remote.origin.url", url])
        try fetch(url, into: CentralRefs.incoming, git: git, echo: echoTransfer)
        let fetched = try Repository.open(at: staging)
        guard let incoming = try fetched.resolve(CentralRefs.main(CentralRefs.incoming)) else {
            throw LedgerError.usage("\(url) has no \(Ledger.mainRef): it is not a ledger")
        }
        // The copy holds central's main and tags as they came, and is judged as `luoshi verify` judges a ledger.
        try fetched.setReference(Ledger.mainRef, to: incoming, logMessage: "luoshi clone \(url)")
        for (ref, target) in try LedgerTags(fetched, fetchedUnder: CentralRefs.incoming).all {
            try fetched.createTagReference(ref, to: target, logMessage: "luoshi clone \(url)")
        }
        let ledger = try Ledger.open(at: staging)
        let report = try ledger.verify(since: since, expecting: expecting, progress: progress)
        guard report.ok else {
            throw SyncRefusal(reason: "\(url) does not verify; nothing was kept", problems: report.problems)
        }
        try ledger.takeIncoming()
        try manager.createDirectory(atPath: ledger.localFolder + "/journal", withIntermediateDirectories: true)
        try ledger.recordVerifiedHead(incoming)
        _ = try ReceiveHook.install(ledger: staging, executable: hookExecutable)
        guard rename(staging, target.path) == 0 else {
            throw LedgerError.internalFailure("cannot move the verified copy to \(path): \(String(cString: strerror(errno)))")
        }
        kept = true
        return (try Ledger.open(at: target.path), report)
    }

    /// Brings this copy and central to the same head: fetches; verifies what arrived from the central
    /// verified here last (refusing a history that does not descend from it, changing nothing);
    /// takes it; pushes what is local; and when both moved, replays the local events on central's
    /// head (checked again, signed again by `signer`, each keeping its date as the author date) and
    /// pushes again, until central takes it. An event refused on replay is kept aside, never lost.
    public func sync(remote: String? = nil, signer: Signer?, maxRounds: Int = 60, echoTransfer: Bool = false,
                     note: ((String) -> Void)? = nil) throws -> SyncReport {
        let url = try remote ?? remoteURL()
        let git = GitCommand(gitDirectory: gitDirectory)
        var report = SyncReport(remote: url)
        let held = try holdSyncLock()
        defer { close(held) }
        for round in 1...maxRounds {
            report.rounds = round
            try Ledger.fetch(url, into: CentralRefs.incoming, git: git, echo: echoTransfer)
            let (central, received) = try judgeIncoming(from: url)
            report.received += received
            if received > 0 { note?("received \(received) commit\(received == 1 ? "" : "s") from central, verified") }
            var local = try head()
            if try local == central || repository.isAncestor(local, of: central) {
                if local != central { try moveMain(from: local, to: central) }
                try finishSync(at: central)
                report.head = central
                return report
            }
            if !(try repository.isAncestor(central, of: local)) {
                let replay = try replayLocal(onto: central, local: local, signer: signer)
                report.replayed += replay.replayed
                report.keptAside += replay.keptAside
                for pending in replay.keptAside { note?("kept aside \(pending.id): \(pending.reason)") }
                if replay.replayed > 0 { note?("replayed \(replay.replayed) local event\(replay.replayed == 1 ? "" : "s") on central's head") }
                local = replay.head
                if local == central {
                    try finishSync(at: central)
                    report.head = central
                    return report
                }
            }
            let sending = try repository.walk(from: local, hiding: central).count
            let centralTags = try LedgerTags(repository, fetchedUnder: CentralRefs.central).all
            let newTags = try LedgerTags(repository).all.filter { ref, _ in
                (ref.hasPrefix(CheckpointTags.prefix) || ref.hasPrefix(CheckpointTags.witnessPrefix)) && centralTags[ref] == nil
            }.keys.sorted()
            let pushed = try git.run(["push", "--atomic", "--porcelain", url, "\(local.hex):\(Ledger.mainRef)"] + newTags.map { "\($0):\($0)" },
                                     echoErrors: echoTransfer)
            if pushed.ok {
                try repository.setReference(CentralRefs.main(CentralRefs.central), to: local, logMessage: "luoshi sync: pushed")
                for ref in newTags {
                    if let target = try repository.resolve(ref) {
                        try repository.setReference(CentralRefs.central + "tags/" + ref.dropFirst("refs/tags/".count), to: target, logMessage: "luoshi sync: pushed")
                    }
                }
                report.sent += sending
                note?("sent \(sending) commit\(sending == 1 ? "" : "s") to central")
                try finishSync(at: local)
                report.head = local
                return report
            }
            // Refused: when central moved meanwhile (another copy pushed first), go round again;
            // when it did not, central judged this push and said no.
            try Ledger.fetch(url, into: CentralRefs.incoming, git: git, echo: false)
            if try repository.resolve(CentralRefs.main(CentralRefs.incoming)) == central {
                let said = pushed.errors.split(separator: "\n").filter { $0.hasPrefix("remote:") }.map { $0.trimmingCharacters(in: .whitespaces) }
                throw SyncRefusal(reason: "central refused the push of \(sending) commit\(sending == 1 ? "" : "s"); nothing of it landed:\n"
                                  + (said.isEmpty ? GitCommand.lastLines(pushed.errors + pushed.output) : said.joined(separator: "\n")), problems: [])
            }
            note?("central moved while pushing; again (round \(round + 1))")
            usleep(useconds_t(Int.random(in: 20_000...(50_000 + 20_000 * min(round, 10)))))
        }
        throw LedgerError.conflict("central kept moving: gave up after \(maxRounds) rounds; run `luoshi sync` again")
    }

    /// Fetches central's main and tags into `namespace`, pruning there what central no longer has.
    static func fetch(_ url: String, into namespace: String, git: GitCommand, echo: Bool) throws {
        let outcome = try git.run(["fetch", "--prune", "--no-tags", "--no-write-fetch-head", echo ? "--progress" : "--quiet", url]
                                  + CentralRefs.refspecs(into: namespace), echoErrors: echo)
        guard outcome.ok else {
            throw LedgerError.unavailable("cannot fetch from \(url): \(GitCommand.lastLines(outcome.errors))")
        }
    }

    /// Judges what the last fetch left under `incoming`: central's main must descend from the central
    /// verified here before and keep every tag it had, and what is new must pass verify. Passed, it
    /// becomes the central known here and its new tags are copied into this ledger's; refused,
    /// the fetched refs are dropped and nothing else changes.
    private func judgeIncoming(from url: String) throws -> (central: ObjectID, received: Int) {
        defer { try? dropRefs(under: CentralRefs.incoming) }
        guard let incoming = try repository.resolve(CentralRefs.main(CentralRefs.incoming)) else {
            throw LedgerError.usage("\(url) has no \(Ledger.mainRef): it is not a ledger")
        }
        let known = try repository.resolve(CentralRefs.main(CentralRefs.central))
        let knownTags = try LedgerTags(repository, fetchedUnder: CentralRefs.central)
        let tags = try LedgerTags(repository, fetchedUnder: CentralRefs.incoming)
        var problems: [VerifyProblem] = []
        if let known, known != incoming, !(try repository.isAncestor(known, of: incoming)) {
            let lost = try knownTags.all.filter { _, target in
                guard let commit = try peeledCommit(target) else { return false }
                return !(try repository.isAncestor(commit, of: incoming)) && commit != incoming
            }.keys.sorted()
            let named = lost.isEmpty ? "" : "; it drops what these attested: " + lost.map { String($0.dropFirst("refs/tags/".count)) }.joined(separator: ", ")
            problems.append(VerifyProblem(commit: incoming.hex, kind: .rewrittenHistory,
                detail: "central's main does not descend from \(known.hex), the central verified here last: its history was rewritten\(named)"))
        }
        for (ref, target) in knownTags.all.sorted(by: { $0.key < $1.key }) where tags.resolve(ref) != target {
            problems.append(VerifyProblem(commit: target.hex, kind: .checkpoint,
                detail: "central \(tags.resolve(ref) == nil ? "no longer has" : "moved") \(ref), which it had when verified here last"))
        }
        guard problems.isEmpty else {
            throw SyncRefusal(reason: "what \(url) holds now does not verify against what was verified here; nothing was taken", problems: problems)
        }
        let pushed = Set(tags.all.keys.filter { knownTags.resolve($0) == nil })
        let report = try verify(tip: incoming, tags: tags, pushed: pushed, after: known)
        guard report.ok else {
            throw SyncRefusal(reason: "what \(url) holds now does not verify; nothing was taken", problems: report.problems)
        }
        try takeIncoming()
        return (incoming, report.commits)
    }

    /// Makes what was fetched under `incoming` the central known here, and copies its tags that this
    /// ledger lacks into this ledger's; the fetched refs go.
    func takeIncoming() throws {
        guard let incoming = try repository.resolve(CentralRefs.main(CentralRefs.incoming)) else { return }
        for (ref, target) in try LedgerTags(repository, fetchedUnder: CentralRefs.incoming).all {
            try repository.setReference(CentralRefs.central + "tags/" + ref.dropFirst("refs/tags/".count), to: target, logMessage: "luoshi sync: verified")
            if try repository.resolve(ref) == nil {
                try repository.createTagReference(ref, to: target, logMessage: "luoshi sync: from central")
            }
        }
        try repository.setReference(CentralRefs.main(CentralRefs.central), to: incoming, logMessage: "luoshi sync: verified")
        try dropRefs(under: CentralRefs.incoming)
    }

    private func dropRefs(under prefix: String) throws {
        for (ref, _) in try repository.references(under: prefix) { try repository.deleteReference(ref) }
    }

    /// The commit a checkpoint or witness tag ends at, through tags of tags.
    func peeledCommit(_ id: ObjectID) throws -> ObjectID? {
        var current = id
        for _ in 0..<4 {
            guard let tag = try repository.tag(current) else { return current }
            current = tag.target
        }
        return nil
    }

    private func moveMain(from old: ObjectID, to new: ObjectID) throws {
        for attempt in 0..<2 {
            do {
                try repository.compareAndSwap(Ledger.mainRef, to: new, expected: old, logMessage: "luoshi sync")
                return
            } catch let e as GitError where e.isRace {
                // A lock held for seconds is a killed writer's leftover, as `apply` judges it.
                if attempt == 0, e.code == .locked, repository.breakStaleLock(of: Ledger.mainRef, olderThan: 5) { continue }
                throw LedgerError.conflict("the ledger was written to while it synced; run `luoshi sync` again")
            }
        }
    }

    /// One sync at a time on a copy: an advisory lock on `luoshi/sync.lock`, which the system lets go
    /// when its holder ends, however it ends. Holding it, any lock file left under `refs/luoshi/` is
    /// a killed sync's (only syncs write there), and goes.
    private func holdSyncLock() throws -> Int32 {
        try FileManager.default.createDirectory(atPath: localFolder, withIntermediateDirectories: true)
        let file = localFolder + "/sync.lock"
        let fd = Glibc.open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LedgerError.internalFailure("cannot open \(file): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX) == 0 else {
            close(fd)
            throw LedgerError.internalFailure("cannot lock \(file): \(String(cString: strerror(errno)))")
        }
        let refs = URL(fileURLWithPath: gitDirectory).appendingPathComponent("refs/luoshi")
        if let walker = FileManager.default.enumerator(atPath: refs.path) {
            for case let name as String in walker where name.hasSuffix(".lock") {
                try? FileManager.default.removeItem(atPath: refs.appendingPathComponent(name).path)
            }
        }
        return fd
    }

    /// Once central holds `head`: the journal's events that central has are done with.
    private func finishSync(at head: ObjectID) throws {
        guard let journal else { return }
        for entry in try journal.entries() {
            guard let last = entry.commits.last else { continue }
            if try last == head || repository.isAncestor(last, of: head) { journal.remove(entry.id) }
        }
    }

    /// Replays the events of the commits `local` has and `central` lacks, oldest first, on `central`:
    /// each checked again as `apply` checks it and signed again, keeping its own date as the author
    /// date, committed now. An event the new head refuses, or a commit without an event, is kept
    /// aside. `main` moves once, from `local` to the replayed line, after the journal and the
    /// kept-aside events are written: a sync killed at any point loses nothing.
    private func replayLocal(onto central: ObjectID, local: ObjectID, signer: Signer?)
        throws -> (head: ObjectID, replayed: Int, keptAside: [PendingEvent]) {
        let localOnly = try repository.walk(from: local, hiding: central)
        let entries = try journal?.entries() ?? []
        var byCommit: [ObjectID: EventJournal.Entry] = [:]
        for entry in entries { for c in entry.commits { byCommit[c] = entry } }
        enum Item { case event(EventJournal.Entry), orphan(ObjectID) }
        var items: [Item] = []
        var seen = Set<String>()
        for commit in localOnly {
            if let entry = byCommit[commit] {
                if seen.insert(entry.id).inserted { items.append(.event(entry)) }
            } else {
                items.append(.orphan(commit))
            }
        }
        let events = items.filter { if case .event = $0 { true } else { false } }.count
        guard events == 0 || signer != nil else {
            throw LedgerError.usage("central moved on while this copy made \(events) event\(events == 1 ? "" : "s"): they are replayed on central's new head and signed again; give --key KEY or --keys DIR")
        }
        let now = clock()
        var tip = central
        var tags: [PendingCheckpointTag] = []
        var kept: [PendingEvent] = []
        var made: [(event: Event, commits: [ObjectID])] = []
        var replayed: [String] = []
        for item in items {
            switch item {
            case .orphan(let commit):
                kept.append(PendingEvent(id: String(commit.hex.prefix(12)), event: nil,
                    reason: "commit \(commit.hex.prefix(12)) has no event in this copy's journal (it was not written by luoshi here), so it cannot be replayed",
                    commits: [commit], keptAt: now))
            case .event(let entry):
                let source = InputSource(file: "the replay of commit \(entry.commits[0].hex.prefix(12))")
                do {
                    let (commits, pending, _, _) = try build([SourcedEvent(event: entry.event, source: source)], on: tip, signer: signer!,
                                                             write: true, committedAt: now, progress: nil)
                    tip = commits.last ?? tip
                    tags += pending
                    made.append((entry.event, commits))
                    replayed.append(entry.id)
                } catch let error as LedgerError {
                    switch error {
                    case .invalidInput, .notPermitted, .notFound, .conflict:
                        kept.append(PendingEvent(id: String(entry.id.prefix(12)), event: entry.event.json,
                                                 reason: "\(error)", commits: entry.commits, keptAt: now))
                    default: throw error
                    }
                }
            }
        }
        try journal?.keep(made)
        for pending in kept { try keepAside(pending) }
        let tagObjects = try tags.map { ($0.checkpoint.id, try writeCheckpointTag($0)) }
        try moveMain(from: local, to: tip)
        // The tags of the commits replaced go: a replayed checkpoint has its tag made again below.
        let replaced = Set(localOnly)
        let centralTags = try LedgerTags(repository, fetchedUnder: CentralRefs.central)
        for (ref, target) in try LedgerTags(repository).all where centralTags.resolve(ref) == nil {
            if let commit = try peeledCommit(target), replaced.contains(commit) { try repository.deleteReference(ref) }
        }
        _ = try createCheckpointRefs(tagObjects)
        for id in replayed { journal?.remove(id) }
        return (tip, replayed.count, kept)
    }
}

extension GitCommand {
    /// The last few lines of what git said, for a message.
    static func lastLines(_ text: String, count: Int = 4) -> String {
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return lines.suffix(count).joined(separator: "; ")
    }
}
