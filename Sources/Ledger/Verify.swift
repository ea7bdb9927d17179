import GitStore
import LedgerModel

/// One rule a commit breaks.
public struct VerifyProblem: Sendable, Hashable, JSONWritable {
    public enum Kind: String, Sendable, JSONEnum {
        case unsigned
        case badSignature = "bad-signature"
        case unknownKey = "unknown-key"
        case revokedKey = "revoked-key"
        case notPermitted = "not-permitted"
        case invalidRecord = "invalid-record"
        case notCanonical = "not-canonical"
        case unknownPath = "unknown-path"
        case deletedRecord = "deleted-record"
        case rewrittenHistory = "rewritten-history"
        case trailers
        case timeOrder = "time-order"
        case merge
        case genesis
        case checkpoint
        /// A push to a ref a ledger does not take, or one that moves or deletes a tag (`verify-push`).
        case ref
    }

    public var commit: String
    public var kind: Kind
    public var detail: String

    public var json: JSONValue { jsonObject(["commit": commit, "kind": kind, "detail": detail]) }
}

/// What `verify` found: `{"ok", "commits", "problems"}`.
public struct VerifyReport: Sendable, JSONWritable {
    public var commits: Int
    public var problems: [VerifyProblem]
    public var ok: Bool { problems.isEmpty }

    public var json: JSONValue { .object(["ok": .bool(ok), "commits": .integer(Int64(commits)), "problems": problems.json]) }
}

extension Ledger {
    /// Replays history from genesis and checks every commit against the state at its parent:
    /// signature by a registered, unrevoked key; roles allowing every path changed; every record
    /// valid and canonical; trailers matching the change; time order; checkpoints in history; the
    /// checkpoint and witness tags (Verify+Checkpoints.swift).
    ///
    /// `since` (a checkpoint id or tag) starts from that checkpoint's commit, with the state read
    /// from its tree; `expected` is a checkpoint list kept elsewhere, each of which must still be there.
    ///
    /// `after` starts from a commit a verification accepted before (`verifiedHead`): only the commits
    /// since are checked, and a head that does not descend from it is a rewritten history.
    public func verify(since: String? = nil, after verified: ObjectID? = nil, expecting expected: [ExpectedCheckpoint] = [],
                       progress: ((Int, Int) -> Void)? = nil) throws -> VerifyReport {
        try verify(tip: head(), tags: LedgerTags(repository), since: since, after: verified, expecting: expected, progress: progress)
    }

    /// Verify's one path: the history of `tip`, with the tags `tags` names (the repository's, or as a
    /// push would leave them). The refs in `pushed` are judged wherever they point; other tags only
    /// when they are on the commits checked (or from genesis, all).
    func verify(tip: ObjectID, tags: LedgerTags, pushed: Set<String> = [], since: String? = nil, after verified: ObjectID? = nil,
                expecting expected: [ExpectedCheckpoint] = [], progress: ((Int, Int) -> Void)? = nil) throws -> VerifyReport {
        // Verify is how a ledger's objects are proven sound, so it rehashes them whatever this
        // handle's configuration says: through a handle of its own when this one trusts them.
        guard configuration.verifiesObjectHashes else {
            var checking = configuration
            checking.verifiesObjectHashes = true
            let ledger = try Ledger.open(at: path, configuration: checking)
            ledger.clock = clock
            return try ledger.verify(tip: tip, tags: tags, pushed: pushed, since: since, after: verified, expecting: expected, progress: progress)
        }
        var verifier = Verifier(repository: repository)
        verifier.now = clock()
        var base: ObjectID?
        if let verified {
            guard try verified == tip || repository.isAncestor(verified, of: tip) else {
                return VerifyReport(commits: 0, problems: [VerifyProblem(commit: tip.hex, kind: .rewrittenHistory,
                    detail: "main does not descend from \(verified.hex), the head verified before: its history was rewritten")])
            }
            // The state at the verified head is read only when there are commits after it to judge.
            if verified != tip { try verifier.start(at: verified) }
            base = verified
        }
        if let since {
            guard let start = try startVerifying(since: since, tip: tip, into: &verifier) else {
                return VerifyReport(commits: 0, problems: verifier.problems)
            }
            base = start
        }
        let commits = try repository.walk(from: tip, hiding: base)
        let reader = CommitReader(repositories: repositories, commits: commits)
        defer { reader.stop() }
        for n in commits.indices {
            try verifier.check(reader.read(n), isFirst: n == 0 && base == nil)
            progress?(n + 1, commits.count)
        }
        for (checkpointCommit, attested, id) in verifier.checkpoints {
            guard let attestedID = ObjectID(hex: attested), (try? repository.isAncestor(attestedID, of: checkpointCommit)) == true else {
                verifier.problem(checkpointCommit, .checkpoint, "checkpoint \(id) attests \(attested), which is not in the history before it")
                continue
            }
        }
        try checkCheckpointTags(&verifier, tip: tip, commits: commits, base: base, tags: tags, pushed: pushed, expected: expected)
        return VerifyReport(commits: commits.count, problems: verifier.problems)
    }
}

/// The state verify carries from commit to commit: who holds which key, and the policy.
struct Verifier {
    let repository: Repository
    /// The actors registered or changed by the commits checked, and those read from the starting
    /// commit's tree (nil: not there), each read when a commit first needs it.
    private var actors: [ActorID: Actor?] = [:]
    /// The actor records of the commit verify started from, by path: they hold the actors not changed since.
    private var startingActors: [String: ObjectID] = [:]
    var policy = Policy()
    var problems: [VerifyProblem] = []
    var checkpoints: [(commit: ObjectID, attested: String, id: CheckpointID)] = []
    /// The commit checked last.
    private var previous: CommitInfo?
    /// A progress file's blob that this run accepted, and where reports are added to it.
    typealias AcceptedProgress = (blob: ObjectID, point: Progress.AppendPoint)
    /// The progress files changed so far, by path: the version accepted, or nil when the last change
    /// had a problem. A change to an accepted version that only adds reports is checked by what it
    /// adds (see `Progress.AppendPoint`), without reading the old version: the cost of a report does
    /// not grow with the reports before it.
    private var acceptedProgress: [String: AcceptedProgress?] = [:]
    /// The approved exemptions each plan had before its last re-adoption, by path: its unit may
    /// carry them back, as `plan rebase` does in the edit that follows its adoption. (Verify cannot
    /// see where one write ends, so it allows that in any later edit.)
    private var approvalsBeforeReadoption: [String: Set<Exemption>] = [:]
    /// Whether the records at the first parent are taken as checked (verify --since: the state a
    /// checkpoint attests), so that a progress file's first change is checked by what it adds.
    var trustsStartingRecords = false
    /// When verify runs: a commit dated after it (beyond `LedgerClock.allowedLead`) is named.
    var now = Timestamp.now

    init(repository: Repository) { self.repository = repository }

    /// Starts from the state at `commit`, read from its tree rather than replayed: its policy, its
    /// actors (each read when a commit names it: a check of a few commits on a ledger of thousands of
    /// actors reads only theirs), and its records taken as checked (as `verify --since` starts from a
    /// checkpoint).
    mutating func start(at commit: ObjectID) throws {
        startingActors = Dictionary(try repository.listBlobs(inCommit: commit, under: "actors/").map { ($0.path, $0.id) }, uniquingKeysWith: { first, _ in first })
        actors = [:]
        if let bytes = try repository.blob(at: RecordPath.ledger.path, inCommit: commit),
           let info = try? LedgerInfo(json: JSONParser.parse(bytes), at: .root) {
            policy = info.policy
        }
        trustsStartingRecords = true
    }

    mutating func problem(_ commit: ObjectID, _ kind: VerifyProblem.Kind, _ detail: String) {
        problems.append(VerifyProblem(commit: commit.hex, kind: kind, detail: detail))
    }

    mutating func check(_ read: CommitRead, isFirst: Bool) throws {
        let id = read.id, info = read.info, changes = read.changes
        let trailers = Trailers(message: info.message)
        if info.parents.count > 1 {
            problem(id, .merge, "a merge commit; a ledger's history is one line of signed actions")
        }
        if info.parents.isEmpty && !isFirst {
            problem(id, .genesis, "a second root commit; only genesis has no parent")
        }
        defer { previous = info }
        let parent = info.parents.first
        // Commits come oldest first, so the parent is nearly always the commit just checked.
        let parentInfo = try parent.map { p in
            if let previous, previous.id == p { return previous }
            return try repository.commit(p)
        }
        // Genesis is made when the ledger is created; history loaded after it may be older.
        if let parentInfo, !parentInfo.parents.isEmpty {
            let parentTime = parentInfo.committer.time
            let skew = Int64(policy.maxTimeSkewDays) * 86_400
            if info.committer.time < parentTime - skew {
                problem(id, .timeOrder, "its time is more than \(policy.maxTimeSkewDays) days before its parent's")
            }
        }
        // History's order is its committer dates (the author date is the writer's claim, kept when
        // an offline unit's event is replayed later); a change is not made before it was written.
        if info.author.time > info.committer.time + LedgerClock.allowedLead {
            problem(id, .timeOrder, "its author time is after its committer time; a change is dated at most when it is committed")
        }

        // A commit dated ahead of the time verify runs says it happened when it cannot have.
        for (role, who) in [("author", info.author), ("committer", info.committer)] {
            let at = Timestamp(seconds: who.time, offsetMinutes: who.offsetMinutes)
            if let why = LedgerClock.problem(at, now: now) { problem(id, .timeOrder, "its \(role) time: \(why)"); break }
        }

        // Who signed, judged by the keys registered at the parent (for genesis: by itself).
        let signer = try signerOf(id, info: info, signature: read.signature, isGenesis: parent == nil, changes: changes)

        var newActors: [ActorID: Actor] = [:]
        for (change, contents) in zip(changes, read.contents) {
            guard let path = RecordPath(path: change.path) else {
                problem(id, .unknownPath, "\(change.path) is not a path any record lives at")
                continue
            }
            guard let newBlob = change.newBlob else {
                problem(id, .deletedRecord, "\(change.path) was deleted; records are never deleted")
                continue
            }
            // A symlink or a submodule link at a record's path is no record (and a gitlink is no blob to read).
            guard change.newIsPlainFile, let contents else {
                problem(id, .invalidRecord, "\(change.path) is not a plain file (mode 100644): a symlink, submodule link or executable is no record")
                continue
            }
            let bytes: [UInt8]
            switch contents {
            case .success(let b): bytes = b
            case .failure(let e):
                problem(id, .invalidRecord, "\(change.path): its blob \(newBlob.hex) cannot be read (\(e.reason)); the repository is damaged, run `git fsck`")
                continue
            }
            let problemsBefore = problems.count
            var appendPoint: Progress.AppendPoint?
            defer {
                if case .progress = path {
                    let point = problems.count == problemsBefore ? appendPoint ?? Progress.AppendPoint(canonical: bytes) : nil
                    acceptedProgress[change.path] = .some(point.map { (newBlob, $0) })
                }
            }
            if case .progress = path, let signer, let base = acceptedBase(of: change),
               let (reports, next) = addedReports(path, to: base, new: bytes) {
                appendPoint = next
                authorize(id, path: path, old: nil, new: .null, addedReports: reports, signer: signer, trailers: trailers, isGenesis: false)
                continue
            }
            guard let value = try? JSONParser.parse(bytes) else {
                problem(id, .invalidRecord, "\(change.path) is not JSON")
                continue
            }
            if CanonicalJSON.encode(value) != bytes {
                problem(id, .notCanonical, "\(change.path) is not canonical JSON (sorted keys, two-space indent, final newline)")
            }
            do { try path.validate(value) } catch let e as ValidationError {
                problem(id, .invalidRecord, "\(change.path) \(e)")
                continue
            }
            if case .finding = path, let finding = try? Finding(json: value, at: .root), let why = Verifier.stepsProblem(finding) {
                problem(id, .invalidRecord, "\(change.path) \(why)")
            }
            let old = try change.oldBlob.map { try JSONParser.parse(repository.blob($0)) }
            if let signer {
                authorize(id, path: path, old: old, new: value, signer: signer, trailers: trailers, isGenesis: parent == nil)
            }
            switch path {
            case .actor(let a): newActors[a] = try? Actor(json: value, at: .root)
            case .ledger: if let l = try? LedgerInfo(json: value, at: .root) { policy = l.policy }
            case .checkpoint(let c):
                if let cp = try? Checkpoint(json: value, at: .root) { checkpoints.append((id, cp.head, c)) }
            case .plan:
                checkBasisBlob(id, path: change.path, new: value, old: old)
            default: break
            }
        }
        if trailers.action == nil {
            problem(id, .trailers, "no Luoshi-Action trailer")
        }
        for (a, actor) in newActors { actors[a] = .some(actor) }
    }

    /// The actor `id` as the commits checked so far leave it: as registered or changed by one of them,
    /// else as the starting commit's tree holds it; nil when it is not registered.
    private mutating func actor(_ id: ActorID) throws -> Actor? {
        if let known = actors[id] { return known }
        var found: Actor?
        if let blob = startingActors[RecordPath.actor(id).path] {
            found = try? Actor(json: JSONParser.parse(repository.blob(blob)), at: .root)
        }
        actors[id] = .some(found)
        return found
    }

    /// A plan of format version 2 names the blob of its basis: it must be the blob the basis path
    /// holds at the basis commit, or every reading of the plan would be taken against another text.
    /// A change that keeps the basis of the plan before it was checked already.
    private mutating func checkBasisBlob(_ id: ObjectID, path: String, new: JSONValue, old: JSONValue?) {
        guard let plan = try? Plan(json: new, at: .root), let recorded = plan.basis.blob else { return }
        if let old, let before = try? Plan(json: old, at: .root), before.basis == plan.basis { return }
        let found: ObjectID?
        do { found = try LedgerReader.lookUpBasisBlob(of: plan, repository: repository) } catch {
            problem(id, .invalidRecord, "\(path): its basis \(LedgerReader.basisPath(of: plan).path) at \(plan.basis.commit) cannot be read (\(error))")
            return
        }
        guard let found else {
            problem(id, .invalidRecord, "\(path): its basis commit \(plan.basis.commit) holds no \(LedgerReader.basisPath(of: plan).path)")
            return
        }
        if found.hex != recorded {
            problem(id, .invalidRecord, "\(path): basis.blob is \(recorded), but \(LedgerReader.basisPath(of: plan).path) at \(plan.basis.commit) is \(found.hex)")
        }
    }

    /// The accepted version a change of a progress file starts from, if any: the one this run accepted
    /// last, or, from a checkpoint, the one there the first time the file changes.
    private func acceptedBase(of change: TreeChange) -> AcceptedProgress? {
        switch acceptedProgress[change.path] {
        case .some(let accepted):
            return accepted.flatMap { $0.blob == change.oldBlob ? $0 : nil }
        case .none:
            guard trustsStartingRecords, let old = change.oldBlob, let bytes = try? repository.blob(old),
                  let point = Progress.AppendPoint(canonical: bytes) else { return nil }
            return (old, point)
        }
    }

    /// The reports a change of a progress file adds to the accepted blob, when that is all it does
    /// and they are valid, with the new blob's append point; nil sends the change through the full check.
    private func addedReports(_ path: RecordPath, to accepted: AcceptedProgress,
                              new: [UInt8]) -> ([Report], Progress.AppendPoint)? {
        let point = accepted.point
        guard case .progress(let d, let u) = path, new.count > point.count, let (added, next) = point.added(in: new),
              // The bytes kept are the accepted blob's own: git's id of them and the tail is its id.
              ObjectID.blob(new[..<point.close], point.tail[...]) == accepted.blob,
              let value = try? JSONParser.parse(added), CanonicalJSON.encode(value) == added,
              let record = try? Progress(json: value, at: .root), record.directive == d, record.unit == u else { return nil }
        return (record.reports, next)
    }

    private mutating func signerOf(_ id: ObjectID, info: CommitInfo, signature: Result<SSHPublicKey, SignatureProblem>,
                                   isGenesis: Bool, changes: [TreeChange]) throws -> Actor? {
        let key: SSHPublicKey
        switch signature {
        case .success(let k): key = k
        case .failure(let p): problem(id, p.kind, p.detail); return nil
        }
        let email = info.committer.email
        guard email.hasSuffix("@ledger"), let actorID = try? ActorID(String(email.dropLast(7))) else {
            problem(id, .unknownKey, "the committer \(email) is not an actor of this ledger (actor@ledger)")
            return nil
        }
        if info.author.email != email {
            problem(id, .notPermitted, "the author \(info.author.email) is not the committer \(email)")
        }
        var signer = try actor(actorID)
        if isGenesis {
            // Trust is rooted here: genesis registers the first admin and its key, and must be signed by it.
            for c in changes where c.path == RecordPath.actor(actorID).path {
                if let b = c.newBlob, let v = try? JSONParser.parse(repository.blob(b)), let a = try? Actor(json: v, at: .root) {
                    signer = a
                }
            }
            guard signer?.has(.admin) == true else {
                problem(id, .genesis, "genesis must register its signer \(actorID) as admin")
                return nil
            }
        }
        guard let actor = signer else {
            problem(id, .unknownKey, "signed as \(actorID), who is not registered at its parent")
            return nil
        }
        if actor.holds(key: key.openSSH) { return actor }
        if actor.revokedKeys.contains(where: { sshKeyIdentity($0.key) == key.openSSH }) {
            problem(id, .revokedKey, "signed by \(key.fingerprint), a key of \(actorID) revoked before this commit")
        } else {
            problem(id, .unknownKey, "signed by \(key.fingerprint), which is not a key of \(actorID) at its parent")
        }
        return nil
    }

    /// Whether the table (`Permissions`) lets the signer make this change of this path, judged by
    /// what the change does, and the trailers say so. `addedReports`, for a progress file, are the
    /// reports the change adds when that is known already; `old` and `new` are then not read.
    private mutating func authorize(_ id: ObjectID, path: RecordPath, old: JSONValue?, new: JSONValue, addedReports: [Report]? = nil,
                                    signer: Actor, trailers: Trailers, isGenesis: Bool) {
        let action = trailers.action
        func deny(_ refusal: Refusal?) { if let refusal { problem(id, .notPermitted, refusal.description) } }
        func expect(_ allowed: [ActionName]) {
            if action.map(allowed.contains) != true {
                problem(id, .trailers, "Luoshi-Action \(action?.rawValue ?? "(none)") does not match a change of \(path.path) (expected \(allowed.map(\.rawValue).joined(separator: " or ")))")
            }
        }
        func expectTrailer<T: Equatable & CustomStringConvertible>(_ name: String, _ value: T?, _ want: T) {
            if value != want { problem(id, .trailers, "Luoshi-\(name) says \(value?.description ?? "nothing") but the change is to \(path.path)") }
        }
        // Genesis writes the ledger and its first admin; nothing after it is genesis.
        let actions = Permissions.actions(writing: path).filter { ($0 == .genesis) == isGenesis }
        switch path {
        case .ledger:
            expect(actions)
            deny(Permissions.refusal(signer, isGenesis ? .genesis : .setPolicy))
        case .actor(let a):
            expect(actions)
            deny(Permissions.refusal(signer, isGenesis ? .genesis : old == nil ? .registerActor(a) : .revokeKey(of: a)))
            // A revoked key stays revoked: giving it back would make what it signs after the revocation valid again.
            if let before = old.flatMap({ try? Actor(json: $0, at: .root) }), let after = try? Actor(json: new, at: .root) {
                let stillRevoked = Set(after.revokedKeys.map { sshKeyIdentity($0.key) })
                if let undone = before.revokedKeys.first(where: { !stillRevoked.contains(sshKeyIdentity($0.key)) || after.holds(key: $0.key) }) {
                    problem(id, .rewrittenHistory, "\(path.path) gives back a key revoked at \(undone.at); revocations are never undone")
                }
            }
        case .unit(let u):
            expect(actions)
            expectTrailer("Unit", trailers.unit, u)
            deny(Permissions.refusal(signer, .registerUnit(u)))
            if old != nil { problem(id, .rewrittenHistory, "\(path.path) was registered already and was changed") }
        case .directive(let d):
            expect(old == nil ? [.issueDirective] : [.amendDirective])
            expectTrailer("Directive", trailers.directive, d)
            guard let directive = try? Directive(json: new, at: .root) else { return }
            // An amendment is judged by the issuer it amends, as the write path judges it.
            if let before = old.flatMap({ try? Directive(json: $0, at: .root) }) {
                deny(Permissions.refusal(signer, .amendDirective(d, issuer: before.issuer)))
                if directive.issuer != before.issuer {
                    problem(id, .invalidRecord, "\(path.path): an amendment cannot change the issuer (\(before.issuer))")
                }
            } else {
                deny(Permissions.refusal(signer, .issueDirective(d, issuer: directive.issuer)))
            }
        case .plan(let d, let u):
            expectTrailer("Unit", trailers.unit, u)
            expectTrailer("Directive", trailers.directive, d)
            guard let after = try? Plan(json: new, at: .root) else { return }
            let before = old.flatMap { try? Plan(json: $0, at: .root) }
            let readopted = before.map { $0.basis.commit != after.basis.commit } ?? true
            // Approvals the unit's writer may keep: the plan's own, and those a re-adoption cleared
            // (`plan rebase` adopts, then restores them in the edit after).
            var kept = Set(before?.exemptions.filter { $0.approval != nil } ?? [])
            kept.formUnion(approvalsBeforeReadoption[path.path] ?? [])
            if readopted, let before { approvalsBeforeReadoption[path.path] = Set(before.exemptions.filter { $0.approval != nil }) }
            let given = after.exemptions.filter { $0.approval != nil && !kept.contains($0) }
            guard !given.isEmpty else {
                expect([.adopt, .editPlan])
                deny(Permissions.refusal(signer, readopted ? .adopt(d, unit: u) : .editPlan(d, unit: u)))
                return
            }
            expect([.approveExemption])
            let approve = Deed.approveExemption(d, unit: u)
            if let refusal = Permissions.refusal(signer, approve) { deny(refusal); return }
            if let other = given.lazy.compactMap({ $0.approval?.by }).first(where: { $0 != signer.id }) {
                deny(Permissions.refusal(signer, approve, inTheNameOf: other))
            }
            // Approving changes nothing else: the rest is the unit's own to edit.
            if before.map({ approvalsOnly($0, after) }) != true { deny(Permissions.refusal(signer, .editPlan(d, unit: u))) }
        case .progress(let d, let u):
            expect(actions)
            expectTrailer("Unit", trailers.unit, u)
            expectTrailer("Directive", trailers.directive, d)
            let report = Deed.reportProgress(d, unit: u)
            if let refusal = Permissions.refusal(signer, report) { deny(refusal); return }
            let added: ArraySlice<Report>
            if let addedReports {
                added = addedReports[...]
            } else {
                let oldReports = old.flatMap { try? Progress(json: $0, at: .root) }?.reports ?? []
                let newReports = (try? Progress(json: new, at: .root))?.reports ?? []
                if newReports.count <= oldReports.count || Array(newReports.prefix(oldReports.count)) != oldReports {
                    problem(id, .rewrittenHistory, "\(path.path) changed earlier reports instead of adding one")
                    return
                }
                added = newReports.dropFirst(oldReports.count)
            }
            if let other = added.first(where: { $0.actor != signer.id }) {
                deny(Permissions.refusal(signer, report, inTheNameOf: other.actor))
            }
        case .finding(let f):
            expectTrailer("Finding", trailers.finding, f)
            guard let finding = try? Finding(json: new, at: .root) else { expect(actions); return }
            let before = old.flatMap { try? Finding(json: $0, at: .root) }
            let oldSteps = before?.steps ?? []
            let added = finding.steps.dropFirst(oldSteps.count)
            // Each step added is taken by the action that adds it.
            expect(old == nil ? [.openFinding] : added.isEmpty ? actions : added.map { Permissions.action(adding: $0.kind) })
            if let before {
                var same = finding
                same.steps = before.steps; same.state = before.state
                if same != before || Array(finding.steps.prefix(oldSteps.count)) != oldSteps {
                    problem(id, .rewrittenHistory, "\(path.path) changed what was recorded before instead of adding a step")
                    return
                }
            }
            for step in added {
                let deed = Deed.step(step.kind, of: f, unit: finding.unit)
                deny(Permissions.refusal(signer, deed, inTheNameOf: step.actor))
                deny(Permissions.refusal(signer, deed))
            }
        case .checkpoint:
            expect(actions)
            deny(Permissions.refusal(signer, .checkpoint))
            if let by = (try? Checkpoint(json: new, at: .root))?.by {
                deny(Permissions.refusal(signer, .checkpoint, inTheNameOf: by))
            }
            if old != nil { problem(id, .rewrittenHistory, "\(path.path) existed and was changed") }
        }
    }

    /// Why a finding's steps are not a sequence the actions can make, or its state not the one its
    /// steps lead to (nil: both are right), by the loop the write path keeps (`FindingState.after`).
    static func stepsProblem(_ finding: Finding) -> String? {
        var state: FindingState?
        for (n, step) in finding.steps.enumerated() {
            switch FindingState.after(step.kind, verdict: step.verdict, from: state) {
            case .success(let next): state = next
            case .failure(let why): return "at /steps/\(n): finding \(finding.id) \(why)"
            }
        }
        if let state, state != finding.state {
            return "says its state is \(finding.state.rawValue) but its steps leave it \(state.rawValue)"
        }
        return nil
    }

    /// Whether two plans differ only in approvals given where there were none.
    private func approvalsOnly(_ before: Plan, _ after: Plan) -> Bool {
        var a = before, b = after
        guard a.exemptions.count == b.exemptions.count,
              zip(a.exemptions, b.exemptions).allSatisfy({ $0.approval == $1.approval || $0.approval == nil }) else { return false }
        a.exemptions = a.exemptions.map { var e = $0; e.approval = nil; return e }
        b.exemptions = b.exemptions.map { var e = $0; e.approval = nil; return e }
        return a == b
    }
}

/// Why a commit or tag has no valid signature.
struct SignatureProblem: Error, Sendable {
    var kind: VerifyProblem.Kind
    var detail: String
}

/// The key that made a signature in git's SSH format, or why there is none.
func signingKey(_ signed: (signature: String, payload: [UInt8])?, unsigned: String) -> Result<SSHPublicKey, SignatureProblem> {
    guard let signed else { return .failure(SignatureProblem(kind: .unsigned, detail: unsigned)) }
    do { return .success(try SSHSignature.verify(signed.signature, message: signed.payload)) } catch {
        return .failure(SignatureProblem(kind: .badSignature, detail: "\(error)"))
    }
}
