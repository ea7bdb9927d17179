import Dispatch
import Fidelity
import Foundation
import GitStore
import LedgerModel

/// Which text a plan is read against.
public enum DiffAgainst: String, Sendable, CaseIterable {
    /// What the unit adopted from: the directive or its parent's plan, as it was then.
    case basis
    /// The directive itself, through every level in between.
    case directive
}

/// A plan read against its basis or the directive, in the JSON shape of `EVENTS.md`.
public struct DiffReport: Sendable, JSONWritable {
    public var directive: DirectiveID
    public var unit: UnitID
    public var against: Basis.Kind
    public var againstUnit: UnitID
    public var againstVersion: Int
    /// Directive versions issued since the basis the plan was built on.
    public var behind: Int
    public var reading: PlanDiff
    public var flags: [Flag]

    public var json: JSONValue {
        .object([
            "directive": directive.json, "unit": unit.json,
            "against": .object(["kind": against.json, "unit": againstUnit.json, "version": .integer(Int64(againstVersion))]),
            "clauses": reading.clauses.json,
            "added": reading.added.json,
            "flags": flags.json,
            "summary": .object(["classes": reading.summary, "behind": .integer(Int64(behind)), "clauses": .integer(Int64(reading.clauses.count))]),
        ])
    }
}


/// Every hop from the directive down to a unit, and the cumulative reading.
public struct ChainReport: Sendable, JSONWritable {
    public var directive: DirectiveID
    public var unit: UnitID
    /// The units whose plans make the hops, top first.
    public var units: [UnitID]
    public var hops: [PlanDiff]
    public var cumulative: PlanDiff

    public var json: JSONValue {
        .object([
            "directive": directive.json, "unit": unit.json,
            "hops": .array(zip(units, hops).map { unit, hop in
                var o = hop.json.objectValue ?? [:]
                o["unit"] = unit.json
                return .object(o)
            }),
            "cumulative": cumulative.json,
        ])
    }
}

extension Ledger {
    /// Everything the indicators read, as of a commit.
    ///
    /// Reading and parsing the records is most of the cost of status, flags and the report, so the
    /// records are read in parts on a thread per core, each with its own repository handle.
    public func view(at commit: ObjectID) throws -> LedgerView {
        let blobs = try repository.listBlobs(inCommit: commit, under: "").compactMap { (path, blob) -> (RecordPath, ObjectID)? in
            switch RecordPath(path: path) {
            case nil, .actor, .checkpoint: nil
            case let kind?: (kind, blob)
            }
        }
        let parts = blobs.count < 256 ? 1 : max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        let results = ViewParts(count: parts)
        let path = repository.path
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            results.set(part, Result {
                var records = ViewRecords()
                let repository = try Repository.open(at: path)
                // Every parts-th record: plans and progress files alternate with units in path order.
                for index in stride(from: part, to: blobs.count, by: parts) {
                    try records.read(blobs[index].0, blobs[index].1, from: repository)
                }
                return records
            })
        }
        var all = ViewRecords()
        for part in 0..<parts { all.merge(try results.get(part)) }
        for (d, byUnit) in all.progress {
            for (u, p) in byUnit { all.plans[d]?[u]?.progress = p }
        }
        return LedgerView(policy: all.resolvedPolicy, units: all.units, directives: all.directives, plans: all.plans, findings: all.findings)
    }

    /// The formalism indicators as of the end of `asOf` (default: now), read from the ledger as it was then.
    public func flags(asOf: Day? = nil) throws -> [Flag] {
        try flags(at: resolve(at: asOf?.description), spec: asOf?.description)
    }

    /// The indicators at a commit `--at` named: as of the end of a date, the time of a named
    /// commit, or now when nothing was named.
    private func flags(at commit: ObjectID, spec: String?) throws -> [Flag] {
        let now: Timestamp
        if let spec, let day = try? Day(spec) {
            now = Timestamp(seconds: day.endSeconds - 1)
        } else if spec != nil {
            now = Timestamp(seconds: try repository.commit(commit).committer.time)
        } else {
            now = .now
        }
        return Indicators.flags(try view(at: commit), now: now)
    }

    private func requirePlan(_ directive: DirectiveID, _ unit: UnitID, at commit: ObjectID) throws -> Plan {
        guard let value = try record(.plan(directive, unit), at: commit) else {
            throw LedgerError.usage("\(unit) has no plan for \(directive)\(try record(.directive(directive), at: commit) == nil ? " (no such directive)" : "")")
        }
        return try Plan(json: value, at: .root)
    }

    /// The chain of plans from the top level down to `unit`, top first.
    private func planChain(_ directive: DirectiveID, _ unit: UnitID, at commit: ObjectID) throws -> [Plan] {
        var chain = [try requirePlan(directive, unit, at: commit)]
        while chain[0].basis.kind == .plan {
            chain.insert(try requirePlan(directive, chain[0].basis.unit, at: commit), at: 0)
            if chain.count > UnitID.maxDepth + 1 { throw LedgerError.internalFailure("the plans of \(directive) derive from each other in a loop") }
        }
        return chain
    }

    /// Reads a unit's plan against its basis, or against the directive through every level between.
    public func diff(directive: DirectiveID, unit: UnitID, against: DiffAgainst = .basis, at spec: String? = nil) throws -> DiffReport {
        let commit = try resolve(at: spec)
        let chain = try planChain(directive, unit, at: commit)
        let plan = chain.last!
        let current = try record(.directive(directive), at: commit).map { try Directive(json: $0, at: .root) }
        let behind = max(0, (current?.version ?? plan.basis.version) - plan.basis.version)
        let flags = try self.flags(at: commit, spec: spec).filter { $0.unit == unit && $0.directive == directive }
        switch against {
        case .basis:
            let reading = Fidelity.diff(basis: try LedgerReader.basisClauses(of: plan, repository: repository), plan: plan.clauses,
                                        exemptions: plan.exemptions)
            return DiffReport(directive: directive, unit: unit, against: plan.basis.kind, againstUnit: plan.basis.unit,
                              againstVersion: plan.basis.version, behind: behind, reading: reading, flags: flags)
        case .directive:
            let reading = try chainReading(chain)
            return DiffReport(directive: directive, unit: unit, against: .directive, againstUnit: chain[0].basis.unit,
                              againstVersion: chain[0].basis.version, behind: behind, reading: reading.cumulative, flags: flags)
        }
    }

    /// Every hop from the directive down to `unit`, with the cumulative change.
    public func chain(directive: DirectiveID, unit: UnitID, at spec: String? = nil) throws -> ChainReport {
        let chain = try planChain(directive, unit, at: resolve(at: spec))
        let reading = try chainReading(chain)
        return ChainReport(directive: directive, unit: unit, units: chain.map(\.unit), hops: reading.hops, cumulative: reading.cumulative)
    }

    private func chainReading(_ chain: [Plan]) throws -> ChainReading {
        let hops = try chain.map { plan in
            ChainHop(unit: plan.unit, basis: try LedgerReader.basisClauses(of: plan, repository: repository), plan: plan.clauses,
                     exemptions: plan.exemptions)
        }
        return Fidelity.chain(hops)
    }
}

/// The records of one part of a view.
private struct ViewRecords {
    var units: [UnitID: LedgerModel.Unit] = [:]
    var directives: [DirectiveID: Directive] = [:]
    var plans: [DirectiveID: [UnitID: PlanContext]] = [:]
    var progress: [DirectiveID: [UnitID: LedgerModel.Progress]] = [:]
    var findings: [FindingID: Finding] = [:]
    var policy: Policy?
    /// Basis clauses by the basis record's blob: children adopting from one parent plan at different
    /// commits mostly read the same blob, and parsing it is the cost.
    var basisCache: [String: [Clause]] = [:]

    mutating func read(_ kind: RecordPath, _ blob: ObjectID, from repository: Repository) throws {
        let value = try LedgerReader.parse(repository.blob(blob), kind)
        do {
            switch kind {
            case .ledger: policy = try LedgerInfo(json: value, at: .root).policy
            case .unit(let u): units[u] = try LedgerModel.Unit(json: value, at: .root)
            case .directive(let d): directives[d] = try Directive(json: value, at: .root)
            case .plan(let d, let u):
                let plan = try Plan(json: value, at: .root)
                let basisPath: RecordPath = plan.basis.kind == .directive ? .directive(d) : .plan(d, plan.basis.unit)
                let basisBlob = try ObjectID(hex: plan.basis.commit).flatMap { try repository.blobID(at: basisPath.path, inCommit: $0) }
                let key = "\(plan.basis.kind.rawValue) \(basisBlob?.hex ?? plan.basis.commit)"
                let basis = try basisCache[key] ?? LedgerReader.basisClauses(of: plan, repository: repository)
                basisCache[key] = basis
                plans[d, default: [:]][u] = PlanContext(plan: plan, basisClauses: basis, progress: nil)
            case .progress(let d, let u): progress[d, default: [:]][u] = try LedgerModel.Progress(json: value, at: .root)
            case .finding(let f): findings[f] = try Finding(json: value, at: .root)
            case .actor, .checkpoint: break
            }
        } catch let e as ValidationError {
            throw LedgerError.internalFailure("the record \(kind.path) is invalid (\(e)); run `luoshi verify`")
        }
    }

    mutating func merge(_ other: ViewRecords) {
        units.merge(other.units) { a, _ in a }
        directives.merge(other.directives) { a, _ in a }
        for (d, byUnit) in other.plans { plans[d, default: [:]].merge(byUnit) { a, _ in a } }
        for (d, byUnit) in other.progress { progress[d, default: [:]].merge(byUnit) { a, _ in a } }
        findings.merge(other.findings) { a, _ in a }
        if let p = other.policy { policy = p }
    }

    var resolvedPolicy: Policy { policy ?? Policy() }
}

/// The results of the parts of a view, filled in from several threads.
private final class ViewParts: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<ViewRecords, any Error>?]

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func set(_ part: Int, _ result: Result<ViewRecords, any Error>) {
        lock.lock(); defer { lock.unlock() }
        results[part] = result
    }

    func get(_ part: Int) throws -> ViewRecords {
        lock.lock(); defer { lock.unlock() }
        return try results[part]!.get()
    }
}
