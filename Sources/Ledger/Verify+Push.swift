import GitStore
import LedgerModel

/// The tags verify judges a ledger's checkpoints by: the repository's, or as a push would leave them.
struct LedgerTags {
    private var targets: [String: ObjectID]

    /// Every tag the repository holds, each with the object it points at (not peeled).
    init(_ repository: Repository) throws {
        targets = Dictionary(try repository.references(under: "refs/tags/").map { ($0.name, $0.target) }, uniquingKeysWith: { a, _ in a })
    }

    /// The tags another copy holds, as a fetch left them under `namespace` (`<namespace>tags/…`),
    /// named as that copy names them (`refs/tags/…`).
    init(_ repository: Repository, fetchedUnder namespace: String) throws {
        let fetched = try repository.references(under: namespace + "tags/")
        targets = Dictionary(fetched.map { ("refs/" + $0.name.dropFirst(namespace.count), $0.target) }, uniquingKeysWith: { a, _ in a })
    }

    var all: [String: ObjectID] { targets }

    /// The tags whose full name starts with `prefix`, sorted by name.
    func under(_ prefix: String) -> [(name: String, target: ObjectID)] {
        targets.filter { $0.key.hasPrefix(prefix) }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    func resolve(_ ref: String) -> ObjectID? { targets[ref] }

    mutating func set(_ ref: String, to target: ObjectID) { targets[ref] = target }
}

extension CheckpointTags {
    /// The checkpoint a witness tag's ref names (`refs/tags/witnesses/<id>/<actor>`), nil when it names none.
    static func witnessedCheckpoint(_ ref: String) -> CheckpointID? {
        guard ref.hasPrefix(witnessPrefix) else { return nil }
        let rest = ref.dropFirst(witnessPrefix.count).split(separator: "/", omittingEmptySubsequences: false)
        return rest.count == 2 ? try? CheckpointID(String(rest[0])) : nil
    }
}

/// One ref a push would move, as git hands it to a `pre-receive` hook: `<old> <new> <ref>`, with
/// nil for git's all-zero id (a ref created, or deleted).
public struct RefUpdate: Sendable, Equatable {
    public var old: ObjectID?
    public var new: ObjectID?
    public var ref: String

    public init(old: ObjectID?, new: ObjectID?, ref: String) {
        self.old = old; self.new = new; self.ref = ref
    }

    /// Parses one line of a `pre-receive` hook's input; nil for a line that is not `<old> <new> <ref>`.
    public init?(hookLine line: Substring) {
        let fields = line.split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 3, !fields[2].isEmpty else { return nil }
        func id(_ hex: Substring) -> ObjectID?? {
            if hex.allSatisfy({ $0 == "0" }) && hex.count == 40 { return .some(nil) }
            return ObjectID(hex: String(hex)).map { .some($0) }
        }
        guard let old = id(fields[0]), let new = id(fields[1]) else { return nil }
        self.init(old: old, new: new, ref: String(fields[2]))
    }
}

extension Ledger {
    /// The receive check: whether the ledger may take `updates`, judged as `verify` judges history.
    ///
    /// A push may only move `refs/heads/main` forward from where it is (a fast-forward: nothing the
    /// ledger holds is dropped) and create tags under `refs/tags/checkpoints/` and
    /// `refs/tags/witnesses/`; it may not delete or move a tag, delete `main` or touch any other ref.
    /// Every new commit is then checked by every rule `verify` applies, from the state at the current
    /// head, with the tags as the push would leave them: a checkpoint commit needs its tag in the same
    /// push, and each pushed tag is checked wherever it points. A ledger opened with
    /// `Configuration.incomingObjects` sees the objects a push brought before they land.
    public func verifyPush(_ updates: [RefUpdate], progress: ((Int, Int) -> Void)? = nil) throws -> VerifyReport {
        let current = try repository.resolve(Ledger.mainRef)
        var tags = try LedgerTags(repository)
        var tip = current
        var pushed: Set<String> = []
        var problems: [VerifyProblem] = []
        let zero = String(repeating: "0", count: 40)   // git's name for no commit
        func refuse(_ at: ObjectID?, _ kind: VerifyProblem.Kind, _ detail: String) {
            problems.append(VerifyProblem(commit: (at ?? current)?.hex ?? zero, kind: kind, detail: detail))
        }
        for update in updates {
            if update.ref == Ledger.mainRef {
                guard let new = update.new else {
                    refuse(update.old, .ref, "\(update.ref): deleting main is refused; a ledger's history is never removed")
                    continue
                }
                if update.old != current {
                    refuse(new, .ref, "\(update.ref): the push expected main at \(update.old?.hex ?? "nothing"), but it is at \(current?.hex ?? "nothing"); fetch, then push again")
                    continue
                }
                if let current, new != current, !(try repository.isAncestor(current, of: new)) {
                    refuse(new, .rewrittenHistory, "\(update.ref): not a fast-forward of main (\(current.hex.prefix(12))): it drops commits the ledger holds; its history is never rewritten")
                    continue
                }
                tip = new
            } else if update.ref.hasPrefix(CheckpointTags.prefix) || update.ref.hasPrefix(CheckpointTags.witnessPrefix) {
                guard let new = update.new else {
                    refuse(update.old, .checkpoint, "\(update.ref): deleting a checkpoint or witness tag is refused; they are never removed")
                    continue
                }
                guard update.old == nil, tags.resolve(update.ref) == nil else {
                    refuse(new, .checkpoint, "\(update.ref): the ledger has this tag already, and a checkpoint or witness tag is never moved")
                    continue
                }
                tags.set(update.ref, to: new)
                pushed.insert(update.ref)
            } else {
                refuse(update.new ?? update.old, .ref, "\(update.ref): a ledger takes pushes only to \(Ledger.mainRef) and new tags under \(CheckpointTags.prefix) and \(CheckpointTags.witnessPrefix)")
            }
        }
        guard problems.isEmpty else { return VerifyReport(commits: 0, problems: problems) }
        guard let tip else {
            return VerifyReport(commits: 0, problems: [VerifyProblem(commit: zero, kind: .ref,
                detail: "the ledger has no main yet; push \(Ledger.mainRef) with (or before) its tags")])
        }
        return try verify(tip: tip, tags: tags, pushed: pushed, after: current, progress: progress)
    }
}
