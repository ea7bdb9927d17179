import GitStore
import LedgerModel

extension Ledger {
    /// `show`: the record at `path` as it was at `spec` (a day or a commit; nil: head), once what it
    /// names is known to exist (a typo gets the nearest names). `history` is asked for only when
    /// `spec` is a day, which it finds the last commit of. `notFound` when the record did not exist then.
    public func show(_ path: RecordPath, at spec: String?, history: () -> any HistorySource) throws -> JSONValue {
        switch path {
        case .actor(let a): try requireActor(a)
        case .unit(let u): try requireUnit(u)
        case .directive(let d): try requireDirective(d)
        case .finding(let f): try requireFinding(f)
        case .plan(let d, let u), .progress(let d, let u): try requireExisting(unit: u, directive: d)
        case .ledger, .checkpoint: break
        }
        let commit = try resolve(at: spec, history: spec.flatMap { try? Day($0) } == nil ? nil : history())
        guard let value = try record(path, at: commit) else {
            throw LedgerError.notFound("there is no \(path.path) at \(commit.hex.prefix(12))\(spec.map { " (\($0))" } ?? "")")
        }
        return value
    }
}
