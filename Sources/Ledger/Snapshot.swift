import GitStore
import LedgerModel

/// The ledger's records as of one commit, plus the changes of a transaction not yet on disk.
///
/// A transaction's commits cannot be read back from the repository until it ends (a bulk write
/// streams them into a pack), so every read goes to what the transaction wrote first, then to
/// the tree of the commit it started from. Decoded records are cached.
final class Snapshot {
    let repository: Repository
    /// The commit the transaction started from; nil for an empty ledger. Reads of records the
    /// transaction did not write go here.
    private let origin: ObjectID?
    /// The latest commit: `origin`, then each commit the transaction makes.
    private(set) var base: ObjectID?
    /// The records of a write prepared on `origin` and not landed yet, which this snapshot reads
    /// on top of `origin` (`Ledger.prepare(_:after:)`); empty for a snapshot of a commit.
    private var ahead: [String: [UInt8]] = [:]
    /// Changes made on top of `origin`, path → canonical bytes.
    private var pending: [String: [UInt8]] = [:]
    private var decoded: [String: Any] = [:]
    /// Earlier versions of the directives and plans the transaction wrote, by the number of
    /// commits made before each write, for reading a plan's basis at a commit of this transaction.
    private var versions: [String: [(commits: Int, bytes: [UInt8])]] = [:]
    /// The transaction's commits, in order.
    private var made: [ObjectID: Int] = [:]
    /// The number of the commit that writes now belong to.
    private var planned = 0

    init(repository: Repository, base: ObjectID?) {
        self.repository = repository
        self.origin = base
        self.base = base
    }

    /// The state `ahead`'s records will make on top of commit `base` once that write lands: reads
    /// see them first. Its head commit is not known yet, so `head()` refuses.
    init(repository: Repository, base: ObjectID, ahead changes: [(path: String, bytes: [UInt8])]) {
        self.repository = repository
        self.origin = base
        self.base = base
        for (path, bytes) in changes {
            ahead[path] = bytes
            pending[path] = bytes
        }
    }

    /// The commit the snapshot's state is at, for records that name it (a checkpoint's head, a
    /// basis's commit). A snapshot on top of a write not landed yet does not know it: conflict,
    /// prepare on the head once that write lands.
    func head() throws -> ObjectID? {
        guard ahead.isEmpty else {
            throw LedgerError.conflict("this event's records name the head commit, which is not known until the write before it lands")
        }
        return base
    }

    /// The bytes at `path`, or nil when no such record exists.
    func bytes(_ path: RecordPath) throws -> [UInt8]? {
        let p = path.path
        if let b = pending[p] { return b }
        guard let origin else { return nil }
        return try repository.blob(at: p, inCommit: origin)
    }

    /// The blob id of the record at `path`, nil when there is none: hashed from the bytes when the
    /// transaction wrote it, looked up in the tree otherwise (without reading the blob).
    func blobID(_ path: RecordPath) throws -> ObjectID? {
        let p = path.path
        if let b = pending[p] { return ObjectID.blob(b[...]) }
        guard let origin else { return nil }
        return try repository.blobID(at: p, inCommit: origin)
    }

    /// The bytes at `path` as of `commit`, which may be one this transaction made.
    func bytes(_ path: RecordPath, at commit: ObjectID) throws -> [UInt8]? {
        guard let count = made[commit] else { return try repository.blob(at: path.path, inCommit: commit) }
        if let version = versions[path.path]?.last(where: { $0.commits <= count }) { return version.bytes }
        guard let origin else { return nil }
        return try repository.blob(at: path.path, inCommit: origin)
    }

    /// The record at `path`, decoded once and cached until the transaction writes it again.
    func read<T: JSONReadable>(_ path: RecordPath, as type: T.Type = T.self) throws -> T? {
        // Actions read the same actors, policy, directive and plans again and again.
        if let record = decoded[path.path] as? T { return record }
        guard let bytes = try bytes(path) else { return nil }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch {
            throw LedgerError.internalFailure("the record \(path.path) is not valid JSON (\(error)); run `luoshi verify` to find the commit that wrote it")
        }
        do {
            let record = try T(json: value, at: .root)
            decoded[path.path] = record
            return record
        } catch let e as ValidationError {
            throw LedgerError.internalFailure("the record \(path.path) is invalid (\(e)); run `luoshi verify` to find the commit that wrote it")
        }
    }

    func exists(_ path: RecordPath) throws -> Bool { try bytes(path) != nil }

    /// Records a change for the transaction: the next reads see it.
    func write(_ path: RecordPath, _ bytes: [UInt8], _ record: Any) {
        pending[path.path] = bytes
        decoded[path.path] = record
        switch path {
        case .directive, .plan: versions[path.path, default: []].append((planned, bytes))
        default: break
        }
    }

    /// Moves the snapshot onto the commit that now holds its changes; they stay as a read cache.
    func advance(to commit: ObjectID) {
        made[commit] = made.count
        planned = made.count
        base = commit
    }

    /// Says that the writes that follow belong to the next commit of the same action
    /// (`adopt` with clauses makes two).
    func startNextCommit() {
        planned += 1
    }

    /// Every registered actor's id: those at `origin` and those the transaction registered.
    func actorIDs() throws -> [ActorID] {
        var paths = Set(pending.keys.filter { $0.hasPrefix("actors/") })
        if let origin { paths.formUnion(try repository.listBlobs(inCommit: origin, under: "actors/").map(\.0)) }
        return paths.compactMap { path in
            if case .actor(let id) = RecordPath(path: path) { return id }
            return nil
        }.sorted()
    }

    /// A plan as it was when the transaction started, before anything it wrote.
    func planBeforeThisWrite(_ d: DirectiveID, _ u: UnitID) throws -> Plan? {
        let path = RecordPath.plan(d, u).path
        guard let origin, let bytes = try ahead[path] ?? repository.blob(at: path, inCommit: origin) else { return nil }
        return try? Plan(json: JSONParser.parse(bytes), at: .root)
    }

    // Convenience readers.
    func actor(_ id: ActorID) throws -> Actor? { try read(.actor(id)) }
    func unit(_ id: UnitID) throws -> LedgerModel.Unit? { try read(.unit(id)) }
    func directive(_ id: DirectiveID) throws -> Directive? { try read(.directive(id)) }
    func plan(_ d: DirectiveID, _ u: UnitID) throws -> Plan? { try read(.plan(d, u)) }
    func progress(_ d: DirectiveID, _ u: UnitID) throws -> Progress? { try read(.progress(d, u)) }
    func finding(_ id: FindingID) throws -> Finding? { try read(.finding(id)) }
    func ledgerInfo() throws -> LedgerInfo {
        guard let info: LedgerInfo = try read(.ledger) else {
            throw LedgerError.internalFailure("ledger.json is missing; this repository was not made by `luoshi init`")
        }
        return info
    }
}
