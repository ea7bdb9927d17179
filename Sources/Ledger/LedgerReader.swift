import GitStore
import LedgerModel

/// Reads records as they were at a commit.
enum LedgerReader {
    /// The blob of a plan's basis (the directive, or the parent's plan) at the commit the plan records;
    /// nil when there is none there.
    static func basisBlob(of plan: Plan, repository: Repository) throws -> ObjectID? {
        let path: RecordPath = plan.basis.kind == .directive ? .directive(plan.directive) : .plan(plan.directive, plan.basis.unit)
        return try ObjectID(hex: plan.basis.commit).flatMap { try repository.blobID(at: path.path, inCommit: $0) }
    }

    /// The basis clauses a plan was adopted against, read at the commit the plan records.
    static func basisClauses(of plan: Plan, repository: Repository) throws -> [Clause] {
        try basisClauses(of: plan) { path, commit in try repository.blob(at: path.path, inCommit: commit) }
    }

    /// The same, reading through `read` (a transaction reads commits it has not written yet).
    static func basisClauses(of plan: Plan, read: (RecordPath, ObjectID) throws -> [UInt8]?) throws -> [Clause] {
        guard let commit = ObjectID(hex: plan.basis.commit) else {
            throw LedgerError.internalFailure("the plan of \(plan.unit) for \(plan.directive) names no valid basis commit")
        }
        let path: RecordPath = plan.basis.kind == .directive ? .directive(plan.directive) : .plan(plan.directive, plan.basis.unit)
        guard let bytes = try read(path, commit) else {
            throw LedgerError.internalFailure("the basis \(path.path) of \(plan.unit)'s plan is missing at \(commit)")
        }
        let value = try parse(bytes, path)
        switch plan.basis.kind {
        case .directive:
            return try Directive(json: value, at: .root).clauses
        case .plan:
            return try Plan(json: value, at: .root).clauses.map { var c = $0; c.derivedFrom = nil; return c }
        }
    }

    static func parse(_ bytes: [UInt8], _ path: RecordPath) throws -> JSONValue {
        do { return try JSONParser.parse(bytes) } catch {
            throw LedgerError.internalFailure("the record \(path.path) is not valid JSON (\(error))")
        }
    }
}
