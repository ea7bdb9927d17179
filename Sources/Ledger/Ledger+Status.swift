import Fidelity
import GitStore
import LedgerModel

/// Whether a unit has a plan for a directive, and whether it carries the directive's current version.
public enum AdoptionState: String, Sendable, JSONEnum {
    case adopted
    case notAdopted = "not-adopted"
    /// Adopted, but from a basis carrying an older version of the directive than the one in force.
    case behind
}

/// One cell of the status matrix: how a unit carries one directive clause, and what it last reported on it.
public struct StatusCell: Sendable, Hashable, JSONWritable {
    /// The directive's clause id (the column).
    public var clause: ClauseID
    /// The unit's own id for the clause; nil when it is omitted or the unit has no plan.
    public var planClause: ClauseID?
    /// The cumulative reading against the directive; nil when the unit has no plan, or adopted a
    /// version of the directive without this clause.
    public var fidelity: FidelityClass?
    /// For an omitted clause: an exemption was declared, and approved.
    public var declared: Bool
    public var approved: Bool
    /// The latest report on the unit's clause; nil when nothing was reported.
    public var report: Report?
    /// The first target of the unit's clause, whose reported value the cell shows.
    public var target: Target?

    public init(clause: ClauseID, planClause: ClauseID? = nil, fidelity: FidelityClass? = nil, declared: Bool = false,
                approved: Bool = false, report: Report? = nil, target: Target? = nil) {
        self.clause = clause; self.planClause = planClause; self.fidelity = fidelity; self.declared = declared
        self.approved = approved; self.report = report; self.target = target
    }

    /// The value the latest report gives for the first target's metric.
    public var value: Double? { target.flatMap { report?.values[$0.metric] } }

    /// `{"class", "planClause", "declared", "approved", "progress"}`; `progress` is null when nothing was
    /// reported, else `{"status", "at", "metric", "value", "unit"}` (metric, value and unit null without a target
    /// or a reported value).
    public var json: JSONValue {
        var progress = JSONValue.null
        if let report {
            progress = .object([
                "status": report.status.json, "at": report.at.json,
                "metric": target?.metric.json ?? .null, "value": value?.json ?? .null,
                "unit": target?.unit?.json ?? .null,
            ])
        }
        return .object([
            "class": fidelity?.json ?? .null, "planClause": planClause?.json ?? .null,
            "declared": .bool(declared), "approved": .bool(approved), "progress": progress,
        ])
    }
}

/// One row of the status matrix: a unit in the directive's scope (or with a plan for it).
public struct StatusRow: Sendable, Hashable, JSONWritable {
    public var unit: UnitID
    public var level: String?
    public var adoption: AdoptionState
    /// The directive version the unit's plan was built on; nil when not adopted.
    public var basisVersion: Int?
    /// Where the unit adopted from: the issuer for the directive itself, else the ancestor whose plan it took.
    public var basisUnit: UnitID?
    /// One cell per column of the matrix, in column order.
    public var cells: [StatusCell]
    /// The unit's plan clauses no directive clause reaches (added at this level or above).
    public var added: [ClauseID]
    /// Flags raised against the unit about this directive or about no directive (e.g. `burden`), by kind.
    public var flags: [FlagKind: Int]

    public init(unit: UnitID, level: String?, adoption: AdoptionState, basisVersion: Int?, basisUnit: UnitID?,
                cells: [StatusCell], added: [ClauseID], flags: [FlagKind: Int]) {
        self.unit = unit; self.level = level; self.adoption = adoption; self.basisVersion = basisVersion
        self.basisUnit = basisUnit; self.cells = cells; self.added = added; self.flags = flags
    }

    public var flagTotal: Int { flags.values.reduce(0, +) }

    public var json: JSONValue {
        .object([
            "unit": unit.json, "level": level?.json ?? .null, "adoption": adoption.json,
            "basisVersion": basisVersion.map { .integer(Int64($0)) } ?? .null,
            "basisUnit": basisUnit?.json ?? .null,
            "clauses": .object(Dictionary(cells.map { ($0.clause.rawValue, $0.json) }, uniquingKeysWith: { a, _ in a })),
            "added": added.json,
            "flags": .object([
                "total": .integer(Int64(flagTotal)),
                "byKind": .object(Dictionary(uniqueKeysWithValues: flags.map { ($0.key.rawValue, JSONValue.integer(Int64($0.value))) })),
            ]),
        ])
    }
}

/// Units × clauses of one directive: the matrix a supervisor starts from.
///
/// JSON shape (stable; keys sorted on output):
/// ```
/// {"directive": "D-2019-01", "title": "...", "version": 1, "issuer": "cn", "commit": "<40 hex>", "asOf": "2020-01-31" | null,
///  "clauses": ["1", "2", ...],                       column order: the directive's clauses, then ids only older versions had
///  "units": [{"unit": "cn/east", "level": "province", "adoption": "adopted" | "not-adopted" | "behind",
///             "basisVersion": 1 | null, "basisUnit": "cn" | null, "added": ["8"],
///             "flags": {"total": 8, "byKind": {"adapted": 3, ...}},
///             "clauses": {"1": {"class": "weakened" | ... | null, "planClause": "1" | null, "declared": false, "approved": false,
///                               "progress": null | {"status": "done", "at": "...", "metric": "..." | null, "value": 31 | null, "unit": "%" | null}},
///                         ...}}, ...]}
/// ```
public struct StatusMatrix: Sendable, Hashable, JSONWritable {
    public var directive: DirectiveID
    public var title: String
    public var version: Int
    public var issuer: UnitID
    public var issued: Day
    /// The commit the matrix was read at, and the day it was read as of (nil: now).
    public var commit: String
    public var asOf: Day?
    /// The columns: the directive's clause ids, then any basis ids only an older version had.
    public var clauses: [ClauseID]
    /// Units sorted by id, so each unit's subtree follows it.
    public var rows: [StatusRow]

    public var json: JSONValue {
        .object([
            "directive": directive.json, "title": title.json, "version": .integer(Int64(version)), "issuer": issuer.json,
            "issued": issued.json, "commit": commit.json, "asOf": asOf?.json ?? .null,
            "clauses": clauses.json, "units": .array(rows.map(\.json)),
        ])
    }
}

extension StatusMatrix {
    /// The canonical encoding of `{"matrices": [json of each]}`, written as it goes: the status of
    /// thousands of units is tens of megabytes, and building it as one `JSONValue` first costs more
    /// than reading the ledger. The same bytes as `CanonicalJSON.encode` of that value.
    public static func encodeJSON(_ matrices: [StatusMatrix]) -> [UInt8] {
        var all: [UInt8] = []
        writeJSON(matrices) { all.append(contentsOf: $0) }
        return all
    }

    /// The same bytes, handed to `output` in pieces as they are written, so that the whole never
    /// needs to be in memory at once.
    public static func writeJSON(_ matrices: [StatusMatrix], to output: ([UInt8]) -> Void) {
        var w = CanonicalJSON.Writer(capacity: 1 << 16)
        w.beginObject()
        w.key("matrices")
        w.beginArray()
        for m in matrices { m.write(to: &w, output: output) }
        w.endArray()
        w.endObject()
        w.finish()
        output(w.take())
    }

    /// `json`, written member by member in key order; the rows go to `output` as they are written.
    func write(to w: inout CanonicalJSON.Writer, output: ([UInt8]) -> Void) {
        w.beginObject()
        w.key("asOf"); w.value(asOf?.json ?? .null)
        w.key("clauses"); w.value(clauses.json)
        w.key("commit"); w.value(commit.json)
        w.key("directive"); w.value(directive.json)
        w.key("issued"); w.value(issued.json)
        w.key("issuer"); w.value(issuer.json)
        w.key("title"); w.value(title.json)
        w.key("units")
        w.beginArray()
        output(w.take())
        // Every row writes its cells in the same order, worked out once.
        let order = Self.keyOrder(clauses)
        // Rows are written a batch at a time, each batch in a part per thread, so that only a few
        // megabytes are held at once.
        let batch = 4000
        for start in stride(from: 0, to: rows.count, by: batch) {
            let base = w
            let count = min(batch, rows.count - start)
            let written = Parallel.runs(of: count, size: (count + Parallel.threads - 1) / Parallel.threads, minimum: 1000) { run in
                var items = base.itemsWriter(afterItems: start + run.lowerBound > 0, capacity: run.count * 1024)
                var cells = StatusCell.Written()
                for row in rows[start + run.lowerBound..<start + run.upperBound] {
                    // Rows the matrix reader builds have a cell per column, in column order; any other
                    // row works out its own order.
                    let aligned = row.cells.count == clauses.count && zip(row.cells, clauses).allSatisfy { $0.clause == $1 }
                    row.write(to: &items, cellOrder: aligned ? order : Self.keyOrder(row.cells.map(\.clause)), cells: &cells)
                }
                return items
            }
            for items in written {
                output(items.bytes)
                w.follow(items: items)
            }
        }
        w.endArray()
        w.key("version"); w.integer(Int64(version))
        w.endObject()
    }

    /// The positions of `columns` in the order a row's `clauses` object lists them: each id once
    /// (the first, were one repeated, as in `json`), sorted by UTF-8 bytes.
    static func keyOrder(_ columns: [ClauseID]) -> [Int] {
        var seen = Set<ClauseID>()
        return columns.indices.filter { seen.insert(columns[$0]).inserted }
            .sorted { CanonicalJSON.utf8Precedes(columns[$0].rawValue, columns[$1].rawValue) }
    }
}

extension StatusRow {
    /// Flag kinds in the order the `byKind` object lists them.
    private static let kindOrder = FlagKind.allCases.sorted { CanonicalJSON.utf8Precedes($0.rawValue, $1.rawValue) }

    /// `json`, written member by member; `cellOrder` is `StatusMatrix.keyOrder` of the row's cells' columns.
    func write(to w: inout CanonicalJSON.Writer, cellOrder: [Int], cells written: inout StatusCell.Written) {
        w.beginObject()
        w.key("added")
        w.beginArray()
        for id in added { w.string(id.rawValue) }
        w.endArray()
        w.key("adoption"); w.string(adoption.rawValue)
        w.key("basisUnit"); if let basisUnit { w.string(basisUnit.rawValue) } else { w.null() }
        w.key("basisVersion"); if let basisVersion { w.integer(Int64(basisVersion)) } else { w.null() }
        w.key("clauses")
        w.beginObject()
        for n in cellOrder {
            w.key(text: cells[n].clause.rawValue)
            written.write(cells[n], to: &w)
        }
        w.endObject()
        w.key("flags")
        w.beginObject()
        w.key("byKind")
        w.beginObject()
        if !flags.isEmpty {
            for kind in Self.kindOrder {
                if let count = flags[kind] { w.key(text: kind.rawValue); w.integer(Int64(count)) }
            }
        }
        w.endObject()
        w.key("total"); w.integer(Int64(flagTotal))
        w.endObject()
        w.key("level"); if let level { w.string(level) } else { w.null() }
        w.key("unit"); w.string(unit.rawValue)
        w.endObject()
    }
}

extension StatusCell {
    /// Cells written before, by their shape: most cells of a matrix (a clause carried as it came,
    /// nothing reported) are the same bytes row after row. For the rows of one writer, whose cells
    /// all sit at the same depth.
    struct Written {
        private struct Shape: Hashable {
            var clause: ClauseID
            var fidelity: FidelityClass?
            var declared, approved, carried: Bool
        }
        private var bytes: [Shape: [UInt8]] = [:]

        /// Writes `cell` as a member's value: bytes written before for a cell of its shape, or written out and kept.
        mutating func write(_ cell: StatusCell, to w: inout CanonicalJSON.Writer) {
            // A cell with a report, or whose unit renamed the clause, is written out each time.
            guard cell.report == nil, cell.planClause == nil || cell.planClause == cell.clause else { return cell.write(to: &w) }
            let shape = Shape(clause: cell.clause, fidelity: cell.fidelity, declared: cell.declared, approved: cell.approved,
                              carried: cell.planClause != nil)
            if let known = bytes[shape] { return w.memberValue(written: known) }
            let start = w.bytes.count
            cell.write(to: &w)
            bytes[shape] = Array(w.bytes[start...])
        }
    }

    func write(to w: inout CanonicalJSON.Writer) {
        w.beginObject()
        w.key("approved"); w.bool(approved)
        w.key("class"); if let fidelity { w.string(fidelity.rawValue) } else { w.null() }
        w.key("declared"); w.bool(declared)
        w.key("planClause"); if let planClause { w.string(planClause.rawValue) } else { w.null() }
        w.key("progress")
        if let report {
            w.beginObject()
            w.key("at"); w.value(report.at.json)
            w.key("metric"); if let metric = target?.metric { w.string(metric) } else { w.null() }
            w.key("status"); w.string(report.status.rawValue)
            w.key("unit"); if let unit = target?.unit { w.string(unit) } else { w.null() }
            w.key("value"); w.value(value?.json ?? .null)
            w.endObject()
        } else {
            w.null()
        }
        w.endObject()
    }
}

extension Ledger {
    /// The status matrix of one directive, or of every directive when `directive` is nil, as of the end of
    /// `asOf` (default: now), optionally only for the units within `under`.
    ///
    /// Each cell is the cumulative reading of the unit's plan against the directive (what the unit finally
    /// carries, through every level between, as `diff --against directive` reads it) and the unit's latest
    /// report on its clause. The ledger is read once, at one commit; flags are the indicators at that commit.
    /// `at` names the point in history as `--at` does (a date or a commit), and wins over `asOf`.
    public func status(directive: DirectiveID? = nil, under: UnitID? = nil, asOf: Day? = nil, at spec: String? = nil) throws -> [StatusMatrix] {
        let point = try pointInHistory(spec ?? asOf?.description)
        let (commit, now, asOf) = (point.commit, point.now, point.day)
        let (view, versions) = try viewAndVersions(at: commit)
        if let directive, view.directives[directive] == nil {
            let known = view.directives.keys.sorted().map(\.rawValue)
            throw LedgerError.notFound("--directive \(directive): no such directive in this ledger\(asOf.map { " on \($0)" } ?? "")"
                + (known.isEmpty ? "; it has none yet" : "; it has \(known.joined(separator: ", "))"))
        }
        if let under, view.units[under] == nil {
            throw LedgerError.notFound("--under \(under): no such unit in this ledger; `luoshi show` or `git ls-tree -r main units/` lists them")
        }
        // Flags are counted in pieces, on the threads that read the first matrix's chains as they
        // become free, so that neither waits for the other to finish.
        var flagCounts = FlagCounting.pieces(Indicators.countingPieces(view, now: now, directive: directive,
                                                                       planParts: 2 * Parallel.threads))
        let ids = directive.map { [$0] } ?? view.directives.keys.sorted()
        let matrices = try ids.compactMap { id -> StatusMatrix? in
            guard let d = view.directives[id] else { return nil }
            return try StatusReader(view: view, directive: d, now: now, repositories: repositories, versions: versions[id] ?? [:])
                .matrix(under: under, commit: commit.hex, asOf: asOf, flagCounts: &flagCounts)
        }
        // The rows share what they show with the view; the rest of it is let go of (freed on another
        // thread while the rows are written, or left to the process's end, as the configuration says).
        Parallel.release(consume view, freeing: configuration.freesViews)
        // Under a subtree, directives that reach none of it are left out unless one was asked for.
        return under == nil || directive != nil ? matrices : matrices.filter { !$0.rows.isEmpty }
    }
}

/// The flag counts of a view: the pieces that count them, until the first matrix has run them.
private enum FlagCounting {
    case pieces([@Sendable () -> Indicators.Counts])
    case counted(Indicators.Counts)
}

/// Reads one directive's matrix out of a view: the units' chains in runs handed to a thread per core,
/// each thread reading every ancestor's chain once.
private struct StatusReader: Sendable {
    let view: LedgerView
    let directive: Directive
    let now: Timestamp
    let plans: [UnitID: PlanContext]
    let repositories: RepositoryPool
    let versions: [UnitID: PlanVersion]

    init(view: LedgerView, directive: Directive, now: Timestamp, repositories: RepositoryPool, versions: [UnitID: PlanVersion]) {
        self.view = view; self.directive = directive; self.now = now; self.repositories = repositories; self.versions = versions
        // A plan adopted after `now` (a backdated commit read as of an earlier day) is not adopted yet.
        plans = Indicators.adopted(view.plans[directive.id] ?? [:], by: now)
    }

    /// `flagCounts`: the flags of each unit by directive (nil: about no directive), or the pieces
    /// that count them, which this matrix runs beside its chains and replaces by their counts.
    func matrix(under: UnitID?, commit: String, asOf: Day?, flagCounts: inout FlagCounting) throws -> StatusMatrix {
        // Rows: every unit the directive reaches (the issuer owes no plan), and any unit that holds a
        // plan; worked out by the first thread free, while another starts counting flags.
        let rowUnits = Once { () -> (all: [UnitID], planned: [UnitID]) in
            var rowUnits = Set(view.units.values.filter { directive.scope.includes($0) && $0.id != directive.issuer }.map(\.id))
            rowUnits.formUnion(plans.keys)
            if let under { rowUnits = rowUnits.filter { $0.isWithin(under) } }
            let units = rowUnits.sorted()
            return (units, units.filter { plans.index(forKey: $0) != nil })
        }

        // Tasks for a thread per core: the row units, the flag counting pieces not run yet (the largest
        // first), then the chains 256 units at a time (as many runs as there are plans: under a
        // subtree, the last are empty). Each thread keeps the chains it has read (their upper parts are
        // shared) and, for units carrying the same clauses, their reading against the directive.
        enum Done { case units, counts(Indicators.Counts), readings([PlanDiff]) }
        let counting: [@Sendable () -> Indicators.Counts]
        if case .pieces(let waiting) = flagCounts { counting = waiting } else { counting = [] }
        let runSize = 256
        let chainRuns = (plans.count + runSize - 1) / runSize
        let done = try Parallel.runs(of: 1 + counting.count + chainRuns, size: 1, minimum: 0, borrowingFrom: repositories, state: { repository in
            (chains: AdoptedChains(directive: directive.id, repository: repository, plans: view.plans[directive.id] ?? [:], versions: versions),
             cache: DiffCache())
        }) { state, task -> Done in
            let n = task.lowerBound
            if n == 0 { _ = rowUnits.value; return .units }
            if n <= counting.count { return .counts(counting[n - 1]()) }
            let planned = rowUnits.value.planned
            let first = (n - 1 - counting.count) * runSize
            let run = min(planned.count, first)..<min(planned.count, first + runSize)
            return .readings(try run.map { Fidelity.chain(try state.chains.chain(planned[$0]), cache: state.cache).cumulative })
        }
        let (units, planned) = rowUnits.value
        var cumulative: [PlanDiff] = [], counted: [Indicators.Counts] = []
        cumulative.reserveCapacity(planned.count)
        for result in done {
            switch result {
            case .units: break
            case .counts(let c): counted.append(c)
            case .readings(let r): cumulative.append(contentsOf: r)
            }
        }
        let counts: Indicators.Counts
        switch flagCounts {
        case .pieces:
            counts = Indicators.adding(counted)
            flagCounts = .counted(counts)
        case .counted(let known):
            counts = known
        }
        var columns = directive.clauses.map(\.id)
        var seen = Set(columns)
        for reading in cumulative {
            for n in reading.clauses.indices where !seen.contains(reading.clauses[n].basisId) {
                seen.insert(reading.clauses[n].basisId); columns.append(reading.clauses[n].basisId)
            }
        }
        let readings = Dictionary(uniqueKeysWithValues: zip(planned, cumulative))
        let columnIDs = columns
        let flags = { @Sendable (unit: UnitID) in
            (counts[directive.id]?[unit] ?? [:]).merging(counts[nil]?[unit] ?? [:], uniquingKeysWith: +)
        }
        let rows = Parallel.runs(of: units.count, size: runSize, minimum: 500) { run in
            run.map { row(units[$0], reading: readings[units[$0]], columns: columnIDs, flags: flags(units[$0])) }
        }.flatMap { $0 }
        return StatusMatrix(directive: directive.id, title: directive.title, version: directive.version, issuer: directive.issuer,
                            issued: directive.issued, commit: commit, asOf: asOf, clauses: columns, rows: rows)
    }

    /// A unit's row: each column's class and latest report, from the unit's reading against the directive.
    private func row(_ unit: UnitID, reading: PlanDiff?, columns: [ClauseID], flags: [FlagKind: Int]) -> StatusRow {
        let level = view.units[unit]?.level
        guard let context = plans[unit], let reading else {
            return StatusRow(unit: unit, level: level, adoption: .notAdopted, basisVersion: nil, basisUnit: nil,
                             cells: columns.map { StatusCell(clause: $0) }, added: [], flags: flags)
        }
        let plan = context.plan
        // A plan has a handful of clauses and reports: scanning them costs less than hashing them.
        let reports = (context.progress?.reports ?? []).filter { $0.at.seconds <= now.seconds }
        let cells = columns.map { column -> StatusCell in
            guard let r = reading.clauses.first(where: { $0.basisId == column }) else { return StatusCell(clause: column) }
            let carried = r.plan ?? r.basis
            return StatusCell(clause: column, planClause: r.id, fidelity: r.fidelity, declared: r.declared, approved: r.approved,
                              report: r.id.flatMap { id in reports.last { $0.clause == id } }, target: carried.targets.first)
        }
        return StatusRow(unit: unit, level: level, adoption: plan.basis.version < directive.version ? .behind : .adopted,
                         basisVersion: plan.basis.version, basisUnit: plan.basis.unit, cells: cells,
                         added: reading.added.map(\.id), flags: flags)
    }
}
