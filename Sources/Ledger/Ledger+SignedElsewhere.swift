import Foundation
import GitStore
import LedgerModel

/// A write whose commits are signed somewhere else (a browser, `luoshi … --remote`, a script with
/// `ssh-keygen -Y sign`): the ledger prepares the exact bytes to sign, checks each signature as
/// `verify` checks it, and moves `main` only once every object is signed. The private key never
/// comes near the ledger.
///
/// An event makes one object to sign, or several in rounds when each names the one before it by an
/// id that includes that one's signature: `adopt` with clauses (two commits), `checkpoint` (its
/// commit, then its tag). A witness's co-signature of a checkpoint is one tag and no commit.
/// `next` is the object the current round asks for; nil once all are signed.
public struct PreparedWrite: Sendable {
    /// The event, as checked; nil for a witness tag, which is not an event.
    public let event: Event?
    /// Who signs every object of the write.
    public let actor: ActorID
    /// The head it was checked against: landing fails with a conflict when `main` moved from it.
    /// For a write prepared after another not landed yet, that one's base until `attach(_:after:)`.
    public internal(set) var base: ObjectID?
    /// Set while the write waits for the write it was prepared after (`Ledger.prepare(_:after:)`)
    /// to land: the tree and commit time that write leaves, which the commit it lands as must have.
    /// Nothing can be signed until it is attached to that commit.
    var follows: (tree: ObjectID, time: Int64)?
    /// True while the write waits to be attached to the commit of the write it was prepared after.
    public var isFollowing: Bool { follows != nil }
    /// The commits the event makes, in order.
    let steps: [Step]
    /// The checkpoint tag to sign after the checkpoint commit, if the event writes one.
    let checkpoint: (Checkpoint, Actor)?
    /// The witness tag to sign, when the write is a witness's.
    let witness: WitnessTag?
    /// The objects signed so far, in order (commits, then the tag).
    public internal(set) var signed: [ObjectID] = []
    /// The object to sign next; nil when every object is signed and the write can land.
    public internal(set) var next: UnsignedObject?

    /// How many objects the write makes: its commits, and the tag of a checkpoint or a witness.
    public var objectCount: Int { steps.count + (checkpoint == nil ? 0 : 1) + (witness == nil ? 0 : 1) }

    init(event: Event?, actor: ActorID, base: ObjectID?, steps: [Step], checkpoint: (Checkpoint, Actor)?, witness: WitnessTag? = nil) {
        self.event = event; self.actor = actor; self.base = base; self.steps = steps; self.checkpoint = checkpoint; self.witness = witness
    }

    struct Step: Sendable {
        var action: ActionName
        var subject: String
        var records: [RecordPath]
        var tree: ObjectID
        var author: GitSignature
        var message: String
        var changes: [UnsignedObject.Change]
    }
}

/// One object to sign: its exact bytes, and what a client needs to check them before signing.
public struct UnsignedObject: Sendable, JSONWritable {
    public enum Kind: String, Sendable { case commit, tag }

    /// A record the commit writes: its path, the blob id its tree names, and its bytes.
    public struct Change: Sendable {
        public var path: String
        public var blob: ObjectID
        public var content: [UInt8]
    }

    public var kind: Kind
    /// The object as git stores it without its signature: what `ssh-keygen -Y sign -n git` signs.
    public var buffer: [UInt8]
    /// The records a commit writes (none for a tag).
    public var changes: [Change]
    /// The raw tree objects from the commit's tree down to each changed record's folder.
    public var trees: [(id: ObjectID, bytes: [UInt8])]

    /// `{"kind", "buffer", "changes": [{"path", "blob", "content"}], "trees": [{"id", "object"}]}`; bytes in base64.
    public var json: JSONValue {
        .object([
            "kind": .string(kind.rawValue),
            "buffer": .string(Data(buffer).base64EncodedString()),
            "changes": .array(changes.map {
                .object(["path": .string($0.path), "blob": .string($0.blob.hex), "content": .string(Data($0.content).base64EncodedString())])
            }),
            "trees": .array(trees.map { .object(["id": .string($0.id.hex), "object": .string(Data($0.bytes).base64EncodedString())]) }),
        ])
    }
}

extension Ledger {
    /// Checks `event` against head exactly as `apply` would and prepares its first object to sign.
    /// Blobs and trees go into the object store (unreachable until the write lands); no ref moves.
    public func prepare(_ sourced: SourcedEvent) throws -> PreparedWrite {
        let head = try repository.resolve(Ledger.mainRef)
        let parentTree = try head.map { try repository.treeID(ofCommit: $0) }
        let parentTime = try head.flatMap { id -> Int64? in
            let info = try repository.commit(id)
            return info.parents.isEmpty ? nil : info.committer.time
        }
        var write = try prepare(sourced, on: Snapshot(repository: repository, base: head), tree: parentTree, time: parentTime, base: head)
        write.next = try nextObject(of: write)
        return write
    }

    /// Checks `event` against the state `ahead` (prepared, not landed) leaves, exactly as `apply`
    /// would check it once `ahead` has landed, and prepares its objects on top of `ahead`'s. Its
    /// commit names `ahead`'s as parent, whose id is known only once `ahead` is signed: the write
    /// has nothing to sign until `attach(_:after:)`. A writer that waits for another to land can so be
    /// checked meanwhile. `LedgerError.conflict` when the event's records name the head commit (an
    /// adoption's basis, a checkpoint), or `ahead` leaves nothing to prepare on: prepare it with
    /// `prepare(_:)` once `ahead` lands.
    public func prepare(_ sourced: SourcedEvent, after ahead: PreparedWrite) throws -> PreparedWrite {
        guard ahead.follows == nil, ahead.witness == nil, let base = ahead.base, let last = ahead.steps.last else {
            throw LedgerError.conflict("the write ahead of this one leaves no state to check it on; prepare it once that write lands")
        }
        let changes = ahead.steps.flatMap { step in step.changes.map { (path: $0.path, bytes: $0.content) } }
        let snapshot = Snapshot(repository: repository, base: base, ahead: changes)
        var write = try prepare(sourced, on: snapshot, tree: last.tree, time: last.author.time, base: base)
        write.follows = (last.tree, last.author.time)
        return write
    }

    /// `write`, prepared after another write, made to follow it now that it has `landed`: its first
    /// object to sign names the landed head as parent. `LedgerError.conflict` when that head is not
    /// at the tree and time the write was checked against (prepare it again on the head).
    public func attach(_ write: PreparedWrite, after landed: WriteResult) throws -> PreparedWrite {
        guard let follows = write.follows else { return write }
        guard let commit = landed.head else {
            throw LedgerError.conflict("the write ahead of this one left no head; prepare this one again on the head")
        }
        let info = try repository.commit(commit)
        guard info.tree == follows.tree, info.committer.time == follows.time else {
            throw LedgerError.conflict("the write ahead of this one did not land as it was prepared; prepare this one again on the head")
        }
        var attached = write
        attached.base = commit
        attached.follows = nil
        attached.next = try nextObject(of: attached)
        return attached
    }

    /// The commits `sourced.event` makes on `snapshot`, whose state is tree `parentTree` after a
    /// commit made at `parentTime`, their blobs and trees written; nothing to sign yet.
    private func prepare(_ sourced: SourcedEvent, on snapshot: Snapshot, tree parentTree: ObjectID?, time parentTime: Int64?,
                         base: ObjectID?) throws -> PreparedWrite {
        var parentTree = parentTree
        let plans: [CommitPlan]
        do {
            plans = try ActionPlanner(snapshot: snapshot, previousTime: parentTime, now: clock()).plan(sourced.event)
        } catch let e as LedgerError {
            throw e.located(sourced.source)
        }
        var steps: [PreparedWrite.Step] = []
        var checkpoint: (Checkpoint, Actor)?
        for plan in plans {
            var changes: [UnsignedObject.Change] = []
            var treeChanges: [(path: String, blob: ObjectID?)] = []
            for (path, bytes) in plan.changes {
                let blob = try repository.writeBlob(bytes)
                changes.append(UnsignedObject.Change(path: path.path, blob: blob, content: bytes))
                treeChanges.append((path.path, blob))
            }
            let tree = try repository.updateTree(base: parentTree, changes: treeChanges)
            parentTree = tree
            steps.append(PreparedWrite.Step(action: plan.action, subject: plan.subject, records: plan.changes.map(\.path), tree: tree,
                                            author: plan.gitSignature, message: plan.message, changes: changes))
            if plan.action == .checkpoint, let c = plan.checkpoint { checkpoint = (c, plan.actor) }
        }
        return PreparedWrite(event: sourced.event, actor: sourced.event.actor, base: base, steps: steps, checkpoint: checkpoint)
    }

    /// Checks that `actorID` may witness the checkpoint `spec` (as `witness` checks it) and prepares
    /// the witness tag to sign. Nothing is written until it is signed and landed.
    public func prepareWitness(_ spec: String, as actorID: ActorID, at time: Timestamp) throws -> PreparedWrite {
        let tag = try witnessTag(spec, as: actorID, at: time)
        var write = PreparedWrite(event: nil, actor: actorID, base: try head(), steps: [], checkpoint: nil, witness: tag)
        write.next = try nextObject(of: write)
        return write
    }

    /// Checks `armour` (the SSHSIG of `write.next`'s buffer in namespace `git`) by verify's own rules:
    /// a valid signature by a key the event's actor holds at the write's base. Writes the signed
    /// object (no ref moves) and returns the write with the following object to sign, if any.
    public func addSignature(_ armour: String, to write: PreparedWrite) throws -> PreparedWrite {
        guard let object = write.next else {
            throw LedgerError.invalid(nil, "every object of this write is signed already; nothing more to sign")
        }
        let key: SSHPublicKey
        switch signingKey((armour, object.buffer), unsigned: "no signature") {
        case .success(let k): key = k
        case .failure(let p): throw LedgerError.invalid(nil, "the signature does not verify over the \(object.kind.rawValue) it is for: \(p.detail)")
        }
        let actorID = write.actor
        // A witness's keys are those it held at the checkpoint commit; an event's, those at its base.
        let actor = try (write.witness?.keysAt ?? write.base).flatMap { try actorRecord(actorID, at: $0) }
        guard let actor else { throw LedgerError.invalid(JSONPointer.root / "actor", "actor \"\(actorID)\" is not registered") }
        if let (_, why) = keyProblem(key, of: actor) { throw LedgerError.denied(why) }
        var next = write
        switch object.kind {
        case .commit: next.signed.append(try repository.writeSignedCommit(buffer: object.buffer, signature: armour))
        case .tag:
            let signature = armour.hasSuffix("\n") ? armour : armour + "\n"
            next.signed.append(try repository.writeTagObject(buffer: object.buffer + Array(signature.utf8)))
        }
        next.next = try nextObject(of: next)
        return next
    }

    /// Moves `main` from the write's base to its last commit (and creates a checkpoint's tag ref),
    /// once every object is signed. `LedgerError.conflict` when `main` moved since it was prepared:
    /// prepare the event again on the new head and sign that.
    public func land(_ write: PreparedWrite) throws -> WriteResult {
        if let witness = write.witness {
            guard write.next == nil, let tag = write.signed.first else {
                throw LedgerError.invalid(nil, "this witness tag is not signed yet")
            }
            try createWitnessRef(witness, to: tag)
            return WriteResult(commits: [], head: write.base, retries: 0, tags: [witness.ref], changes: [])
        }
        guard write.next == nil, write.signed.count == write.objectCount, let tip = write.signed.prefix(write.steps.count).last else {
            throw LedgerError.invalid(nil, "this write has \(write.objectCount - write.signed.count) object(s) still to sign")
        }
        do {
            try repository.compareAndSwap(Ledger.mainRef, to: tip, expected: write.base, logMessage: "luoshi: \(write.steps.count) commit(s), signed elsewhere")
        } catch let e as GitError where e.isRace {
            throw LedgerError.conflict("the ledger's head moved since this write was prepared; prepare it again on the new head")
        } catch let e as GitError {
            if let refusal = LedgerError.fileSystem(e, ledger: path, reading: false) { throw refusal }
            throw e
        }
        var tags: [String] = []
        if let (checkpoint, _) = write.checkpoint, let tag = write.signed.last {
            tags = try createCheckpointRefs([(checkpoint.id, tag)])
        }
        let commits = Array(write.signed.prefix(write.steps.count))
        let changes = zip(write.steps, commits).map { PlannedCommit(action: $0.action, subject: $0.subject, records: $0.records, commit: $1) }
        return WriteResult(commits: commits, head: tip, retries: 0, tags: tags, changes: changes)
    }

    /// The object the write asks to be signed after those signed so far; nil when none is left.
    private func nextObject(of write: PreparedWrite) throws -> UnsignedObject? {
        let n = write.signed.count
        if let witness = write.witness {
            return n == 0 ? UnsignedObject(kind: .tag, buffer: witness.buffer, changes: [], trees: []) : nil
        }
        if n < write.steps.count {
            let step = write.steps[n]
            let parent = n == 0 ? write.base : write.signed[n - 1]
            let buffer = try repository.commitBuffer(tree: step.tree, parents: parent.map { [$0] } ?? [], author: step.author,
                                                     committer: step.author, message: step.message)
            let trees = try repository.treesAlong(step.changes.map(\.path), from: step.tree)
            return UnsignedObject(kind: .commit, buffer: buffer, changes: step.changes, trees: trees)
        }
        if n == write.steps.count, let (checkpoint, auditor) = write.checkpoint, let commit = write.signed.last {
            return UnsignedObject(kind: .tag, buffer: try checkpointTagBuffer(commit: commit, checkpoint: checkpoint, auditor: auditor),
                                  changes: [], trees: [])
        }
        return nil
    }
}

extension CommitPlan {
    /// The author and committer of the commit: the actor, at the event's time.
    var gitSignature: GitSignature {
        GitSignature(name: actor.name, email: "\(actor.id)@ledger", time: at.seconds, offsetMinutes: at.offsetMinutes)
    }
}

/// Why `key` may not sign for `actor` (the kind of problem verify reports, and a sentence); nil when it may.
/// The one rule behind verify's signer check and a signature sent to the ledger.
func keyProblem(_ key: SSHPublicKey, of actor: Actor) -> (VerifyProblem.Kind, String)? {
    if actor.holds(key: key.openSSH) { return nil }
    if actor.revokedKeys.contains(where: { sshKeyIdentity($0.key) == key.openSSH }) {
        return (.revokedKey, "signed by \(key.fingerprint), a key of \(actor.id) that is revoked")
    }
    return (.unknownKey, "signed by \(key.fingerprint), which is not a key of \(actor.id)")
}

extension Ledger {
    /// The namespace a session challenge is signed in (`ssh-keygen -Y sign -n luoshi-session`): a
    /// signature made for a session can never pass as a commit's, whose namespace is `git`.
    public static let sessionNamespace = "luoshi-session"

    /// Checks that `armour` is the SSHSIG of `message` in `namespace` by a key `actorID` holds at head,
    /// by the rule verify applies to a commit's signer. Throws `invalidInput` (at `pointer`) for a
    /// signature that does not verify, `notPermitted` for a key the actor does not hold.
    public func checkSignature(_ armour: String, of message: [UInt8], namespace: String, by actorID: ActorID,
                               pointer: JSONPointer) throws {
        let key: SSHPublicKey
        do { key = try SSHSignature.verify(armour, message: message, namespace: namespace) } catch {
            throw LedgerError.invalid(pointer, "the signature does not verify: \(error)")
        }
        guard let actor = try actorRecord(actorID, at: head()) else {
            throw LedgerError.notPermitted(source: nil, reason: "\(actorID) is not an actor of this ledger")
        }
        if let (_, why) = keyProblem(key, of: actor) { throw LedgerError.denied(why) }
    }
}
