import Foundation
import GitStore
import LedgerModel

/// An event to apply, with the file and line it came from (for messages).
public struct SourcedEvent: Sendable {
    public var event: Event
    public var source: InputSource?

    public init(event: Event, source: InputSource? = nil) { self.event = event; self.source = source }
}

/// What a write did.
public struct WriteResult: Sendable {
    /// The commits made, oldest first.
    public var commits: [ObjectID]
    /// The new head of `refs/heads/main`.
    public var head: ObjectID?
    /// How many times the write lost a race to another writer and started again.
    public var retries: Int
    /// The checkpoint tags created, `refs/tags/checkpoints/<id>`, oldest first.
    public var tags: [String] = []
    /// What each commit does, in the order made (also for a dry run, which makes none).
    public var changes: [PlannedCommit] = []
}

/// One commit an event makes, as its writer would describe it: the action, the commit subject and the
/// records written. `commit` is nil in a dry run.
public struct PlannedCommit: Sendable {
    public var action: ActionName
    public var subject: String
    public var records: [RecordPath]
    public var commit: ObjectID?
}

/// A Luoshi ledger: one bare git repository whose `refs/heads/main` holds every record.
///
/// Not `Sendable`: like the repository handle beneath it, one ledger value is used by one thread at a time.
public final class Ledger {
    public static let mainRef = "refs/heads/main"
    /// How many times a write starts again after another writer moved the head.
    public static let maxRetries = 50

    /// The handle the ledger's own thread reads and writes through.
    public let repository: Repository
    /// Handles lent to the threads a reading spreads over, one each, opened as `configuration` says.
    public let repositories: RepositoryPool
    public let path: String
    /// How this ledger reads (`open(at:configuration:)`).
    public let configuration: Configuration
    /// What time it is for this ledger: writes dated after it are refused, and verify names commits
    /// dated after it. The system clock; a test sets its own.
    public var clock: () -> Timestamp = { .now }

    private init(repository: Repository, path: String, configuration: Configuration) {
        self.repository = repository
        self.path = path
        self.configuration = configuration
        repositories = RepositoryPool(path: repository.path, verifiesObjectHashes: configuration.verifiesObjectHashes,
                                      maximumIdle: configuration.maximumIdleRepositories, incomingObjects: configuration.incomingObjects)
    }

    /// Opens an existing ledger; never creates one. `configuration` says how this handle reads
    /// (the default checks every object's hash and frees what it reads; `Configuration.oneShotReader`
    /// is for a command that reads once and ends).
    public static func open(at path: String, configuration: Configuration = Configuration()) throws -> Ledger {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LedgerError.usage(missingLedgerMessage(path))
        }
        let repository: Repository
        do { repository = try Repository.open(at: path, verifiesObjectHashes: configuration.verifiesObjectHashes,
                                                     incomingObjects: configuration.incomingObjects) } catch {
            if let e = error as? GitError, let refusal = LedgerError.fileSystem(e, ledger: path, reading: true) { throw refusal }
            if let refusal = LedgerError.unopenable(path) { throw refusal }
            throw LedgerError.usage("\(path) is not a ledger (not a git repository); create one with `luoshi init PATH --admin ID --key KEY`")
        }
        guard let head = try repository.resolve(mainRef), try repository.blob(at: "ledger.json", inCommit: head) != nil else {
            throw LedgerError.usage("\(path) is a git repository but not a Luoshi ledger (no ledger.json on main); create one with `luoshi init`")
        }
        return Ledger(repository: repository, path: path, configuration: configuration)
    }

    /// What to say about a ledger path that is not there. A path is more often mistyped than meant to be
    /// new, so it names the nearest folders beside it and never offers to create a ledger at the typo.
    static func missingLedgerMessage(_ path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let parent = url.deletingLastPathComponent()
        let name = url.lastPathComponent
        let siblings = (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        let folders = siblings.filter { entry in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: parent.appendingPathComponent(entry).path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
        let near = NearestNames.nearest(name, among: folders)
        let prefix = path.hasSuffix(name) ? String(path.dropLast(name.count)) : parent.path + "/"
        if !near.isEmpty {
            return "there is no ledger at \(path) (no such folder); did you mean \(NearestNames.joinedWithOr(near.map { prefix + $0 }))?"
        }
        return "there is no ledger at \(path) (no such folder); give a ledger's folder with --ledger or $LUOSHI_LEDGER, or make a new ledger with `luoshi init PATH --admin ID --key KEY`"
    }

    /// Creates a ledger and its genesis commit, which registers the first admin and its key: the root of trust.
    public static func create(at path: String, name: String, admin: ActorID, adminName: String?, key: SSHPrivateKey,
                              at time: Timestamp = .now, configuration: Configuration = Configuration()) throws -> Ledger {
        let existed = FileManager.default.fileExists(atPath: path)
        if existed, let contents = try? FileManager.default.contentsOfDirectory(atPath: path), !contents.isEmpty {
            throw LedgerError.usage("\(path) exists and is not empty; choose a new folder for the ledger")
        }
        // Everything genesis records is checked before anything is made, by the rules verify applies.
        if let problem = ActorID.rule.problem(admin.rawValue) { throw LedgerError.usage("--admin: \(problem)") }
        let actor = Actor(id: admin, name: adminName ?? admin.rawValue, unit: nil, roles: [.admin], keys: [key.publicKey.openSSH + " " + admin.rawValue])
        let info = LedgerInfo(name: name)
        for (path, record, option) in [(RecordPath.ledger, info.json, "--name"), (.actor(admin), actor.json, "--admin-name")] {
            do { try path.validate(record) } catch let e as ValidationError {
                throw LedgerError.usage("\(option): \(e.pointer.tokens.last.map { "the \($0) " } ?? "")\(e.reason)")
            }
        }
        if let problem = LedgerClock.problem(time, now: .now) { throw LedgerError.usage("the genesis time: \(problem)") }
        let repository: Repository
        do { repository = try Repository.create(at: path) } catch {
            throw LedgerError.usage("cannot create a ledger at \(path): \(error)")
        }
        do {
            var plan = CommitPlan(action: .genesis, actor: actor, at: time, subject: "ledger \(name), first admin \(admin)")
            plan.changes = [(.ledger, CanonicalJSON.encode(info.json)), (.actor(admin), CanonicalJSON.encode(actor.json))]
            let ledger = Ledger(repository: repository, path: path, configuration: configuration)
            let commit = try ledger.makeCommit(plan, parent: nil, parentTree: nil, key: key)
            try repository.compareAndSwap(mainRef, to: commit, expected: nil, logMessage: "luoshi init")
            return ledger
        } catch {
            // No half-made repository is left behind: the folder goes back to how it was.
            if existed {
                for item in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                    try? FileManager.default.removeItem(atPath: (path as NSString).appendingPathComponent(item))
                }
            } else {
                try? FileManager.default.removeItem(atPath: path)
            }
            throw error
        }
    }

    /// The ledger's git directory (for a bare ledger, its folder), where no output may be written.
    public var gitDirectory: String { repository.path }

    /// The commit `refs/heads/main` points at.
    public func head() throws -> ObjectID {
        guard let h = try repository.resolve(Ledger.mainRef) else {
            throw LedgerError.internalFailure("the ledger at \(path) has no refs/heads/main")
        }
        return h
    }

    /// Applies events in order, all or nothing: every commit is built first and the head moves once.
    ///
    /// The write is a compare-and-swap on `refs/heads/main`; when another writer moved the head
    /// meanwhile, every event is checked again against the new head and the write starts again.
    /// `bulk` keeps new objects in memory and writes one pack, for large imports. `dryRun` checks
    /// every event (and every signer's key) exactly as a write would, and writes nothing at all.
    /// `committedAt` is for a replay (`sync`): each commit keeps its event's date as its author date
    /// and is committed at `committedAt`, the date history's order is judged on.
    public func apply(_ events: [SourcedEvent], signer: Signer, bulk: Bool = false, dryRun: Bool = false,
                      committedAt: Timestamp? = nil, progress: ((Int) -> Void)? = nil) throws -> WriteResult {
        if dryRun {
            let head = try repository.resolve(Ledger.mainRef)
            let (_, _, changes, _) = try build(events, on: head, signer: signer, write: false, committedAt: committedAt, progress: progress)
            return WriteResult(commits: [], head: head, retries: 0, changes: changes)
        }
        var retries = 0
        while true {
            let head = try repository.resolve(Ledger.mainRef)
            if bulk { try repository.beginBulkWrite() }
            do {
                let (commits, pendingTags, changes, made) = try build(events, on: head, signer: signer, write: true,
                                                                      committedAt: committedAt, progress: progress)
                guard let tip = commits.last else {
                    if bulk { repository.abandonBulkWrite() }
                    return WriteResult(commits: [], head: head, retries: retries, changes: changes)
                }
                if bulk { try repository.finishBulkWrite() }
                // A clone keeps each event until central has it, to replay it should central move on meanwhile.
                try journal?.keep(zip(events, made).map { ($0.event, $1) })
                // Checkpoint tags: objects now (outside the bulk pack, which holds only what main reaches),
                // refs only once main holds their commits, so no tag ever points outside history.
                let tags = try pendingTags.map { ($0.checkpoint.id, try writeCheckpointTag($0)) }
                try repository.compareAndSwap(Ledger.mainRef, to: tip, expected: head,
                                              logMessage: "luoshi: \(commits.count) commit(s)")
                return WriteResult(commits: commits, head: tip, retries: retries, tags: try createCheckpointRefs(tags), changes: changes)
            } catch let e as GitError where e.isRace {
                if bulk { repository.abandonBulkWrite() }
                // A lock held for seconds is a killed writer's leftover, not a live writer's (scripts/soak.sh).
                if e.code == .locked { repository.breakStaleLock(of: Ledger.mainRef, olderThan: 5) }
                retries += 1
                if retries > Ledger.maxRetries {
                    throw LedgerError.conflict("gave up after \(retries) attempts: other writers kept moving the ledger's head")
                }
                // Back off a little, more each time, so racing writers spread out.
                usleep(useconds_t(1_000 * min(retries * retries, 200) + Int.random(in: 0..<2_000)))
            } catch {
                if bulk { repository.abandonBulkWrite() }
                if let e = error as? GitError, let refusal = LedgerError.fileSystem(e, ledger: path, reading: false) { throw refusal }
                throw error
            }
        }
    }

    func build(_ events: [SourcedEvent], on head: ObjectID?, signer: Signer, write: Bool,
                       committedAt: Timestamp?, progress: ((Int) -> Void)?)
        throws -> ([ObjectID], [PendingCheckpointTag], [PlannedCommit], [[ObjectID]]) {
        let snapshot = Snapshot(repository: repository, base: head)
        var parent = head
        var parentTree = try head.map { try repository.treeID(ofCommit: $0) }
        // Genesis is made when the ledger is created; history loaded after it may be older.
        var parentTime = try head.flatMap { id -> Int64? in
            let info = try repository.commit(id)
            return info.parents.isEmpty ? nil : info.committer.time
        }
        var commits: [ObjectID] = []
        var tags: [PendingCheckpointTag] = []
        var changes: [PlannedCommit] = []
        var made: [[ObjectID]] = []
        let now = clock()
        for (n, sourced) in events.enumerated() {
            made.append([])
            do {
                var planner = ActionPlanner(snapshot: snapshot, previousTime: parentTime, now: now)
                planner.committedAt = committedAt
                let plans = try planner.plan(sourced.event)
                let key = try signer.key(for: plans[0].actor)
                for plan in plans {
                    guard write else {
                        changes.append(PlannedCommit(action: plan.action, subject: plan.subject, records: plan.changes.map(\.path), commit: nil))
                        parentTime = (committedAt ?? plan.at).seconds
                        continue
                    }
                    let tree = try writeTree(plan, base: parentTree)
                    let commit = try makeCommit(plan, parent: parent, tree: tree, key: key, committedAt: committedAt)
                    commits.append(commit)
                    made[n].append(commit)
                    changes.append(PlannedCommit(action: plan.action, subject: plan.subject, records: plan.changes.map(\.path), commit: commit))
                    if plan.action == .checkpoint, let checkpoint = plan.checkpoint {
                        tags.append(PendingCheckpointTag(commit: commit, checkpoint: checkpoint, auditor: plan.actor, key: key))
                    }
                    parent = commit
                    parentTree = tree
                    parentTime = (committedAt ?? plan.at).seconds
                    snapshot.advance(to: commit)
                }
            } catch let e as LedgerError {
                throw e.located(sourced.source)
            } catch let e as IdentityError {
                throw LedgerError.notPermitted(source: sourced.source, reason: "\(e)")
            }
            progress?(n + 1)
        }
        return (commits, tags, changes, made)
    }

    private func writeTree(_ plan: CommitPlan, base: ObjectID?) throws -> ObjectID {
        var changes: [(path: String, blob: ObjectID?)] = []
        for (path, bytes) in plan.changes {
            changes.append((path.path, try repository.writeBlob(bytes)))
        }
        return try repository.updateTree(base: base, changes: changes)
    }

    func makeCommit(_ plan: CommitPlan, parent: ObjectID?, parentTree: ObjectID?, key: SSHPrivateKey) throws -> ObjectID {
        try makeCommit(plan, parent: parent, tree: writeTree(plan, base: parentTree), key: key)
    }

    private func makeCommit(_ plan: CommitPlan, parent: ObjectID?, tree: ObjectID, key: SSHPrivateKey,
                            committedAt: Timestamp? = nil) throws -> ObjectID {
        let who = plan.gitSignature
        var committer = who
        if let committedAt { committer.time = committedAt.seconds; committer.offsetMinutes = committedAt.offsetMinutes }
        let buffer = try repository.commitBuffer(tree: tree, parents: parent.map { [$0] } ?? [], author: who, committer: committer,
                                                 message: plan.message)
        let signature = try SSHSignature.sign(buffer, with: key)
        return try repository.writeSignedCommit(buffer: buffer, signature: signature)
    }
}

extension GitError {
    /// Another writer moved or locked the ref: re-read the head and try again.
    var isRace: Bool {
        switch code {
        case .modified, .locked, .exists: true
        default: false
        }
    }
}

extension Timestamp {
    /// The current time, to the second, in UTC.
    public static var now: Timestamp { Timestamp(seconds: Int64(Date().timeIntervalSince1970)) }
}

/// The one time rule of a ledger: a change is dated when it happens. An event dated far ahead
/// (a typo, 9999-12-31) would otherwise hold every later write back as out of time order.
public enum LedgerClock {
    /// How far a write's date may run ahead of the clock: clocks of different machines disagree a little.
    public static let allowedLead: Int64 = 5 * 60
    /// The last second a git commit time carries everywhere (2106-02-07T06:28:15Z: 2^32 - 1).
    public static let lastCommitSecond: Int64 = 4_294_967_295

    /// Why a change dated `at` may not be written at `now`; nil when it may.
    public static func problem(_ at: Timestamp, now: Timestamp) -> String? {
        if at.seconds < 0 { return "\(at) is before 1970-01-01, which a git commit time cannot carry" }
        if at.seconds > now.seconds + allowedLead {
            return "\(at) is later than the ledger's clock (\(now)); a change is dated when it is made, at most \(allowedLead / 60) minutes ahead"
        }
        if at.seconds > lastCommitSecond { return "\(at) is after 2106-02-07, which a git commit time cannot carry" }
        return nil
    }
}
