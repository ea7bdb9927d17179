import GitStore
import LedgerModel

/// One commit as the history shows it.
public struct HistoryEntry: Sendable, JSONWritable {
    public enum SignatureStatus: String, Sendable, JSONEnum {
        /// Signed by a key its actor held at the parent commit.
        case good
        case bad, unsigned
        /// Validly signed, but by a key its actor did not hold then.
        case unknownKey = "unknown-key"
    }

    public var commit: ObjectID
    public var time: Timestamp
    public var actor: String
    public var subject: String
    public var trailers: Trailers
    public var signature: SignatureStatus

    public init(commit: ObjectID, time: Timestamp, actor: String, subject: String, trailers: Trailers, signature: SignatureStatus) {
        self.commit = commit; self.time = time; self.actor = actor; self.subject = subject
        self.trailers = trailers; self.signature = signature
    }

    public var json: JSONValue {
        jsonObject([
            "commit": commit.hex, "time": time, "actor": actor, "action": trailers.action, "subject": subject,
            "unit": trailers.unit, "directive": trailers.directive, "clause": trailers.clause, "finding": trailers.finding,
            "clauses": trailers.clauses.count > 1 ? trailers.clauses.map(\.rawValue) : nil, "signature": signature,
        ])
    }
}

/// Which commits `log` shows.
public struct HistoryFilter: Sendable {
    public var unit: UnitID?
    public var directive: DirectiveID?
    public var clause: ClauseID?
    public var finding: FindingID?
    public var actor: ActorID?
    public var since: Day?
    public var until: Day?

    public init(unit: UnitID? = nil, directive: DirectiveID? = nil, clause: ClauseID? = nil, finding: FindingID? = nil,
                actor: ActorID? = nil, since: Day? = nil, until: Day? = nil) {
        self.unit = unit; self.directive = directive; self.clause = clause; self.finding = finding
        self.actor = actor; self.since = since; self.until = until
    }

    public func admits(_ e: HistoryEntry) -> Bool {
        if let unit, !(e.trailers.unit.map { $0.isWithin(unit) } ?? false) { return false }
        if let directive, e.trailers.directive != directive { return false }
        if let clause, !e.trailers.clauses.contains(clause) { return false }
        if let finding, e.trailers.finding != finding { return false }
        if let actor, e.actor != actor.rawValue { return false }
        if let since, e.time.seconds < since.startSeconds { return false }
        if let until, e.time.seconds >= until.endSeconds { return false }
        return true
    }
}

extension Ledger {
    /// The history, oldest first, of the commits `filter` admits.
    public func log(_ filter: HistoryFilter = HistoryFilter()) throws -> [HistoryEntry] {
        var entries: [HistoryEntry] = []
        for id in try repository.walk(from: head(), hiding: nil) {
            let info = try repository.commit(id)
            var entry = HistoryEntry(commit: id, info: info)
            guard filter.admits(entry) else { continue }
            entry.signature = try signatureStatus(id, info: info, actor: entry.actor)
            entries.append(entry)
        }
        return entries
    }

    func signatureStatus(_ id: ObjectID, info: CommitInfo, actor: String) throws -> HistoryEntry.SignatureStatus {
        guard let signed = try repository.signedData(of: id) else { return .unsigned }
        guard let key = try? SSHSignature.verify(signed.signature, message: signed.payload) else { return .bad }
        // Keys count as registered at the parent; genesis registers its own signer.
        let at = info.parents.first ?? id
        guard let actorID = try? ActorID(actor), let bytes = try repository.blob(at: RecordPath.actor(actorID).path, inCommit: at),
              let record = try? Actor(json: JSONParser.parse(bytes), at: .root)
        else { return .unknownKey }
        return record.holds(key: key.openSSH) ? .good : .unknownKey
    }

    /// The point in history a `--at` value names: the commit, the moment readings are made at, and the
    /// day. For a date, the last commit on or before it, the end of that day, and the day; for a commit,
    /// the commit, its time, and its day (UTC); for nil, head, now, and no day.
    public func pointInHistory(_ spec: String?, history: (any HistorySource)? = nil) throws -> (commit: ObjectID, now: Timestamp, day: Day?) {
        guard let spec else { return (try head(), .now, nil) }
        let commit = try resolve(at: spec, history: history)
        if let day = try? Day(spec) { return (commit, Timestamp(seconds: day.endSeconds - 1), day) }
        let time = Timestamp(seconds: try repository.commit(commit).committer.time)
        return (commit, time, time.utcDay)
    }

    /// The commit a `--at` value names: a commit id or ref, or a date (the last commit on or before
    /// that day, as `history` finds it: the index, or a walk of every commit).
    public func resolve(at spec: String?, history: (any HistorySource)? = nil) throws -> ObjectID {
        guard let spec else { return try head() }
        if let day = try? Day(spec) {
            // The last commit of that day in history order; genesis counts as the start even when
            // it was made after the history loaded on top of it.
            guard let found = try (history ?? walkedHistory).lastCommit(before: day.endSeconds) else {
                throw LedgerError.usage("the ledger has no commit on or before \(day)")
            }
            return found
        }
        do { return try repository.revParse(spec) } catch {
            throw LedgerError.usage("\"\(spec)\" is neither a date (YYYY-MM-DD) nor a commit of this ledger")
        }
    }

    /// A record as it was at a commit; nil when it did not exist then.
    public func record(_ path: RecordPath, at commit: ObjectID) throws -> JSONValue? {
        guard let bytes = try repository.blob(at: path.path, inCommit: commit) else { return nil }
        return try LedgerReader.parse(bytes, path)
    }

    /// Per clause of a unit's plan: the commit, actor and time of the clause's last change, from the
    /// plan's versions as `history` gives them (the index, or a walk of every commit).
    public func blame(directive: DirectiveID, unit: UnitID, history: (any HistorySource)? = nil) throws -> [BlameLine] {
        let path = RecordPath.plan(directive, unit)
        var last: [ClauseID: BlameLine] = [:]
        var previous: [ClauseID: Clause] = [:]
        var order: [ClauseID] = []
        for version in try (history ?? walkedHistory).versions(of: path.path) {
            guard let blob = version.blob else { order = []; previous = [:]; continue }
            let plan = try Plan(json: LedgerReader.parse(repository.blob(blob), path), at: .root)
            order = plan.clauses.map(\.id)
            let e = version.entry
            for clause in plan.clauses where previous[clause.id] != clause {
                last[clause.id] = BlameLine(clause: clause.id, commit: e.commit, actor: e.actor, time: e.time,
                                            action: e.trailers.action, text: clause.text)
            }
            previous = Dictionary(plan.clauses.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        }
        guard !order.isEmpty else { throw LedgerError.notFound("\(unit) has no plan for \(directive)") }
        return order.compactMap { last[$0] }
    }

    /// The `allowed_signers` lines for stock git and ssh-keygen: `actor@ledger ssh-ed25519 ...`, current keys only.
    public func allowedSigners() throws -> String {
        var lines: [String] = []
        for (path, blob) in try repository.listBlobs(inCommit: head(), under: "actors/") {
            guard case .actor = RecordPath(path: path) else { continue }
            let actor = try Actor(json: LedgerReader.parse(repository.blob(blob), .ledger), at: .root)
            for key in actor.keys { lines.append("\(actor.id)@ledger namespaces=\"git\" \(sshKeyIdentity(key))") }
        }
        return lines.sorted().joined(separator: "\n") + (lines.isEmpty ? "" : "\n")
    }
}

/// One clause's last change.
public struct BlameLine: Sendable, JSONWritable {
    public var clause: ClauseID
    public var commit: ObjectID
    public var actor: String
    public var time: Timestamp
    public var action: ActionName?
    public var text: String

    public var json: JSONValue {
        jsonObject(["clause": clause, "commit": commit.hex, "actor": actor, "time": time, "action": action, "text": text])
    }
}

extension Ledger {
    /// The actors that hold `key` at head.
    public func actors(holding key: SSHPublicKey) throws -> [Actor] {
        try repository.listBlobs(inCommit: head(), under: "actors/").compactMap { path, blob in
            guard case .actor = RecordPath(path: path) else { return nil }
            let actor = try Actor(json: LedgerReader.parse(repository.blob(blob), .ledger), at: .root)
            return actor.holds(key: key.openSSH) ? actor : nil
        }
    }
}
