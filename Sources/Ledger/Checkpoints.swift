import GitStore
import LedgerModel

/// The signed tags that go with checkpoints: the auditor's tag `refs/tags/checkpoints/<id>` on the
/// checkpoint commit, and supervisors' witness tags `refs/tags/witnesses/<id>/<actor>` on that tag.
///
/// Both are ordinary annotated tags with an SSH signature appended to the message, as `git tag -s`
/// makes with `gpg.format=ssh`, so `git verify-tag` checks them against `luoshi export allowed-signers`.
public enum CheckpointTags {
    public static let prefix = "refs/tags/checkpoints/"
    /// Witness tags live apart from checkpoint tags: git cannot hold both a ref `.../<id>` and refs under `.../<id>/`.
    public static let witnessPrefix = "refs/tags/witnesses/"

    public static func ref(_ id: CheckpointID) -> String { prefix + id.rawValue }
    public static func witnessRef(_ id: CheckpointID, _ actor: ActorID) -> String { witnessPrefix + "\(id)/\(actor)" }

    /// The checkpoint id a user names: `cp-...`, `checkpoints/cp-...` or `refs/tags/checkpoints/cp-...`.
    public static func id(named spec: String) throws -> CheckpointID {
        var s = Substring(spec)
        if s.hasPrefix("refs/tags/") { s = s.dropFirst("refs/tags/".count) }
        if s.hasPrefix("checkpoints/") { s = s.dropFirst("checkpoints/".count) }
        do { return try CheckpointID(String(s)) } catch {
            throw LedgerError.usage("\"\(spec)\" does not name a checkpoint; give its id (cp-...) or its tag (checkpoints/cp-...)")
        }
    }

    static func message(_ checkpoint: Checkpoint) -> String {
        var text = "checkpoint \(checkpoint.id): the ledger was at \(checkpoint.head)\n"
        if let note = checkpoint.note, !note.isEmpty { text += "\n\(note)\n" }
        return text
    }
}

/// A checkpoint tag about to be written: the commit it goes on and who signs it.
struct PendingCheckpointTag {
    var commit: ObjectID
    var checkpoint: Checkpoint
    var auditor: Actor
    var key: SSHPrivateKey
}

/// A witness tag before it is signed: what it co-signs, its ref and bytes, and the witness as
/// registered at the checkpoint commit, whose keys may sign it.
struct WitnessTag: Sendable {
    var checkpoint: CheckpointID
    var ref: String
    var buffer: [UInt8]
    /// The checkpoint commit: the witness is judged as registered there.
    var keysAt: ObjectID
    var actor: Actor
}

/// What `witness` wrote.
public struct WitnessResult: Sendable, JSONWritable {
    public var checkpoint: CheckpointID
    public var commit: ObjectID
    public var witness: ActorID
    public var ref: String
    public var tag: ObjectID

    public var json: JSONValue {
        jsonObject(["checkpoint": checkpoint, "commit": commit.hex, "witness": witness, "ref": ref, "tag": tag.hex])
    }
}

/// One line of a kept checkpoint list: `<checkpoint-id> <commit>`.
public struct ExpectedCheckpoint: Sendable, Hashable {
    public var id: CheckpointID
    public var commit: ObjectID

    public init(id: CheckpointID, commit: ObjectID) { self.id = id; self.commit = commit }

    /// The line `luoshi checkpoint` and `luoshi export checkpoints` print.
    public var line: String { "\(id) \(commit.hex)" }

    /// Parses a kept list: one `<checkpoint-id> <40-hex commit>` a line; blank lines and lines
    /// starting with `#` are skipped.
    public static func parse(_ text: String, file: String) throws -> [ExpectedCheckpoint] {
        var out: [ExpectedCheckpoint] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if parts.isEmpty || parts[0].hasPrefix("#") { continue }
            guard parts.count == 2, let id = try? CheckpointID(String(parts[0])), let commit = ObjectID(hex: String(parts[1])) else {
                throw LedgerError.usage("\(file):\(n + 1): expected \"<checkpoint-id> <commit>\" (as `luoshi export checkpoints` prints), found \"\(line)\"")
            }
            out.append(ExpectedCheckpoint(id: id, commit: commit))
        }
        return out
    }
}

extension Ledger {
    /// Writes the signed tag object for a checkpoint commit; the ref is created once main has moved.
    func writeCheckpointTag(_ pending: PendingCheckpointTag) throws -> ObjectID {
        let buffer = try checkpointTagBuffer(commit: pending.commit, checkpoint: pending.checkpoint, auditor: pending.auditor)
        let signature = try SSHSignature.sign(buffer, with: pending.key)
        return try repository.writeTagObject(buffer: buffer + Array(signature.utf8))
    }

    /// The unsigned tag object of a checkpoint on its commit, tagged by its auditor at its time.
    func checkpointTagBuffer(commit: ObjectID, checkpoint c: Checkpoint, auditor: Actor) throws -> [UInt8] {
        let tagger = GitSignature(name: auditor.name, email: "\(auditor.id)@ledger", time: c.at.seconds, offsetMinutes: c.at.offsetMinutes)
        return try repository.tagBuffer(target: commit, name: "checkpoints/\(c.id)", tagger: tagger, message: CheckpointTags.message(c))
    }

    /// The checkpoints whose tags are in the ledger, oldest first, as lines to keep elsewhere.
    /// Only tags that pass verify's checks are listed.
    public func checkpointList() throws -> [ExpectedCheckpoint] {
        let tip = try head()
        var list: [(ExpectedCheckpoint, Int64)] = []
        for (ref, target) in try repository.references(under: CheckpointTags.prefix) {
            var problems: [VerifyProblem] = []
            guard let checked = try checkCheckpointTag(ref: ref, target: target, inHistory: { try self.repository.isAncestor($0, of: tip) },
                                                      problems: &problems), problems.isEmpty else { continue }
            list.append((ExpectedCheckpoint(id: checked.id, commit: checked.commit), checked.checkpoint.at.seconds))
        }
        return list.sorted { ($0.1, $0.0.id.rawValue) < ($1.1, $1.0.id.rawValue) }.map(\.0)
    }

    /// Co-signs an existing checkpoint: a signed tag `refs/tags/witnesses/<id>/<actor>` on the checkpoint's tag.
    ///
    /// The witness must be a supervisor registered with `key` at the checkpoint commit, in the
    /// auditor's unit or a unit above it (any top-level unit when the auditor has none), and not
    /// the auditor. The checkpoint tag must pass verify's checks.
    public func witness(_ spec: String, as actorID: ActorID, key: SSHPrivateKey, at time: Timestamp = .now) throws -> WitnessResult {
        let witness = try witnessTag(spec, as: actorID, at: time)
        guard witness.actor.holds(key: key.publicKey.openSSH) else {
            throw LedgerError.denied("the key \(key.publicKey.fingerprint) was not a key of \(actorID) at the checkpoint commit \(witness.keysAt.hex.prefix(12))")
        }
        let tag = try repository.writeTagObject(buffer: witness.buffer + Array(try SSHSignature.sign(witness.buffer, with: key).utf8))
        try createWitnessRef(witness, to: tag)
        return WitnessResult(checkpoint: witness.checkpoint, commit: witness.keysAt, witness: actorID, ref: witness.ref, tag: tag)
    }

    /// The unsigned witness tag `actorID` would write on checkpoint `spec`, after every check but the
    /// key's: the checkpoint tag exists and verifies, the witness was registered at its commit and
    /// may witness it, and has not witnessed it already.
    func witnessTag(_ spec: String, as actorID: ActorID, at time: Timestamp) throws -> WitnessTag {
        let id = try CheckpointTags.id(named: spec)
        let ref = CheckpointTags.ref(id)
        guard let target = try repository.resolve(ref) else {
            let near = NearestNames.nearest(id.rawValue, among: try ids(of: .checkpoint))
            throw LedgerError.notFound("there is no checkpoint tag \(ref); "
                + (near.isEmpty ? "list them with `luoshi export checkpoints`" : "did you mean \(NearestNames.joinedWithOr(near))?"))
        }
        let tip = try head()
        var problems: [VerifyProblem] = []
        guard let checked = try checkCheckpointTag(ref: ref, target: target, inHistory: { try self.repository.isAncestor($0, of: tip) },
                                                  problems: &problems), problems.isEmpty else {
            let why = problems.map(\.detail).joined(separator: "; ")
            throw LedgerError.invalid(nil, "the checkpoint tag \(ref) does not verify, so it cannot be witnessed: \(why)")
        }
        guard let witness = try actorRecord(actorID, at: checked.commit) else {
            throw LedgerError.denied("\(actorID) was not registered at the checkpoint commit \(checked.commit.hex.prefix(12)); only supervisors registered then may witness it")
        }
        if let refusal = Permissions.witnessRefusal(witness, auditor: checked.auditor) { throw LedgerError.denied(refusal.description) }
        let witnessRef = CheckpointTags.witnessRef(id, actorID)
        if try repository.resolve(witnessRef) != nil {
            throw LedgerError.usage("\(actorID) has witnessed \(id) already (\(witnessRef))")
        }
        let tagger = GitSignature(name: witness.name, email: "\(actorID)@ledger", time: time.seconds, offsetMinutes: time.offsetMinutes)
        let message = "witness checkpoint \(id): \(actorID) saw the ledger at \(checked.checkpoint.head), checkpointed in \(checked.commit.hex)\n"
        let buffer = try repository.tagBuffer(target: target, name: "witnesses/\(id)/\(actorID)", tagger: tagger, message: message)
        return WitnessTag(checkpoint: id, ref: witnessRef, buffer: buffer, keysAt: checked.commit, actor: witness)
    }

    /// Creates the witness's ref on its signed tag object; refused when it exists already.
    func createWitnessRef(_ witness: WitnessTag, to tag: ObjectID) throws {
        do {
            try repository.createTagReference(witness.ref, to: tag, logMessage: "luoshi witness \(witness.checkpoint)")
        } catch let e as GitError where e.code == .exists {
            throw LedgerError.usage("\(witness.actor.id) has witnessed \(witness.checkpoint) already (\(witness.ref))")
        }
    }

    /// An actor's record as it was at a commit.
    func actorRecord(_ id: ActorID, at commit: ObjectID) throws -> Actor? {
        guard let bytes = try repository.blob(at: RecordPath.actor(id).path, inCommit: commit) else { return nil }
        return try? Actor(json: JSONParser.parse(bytes), at: .root)
    }
}

extension CommitPlan {
    /// The checkpoint record this commit writes, if it writes one.
    var checkpoint: Checkpoint? {
        for (path, bytes) in changes {
            if case .checkpoint = path { return try? Checkpoint(json: JSONParser.parse(bytes), at: .root) }
        }
        return nil
    }
}

extension Ledger {
    /// Creates the refs of checkpoint tags written by `apply`, after main moved onto their commits.
    func createCheckpointRefs(_ tags: [(CheckpointID, ObjectID)]) throws -> [String] {
        var made: [String] = []
        for (id, tag) in tags {
            let ref = CheckpointTags.ref(id)
            do {
                try repository.createTagReference(ref, to: tag, logMessage: "luoshi checkpoint \(id)")
            } catch let e as GitError where e.code == .exists {
                // The planner picks ids with no tag, so only a concurrent writer of the same id gets here.
                throw LedgerError.internalFailure("the checkpoint \(id) was committed, but its tag \(ref) appeared meanwhile and was left as it is; check it with `luoshi verify`")
            }
            made.append(ref)
        }
        return made
    }
}

/// A checkpoint as an auditor reads it: its record, the commit that wrote it, and who witnessed it.
public struct CheckpointSummary: Sendable {
    public var checkpoint: Checkpoint
    public var commit: ObjectID
    /// The checkpoint's tag object, which a witness's tag names.
    public var tag: ObjectID
    /// The actors whose witness tags stand on it, by name.
    public var witnesses: [ActorID]
}

extension Ledger {
    /// Every checkpoint whose tag passes verify's checks (`checkpointList`), oldest first, with its
    /// record and the witnesses whose tags name it.
    public func checkpointSummaries() throws -> [CheckpointSummary] {
        let witnessRefs = try repository.references(under: CheckpointTags.witnessPrefix).map(\.0)
        let tags = Dictionary(try repository.references(under: CheckpointTags.prefix).map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        return try checkpointList().compactMap { listed in
            guard let tag = tags[CheckpointTags.prefix + "\(listed.id)"] else { return nil }
            guard let json = try record(.checkpoint(listed.id), at: listed.commit) else {
                throw LedgerError.internalFailure("checkpoint \(listed.id) has a tag but no record at \(listed.commit)")
            }
            let prefix = CheckpointTags.witnessPrefix + "\(listed.id)/"
            let witnesses = try witnessRefs.filter { $0.hasPrefix(prefix) }.map { try ActorID(String($0.dropFirst(prefix.count))) }
            return CheckpointSummary(checkpoint: try Checkpoint(json: json, at: .root), commit: listed.commit, tag: tag,
                                     witnesses: witnesses.sorted { $0.rawValue < $1.rawValue })
        }
    }
}
