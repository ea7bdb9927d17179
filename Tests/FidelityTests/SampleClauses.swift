import Foundation
import LedgerModel
@testable import Fidelity

/// Builders for the clauses the diff tests read, and the burden-2019 scenario replayed into plans.
enum Sample {
    static func day(_ text: String) -> Day { try! Day(text) }

    static func clause(_ id: ClauseID, _ text: String, _ modality: Modality = .must, targets: [Target] = [],
                       deadline: String? = nil, evidence: EvidenceRequirement = .outcome, localize: Bool = false,
                       derivedFrom: ClauseID? = nil) -> Clause {
        Clause(id: id, text: text, modality: modality, targets: targets, deadline: deadline.map(day),
               evidence: evidence, localize: localize, derivedFrom: derivedFrom)
    }

    static func atLeast(_ metric: String, _ value: Double) -> Target { Target(metric: metric, op: .atLeast, value: value, unit: "%") }
    static func atMost(_ metric: String, _ value: Double) -> Target { Target(metric: metric, op: .atMost, value: value) }

    /// A copy of `c` changed by `edit`.
    static func edited(_ c: Clause, _ edit: (inout Clause) -> Void) -> Clause {
        var copy = c
        edit(&copy)
        return copy
    }

    static let approval = Approval(by: "central.inspector", at: try! Timestamp("2019-09-10T09:00:00Z"), note: "Confirmed.")

    /// Seven clauses of different subjects, shaped like the burden directive.
    static let directive: [Clause] = [
        clause("1", "Cut the number of documents issued to lower levels by at least 30% compared with 2018.",
               targets: [atLeast("documents_cut_pct", 30)], deadline: "2019-12-31"),
        clause("2", "Keep every policy document issued at this level to at most 10 pages.",
               targets: [atMost("document_pages", 10)], deadline: "2019-06-30"),
        clause("3", "Do not issue implementing rules that only restate a higher-level document.", .mustNot, evidence: .any),
        clause("4", "Cut the number of meetings convened for lower levels by at least 30%.",
               targets: [atLeast("meetings_cut_pct", 30)], deadline: "2019-12-31"),
        clause("5", "Cut inspection, assessment and evaluation items imposed on lower levels by at least 50%.",
               targets: [atLeast("inspections_cut_pct", 50)], deadline: "2019-12-31"),
        clause("6", "Collect routine statistics from grassroots units through a single consolidated form.", .should,
               targets: [atMost("report_forms", 1)], deadline: "2019-09-30"),
        clause("7", "Set up a channel through which grassroots staff can report excessive burdens, designed for local conditions.",
               deadline: "2019-06-30", localize: true),
    ]

    static func classes(_ diff: PlanDiff) -> [String: FidelityClass] {
        Dictionary(uniqueKeysWithValues: diff.clauses.map { ($0.basisId.rawValue, $0.fidelity) })
    }
}

/// The burden-2019 scenario, replayed far enough to know every plan and the basis it was adopted from.
struct BurdenScenario {
    struct PlanState {
        var from: UnitID
        var basis: [Clause]
        var clauses: [Clause]
        var exemptions: [Exemption]
    }

    var issuer: UnitID
    var directive: [Clause] = []
    var plans: [UnitID: PlanState] = [:]

    static let directory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scenarios")

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    init() throws {
        issuer = try UnitID("cn")
        // `load.sh` puts real keys where the scenario says ${KEY:<actor>}; a well-formed stand-in does here.
        var text = String(decoding: try Self.bytes("burden-2019.jsonl"), as: UTF8.self)
        while let start = text.range(of: "${KEY:"), let end = text[start.upperBound...].firstIndex(of: "}") {
            text.replaceSubrange(start.lowerBound...end, with: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5" + String(repeating: "A", count: 48) + " test")
        }
        for line in try EventFile.parse(Array(text.utf8), file: "burden-2019.jsonl") {
            switch line.event.action {
            case .issueDirective(let d):
                issuer = d.issuer
                directive = d.clauses
            case .adopt(let unit, _, let from, let clauses):
                let basis = from == issuer ? directive : plans[from]!.clauses
                plans[unit] = PlanState(from: from, basis: basis, clauses: clauses ?? basis, exemptions: [])
            case .editPlan(let unit, _, let clauses, let exemptions):
                plans[unit]!.clauses = clauses
                if let exemptions { plans[unit]!.exemptions = exemptions }
            case .approveExemption(let unit, _, let clause, let note):
                let index = plans[unit]!.exemptions.firstIndex { $0.clause == clause }!
                plans[unit]!.exemptions[index].approval = Approval(by: line.event.actor, at: line.event.at, note: note)
            default:
                break
            }
        }
    }

    /// The unit's plan against the basis it adopted.
    func diff(_ unit: UnitID) -> PlanDiff {
        let p = plans[unit]!
        return Fidelity.diff(basis: p.basis, plan: p.clauses, exemptions: p.exemptions)
    }

    /// The hops from the directive down to the unit.
    func hops(to unit: UnitID) -> [ChainHop] {
        var chain: [ChainHop] = []
        var current = unit
        while let p = plans[current] {
            chain.insert(ChainHop(unit: current, basis: p.basis, plan: p.clauses, exemptions: p.exemptions), at: 0)
            if p.from == issuer { break }
            current = p.from
        }
        return chain
    }
}
