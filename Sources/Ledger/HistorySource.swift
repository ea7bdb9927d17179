import GitStore
import LedgerModel

/// One version of a record: the commit that wrote it (or deleted it: `blob` nil).
public struct RecordVersion: Sendable {
    public var entry: HistoryEntry
    /// The commit's place in the history of `main`, oldest first: versions of different records
    /// sort into history order by it.
    public var position: Int
    public var path: String
    public var blob: ObjectID?

    public init(entry: HistoryEntry, position: Int, path: String, blob: ObjectID?) {
        self.entry = entry; self.position = position; self.path = path; self.blob = blob
    }
}

/// Where the history questions (`log`, `show --at`, `blame`, `history`) get their commits from:
/// the ledger itself, walking every commit (`Ledger.walkedHistory`), or the derived index
/// (`LedgerIndex`), which answers the same questions from SQLite. Both give the same answers;
/// the ledger's walk is the reference the index is tested against.
public protocol HistorySource {
    /// The commits `filter` admits, oldest first, with their signature status.
    func log(_ filter: HistoryFilter) throws -> [HistoryEntry]
    /// Every change of the record at `path`, oldest first.
    func versions(of path: String) throws -> [RecordVersion]
    /// The last commit, in history order, made before `seconds` (Unix time); genesis counts as
    /// made before anything, since history loaded after it may be older. Nil for an empty ledger.
    func lastCommit(before seconds: Int64) throws -> ObjectID?
}

/// The reference history source: every question walks the whole history of `main`.
public struct WalkedHistory: HistorySource {
    let ledger: Ledger

    public func log(_ filter: HistoryFilter) throws -> [HistoryEntry] { try ledger.log(filter) }

    public func versions(of path: String) throws -> [RecordVersion] {
        let repository = ledger.repository
        var out: [RecordVersion] = []
        var previous: ObjectID?
        for (position, id) in try repository.walk(from: ledger.head(), hiding: nil).enumerated() {
            let blob = try repository.blobID(at: path, inCommit: id)
            guard blob != previous else { continue }
            previous = blob
            out.append(RecordVersion(entry: try ledger.entry(id, info: repository.commit(id)), position: position, path: path, blob: blob))
        }
        return out
    }

    public func lastCommit(before seconds: Int64) throws -> ObjectID? {
        var found: ObjectID?
        for id in try ledger.repository.walk(from: ledger.head(), hiding: nil) {
            let info = try ledger.repository.commit(id)
            if info.parents.isEmpty || info.committer.time < seconds { found = id }
        }
        return found
    }
}

extension Ledger {
    /// This ledger's history, walked commit by commit on every question.
    public var walkedHistory: WalkedHistory { WalkedHistory(ledger: self) }

    /// The history entry of one commit, its signature status included.
    func entry(_ id: ObjectID, info: CommitInfo) throws -> HistoryEntry {
        var entry = HistoryEntry(commit: id, info: info)
        entry.signature = try signatureStatus(id, info: info, actor: entry.actor)
        return entry
    }
}

extension HistoryEntry {
    /// The entry of a commit, its signature not yet checked (`unsigned`).
    init(commit id: ObjectID, info: CommitInfo) {
        let email = info.committer.email
        self.init(commit: id, time: Timestamp(seconds: info.committer.time, offsetMinutes: info.committer.offsetMinutes),
                  actor: email.hasSuffix("@ledger") ? String(email.dropLast(7)) : email,
                  subject: String(info.message.split(separator: "\n", maxSplits: 1).first ?? ""),
                  trailers: Trailers(message: info.message), signature: .unsigned)
    }
}

/// One commit as the history index keeps it: its entry (signature status included) and the files it
/// changed against its first parent.
public struct IndexedCommit: Sendable {
    public var entry: HistoryEntry
    public var changes: [TreeChange]
}

extension Ledger {
    /// Reads the commits of `main` after `base` (from genesis when nil) up to `tip`, oldest first, on
    /// every core as verify reads them, and hands each to `body` with its signature status as `log`
    /// gives it: good when signed by a key its actor's record held at the parent. Returns how many.
    public func readHistory(after base: ObjectID?, to tip: ObjectID, _ body: (IndexedCommit) throws -> Void) throws -> Int {
        let commits = try repository.walk(from: tip, hiding: base)
        // Who holds which key at the parent of the next commit: an actor's record as the commits
        // read so far left it, or else as it was at `base`, read when first asked for (a catch-up of a
        // few commits reads a few records, not every actor's).
        var actors: [String: Actor?] = [:]
        func actor(_ name: String) -> Actor? {
            if let known = actors[name] { return known }
            var found: Actor?
            if let base, let id = try? ActorID(name), let bytes = try? repository.blob(at: RecordPath.actor(id).path, inCommit: base) {
                found = try? Actor(json: LedgerReader.parse(bytes, .actor(id)), at: .root)
            }
            actors[name] = .some(found)
            return found
        }
        let reader = CommitReader(repositories: repositories, commits: commits, readsContents: { $0.hasPrefix("actors/") })
        defer { reader.stop() }
        for n in commits.indices {
            let read = try reader.read(n)
            var entry = HistoryEntry(commit: read.id, info: read.info)
            func applyActorChanges() {
                for (change, content) in zip(read.changes, read.contents) {
                    guard case .actor(let id) = RecordPath(path: change.path) else { continue }
                    // A record that cannot be read counts as no record, as `log` reads it.
                    guard case .success(let bytes)? = content else { actors[id.rawValue] = .some(nil); continue }
                    actors[id.rawValue] = .some(try? Actor(json: LedgerReader.parse(bytes, .actor(id)), at: .root))
                }
            }
            // Genesis registers its own signer: its keys count at genesis itself.
            if read.info.parents.isEmpty { applyActorChanges() }
            switch read.signature {
            case .failure(let problem): entry.signature = problem.kind == .unsigned ? .unsigned : .bad
            case .success(let key): entry.signature = actor(entry.actor)?.holds(key: key.openSSH) == true ? .good : .unknownKey
            }
            if !read.info.parents.isEmpty { applyActorChanges() }
            try body(IndexedCommit(entry: entry, changes: read.changes))
        }
        return commits.count
    }
}
