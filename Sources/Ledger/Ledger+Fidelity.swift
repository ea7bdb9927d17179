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

/// A plan read against its basis or the directive, in the JSON shape of `docs/events.md`.
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
    /// records are read in parts on a thread per core, each with a repository handle of its own from
    /// the ledger's pool.
    public func view(at commit: ObjectID) throws -> LedgerView {
        try viewAndVersions(at: commit).view
    }

    /// The view, and the blob of each plan with the blob of its basis at its basis commit.
    func viewAndVersions(at commit: ObjectID) throws -> (view: LedgerView, versions: [DirectiveID: [UnitID: PlanVersion]]) {
        // The folders of records a view reads (actors and checkpoints are not), each cut into at
        // least 16 subtrees a thread (500 of 20 units each for 10,000 units), each listed and read by
        // whichever thread is free, with its own handle: plans cost several times what other records
        // do, and a unit's plan and progress file are read together. The blobs met above the
        // subtrees are one more piece.
        let (subtrees, above) = try repository.listingPieces(inCommit: commit, folders: ["directives/", "units/", "findings/"],
                                                             pieces: 16 * Parallel.threads)
        let ledger = try repository.blobID(at: RecordPath.ledger.path, inCommit: commit)
        let top = above + (ledger.map { [(RecordPath.ledger.path, $0)] } ?? [])
        let parts = try Parallel.runs(of: 1 + subtrees.count, size: 1, minimum: 0, borrowingFrom: repositories,
                                      state: { RecordReader(repository: $0) }) { reader, piece in
            var part = ViewPart()
            func read(_ path: String, _ blob: ObjectID) throws {
                if let kind = RecordPath(path: path) { try reader.read(kind, blob, into: &part) }
            }
            let n = piece.lowerBound
            if n == 0 {
                for (path, blob) in top { try read(path, blob) }
            } else {
                // Each record is read as soon as its folder is listed, often from the same read of the pack.
                try reader.repository.forEachBlob(inTree: subtrees[n - 1].tree, prefix: subtrees[n - 1].prefix, read)
            }
            return part
        }
        return ViewPart.assemble(parts)
    }

    /// The formalism indicators as of the end of `asOf` (default: now), read from the ledger as it was then.
    public func flags(asOf: Day? = nil) throws -> [Flag] {
        try flags(at: resolve(at: asOf?.description), spec: asOf?.description)
    }

    /// The formalism indicators at the point in history `spec` names (a date or a commit, as `--at`; default: now):
    /// only those of `unit` and the units below it, about `directive`, of `kinds`, where given. What `luoshi flags` lists.
    public func flags(at spec: String?, unit: UnitID? = nil, directive: DirectiveID? = nil, kinds: Set<FlagKind>? = nil) throws -> [Flag] {
        try flags(at: resolve(at: spec), spec: spec).filter { f in
            (unit.map { f.unit.isWithin($0) } ?? true) && (directive.map { f.directive == $0 } ?? true) && (kinds?.contains(f.kind) ?? true)
        }
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

    /// The chain of plans from the top level down to `unit`'s plan at `commit`, top first, each
    /// parent's plan as the unit below it adopted it (see `AdoptedChains`).
    private func planChain(_ directive: DirectiveID, _ unit: UnitID, at commit: ObjectID) throws -> [PlanContext] {
        guard let blob = try repository.blobID(at: RecordPath.plan(directive, unit).path, inCommit: commit) else {
            throw LedgerError.notFound("\(unit) has no plan for \(directive)\(try record(.directive(directive), at: commit) == nil ? " (no such directive)" : "")")
        }
        var chains = AdoptedChains(directive: directive, repository: repository, plans: [:], versions: [:])
        return try chains.chain(of: unit, at: blob)
    }

    /// Reads a unit's plan against its basis, or against the directive through every level between.
    public func diff(directive: DirectiveID, unit: UnitID, against: DiffAgainst = .basis, at spec: String? = nil) throws -> DiffReport {
        let commit = try resolve(at: spec)
        let chain = try planChain(directive, unit, at: commit)
        let plan = chain.last!.plan
        let current = try record(.directive(directive), at: commit).map { try Directive(json: $0, at: .root) }
        let behind = max(0, (current?.version ?? plan.basis.version) - plan.basis.version)
        let flags = try self.flags(at: commit, spec: spec).filter { $0.unit == unit && $0.directive == directive }
        switch against {
        case .basis:
            let reading = chain.last!.ownDiff
            return DiffReport(directive: directive, unit: unit, against: plan.basis.kind, againstUnit: plan.basis.unit,
                              againstVersion: plan.basis.version, behind: behind, reading: reading, flags: flags)
        case .directive:
            let reading = Fidelity.chain(chain)
            return DiffReport(directive: directive, unit: unit, against: .directive, againstUnit: chain[0].plan.basis.unit,
                              againstVersion: chain[0].plan.basis.version, behind: behind, reading: reading.cumulative, flags: flags)
        }
    }

    /// Every hop from the directive down to `unit`, with the cumulative change.
    public func chain(directive: DirectiveID, unit: UnitID, at spec: String? = nil) throws -> ChainReport {
        let chain = try planChain(directive, unit, at: resolve(at: spec))
        let reading = Fidelity.chain(chain)
        return ChainReport(directive: directive, unit: unit, units: chain.map(\.plan.unit), hops: reading.hops, cumulative: reading.cumulative)
    }
}

/// The records of one part of a view.
/// Reads the records of a view on one thread, with its own repository handle and the caches its
/// plans share: clause lists read once, basis versions, and readings of the same plan against the same basis.
private struct RecordReader {
    let repository: Repository
    let diffs = DiffCache()
    var basisCache: [LedgerReader.BasisKey: [Clause]] = [:]
    var planDecoder = PlanDecoder()

    init(repository: Repository) { self.repository = repository }

    /// Reads one record into `part`; a plan is read against its basis too, here, on a thread per
    /// core, since every reader of a view needs each plan's own reading.
    mutating func read(_ kind: RecordPath, _ blob: ObjectID, into part: inout ViewPart) throws {
        let bytes = try repository.blob(blob)
        func value() throws -> JSONValue { try LedgerReader.parse(bytes, kind) }
        do {
            switch kind {
            case .ledger: part.policy = try LedgerInfo(json: value(), at: .root).policy
            // Units and progress files, the most numerous, are scanned from their bytes when they can be.
            case .unit(let u): part.units.append((u, try LedgerModel.Unit.scanned(bytes) ?? LedgerModel.Unit(json: value(), at: .root)))
            case .directive(let d): part.directives.append((d, try Directive(json: value(), at: .root)))
            case .plan(let d, let u):
                // Plans go through the decoder, which reads the clause lists they share once.
                let plan = try LedgerReader.plan(bytes, kind, decoder: &planDecoder)
                let (basisBlob, basis) = try LedgerReader.basis(of: plan, repository: repository, decoder: &planDecoder, cache: &basisCache)
                part.planKeys.append((d, u, PlanVersion(blob: blob, basisBlob: basisBlob)))
                part.plans.append(PlanContext(plan: plan, basisClauses: basis, progress: nil,
                                              knownDiff: diffs.diff(basis: basis, plan: plan.clauses, exemptions: plan.exemptions)))
            case .progress(let d, let u):
                let progress = try LedgerModel.Progress.scanned(bytes) ?? LedgerModel.Progress(json: value(), at: .root)
                // A unit's progress file is listed right after its plan, so almost always in the same run.
                if let last = part.planKeys.last, last.directive == d, last.unit == u {
                    part.plans[part.plans.count - 1].progress = progress
                } else {
                    part.progress.append((d, u, progress))
                }
            case .finding(let f): part.findings.append((f, try Finding(json: value(), at: .root)))
            case .actor, .checkpoint: break
            }
        } catch let e as ValidationError {
            throw LedgerError.internalFailure("the record \(kind.path) is invalid (\(e)); run `luoshi verify`")
        }
    }
}

/// The records one run of a view's listing holds, in listing order.
private struct ViewPart {
    var units: [(UnitID, LedgerModel.Unit)] = []
    var directives: [(DirectiveID, Directive)] = []
    /// Each plan's directive, unit and version, and beside them the plans read against their basis.
    var planKeys: [(directive: DirectiveID, unit: UnitID, version: PlanVersion)] = []
    var plans: [PlanContext] = []
    /// Progress files whose plan is not in this run (or that have no plan).
    var progress: [(DirectiveID, UnitID, LedgerModel.Progress)] = []
    var findings: [(FindingID, Finding)] = []
    var policy: Policy?

    /// The view the parts make together, and each plan's version. Every path is listed once, so no
    /// key is in two parts; the dictionaries are made at their final size.
    static func assemble(_ parts: consuming [ViewPart]) -> (view: LedgerView, versions: [DirectiveID: [UnitID: PlanVersion]]) {
        // Owned here alone, so that the plans can be moved out of it.
        var parts = parts
        var units = [UnitID: LedgerModel.Unit](minimumCapacity: parts.reduce(0) { $0 + $1.units.count })
        var directives: [DirectiveID: Directive] = [:]
        var findings: [FindingID: Finding] = [:]
        var policy: Policy?
        var perDirective: [DirectiveID: Int] = [:]
        for part in parts {
            for (u, unit) in part.units { units[u] = unit }
            for (d, directive) in part.directives { directives[d] = directive }
            for (f, finding) in part.findings { findings[f] = finding }
            for key in part.planKeys { perDirective[key.directive, default: 0] += 1 }
            if let p = part.policy { policy = p }
        }
        var plans = perDirective.mapValues { [UnitID: PlanContext](minimumCapacity: $0) }
        var versions = perDirective.mapValues { [UnitID: PlanVersion](minimumCapacity: $0) }
        // Plans are moved out of the parts, not copied: copying one retains each of its strings and arrays.
        for n in parts.indices {
            while let context = parts[n].plans.popLast(), let key = parts[n].planKeys.popLast() {
                plans[key.directive]![key.unit] = context
                versions[key.directive]![key.unit] = key.version
            }
        }
        for part in parts {
            for (d, u, progress) in part.progress { plans[d]?[u]?.progress = progress }
        }
        return (LedgerView(policy: policy ?? Policy(), units: units, directives: directives, plans: plans, findings: findings), versions)
    }
}

/// A plan's blob, and the blob of its basis (the directive or the parent's plan) at its basis commit.
struct PlanVersion: Sendable, Hashable {
    var blob: ObjectID
    var basisBlob: ObjectID?
}

/// The chains of one directive's plans from the top level down, each parent's plan as the unit below
/// it adopted it. That is the parent's current plan unless the parent changed or re-adopted since;
/// then the version at the child's basis commit is read from git. Chains share their upper parts,
/// which are read once.
struct AdoptedChains {
    let directive: DirectiveID
    let repository: Repository
    /// The current plans and their versions.
    let plans: [UnitID: PlanContext]
    let versions: [UnitID: PlanVersion]
    /// Chains by the blob of their last plan.
    private var chains: [ObjectID: [PlanContext]] = [:]
    /// For reading earlier versions of plans.
    private var decoder = PlanDecoder()
    private var basisCache: [LedgerReader.BasisKey: [Clause]] = [:]

    init(directive: DirectiveID, repository: Repository, plans: [UnitID: PlanContext], versions: [UnitID: PlanVersion]) {
        self.directive = directive; self.repository = repository; self.plans = plans; self.versions = versions
    }

    /// The chain down to `unit`'s current plan, top first.
    mutating func chain(_ unit: UnitID) throws -> [PlanContext] {
        guard let context = plans[unit], let version = versions[unit] else {
            throw LedgerError.internalFailure("\(unit) has no plan for \(directive)")
        }
        return try chain(context, version, depth: 0)
    }

    /// The chain down to `unit`'s plan as it is in `blob`, top first.
    mutating func chain(of unit: UnitID, at blob: ObjectID) throws -> [PlanContext] {
        let (context, version) = try read(blob, of: unit)
        return try chain(context, version, depth: 0)
    }

    private mutating func chain(_ context: PlanContext, _ version: PlanVersion, depth: Int) throws -> [PlanContext] {
        if let known = chains[version.blob] { return known }
        guard context.plan.basis.kind == .plan else { return [context] }
        guard depth <= UnitID.maxDepth else { throw LedgerError.internalFailure("the plans of \(directive) derive from each other in a loop") }
        let parent = context.plan.basis.unit
        guard let parentBlob = version.basisBlob else {
            throw LedgerError.internalFailure("\(context.plan.unit)'s plan for \(directive) derives from \(parent), which had no plan then; run `luoshi verify`")
        }
        let up: [PlanContext]
        if let current = plans[parent], let currentVersion = versions[parent], currentVersion.blob == parentBlob {
            up = try chain(current, currentVersion, depth: depth + 1)
        } else {
            let (adopted, adoptedVersion) = try read(parentBlob, of: parent)
            up = try chain(adopted, adoptedVersion, depth: depth + 1)
        }
        let whole = up + [context]
        chains[version.blob] = whole
        return whole
    }

    /// A plan as it was, from its blob, read against its basis.
    private mutating func read(_ blob: ObjectID, of unit: UnitID) throws -> (PlanContext, PlanVersion) {
        let plan: Plan
        let basis: (blob: ObjectID?, clauses: [Clause])
        do {
            plan = try LedgerReader.plan(repository.blob(blob), .plan(directive, unit), decoder: &decoder)
            basis = try LedgerReader.basis(of: plan, repository: repository, decoder: &decoder, cache: &basisCache)
        } catch let e as ValidationError {
            throw LedgerError.internalFailure("an earlier plan of \(unit) for \(directive) (blob \(blob.hex)) is invalid (\(e)); run `luoshi verify`")
        }
        return (PlanContext(plan: plan, basisClauses: basis.clauses, progress: nil,
                            knownDiff: Fidelity.diff(basis: basis.clauses, plan: plan.clauses, exemptions: plan.exemptions)),
                PlanVersion(blob: blob, basisBlob: basis.blob))
    }
}

/// The reporting burden of every unit at a point in history, against the policy's limit.
public struct BurdenReport: Sendable {
    /// The policy's `maxReportsPerMonth` in force then.
    public var limit: Double
    /// The directives issued by then, in id order: the columns.
    public var directives: [DirectiveID]
    /// Every registered unit, heaviest first (then by id).
    public var units: [Burden]
}

extension Ledger {
    /// What each unit owes a month to the directives issued by `spec` (a day or a commit; now when
    /// nil), as the `burden` flag counts it.
    public func burden(at spec: String? = nil) throws -> BurdenReport {
        let commit = try resolve(at: spec)
        let view = try view(at: commit)
        let day = try spec.flatMap { try? Day($0) } ?? (spec == nil ? Timestamp.now.utcDay : Timestamp(seconds: repository.commit(commit).committer.time).utcDay)
        let issued = view.directives.values.filter { $0.issued <= day }
        let units = Indicators.burdens(view, directives: issued).values.sorted { ($0.total, $1.unit.rawValue) > ($1.total, $0.unit.rawValue) }
        return BurdenReport(limit: view.policy.maxReportsPerMonth, directives: issued.map(\.id).sorted(), units: units)
    }
}
