import GitStore
import LedgerModel

/// A checkpoint tag as found: the commit it is on, the checkpoint record there and its auditor.
struct CheckedCheckpointTag {
    var id: CheckpointID
    var ref: String
    var tag: TagInfo
    var commit: ObjectID
    var checkpoint: Checkpoint
    var auditor: Actor
}

extension Ledger {
    /// Prepares `verify --since`: checks the checkpoint's tag and that its commit is in the history
    /// of `tip`, then loads the state at that commit (actors and policy, read from its tree rather
    /// than replayed). Returns the checkpoint commit, or nil after recording why verify cannot start there.
    func startVerifying(since spec: String, tip: ObjectID, into verifier: inout Verifier) throws -> ObjectID? {
        let id = try CheckpointTags.id(named: spec)
        let ref = CheckpointTags.ref(id)
        guard let target = try repository.resolve(ref) else {
            verifier.problems.append(VerifyProblem(commit: tip.hex, kind: .checkpoint,
                detail: "\(ref) does not exist: the checkpoint was deleted, or never made; verify from genesis to find out"))
            return nil
        }
        var problems: [VerifyProblem] = []
        let checked = try checkCheckpointTag(ref: ref, target: target, inHistory: { try self.repository.isAncestor($0, of: tip) },
                                             problems: &problems)
        guard let checked, problems.isEmpty else {
            verifier.problems += problems
            return nil
        }
        try verifier.start(at: checked.commit)
        return checked.commit
    }

    /// The checks on tags that verify runs after replaying commits:
    /// - every tag under `refs/tags/checkpoints/` is an annotated tag named for its checkpoint, on the
    ///   commit in history that wrote that checkpoint, signed by the checkpoint's auditor with a key
    ///   registered at that commit;
    /// - every checkpoint written in the commits checked has its tag (a deleted tag is a problem);
    /// - every witness tag under `refs/tags/witnesses/` co-signs the current checkpoint tag, signed by
    ///   a supervisor allowed to witness it (see `Permissions.witnessRefusal`);
    /// - every checkpoint in `expected` still has its tag, on the same commit, in history.
    ///
    /// From `base` (verify --since), only tags on commits from the base on are checked, and the
    /// tags in `pushed` wherever they are.
    func checkCheckpointTags(_ verifier: inout Verifier, tip: ObjectID, commits: [ObjectID], base: ObjectID?,
                             tags refs: LedgerTags, pushed: Set<String>, expected: [ExpectedCheckpoint]) throws {
        var checkedCommits = Set(commits)
        if let base { checkedCommits.insert(base) }
        // From genesis every commit in history was walked; from a base, older commits are judged by git.
        let inHistory: (ObjectID) throws -> Bool = { c in
            if checkedCommits.contains(c) { return true }
            guard let base else { return false }
            return try self.repository.isAncestor(c, of: base)
        }
        var tags: [CheckpointID: CheckedCheckpointTag] = [:]
        for (ref, target) in refs.under(CheckpointTags.prefix) {
            if base != nil, !pushed.contains(ref), let t = try repository.tag(target), !checkedCommits.contains(t.target) { continue }
            var problems: [VerifyProblem] = []
            let checked = try checkCheckpointTag(ref: ref, target: target, inHistory: inHistory, problems: &problems)
            verifier.problems += problems
            if let checked, problems.isEmpty { tags[checked.id] = checked }
        }
        for (commit, _, id) in verifier.checkpoints where tags[id] == nil {
            if refs.resolve(CheckpointTags.ref(id)) == nil {
                verifier.problem(commit, .checkpoint, "checkpoint \(id) has no tag \(CheckpointTags.ref(id)): it was deleted (or its writer stopped before making it)")
            }
        }
        for (ref, target) in refs.under(CheckpointTags.witnessPrefix) {
            guard pushed.contains(ref) else {
                try checkWitnessTag(ref: ref, target: target, tip: tip, checkpointTags: tags, onlyFrom: base == nil ? nil : checkedCommits,
                                    problems: &verifier.problems)
                continue
            }
            // A witness pushed now is judged whatever checkpoint it co-signs, against that checkpoint's
            // tag, checked here when it is on an older commit than those checked.
            var checkpointTags = tags
            if let id = CheckpointTags.witnessedCheckpoint(ref), tags[id] == nil, let cp = refs.resolve(CheckpointTags.ref(id)) {
                var ignored: [VerifyProblem] = []
                if let checked = try checkCheckpointTag(ref: CheckpointTags.ref(id), target: cp, inHistory: inHistory, problems: &ignored),
                   ignored.isEmpty {
                    checkpointTags[id] = checked
                }
            }
            try checkWitnessTag(ref: ref, target: target, tip: tip, checkpointTags: checkpointTags, onlyFrom: nil, problems: &verifier.problems)
        }
        for e in expected {
            let ref = CheckpointTags.ref(e.id)
            guard let target = refs.resolve(ref) else {
                verifier.problem(e.commit, .checkpoint, "expected checkpoint \(e.id) is missing: \(ref) does not exist")
                continue
            }
            let peeled = try repository.tag(target)?.target ?? target
            if peeled != e.commit {
                verifier.problem(e.commit, .checkpoint, "expected checkpoint \(e.id) has moved: \(ref) points at \(peeled.hex), not \(e.commit.hex)")
            }
            let present = (try? inHistory(e.commit)) ?? false
            if !present {
                verifier.problem(e.commit, .checkpoint, "expected checkpoint \(e.id) is on commit \(e.commit.hex), which is not in the history of main")
            }
        }
    }

    /// Checks one checkpoint tag; appends what is wrong to `problems`. Returns what was found
    /// whenever the checkpoint commit and record could be read, even if the tag has problems.
    func checkCheckpointTag(ref: String, target: ObjectID, inHistory: (ObjectID) throws -> Bool,
                            problems: inout [VerifyProblem]) throws -> CheckedCheckpointTag? {
        func problem(_ at: ObjectID, _ kind: VerifyProblem.Kind, _ detail: String) {
            problems.append(VerifyProblem(commit: at.hex, kind: kind, detail: "\(ref): \(detail)"))
        }
        guard let id = try? CheckpointID(String(ref.dropFirst(CheckpointTags.prefix.count))) else {
            problem(target, .checkpoint, "not a checkpoint id; only checkpoints/<id> tags belong there")
            return nil
        }
        guard let tag = try repository.tag(target) else {
            problem(target, .checkpoint, "a lightweight tag; a checkpoint tag is an annotated tag signed by its auditor")
            return nil
        }
        guard tag.targetKind == .commit else {
            problem(target, .checkpoint, "points at a \(tag.targetKind == .tag ? "tag" : "non-commit object"); a checkpoint tag is on its checkpoint commit")
            return nil
        }
        let commit = tag.target
        if tag.name != "checkpoints/\(id)" {
            problem(commit, .checkpoint, "the tag object is named \(tag.name), not checkpoints/\(id): a tag moved under another name")
        }
        guard try inHistory(commit) else {
            problem(commit, .checkpoint, "points at \(commit.hex), which is not in the history of main: history was rewritten under the checkpoint, or the tag was moved")
            return nil
        }
        // The commit must be the one that wrote this checkpoint: the record is there, and not at its parent.
        let path = RecordPath.checkpoint(id).path
        let info = try repository.commit(commit)
        guard let bytes = try repository.blob(at: path, inCommit: commit),
              try info.parents.first.map({ try repository.blobID(at: path, inCommit: $0) == nil }) ?? true,
              let checkpoint = try? Checkpoint(json: JSONParser.parse(bytes), at: .root) else {
            problem(commit, .checkpoint, "points at \(commit.hex.prefix(12)), which is not the commit that wrote \(path)")
            return nil
        }
        guard let auditor = try actorRecord(checkpoint.by, at: commit) else {
            problem(commit, .unknownKey, "the checkpoint's auditor \(checkpoint.by) is not registered at its commit")
            return nil
        }
        let found = CheckedCheckpointTag(id: id, ref: ref, tag: tag, commit: commit, checkpoint: checkpoint, auditor: auditor)
        let key: SSHPublicKey
        switch signingKey(tag.signedData, unsigned: "the tag is not signed") {
        case .success(let k): key = k
        case .failure(let p): problem(commit, p.kind, p.detail); return found
        }
        if tag.tagger?.email != "\(checkpoint.by)@ledger" {
            problem(commit, .checkpoint, "tagged by \(tag.tagger?.email ?? "nobody"), but the checkpoint was written by \(checkpoint.by)")
        }
        if let refusal = Permissions.refusal(auditor, .checkpoint) {
            problem(commit, .notPermitted, refusal.description)
        }
        if !auditor.holds(key: key.openSSH) {
            problem(commit, .unknownKey, "signed by \(key.fingerprint), which is not a key of \(auditor.id) at the checkpoint commit")
        }
        return found
    }

    /// Checks one witness tag `refs/tags/witnesses/<id>/<actor>`: it co-signs the checkpoint tag that is
    /// there now, carries a valid signature by `<actor>` with a key registered at the checkpoint commit
    /// and not revoked before the witness signed, and `<actor>` may witness that checkpoint.
    func checkWitnessTag(ref: String, target: ObjectID, tip: ObjectID, checkpointTags: [CheckpointID: CheckedCheckpointTag],
                         onlyFrom: Set<ObjectID>?, problems: inout [VerifyProblem]) throws {
        func problem(_ at: ObjectID, _ kind: VerifyProblem.Kind, _ detail: String) {
            problems.append(VerifyProblem(commit: at.hex, kind: kind, detail: "\(ref): \(detail)"))
        }
        let rest = ref.dropFirst(CheckpointTags.witnessPrefix.count).split(separator: "/", omittingEmptySubsequences: false)
        guard rest.count == 2, let id = try? CheckpointID(String(rest[0])), let actorID = try? ActorID(String(rest[1])) else {
            problem(target, .checkpoint, "not a witness tag name; witness tags are witnesses/<checkpoint>/<actor>")
            return
        }
        guard let checkpoint = checkpointTags[id] else {
            if let onlyFrom, let t = try repository.tag(target), let cp = try repository.tag(t.target), !onlyFrom.contains(cp.target) { return }
            problem(target, .checkpoint, "witnesses checkpoint \(id), which has no valid tag \(CheckpointTags.ref(id))")
            return
        }
        let at = checkpoint.commit
        guard let tag = try repository.tag(target) else {
            problem(at, .checkpoint, "a lightweight tag; a witness tag is an annotated tag signed by its witness")
            return
        }
        if tag.targetKind != .tag || tag.target != checkpoint.tag.id {
            problem(at, .checkpoint, "does not point at the checkpoint tag \(checkpoint.ref) (\(checkpoint.tag.id.hex.prefix(12))): it co-signs something else")
            return
        }
        if tag.name != "witnesses/\(id)/\(actorID)" {
            problem(at, .checkpoint, "the tag object is named \(tag.name), not witnesses/\(id)/\(actorID)")
        }
        let key: SSHPublicKey
        switch signingKey(tag.signedData, unsigned: "the witness tag is not signed") {
        case .success(let k): key = k
        case .failure(let p): problem(at, p.kind, p.detail); return
        }
        if tag.tagger?.email != "\(actorID)@ledger" {
            problem(at, .checkpoint, "tagged by \(tag.tagger?.email ?? "nobody"), not by \(actorID)@ledger")
        }
        guard let witness = try actorRecord(actorID, at: at) else {
            problem(at, .unknownKey, "the witness \(actorID) is not registered at the checkpoint commit")
            return
        }
        if let refusal = Permissions.witnessRefusal(witness, auditor: checkpoint.auditor) { problem(at, .notPermitted, refusal.description) }
        guard witness.holds(key: key.openSSH) else {
            problem(at, .unknownKey, "signed by \(key.fingerprint), which is not a key of \(actorID) at the checkpoint commit")
            return
        }
        // A key revoked later still vouches for what it signed before its revocation.
        if let now = try actorRecord(actorID, at: tip),
           let revoked = now.revokedKeys.first(where: { sshKeyIdentity($0.key) == key.openSSH }),
           revoked.at.seconds <= tag.tagger?.time ?? .max {
            problem(at, .revokedKey, "signed by \(key.fingerprint), a key of \(actorID) revoked at \(revoked.at), before the witness was made")
        }
    }
}
