import GitStore
import LedgerModel

/// The ledger's records as of one commit, plus the changes of a transaction not yet committed.
///
/// Reads go to the pending changes first, then to the commit's tree; parsed records are cached.
final class Snapshot {
    let repository: Repository
    /// The commit the snapshot started from; nil for an empty ledger.
    private(set) var base: ObjectID?
    /// Changes made on top of `base`, path → canonical bytes.
    private var pending: [String: [UInt8]] = [:]
    private var parsed: [String: JSONValue] = [:]

    init(repository: Repository, base: ObjectID?) {
        self.repository = repository
        self.base = base
    }

    /// The bytes at `path`, or nil when no such record exists.
    func bytes(_ path: RecordPath) throws -> [UInt8]? {
        let p = path.path
        if let b = pending[p] { return b }
        guard let base else { return nil }
        return try repository.blob(at: p, inCommit: base)
    }

    func json(_ path: RecordPath) throws -> JSONValue? {
        let p = path.path
        if let v = parsed[p] { return v }
        guard let b = try bytes(path) else { return nil }
        let v: JSONValue
        do { v = try JSONParser.parse(b) } catch {
            throw LedgerError.internalFailure("the record \(p) is not valid JSON (\(error)); run `luoshi verify` to find the commit that wrote it")
        }
        parsed[p] = v
        return v
    }

    func read<T: JSONReadable>(_ path: RecordPath, as type: T.Type = T.self) throws -> T? {
        guard let v = try json(path) else { return nil }
        do { return try T(json: v, at: .root) } catch let e as ValidationError {
            throw LedgerError.internalFailure("the record \(path.path) is invalid (\(e)); run `luoshi verify` to find the commit that wrote it")
        }
    }

    func exists(_ path: RecordPath) throws -> Bool { try bytes(path) != nil }

    /// Records a change for the transaction: the next reads see it.
    func write(_ path: RecordPath, _ value: JSONValue) {
        pending[path.path] = CanonicalJSON.encode(value)
        parsed[path.path] = value
    }

    /// Moves the snapshot onto the commit that now holds its changes; they stay as a read cache.
    func advance(to commit: ObjectID) {
        base = commit
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
