import class Foundation.FileManager
import class Foundation.ProcessInfo
import struct Foundation.URL
import Testing
import LedgerModel
@testable import Fidelity

// MARK: - A small ledger to read

/// Central office `cn` issues D-1 to provinces and cities; `cn/a` is a province, `cn/a/x` a city below it,
/// `cn/b` a second province, `cn/a/x/t` a township (out of scope).
private struct Fixture {
    var policy = Policy()
    var units: [Unit] = [
        Unit(id: u("cn"), name: "Centre", level: "central"),
        Unit(id: u("cn/a"), name: "A Province", level: "province"),
        Unit(id: u("cn/b"), name: "B Province", level: "province"),
        Unit(id: u("cn/a/x"), name: "X City", level: "city"),
        Unit(id: u("cn/a/x/t"), name: "T Township", level: "township"),
    ]
    var directive: Directive
    var plans: [UnitID: PlanContext] = [:]
    var findings: [FindingID: Finding] = [:]
    var others: [Directive] = []

    init(every: String = "P1M") throws {
        directive = Directive(
            id: "D-1", title: "Lighter burdens", issuer: u("cn"), issued: try Day("2019-03-11"), version: 1,
            scope: Scope(units: [u("cn")], levels: ["province", "city"]), reporting: try Cadence(every: every),
            clauses: try baseClauses())
    }

    /// Adopts for `unit` from the directive (or from `from`'s plan), optionally with its own clauses.
    mutating func adopt(_ unit: String, from: String? = nil, clauses: [Clause]? = nil, exemptions: [Exemption] = [],
                        at: String = "2019-03-20T09:00:00Z") throws {
        let basis: [Clause]
        let kind: Basis.Kind
        if let from {
            basis = try #require(plans[u(from)]).plan.clauses
            kind = .plan
        } else {
            basis = directive.clauses
            kind = .directive
        }
        let plan = Plan(directive: directive.id, unit: u(unit),
                        basis: Basis(kind: kind, unit: u(from ?? "cn"), version: 1, commit: String(repeating: "0", count: 40)),
                        adopted: try Timestamp(at), clauses: clauses ?? basis, exemptions: exemptions)
        plans[u(unit)] = PlanContext(plan: plan, basisClauses: basis, progress: nil)
    }

    mutating func report(_ unit: String, _ clause: ClauseID, _ status: ProgressStatus, values: [String: Double] = [:],
                         evidence: [Evidence] = [], asOf: String? = nil, at: String) throws {
        var context = try #require(plans[u(unit)])
        let report = Report(clause: clause, status: status, values: values, evidence: evidence,
                            asOf: try asOf.map { try Day($0) }, at: try Timestamp(at), actor: "someone")
        var progress = context.progress ?? Progress(directive: directive.id, unit: u(unit), reports: [])
        progress.reports.append(report)
        context.progress = progress
        plans[u(unit)] = context
    }

    mutating func open(_ id: FindingID, unit: String, clause: ClauseID? = nil, due: String, at: String) throws {
        findings[id] = Finding(id: id, unit: u(unit), directive: directive.id, clause: clause, text: "Fix it.",
                               severity: .major, due: try Day(due), state: .open,
                               steps: [FindingStep(kind: .open, actor: "inspector", at: try Timestamp(at), text: "Fix it.")])
    }

    mutating func step(_ id: FindingID, _ kind: FindingStep.Kind, at: String, evidence: [Evidence]? = nil,
                       verdict: Verdict? = nil) throws {
        var f = try #require(findings[id])
        f.steps.append(FindingStep(kind: kind, actor: "someone", at: try Timestamp(at), text: "step", evidence: evidence,
                                   verdict: verdict))
        switch kind {
        case .rectify: f.state = .rectified
        case .close: f.state = verdict == .reopened ? .reopened : .closed
        default: break
        }
        findings[id] = f
    }

    var view: LedgerView {
        var directives = [directive.id: directive]
        for d in others { directives[d.id] = d }
        return LedgerView(policy: policy, units: Dictionary(uniqueKeysWithValues: units.map { ($0.id, $0) }),
                          directives: directives, plans: [directive.id: plans], findings: findings)
    }

    func flags(asOf: String, _ kind: FlagKind? = nil) throws -> [Flag] {
        let now = Timestamp(seconds: try Day(asOf).endSeconds)
        let all = Indicators.flags(view, now: now)
        #expect(Indicators.counts(view, now: now) == counted(all), "counts without details disagree with the flags")
        expectPiecesAddUp(view, now: now, to: counted(all))
        return kind.map { k in all.filter { $0.kind == k } } ?? all
    }
}

private func u(_ s: String) -> UnitID { try! UnitID(s) }

/// The counting pieces, run one by one in every order a caller's threads could finish them in
/// (here: forwards and backwards) and cut into any number of runs, add up to the flags' counts.
private func expectPiecesAddUp(_ view: LedgerView, now: Timestamp, directive: DirectiveID? = nil,
                               to expected: [DirectiveID?: [UnitID: [FlagKind: Int]]]) {
    for parts in [1, 2, 3, 7, 1000] {
        let counts = Indicators.countingPieces(view, now: now, directive: directive, planParts: parts).map { $0() }
        #expect(Indicators.adding(counts) == expected, "\(parts) runs of plans")
        #expect(Indicators.adding(counts.reversed()) == expected, "\(parts) runs of plans, added in reverse")
    }
}

/// Flags counted by directive, unit and kind, as `Indicators.counts` counts them.
private func counted(_ flags: [Flag]) -> [DirectiveID?: [UnitID: [FlagKind: Int]]] {
    var out: [DirectiveID?: [UnitID: [FlagKind: Int]]] = [:]
    for f in flags { out[f.directive, default: [:]][f.unit, default: [:]][f.kind, default: 0] += 1 }
    return out
}

private func baseClauses() throws -> [Clause] {
    [
        Clause(id: "1", text: "Cut documents issued to lower levels by at least 30%.", modality: .must,
               targets: [Target(metric: "documents_cut_pct", op: .atLeast, value: 30, unit: "%")],
               deadline: try Day("2019-12-31"), evidence: .outcome),
        Clause(id: "2", text: "Set up a channel for staff to report excessive burdens, designed for local conditions.",
               modality: .must, deadline: try Day("2019-06-30"), evidence: .outcome, localize: true),
        Clause(id: "3", text: "Do not issue rules that only restate a higher-level document.", modality: .mustNot,
               evidence: .any),
    ]
}

/// The base clauses with `change` applied to the one with `id`.
private func edited(_ id: ClauseID, _ change: (inout Clause) throws -> Void) throws -> [Clause] {
    try baseClauses().map { c in
        var c = c
        if c.id == id { try change(&c) }
        return c
    }
}

private func sha(_ n: Int) -> String {
    let hex = String(n, radix: 16)
    return String(repeating: "0", count: 64 - hex.count) + hex
}

private func outcome(_ n: Int) -> Evidence { Evidence(kind: .outcome, title: "Register \(n)", sha256: sha(n)) }

private func keys(_ flags: [Flag]) -> [String] {
    flags.map { "\($0.kind.rawValue) \($0.unit) \($0.clause?.rawValue ?? "-")" }
}

// MARK: - One suite per indicator

@Suite("not-adopted")
struct NotAdoptedTests {
    @Test("a province with no plan 30 days after issue is flagged, the city and the issuer too early or exempt are not")
    func flagsMissingPlans() throws {
        var f = try Fixture()
        try f.adopt("cn/a")
        let flags = try f.flags(asOf: "2019-04-11", .notAdopted)
        #expect(keys(flags) == ["not-adopted cn/a/x -", "not-adopted cn/b -"])
        #expect(flags.first?.detail["adoptBy"] == .string("2019-04-10"))
    }

    @Test("a province issuing to its own level and below owes no plan to itself")
    func issuerExempt() throws {
        var f = try Fixture()
        f.directive.issuer = u("cn/a")
        f.directive.scope = Scope(units: [u("cn/a")], levels: ["province", "city"])
        #expect(keys(try f.flags(asOf: "2019-05-01", .notAdopted)) == ["not-adopted cn/a/x -"])
    }

    @Test("within adoptWithinDays of issue nobody is late")
    func notBeforeTheWindowCloses() throws {
        let f = try Fixture()
        #expect(try f.flags(asOf: "2019-04-10", .notAdopted).isEmpty)
    }

    @Test("a plan adopted after the as-of day does not count yet")
    func laterAdoptionDoesNotCount() throws {
        var f = try Fixture()
        try f.adopt("cn/b", at: "2019-05-01T09:00:00Z")
        #expect(try f.flags(asOf: "2019-04-20", .notAdopted).contains { $0.unit == u("cn/b") })
        #expect(try !f.flags(asOf: "2019-05-01", .notAdopted).contains { $0.unit == u("cn/b") })
    }
}

@Suite("selective")
struct SelectiveTests {
    @Test("an omitted clause with no exemption is selective, declared false")
    func undeclaredOmission() throws {
        var f = try Fixture()
        try f.adopt("cn/a", clauses: Array(try baseClauses().dropLast()))
        let flags = try f.flags(asOf: "2019-04-01", .selective)
        #expect(keys(flags) == ["selective cn/a 3"])
        #expect(flags.first?.detail["declared"] == .bool(false))
    }

    @Test("a declared but unapproved exemption is still selective, declared true")
    func declaredOmission() throws {
        var f = try Fixture()
        try f.adopt("cn/a", clauses: Array(try baseClauses().dropLast()),
                    exemptions: [Exemption(clause: "3", reason: "We issue no rules.")])
        let flags = try f.flags(asOf: "2019-04-01", .selective)
        #expect(keys(flags) == ["selective cn/a 3"])
        #expect(flags.first?.detail["declared"] == .bool(true))
    }

    @Test("an approved exemption is not selective, but only from the day it was approved")
    func approvedOmission() throws {
        var f = try Fixture()
        let approval = Approval(by: "inspector", at: try Timestamp("2019-05-01T09:00:00Z"), note: nil)
        try f.adopt("cn/a", clauses: Array(try baseClauses().dropLast()),
                    exemptions: [Exemption(clause: "3", reason: "We issue no rules.", approval: approval)])
        #expect(try f.flags(asOf: "2019-05-01", .selective).isEmpty)
        #expect(try f.flags(asOf: "2019-04-30", .selective).count == 1)
    }
}

@Suite("adapted and escalated")
struct AdaptedEscalatedTests {
    @Test("a lowered target is adapted, with its change in the detail, and not escalated")
    func weakened() throws {
        var f = try Fixture()
        try f.adopt("cn/a", clauses: try edited("1") { $0.targets[0].value = 20 })
        let flags = try f.flags(asOf: "2019-04-01")
        #expect(keys(flags.filter { $0.kind == .adapted || $0.kind == .escalated }) == ["adapted cn/a 1"])
        let change = flags.first { $0.kind == .adapted }?.detail["changes"]?.arrayValue?.first
        #expect(change?["effect"] == .string("looser"))
        #expect(change?["to"]?.doubleValue == 20)
    }

    @Test("a city that inherits its province's weakening is not adapted itself")
    func inheritedWeakening() throws {
        var f = try Fixture()
        try f.adopt("cn/a", clauses: try edited("1") { $0.targets[0].value = 20 })
        try f.adopt("cn/a/x", from: "cn/a", at: "2019-04-01T09:00:00Z")
        let flags = try f.flags(asOf: "2019-04-02")
        #expect(!flags.contains { $0.unit == u("cn/a/x") && ($0.kind == .adapted || $0.kind == .escalated) })
        #expect(flags.contains { $0.unit == u("cn/a") && $0.kind == .adapted })
    }

    @Test("a raised target is escalated and not adapted")
    func strengthened() throws {
        var f = try Fixture()
        try f.adopt("cn/a", clauses: try edited("1") { $0.targets[0].value = 50 })
        let flags = try f.flags(asOf: "2019-04-01").filter { $0.kind == .adapted || $0.kind == .escalated }
        #expect(keys(flags) == ["escalated cn/a 1"])
    }

    @Test("a raised target with a later deadline is mixed: both adapted and escalated")
    func mixed() throws {
        var f = try Fixture()
        try f.adopt("cn/a", clauses: try edited("1") {
            $0.targets[0].value = 50
            $0.deadline = try Day("2020-03-31")
        })
        let flags = try f.flags(asOf: "2019-04-01").filter { $0.kind == .adapted || $0.kind == .escalated }
        #expect(keys(flags) == ["adapted cn/a 1", "escalated cn/a 1"])
    }

    @Test("an added obligation is escalated under its own plan id")
    func added() throws {
        var f = try Fixture()
        let extra = Clause(id: "9", text: "Report progress every week.", modality: .must, evidence: .activity)
        try f.adopt("cn/a", clauses: try baseClauses() + [extra])
        let flags = try f.flags(asOf: "2019-04-01", .escalated)
        #expect(keys(flags) == ["escalated cn/a 9"])
        #expect(flags.first?.detail["added"] == .bool(true))
    }

    @Test("a renumbered copy is matched by text: nothing omitted, nothing added")
    func renumbered() throws {
        var f = try Fixture()
        let letters: [ClauseID] = ["A", "B", "C"]
        try f.adopt("cn/a", clauses: zip(try baseClauses(), letters).map { c, id in
            var c = c
            c.id = id
            if id == "B" { c.text = "Hold a quarterly open day where township staff can raise excessive burdens directly." }
            return c
        })
        let flags = try f.flags(asOf: "2019-04-01")
        #expect(!flags.contains { [.selective, .adapted, .escalated, .notLocalized].contains($0.kind) }, "\(keys(flags))")
    }

    @Test("a faithful copy raises neither")
    func faithful() throws {
        var f = try Fixture()
        try f.adopt("cn/a")
        #expect(try f.flags(asOf: "2019-04-01").allSatisfy { $0.kind != .adapted && $0.kind != .escalated })
    }
}

@Suite("not-localized")
struct NotLocalizedTests {
    @Test("a clause the basis asks to localise, copied word for word, is not-localized")
    func copied() throws {
        var f = try Fixture()
        try f.adopt("cn/a")
        #expect(keys(try f.flags(asOf: "2019-04-01", .notLocalized)) == ["not-localized cn/a 2"])
    }

    @Test("changing only spacing, punctuation or case is still a copy")
    func cosmetic() throws {
        var f = try Fixture()
        try f.adopt("cn/a", clauses: try edited("2") {
            $0.text = "Set up a channel for staff to report excessive burdens , designed for local conditions"
        })
        #expect(keys(try f.flags(asOf: "2019-04-01", .notLocalized)) == ["not-localized cn/a 2"])
    }

    @Test("a rewritten localised clause is fine, and so is a copied clause that needs no localising")
    func rewritten() throws {
        var f = try Fixture()
        try f.adopt("cn/a", clauses: try edited("2") { $0.text = "Open a hotline staffed by the provincial inspection office." })
        #expect(try f.flags(asOf: "2019-04-01", .notLocalized).isEmpty)
    }

    @Test("a city copying its province's localised text has not localised it for itself")
    func copiedFromParent() throws {
        var f = try Fixture()
        try f.adopt("cn/a", clauses: try edited("2") { $0.text = "Open a hotline staffed by the provincial inspection office." })
        try f.adopt("cn/a/x", from: "cn/a", at: "2019-04-01T09:00:00Z")
        #expect(keys(try f.flags(asOf: "2019-04-02", .notLocalized)) == ["not-localized cn/a/x 2"])
    }
}

@Suite("what a done report claims")
struct DoneReportTests {
    @Test("done on an outcome clause with only a document and a meeting is paper-only")
    func paperOnly() throws {
        var f = try Fixture()
        try f.adopt("cn/a")
        try f.report("cn/a", "1", .done, values: ["documents_cut_pct": 35], evidence: [
            Evidence(kind: .document, title: "Notice", sha256: sha(1)),
            Evidence(kind: .meeting, title: "Mobilisation meeting", sha256: sha(2)),
        ], at: "2019-11-15T10:00:00Z")
        #expect(keys(try f.flags(asOf: "2019-11-20", .paperOnly)) == ["paper-only cn/a 1"])
    }

    @Test("activity evidence is enough where the clause asks for any evidence, and outcome evidence always is")
    func notPaperOnly() throws {
        var f = try Fixture()
        try f.adopt("cn/a")
        try f.report("cn/a", "3", .done, evidence: [Evidence(kind: .document, title: "Register", sha256: sha(1))],
                     at: "2019-05-20T10:00:00Z")
        try f.report("cn/a", "1", .done, values: ["documents_cut_pct": 35],
                     evidence: [Evidence(kind: .document, title: "Notice", sha256: sha(2)), outcome(3)],
                     at: "2019-11-15T10:00:00Z")
        #expect(try f.flags(asOf: "2019-11-20", .paperOnly).isEmpty)
    }

    @Test("done with no evidence at all is unverified-done; in progress without evidence is not")
    func unverified() throws {
        var f = try Fixture()
        try f.adopt("cn/a")
        try f.report("cn/a", "1", .done, values: ["documents_cut_pct": 61], at: "2019-10-01T10:00:00Z")
        try f.report("cn/a", "2", .inProgress, at: "2019-05-01T10:00:00Z")
        #expect(keys(try f.flags(asOf: "2019-10-02", .unverifiedDone)) == ["unverified-done cn/a 1"])
    }

    @Test("only the latest report on a clause counts: evidence sent later clears unverified-done")
    func latestCounts() throws {
        var f = try Fixture()
        try f.adopt("cn/a")
        try f.report("cn/a", "1", .done, values: ["documents_cut_pct": 61], at: "2019-10-01T10:00:00Z")
        try f.report("cn/a", "1", .done, values: ["documents_cut_pct": 61], evidence: [outcome(4)], at: "2019-10-05T10:00:00Z")
        #expect(try f.flags(asOf: "2019-10-10", .unverifiedDone).isEmpty)
        #expect(try f.flags(asOf: "2019-10-02", .unverifiedDone).count == 1)
    }

    @Test("done with a value below the plan's own target is target-missed, with metric and values")
    func targetMissed() throws {
        var f = try Fixture()
        try f.adopt("cn/a", clauses: try edited("1") { $0.targets[0].value = 20 })
        try f.report("cn/a", "1", .done, values: ["documents_cut_pct": 15], evidence: [outcome(5)], at: "2019-12-20T10:00:00Z")
        let flags = try f.flags(asOf: "2019-12-21", .targetMissed)
        #expect(keys(flags) == ["target-missed cn/a 1"])
        let missed = flags.first?.detail["missed"]?.arrayValue?.first
        #expect(missed?["target"]?.doubleValue == 20 && missed?["reported"]?.doubleValue == 15)
    }

    @Test("a value meeting the plan's own (lowered) target is not target-missed, nor is one still in progress")
    func targetMet() throws {
        var f = try Fixture()
        try f.adopt("cn/a", clauses: try edited("1") { $0.targets[0].value = 20 })
        try f.report("cn/a", "1", .done, values: ["documents_cut_pct": 25], evidence: [outcome(5)], at: "2019-12-20T10:00:00Z")
        try f.adopt("cn/b")
        try f.report("cn/b", "1", .inProgress, values: ["documents_cut_pct": 10], evidence: [outcome(6)], at: "2019-12-20T10:00:00Z")
        #expect(try f.flags(asOf: "2019-12-21", .targetMissed).isEmpty)
    }
}

@Suite("backdated")
struct BackdatedTests {
    @Test("asOf 106 days before the commit is backdated")
    func backdated() throws {
        var f = try Fixture()
        try f.adopt("cn/a")
        try f.report("cn/a", "1", .done, values: ["documents_cut_pct": 55], evidence: [outcome(1)], asOf: "2019-07-01",
                     at: "2019-10-15T10:00:00Z")
        let flags = try f.flags(asOf: "2019-10-16", .backdated)
        #expect(keys(flags) == ["backdated cn/a 1"])
        #expect(flags.first?.detail["reports"]?.arrayValue?.first?["days"] == .integer(106))
    }

    @Test("asOf exactly 14 days before is within the allowance; 15 days is not")
    func allowance() throws {
        var f = try Fixture()
        try f.adopt("cn/a")
        try f.report("cn/a", "1", .inProgress, evidence: [outcome(1)], asOf: "2019-10-01", at: "2019-10-15T23:00:00Z")
        #expect(try f.flags(asOf: "2019-10-16", .backdated).isEmpty)
        try f.report("cn/a", "2", .inProgress, evidence: [outcome(2)], asOf: "2019-09-30", at: "2019-10-15T23:00:00Z")
        #expect(keys(try f.flags(asOf: "2019-10-16", .backdated)) == ["backdated cn/a 2"])
    }
}

@Suite("deadline-rush")
struct DeadlineRushTests {
    @Test("two of three reports in the week before their clause's deadline is a rush")
    func rush() throws {
        var f = try Fixture()
        try f.adopt("cn/a")
        try f.report("cn/a", "2", .done, evidence: [outcome(1)], at: "2019-06-01T10:00:00Z")
        try f.report("cn/a", "1", .inProgress, evidence: [outcome(2)], at: "2019-12-24T10:00:00Z")
        try f.report("cn/a", "1", .done, values: ["documents_cut_pct": 31], evidence: [outcome(3)], at: "2019-12-31T23:00:00Z")
        let flags = try f.flags(asOf: "2020-01-31", .deadlineRush)
        #expect(keys(flags) == ["deadline-rush cn/a -"])
        #expect(flags.first?.detail["rushed"] == .integer(2))
        #expect(flags.first?.detail["reports"] == .integer(3))
    }

    @Test("half the reports in the window is below rushShare; one report alone never is a rush")
    func noRush() throws {
        var f = try Fixture()
        try f.adopt("cn/a")
        try f.report("cn/a", "1", .done, values: ["documents_cut_pct": 31], evidence: [outcome(3)], at: "2019-12-30T10:00:00Z")
        #expect(try f.flags(asOf: "2020-01-31", .deadlineRush).isEmpty)
        try f.adopt("cn/b")
        try f.report("cn/b", "2", .inProgress, evidence: [outcome(4)], at: "2019-05-01T10:00:00Z")
        try f.report("cn/b", "2", .done, evidence: [outcome(5)], at: "2019-06-29T10:00:00Z")
        try f.report("cn/b", "1", .inProgress, evidence: [outcome(6)], at: "2019-09-01T10:00:00Z")
        try f.report("cn/b", "1", .done, values: ["documents_cut_pct": 31], evidence: [outcome(7)], at: "2019-12-30T10:00:00Z")
        #expect(try f.flags(asOf: "2020-01-31", .deadlineRush).isEmpty)
    }

    @Test("reports on any clause in the week before another clause's deadline are a rush")
    func otherClausesDeadline() throws {
        var f = try Fixture()
        try f.adopt("cn/a")
        // Clause 2 is due on 2019-06-30; the unit reports on clauses 1 and 4, which are due at year's end.
        try f.report("cn/a", "1", .inProgress, evidence: [outcome(1)], at: "2019-06-25T10:00:00Z")
        try f.report("cn/a", "4", .inProgress, evidence: [outcome(2)], at: "2019-06-28T10:00:00Z")
        try f.report("cn/a", "5", .inProgress, evidence: [outcome(3)], at: "2019-04-01T10:00:00Z")
        let flags = try f.flags(asOf: "2019-07-31", .deadlineRush)
        #expect(keys(flags) == ["deadline-rush cn/a -"])
        let rushed = flags.first?.detail["rushedReports"]?.arrayValue ?? []
        #expect(rushed.map { $0["clause"] } == [.string("1"), .string("4")])
        #expect(rushed.allSatisfy { $0["deadline"] == .string("2019-06-30") && $0["deadlineOf"]?["clause"] == .string("2") })
    }

    @Test("reports in the week before a finding's due date are a rush; before it was opened they are not")
    func findingDue() throws {
        var f = try Fixture()
        try f.adopt("cn/a")
        try f.open("F-1", unit: "cn/a", due: "2019-05-15", at: "2019-04-20T09:00:00Z")
        try f.report("cn/a", "1", .inProgress, evidence: [outcome(1)], at: "2019-05-10T10:00:00Z")
        try f.report("cn/a", "5", .inProgress, evidence: [outcome(2)], at: "2019-05-14T10:00:00Z")
        try f.report("cn/a", "4", .inProgress, evidence: [outcome(3)], at: "2019-04-02T10:00:00Z")
        let flags = try f.flags(asOf: "2019-05-31", .deadlineRush)
        #expect(keys(flags) == ["deadline-rush cn/a -"])
        #expect(flags.first?.detail["rushedReports"]?.arrayValue?.allSatisfy { $0["deadlineOf"]?["finding"] == .string("F-1") } == true)
        // The same reports, with the finding opened after them: nothing to rush to.
        var g = try Fixture()
        try g.adopt("cn/a")
        try g.open("F-1", unit: "cn/a", due: "2019-05-15", at: "2019-05-14T12:00:00Z")
        try g.report("cn/a", "1", .inProgress, evidence: [outcome(1)], at: "2019-05-10T10:00:00Z")
        try g.report("cn/a", "5", .inProgress, evidence: [outcome(2)], at: "2019-05-14T10:00:00Z")
        try g.report("cn/a", "4", .inProgress, evidence: [outcome(3)], at: "2019-04-02T10:00:00Z")
        #expect(try g.flags(asOf: "2019-05-31", .deadlineRush).isEmpty)
        // A finding against another unit is not this unit's examination.
        var h = try Fixture()
        try h.adopt("cn/a")
        try h.adopt("cn/b")
        try h.open("F-1", unit: "cn/b", due: "2019-05-15", at: "2019-04-20T09:00:00Z")
        try h.report("cn/a", "1", .inProgress, evidence: [outcome(1)], at: "2019-05-10T10:00:00Z")
        try h.report("cn/a", "5", .inProgress, evidence: [outcome(2)], at: "2019-05-14T10:00:00Z")
        #expect(try h.flags(asOf: "2019-05-31", .deadlineRush).isEmpty)
    }

    @Test("a report after its clause's deadline is late, not rushed")
    func afterDeadline() throws {
        var f = try Fixture()
        try f.adopt("cn/a")
        try f.report("cn/a", "2", .done, evidence: [outcome(1)], at: "2019-07-01T10:00:00Z")
        try f.report("cn/a", "1", .done, values: ["documents_cut_pct": 31], evidence: [outcome(3)], at: "2019-12-30T10:00:00Z")
        #expect(try f.flags(asOf: "2020-01-31", .deadlineRush).isEmpty)
    }
}

@Suite("reused-evidence")
struct ReusedEvidenceTests {
    @Test("a hash another unit claimed first flags the later claim only")
    func otherUnit() throws {
        var f = try Fixture()
        try f.adopt("cn/a")
        try f.adopt("cn/b")
        try f.report("cn/a", "1", .done, values: ["documents_cut_pct": 55], evidence: [outcome(0x192)], at: "2019-10-15T10:00:00Z")
        try f.report("cn/b", "1", .done, values: ["documents_cut_pct": 56], evidence: [outcome(0x192)], at: "2019-11-02T10:00:00Z")
        let flags = try f.flags(asOf: "2019-12-01", .reusedEvidence)
        #expect(keys(flags) == ["reused-evidence cn/b 1"])
        let reuse = flags.first?.detail["reuses"]?.arrayValue?.first
        #expect(reuse?["earlier"]?["unit"] == .string("cn/a"))
        #expect(reuse?["sha256"] == .string(sha(0x192)))
    }

    @Test("the same hash on another clause of the same unit is reuse; on the same clause it is not")
    func sameUnit() throws {
        var f = try Fixture()
        try f.adopt("cn/a")
        try f.report("cn/a", "1", .inProgress, evidence: [outcome(7)], at: "2019-05-01T10:00:00Z")
        try f.report("cn/a", "1", .done, values: ["documents_cut_pct": 40], evidence: [outcome(7)], at: "2019-06-01T10:00:00Z")
        #expect(try f.flags(asOf: "2019-06-02", .reusedEvidence).isEmpty)
        try f.report("cn/a", "2", .done, evidence: [outcome(7)], at: "2019-06-03T10:00:00Z")
        #expect(keys(try f.flags(asOf: "2019-06-04", .reusedEvidence)) == ["reused-evidence cn/a 2"])
    }

    @Test("rectification evidence counts: reused in another unit's report, and reusing a report, with the finding named")
    func rectification() throws {
        var f = try Fixture()
        try f.adopt("cn/a")
        try f.adopt("cn/b")
        try f.open("F-1", unit: "cn/a", clause: "2", due: "2019-10-31", at: "2019-08-20T09:00:00Z")
        try f.step("F-1", .rectify, at: "2019-09-01T09:00:00Z", evidence: [outcome(0x259)])
        try f.report("cn/b", "2", .done, evidence: [outcome(0x259)], at: "2019-09-05T10:00:00Z")
        try f.report("cn/b", "1", .inProgress, evidence: [outcome(0x300)], at: "2019-09-06T10:00:00Z")
        try f.open("F-2", unit: "cn/a", due: "2019-12-31", at: "2019-09-10T09:00:00Z")
        try f.step("F-2", .rectify, at: "2019-09-12T09:00:00Z", evidence: [outcome(0x300)])
        let flags = try f.flags(asOf: "2019-09-30", .reusedEvidence)
        #expect(keys(flags) == ["reused-evidence cn/a -", "reused-evidence cn/b 2"])
        #expect(flags.first?.finding == "F-2")
    }

    @Test("a report may carry evidence its own unit first gave to rectify a finding on that clause")
    func rectifiedThenReported() throws {
        var f = try Fixture()
        try f.adopt("cn/a")
        try f.open("F-1", unit: "cn/a", clause: "2", due: "2019-10-31", at: "2019-08-20T09:00:00Z")
        try f.step("F-1", .rectify, at: "2019-09-01T09:00:00Z", evidence: [outcome(0x259)])
        try f.report("cn/a", "2", .done, evidence: [outcome(0x259)], at: "2019-09-05T10:00:00Z")
        #expect(try f.flags(asOf: "2019-09-30", .reusedEvidence).isEmpty)
    }
}

@Suite("stale and overdue")
struct StaleOverdueTests {
    @Test("a plan older than 90 days with nothing done and no report is stale")
    func stale() throws {
        var f = try Fixture()
        try f.adopt("cn/a", at: "2019-04-10T09:00:00Z")
        #expect(try f.flags(asOf: "2019-07-08", .stale).isEmpty)
        let flags = try f.flags(asOf: "2019-07-10", .stale)
        #expect(keys(flags) == ["stale cn/a -"])
        #expect(flags.first?.detail["notDone"]?.arrayValue?.count == 3)
    }

    @Test("a report within the last 90 days keeps a plan fresh; a finished plan is never stale")
    func notStale() throws {
        var f = try Fixture()
        try f.adopt("cn/a")
        try f.report("cn/a", "1", .inProgress, evidence: [outcome(1)], at: "2019-12-10T10:00:00Z")
        #expect(try f.flags(asOf: "2020-01-31", .stale).isEmpty)
        try f.adopt("cn/b")
        for c: ClauseID in ["1", "2", "3"] {
            try f.report("cn/b", c, .done, values: ["documents_cut_pct": 40], evidence: [outcome(10 + Int(c.rawValue)!)],
                         at: "2019-05-01T10:00:00Z")
        }
        #expect(try f.flags(asOf: "2020-01-31", .stale).isEmpty)
        #expect(try f.flags(asOf: "2020-04-30", .stale).map(\.unit) == [u("cn/a")])
    }

    @Test("a clause past its deadline and not done is overdue; done, undated or not yet due clauses are not")
    func overdue() throws {
        var f = try Fixture()
        try f.adopt("cn/a")
        try f.report("cn/a", "2", .done, evidence: [outcome(1)], at: "2019-06-01T10:00:00Z")
        #expect(try f.flags(asOf: "2019-12-31", .overdue).isEmpty)
        let flags = try f.flags(asOf: "2020-01-01", .overdue)
        #expect(keys(flags) == ["overdue cn/a 1"])
        #expect(flags.first?.detail["daysOverdue"] == .integer(1))
    }

    @Test("a done report after the as-of day does not count yet")
    func asOfCut() throws {
        var f = try Fixture()
        try f.adopt("cn/a")
        try f.report("cn/a", "2", .done, evidence: [outcome(1)], at: "2019-07-05T10:00:00Z")
        #expect(keys(try f.flags(asOf: "2019-07-04", .overdue)) == ["overdue cn/a 2"])
        #expect(try f.flags(asOf: "2019-07-05", .overdue).isEmpty)
    }
}

@Suite("open-loop")
struct OpenLoopTests {
    @Test("a finding past due with no rectification is the unit's move")
    func pastDue() throws {
        var f = try Fixture()
        try f.open("F-1", unit: "cn/a", clause: "1", due: "2019-09-30", at: "2019-08-01T09:00:00Z")
        #expect(try f.flags(asOf: "2019-09-30", .openLoop).isEmpty)
        let flags = try f.flags(asOf: "2019-10-01", .openLoop)
        #expect(flags.map(\.finding) == ["F-1"])
        #expect(flags.first?.unit == u("cn/a") && flags.first?.directive == "D-1" && flags.first?.clause == "1")
        #expect(flags.first?.detail["move"] == .string("unit"))
    }

    @Test("a rectification examined within 30 days closes the loop")
    func examinedInTime() throws {
        var f = try Fixture()
        try f.open("F-1", unit: "cn/a", due: "2019-11-30", at: "2019-09-02T09:00:00Z")
        try f.step("F-1", .rectify, at: "2019-11-10T09:00:00Z", evidence: [outcome(1)])
        try f.step("F-1", .close, at: "2019-11-20T09:00:00Z", verdict: .verified)
        #expect(try f.flags(asOf: "2020-01-31", .openLoop).isEmpty)
    }

    @Test("a rectification left unexamined for more than 30 days is the supervisor's move")
    func unexamined() throws {
        var f = try Fixture()
        try f.open("F-1", unit: "cn/a", due: "2019-10-31", at: "2019-08-20T09:00:00Z")
        try f.step("F-1", .rectify, at: "2019-10-20T09:00:00Z", evidence: [outcome(1)])
        #expect(try f.flags(asOf: "2019-11-18", .openLoop).isEmpty)
        let flags = try f.flags(asOf: "2019-11-20", .openLoop)
        #expect(flags.first?.detail["move"] == .string("supervisor"))
    }

    @Test("a reopened finding past due is the unit's move again; a close after the as-of day has not happened yet")
    func reopened() throws {
        var f = try Fixture()
        try f.open("F-1", unit: "cn/a", due: "2019-10-31", at: "2019-08-20T09:00:00Z")
        try f.step("F-1", .rectify, at: "2019-09-20T09:00:00Z", evidence: [outcome(1)])
        try f.step("F-1", .close, at: "2019-10-10T09:00:00Z", verdict: .reopened)
        #expect(try f.flags(asOf: "2019-11-01", .openLoop).first?.detail["move"] == .string("unit"))
        #expect(try f.flags(asOf: "2019-10-05", .openLoop).isEmpty)
    }
}

@Suite("burden")
struct BurdenTests {
    @Test("two weekly directives owe about 8.7 reports a month, above the limit of 8")
    func overLimit() throws {
        var f = try Fixture(every: "P1W")
        var second = f.directive
        second.id = "D-2"
        f.others = [second]
        let owed = Indicators.burden(f.view)
        #expect(abs((owed[u("cn/a")] ?? 0) - 2 * 30.4375 / 7) < 1e-9)
        #expect(owed[u("cn/a/x/t")] == 0)
        #expect(owed[u("cn")] == 0)
        let flags = try f.flags(asOf: "2019-03-12", .burden)
        #expect(keys(flags) == ["burden cn/a -", "burden cn/a/x -", "burden cn/b -"])
        #expect(flags.first?.directive == nil)
    }

    @Test("one monthly directive is within the limit, and an unissued directive owes nothing yet")
    func underLimit() throws {
        var f = try Fixture()
        #expect(Indicators.burden(f.view)[u("cn/a")] == 1)
        #expect(try f.flags(asOf: "2019-03-12", .burden).isEmpty)
        var weekly = try Fixture(every: "P1W").directive
        weekly.id = "D-3"
        weekly.issued = try Day("2019-06-01")
        f.others = [weekly, { var d = weekly; d.id = "D-4"; return d }()]
        #expect(try f.flags(asOf: "2019-05-31", .burden).isEmpty)
        #expect(try f.flags(asOf: "2019-06-01", .burden).count == 3)
    }
}

@Suite("flag order")
struct FlagOrderTests {
    @Test("flags come sorted by unit, directive, kind, clause")
    func sorted() throws {
        var f = try Fixture()
        try f.adopt("cn/b", clauses: try edited("1") { $0.targets[0].value = 10 })
        try f.adopt("cn/a", clauses: Array(try baseClauses().dropFirst()))
        let flags = try f.flags(asOf: "2020-01-31")
        let order = flags.map { [$0.unit.rawValue, $0.directive?.rawValue ?? "", $0.kind.rawValue, $0.clause?.rawValue ?? ""] }
        #expect(order == order.sorted { $0.lexicographicallyPrecedes($1) })
        #expect(flags.first?.unit == u("cn/a"))
    }
}

// MARK: - End to end: the burden-2019 scenario

/// Folds the events of a scenario into the records a ledger would hold, as a test-only stand-in for the Ledger.
private struct EventFold {
    var policy = Policy()
    var units: [UnitID: Unit] = [:]
    var directives: [DirectiveID: Directive] = [:]
    var plans: [DirectiveID: [UnitID: PlanContext]] = [:]
    var findings: [FindingID: Finding] = [:]

    var view: LedgerView {
        LedgerView(policy: policy, units: units, directives: directives, plans: plans, findings: findings)
    }

    mutating func apply(_ event: Event) throws {
        switch event.action {
        case .registerUnit(let unit):
            units[unit.id] = unit
        case .issueDirective(let directive):
            directives[directive.id] = directive
        case .amendDirective(var directive, _):
            directive.version = (directives[directive.id]?.version ?? 0) + 1
            directives[directive.id] = directive
        case .adopt(let unit, let id, let from, let clauses):
            let directive = try #require(directives[id])
            let basis: [Clause], kind: Basis.Kind, version: Int
            if from == directive.issuer {
                (basis, kind, version) = (directive.clauses, .directive, directive.version)
            } else {
                let parent = try #require(plans[id]?[from]).plan
                (basis, kind, version) = (parent.clauses, .plan, parent.basis.version)
            }
            let plan = Plan(directive: id, unit: unit,
                            basis: Basis(kind: kind, unit: from, version: version, commit: String(repeating: "0", count: 40)),
                            adopted: event.at, clauses: clauses ?? basis, exemptions: [])
            plans[id, default: [:]][unit] = PlanContext(plan: plan, basisClauses: basis, progress: nil)
        case .editPlan(let unit, let id, let clauses, let exemptions):
            var context = try #require(plans[id]?[unit])
            context.plan.clauses = clauses
            if let exemptions { context.plan.exemptions = exemptions }
            plans[id]?[unit] = context
        case .reportProgress(let unit, let id, let clause, let status, let values, let evidence, let note, let asOf):
            var context = try #require(plans[id]?[unit])
            var progress = context.progress ?? Progress(directive: id, unit: unit, reports: [])
            progress.reports.append(Report(clause: clause, status: status, values: values, evidence: evidence, note: note,
                                           asOf: asOf, at: event.at, actor: event.actor))
            context.progress = progress
            plans[id]?[unit] = context
        case .approveExemption(let unit, let id, let clause, let note):
            var context = try #require(plans[id]?[unit])
            let n = try #require(context.plan.exemptions.firstIndex { $0.clause == clause })
            context.plan.exemptions[n].approval = Approval(by: event.actor, at: event.at, note: note)
            plans[id]?[unit] = context
        case .openFinding(var finding):
            finding.state = .open
            finding.steps = [FindingStep(kind: .open, actor: event.actor, at: event.at, text: finding.text)]
            findings[finding.id] = finding
        case .rectify(let id, let text, let evidence):
            findings[id]?.steps.append(FindingStep(kind: .rectify, actor: event.actor, at: event.at, text: text, evidence: evidence))
            findings[id]?.state = .rectified
        case .closeFinding(let id, let verdict, let note):
            findings[id]?.steps.append(FindingStep(kind: .close, actor: event.actor, at: event.at, text: note, verdict: verdict))
            findings[id]?.state = verdict == .verified ? .closed : .reopened
        case .holdAccountable(let id, let decision, let target):
            findings[id]?.steps.append(FindingStep(kind: .holdAccountable, actor: event.actor, at: event.at,
                                                   decision: decision, target: target))
        case .setPolicy(let json):
            try policy.merge(json, at: .root)
        case .registerActor, .revokeKey, .checkpoint:
            break
        }
    }
}

private struct ScenarioMissing: Error, CustomStringConvertible {
    var name: String
    var searched: [String]
    var description: String { "scenario file \(name) not found in \(searched.joined(separator: ", "))" }
}

/// The repository's `scenarios/`, or `$LUOSHI_SCENARIOS`.
private func scenarioFile(_ name: String) throws -> [UInt8] {
    var candidates: [String] = []
    if let dir = ProcessInfo.processInfo.environment["LUOSHI_SCENARIOS"] { candidates.append(dir) }
    let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    candidates.append(repo.appendingPathComponent("scenarios").path)
    for dir in candidates {
        if let data = FileManager.default.contents(atPath: dir + "/" + name) { return Array(data) }
    }
    throw ScenarioMissing(name: name, searched: candidates)
}

/// Replaces each `${KEY:<actor>}` placeholder with a well-formed public key, as `load.sh` does with real ones.
private func withKeys(_ text: String) -> String {
    let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5" + String(repeating: "A", count: 48)
    var out = ""
    var rest = text[...]
    while let start = rest.range(of: "${KEY:"), let end = rest[start.upperBound...].firstIndex(of: "}") {
        out += rest[..<start.lowerBound] + key
        rest = rest[rest.index(after: end)...]
    }
    return out + rest
}

@Suite("burden-2019 end to end")
struct Burden2019Tests {
    static func flagsAndExpectation() throws -> (flags: [Flag], expected: JSONValue) {
        let text = withKeys(String(decoding: try scenarioFile("burden-2019.jsonl"), as: UTF8.self))
        let events = try EventFile.parse(Array(text.utf8), file: "burden-2019.jsonl")
        let expected = try JSONParser.parse(try scenarioFile("burden-2019.expected.json"))
        let asOf = try Day(try #require(expected["asOf"]?.stringValue))
        let now = Timestamp(seconds: asOf.endSeconds)
        var fold = EventFold()
        for line in events where line.event.at <= now { try fold.apply(line.event) }
        let flags = Indicators.flags(fold.view, now: now)
        #expect(Indicators.counts(fold.view, now: now) == counted(flags), "counts without details disagree with the flags")
        #expect(Indicators.counts(fold.view, now: now, directive: "D-2019-01") == counted(Indicators.flags(fold.view, now: now, directive: "D-2019-01")))
        expectPiecesAddUp(fold.view, now: now, to: counted(flags))
        expectPiecesAddUp(fold.view, now: now, directive: "D-2019-01",
                          to: counted(Indicators.flags(fold.view, now: now, directive: "D-2019-01")))
        return (flags, expected)
    }

    /// Whether `flag` has every field the expectation names.
    static func matches(_ flag: Flag, _ want: JSONValue) -> Bool {
        for (key, value) in want.objectValue ?? [:] where key != "detail" {
            if flag.json[key] != value { return false }
        }
        return true
    }

    @Test("every expected flag is raised")
    func expectedFlags() throws {
        let (flags, expected) = try Self.flagsAndExpectation()
        for want in try #require(expected["flags"]?.arrayValue) {
            #expect(flags.contains { Self.matches($0, want) }, "missing \(CanonicalJSON.compact(want))")
        }
    }

    @Test("no flag the scenario rules out is raised")
    func notFlags() throws {
        let (flags, expected) = try Self.flagsAndExpectation()
        for unwanted in try #require(expected["notFlags"]?.arrayValue) {
            let hits = flags.filter { Self.matches($0, unwanted) }
            #expect(hits.isEmpty, "unexpected \(hits.map { CanonicalJSON.compact($0.json) })")
        }
    }

    @Test("the clean units raise nothing")
    func cleanUnits() throws {
        let (flags, expected) = try Self.flagsAndExpectation()
        for unit in try #require(expected["cleanUnits"]?.arrayValue) {
            let hits = flags.filter { $0.unit.json == unit }
            #expect(hits.isEmpty, "\(unit): \(hits.map { CanonicalJSON.compact($0.json) })")
        }
    }
}
