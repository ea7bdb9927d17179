import GitStore
import LedgerModel

/// Reads records as they were at a commit.
enum LedgerReader {
    /// The blob of a plan's basis (the directive, or the parent's plan) at the commit the plan records;
    /// nil when there is none there. A plan of format version 2 names it; for one of version 1 it is
    /// looked up in that commit's tree.
    static func basisBlob(of plan: Plan, repository: Repository) throws -> ObjectID? {
        if let recorded = plan.basis.blob { return ObjectID(hex: recorded) }
        return try lookUpBasisBlob(of: plan, repository: repository)
    }

    /// The blob at the basis path in the basis commit's tree, whatever the plan records.
    static func lookUpBasisBlob(of plan: Plan, repository: Repository) throws -> ObjectID? {
        try ObjectID(hex: plan.basis.commit).flatMap { try repository.blobID(at: basisPath(of: plan).path, inCommit: $0) }
    }

    /// Basis clauses by the kind and blob of the basis record.
    struct BasisKey: Hashable { var kind: Basis.Kind; var blob: ObjectID }

    /// The blob of a plan's basis at the commit the plan records, and the basis clauses in it. Children
    /// adopting from one parent plan at different commits mostly read the same blob: `cache` keeps each
    /// blob's clauses, and `decoder` shares clause lists.
    static func basis(of plan: Plan, repository: Repository, decoder: inout PlanDecoder,
                      cache: inout [BasisKey: [Clause]]) throws -> (blob: ObjectID?, clauses: [Clause]) {
        guard let blob = try basisBlob(of: plan, repository: repository) else {
            return (nil, try basisClauses(of: plan, repository: repository))   // throws, naming what is missing
        }
        let key = BasisKey(kind: plan.basis.kind, blob: blob)
        if let known = cache[key] { return (blob, known) }
        let bytes: [UInt8]
        do { bytes = try repository.blob(blob) } catch let error as GitError {
            throw LedgerError.internalFailure("the basis blob \(blob.hex) of \(plan.unit)'s plan for \(plan.directive) cannot be read (\(error)); run `luoshi verify`")
        }
        let clauses = try basisClauses(of: plan, from: bytes, decoder: &decoder)
        cache[key] = clauses
        return (blob, clauses)
    }

    /// The basis clauses a plan was adopted against, read at the commit the plan records.
    static func basisClauses(of plan: Plan, repository: Repository) throws -> [Clause] {
        try basisClauses(of: plan) { path, commit in try repository.blob(at: path.path, inCommit: commit) }
    }

    /// The same, reading through `read` (a transaction reads commits it has not written yet).
    static func basisClauses(of plan: Plan, read: (RecordPath, ObjectID) throws -> [UInt8]?) throws -> [Clause] {
        var decoder = PlanDecoder()
        return try basisClauses(of: plan, from: basisBytes(of: plan, read: read), decoder: &decoder)
    }

    /// The bytes of the basis record at the commit the plan records, read through `read`.
    static func basisBytes(of plan: Plan, read: (RecordPath, ObjectID) throws -> [UInt8]?) throws -> [UInt8] {
        guard let commit = ObjectID(hex: plan.basis.commit) else {
            throw LedgerError.internalFailure("the plan of \(plan.unit) for \(plan.directive) names no valid basis commit")
        }
        let path = basisPath(of: plan)
        guard let bytes = try read(path, commit) else {
            throw LedgerError.internalFailure("the basis \(path.path) of \(plan.unit)'s plan is missing at \(commit)")
        }
        return bytes
    }

    /// The basis clauses in the bytes of the basis record (the directive, or the parent's plan, as adopted).
    static func basisClauses(of plan: Plan, from bytes: [UInt8], decoder: inout PlanDecoder) throws -> [Clause] {
        let path = basisPath(of: plan)
        switch plan.basis.kind {
        case .directive:
            return try Directive(json: parse(bytes, path), at: .root).clauses
        case .plan:
            return try self.plan(bytes, path, decoder: &decoder).clauses.map(\.asBasis)
        }
    }

    /// Where a plan's basis record lives: the directive, or the parent's plan.
    static func basisPath(of plan: Plan) -> RecordPath {
        plan.basis.kind == .directive ? .directive(plan.directive) : .plan(plan.directive, plan.basis.unit)
    }

    /// A plan read through `decoder`, which shares clause lists between plans.
    static func plan(_ bytes: [UInt8], _ path: RecordPath, decoder: inout PlanDecoder) throws -> Plan {
        do { return try decoder.plan(bytes) } catch let error as JSONSyntaxError {
            throw LedgerError.internalFailure("the record \(path.path) is not valid JSON (\(error))")
        }
    }

    static func parse(_ bytes: [UInt8], _ path: RecordPath) throws -> JSONValue {
        do { return try JSONParser.parse(bytes) } catch {
            throw LedgerError.internalFailure("the record \(path.path) is not valid JSON (\(error))")
        }
    }
}
