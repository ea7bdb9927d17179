import Fidelity
import GitStore
import LedgerModel

/// One step of a plan's story: the unit's own change of its plan, a change of what it was given
/// (an amendment of the directive, an edit of the parent's plan), or a step of a finding against it.
public struct PlanHistoryEvent: Sendable, JSONWritable {
    public enum Kind: String, Sendable, JSONEnum {
        /// The unit wrote its plan: `class`, `changes` and `text` read the clause against the basis then.
        case plan
        /// The basis changed: the directive was amended, or the parent edited its plan.
        case basis
        /// A finding against the unit on this directive was opened, rectified, closed or acted on.
        case finding
    }

    public var kind: Kind
    public var entry: HistoryEntry
    /// The record the commit changed.
    public var path: String
    /// For a plan event: the class of the clause (or, for the whole plan, how many clauses of each
    /// class) against the basis the plan records at that point, and what changed it.
    public var fidelity: FidelityClass?
    public var counts: [FidelityClass: Int]?
    /// For a plan event of the whole plan: the clauses (by basis id) whose reading this version changed, and their class now.
    public var changedClauses: [(clause: ClauseID, fidelity: FidelityClass)] = []
    public var changes: [FieldChange]
    /// The clause's text after the change (the plan's own for a plan event, the basis's for a basis event).
    public var text: String?
    /// For a plan event, what the plan was read against: its basis kind, unit and directive version.
    public var basis: Basis?
    /// For a basis event of a directive, its version after the change.
    public var version: Int?

    public var json: JSONValue {
        jsonObject([
            "kind": kind, "commit": entry.commit.hex, "time": entry.time, "actor": entry.actor, "signature": entry.signature,
            "action": entry.trailers.action, "subject": entry.subject, "path": path, "finding": entry.trailers.finding,
            "class": fidelity, "counts": counts.map { c in JSONValue.object(Dictionary(uniqueKeysWithValues: c.map { ($0.key.rawValue, JSONValue.integer(Int64($0.value))) })) },
            "changes": kind == .plan && fidelity != nil ? changes.json : nil, "text": text,
            "changedClauses": counts == nil ? nil : JSONValue.array(changedClauses.map { jsonObject(["clause": $0.clause, "class": $0.fidelity]) }),
            "basis": basis.map { jsonObject(["kind": $0.kind, "unit": $0.unit, "version": $0.version]) }, "version": version,
        ])
    }
}

/// Every change of one clause of a unit's plan (or of the whole plan) over time.
public struct PlanHistory: Sendable, JSONWritable {
    public var directive: DirectiveID
    public var unit: UnitID
    public var clause: ClauseID?
    public var events: [PlanHistoryEvent]

    public var json: JSONValue {
        jsonObject(["directive": directive, "unit": unit, "clause": clause, "events": JSONValue.array(events.map(\.json))])
    }
}

extension Ledger {
    /// The story of a unit's plan for a directive, or of one clause of it: every version the unit
    /// wrote, read against the basis it recorded then; between them, the basis's own changes (that
    /// clause's, when one is asked for) and the steps of findings against the unit on the directive.
    /// Oldest first. `history` gives the versions: the index, or a walk of every commit.
    public func planHistory(directive: DirectiveID, unit: UnitID, clause: ClauseID? = nil,
                            history: (any HistorySource)? = nil) throws -> PlanHistory {
        let source = history ?? walkedHistory
        let planPath = RecordPath.plan(directive, unit)
        let planVersions = try source.versions(of: planPath.path)
        guard let firstPlan = planVersions.first else { throw LedgerError.notFound("\(unit) has no plan for \(directive)") }
        var events: [(position: Int, event: PlanHistoryEvent)] = []

        // The unit's own versions; for a clause, those that changed it or its reading.
        var basisPaths: [String: RecordPath] = [:]
        var previous: (clause: Clause?, reading: ClauseReading?)?
        var basisIDs = Set<ClauseID>()
        var previousReadings: [ClauseID: ClauseReading] = [:]
        var seenClause = clause == nil
        for version in planVersions {
            guard let blob = version.blob else { continue }
            let plan = try Plan(json: LedgerReader.parse(repository.blob(blob), planPath), at: .root)
            let basisPath = LedgerReader.basisPath(of: plan)
            basisPaths[basisPath.path] = basisPath
            let diff = Fidelity.diff(basis: try LedgerReader.basisClauses(of: plan, repository: repository),
                                     plan: plan.clauses, exemptions: plan.exemptions)
            var event = PlanHistoryEvent(kind: .plan, entry: version.entry, path: planPath.path, changes: [],
                                         basis: plan.basis)
            if let clause {
                let reading = diff.clauses.first { $0.id == clause } ?? diff.clauses.first { $0.basisId == clause && $0.id == nil }
                let own = plan.clauses.first { $0.id == clause }
                guard reading != nil || own != nil else {
                    // The clause left the plan (and its basis): say so once.
                    guard let last = previous, last.clause != nil || last.reading != nil else { continue }
                    previous = (nil, nil)
                    events.append((version.position, event))
                    continue
                }
                seenClause = true
                if let reading { basisIDs.insert(reading.basisId) }
                if let previous, previous.clause == own, previous.reading?.fidelity == reading?.fidelity,
                   previous.reading?.changes == reading?.changes { continue }
                previous = (own, reading)
                event.fidelity = reading?.fidelity ?? (own != nil ? .strengthened : nil)
                event.changes = reading?.changes ?? []
                event.text = own?.text
            } else {
                var counts: [FidelityClass: Int] = [:]
                for r in diff.clauses { counts[r.fidelity, default: 0] += 1 }
                event.counts = counts
                for r in diff.clauses {
                    let before = previousReadings[r.basisId]
                    if before?.fidelity != r.fidelity || before?.changes != r.changes { event.changedClauses.append((r.basisId, r.fidelity)) }
                }
                previousReadings = Dictionary(diff.clauses.map { ($0.basisId, $0) }, uniquingKeysWith: { a, _ in a })
            }
            events.append((version.position, event))
        }
        if let clause, !seenClause {
            throw LedgerError.usage("no clause \(clause) in any version of \(unit)'s plan for \(directive)")
        }
        return PlanHistory(directive: directive, unit: unit, clause: clause,
                           events: try merged(events, basisPaths, basisIDs, firstPlan, directive, unit, source))
    }

    /// The plan's events with the basis's changes since the unit adopted it and the findings' steps, in history order.
    private func merged(_ planEvents: [(position: Int, event: PlanHistoryEvent)], _ basisPaths: [String: RecordPath],
                        _ basisIDs: Set<ClauseID>, _ firstPlan: RecordVersion, _ directive: DirectiveID, _ unit: UnitID,
                        _ source: any HistorySource) throws -> [PlanHistoryEvent] {
        var events = planEvents
        let clauseOnly = !basisIDs.isEmpty
        for (pathText, path) in basisPaths.sorted(by: { $0.key < $1.key }) {
            var previous: Clause??
            for version in try source.versions(of: pathText) {
                let clauses: [Clause]
                var directiveVersion: Int?
                if let blob = version.blob {
                    let value = try LedgerReader.parse(repository.blob(blob), path)
                    if case .directive = path {
                        let d = try Directive(json: value, at: .root)
                        clauses = d.clauses
                        directiveVersion = d.version
                    } else {
                        clauses = try Plan(json: value, at: .root).clauses
                    }
                } else {
                    clauses = []
                }
                let counterpart = clauseOnly ? clauses.first { basisIDs.contains($0.id) } : nil
                defer { previous = .some(counterpart) }
                // Only what changed after the unit first adopted; for a clause, only that clause's changes.
                guard version.position > firstPlan.position else { continue }
                if clauseOnly, let previous, previous == counterpart { continue }
                events.append((version.position, PlanHistoryEvent(kind: .basis, entry: version.entry, path: pathText, changes: [],
                                                                  text: counterpart?.text, version: directiveVersion)))
            }
        }
        // Findings against this unit on this directive, each step.
        var findings = Set<FindingID>()
        for entry in try source.log(HistoryFilter(unit: unit, directive: directive)) where entry.trailers.unit == unit {
            if let f = entry.trailers.finding { findings.insert(f) }
        }
        for finding in findings.sorted() {
            let path = RecordPath.finding(finding).path
            for version in try source.versions(of: path) {
                events.append((version.position, PlanHistoryEvent(kind: .finding, entry: version.entry, path: path, changes: [])))
            }
        }
        return events.sorted { $0.position < $1.position }.map(\.event)
    }
}
