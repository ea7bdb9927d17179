import LedgerModel
import Testing
@testable import Fidelity

@Suite("changes with an effect, and the class they add up to")
struct ClauseDiffTests {
    let documents = Sample.directive[0]  // >= 30 %, "at least 30% compared with 2018", deadline 2019-12-31
    let pages = Sample.directive[1]      // <= 10 pages

    func read(_ b: Clause, _ p: Clause) -> ClauseReading {
        Fidelity.diff(basis: [b], plan: [p], exemptions: []).clauses[0]
    }

    @Test("an unchanged clause is faithful, with no changes")
    func faithful() {
        let reading = read(documents, documents)
        #expect(reading.fidelity == .faithful)
        #expect(reading.changes.isEmpty)
        #expect(reading.id == "1" && reading.matchedBy == .id)
    }

    @Test("for >= a lower target is looser and a higher one tighter; for <= the reverse")
    func targetValues() {
        let lower = read(documents, Sample.edited(documents) { $0.targets[0].value = 20 })
        #expect(lower.fidelity == .weakened)
        #expect(lower.changes == [FieldChange(field: "targets[0].value", from: .integer(30), to: .integer(20), effect: .looser)])
        #expect(read(documents, Sample.edited(documents) { $0.targets[0].value = 50 }).fidelity == .strengthened)
        #expect(read(pages, Sample.edited(pages) { $0.targets[0].value = 12 }).fidelity == .weakened)
        #expect(read(pages, Sample.edited(pages) { $0.targets[0].value = 8 }).fidelity == .strengthened)
    }

    @Test("a changed = value is neutral, and reads reworded")
    func equalTarget() {
        let b = Sample.clause("6", "Collect statistics through one consolidated form.",
                              targets: [Target(metric: "report_forms", op: .equal, value: 1)])
        let reading = read(b, Sample.edited(b) { $0.targets[0].value = 2 })
        #expect(reading.fidelity == .reworded)
        #expect(reading.changes.map(\.effect) == [.neutral])
    }

    @Test("a removed target is looser, an added target tighter")
    func removedAndAddedTargets() {
        let removed = read(documents, Sample.edited(documents) { $0.targets = [] })
        #expect(removed.fidelity == .weakened)
        #expect(removed.changes.map(\.field) == ["targets[0]"])
        let added = read(documents, Sample.edited(documents) { $0.targets.append(Sample.atLeast("rules_repealed_pct", 10)) })
        #expect(added.fidelity == .strengthened)
        #expect(added.changes == [FieldChange(field: "targets[1]", from: .null, to: Sample.atLeast("rules_repealed_pct", 10).json, effect: .tighter)])
    }

    @Test(">= 30 → = 20 is looser, >= 30 → = 40 tighter: the value is read in the direction of the >=")
    func opChange() {
        let exact20 = read(documents, Sample.edited(documents) { $0.targets[0] = Target(metric: "documents_cut_pct", op: .equal, value: 20, unit: "%") })
        #expect(exact20.fidelity == .weakened)
        #expect(exact20.changes.map(\.field) == ["targets[0].op", "targets[0].value"])
        let exact40 = read(documents, Sample.edited(documents) { $0.targets[0] = Target(metric: "documents_cut_pct", op: .equal, value: 40, unit: "%") })
        #expect(exact40.fidelity == .strengthened)
    }

    @Test("a number in the text equal to a basis target value is read in that target's direction")
    func numberInText() {
        let reading = read(documents, Sample.edited(documents) {
            $0.text = "Cut the number of documents issued to lower levels by at least 20% compared with 2018."
        })
        #expect(reading.fidelity == .weakened)
        #expect(reading.changes.contains(FieldChange(field: "text.number", from: .integer(30), to: .integer(20), effect: .looser)))
        let fewerPages = read(pages, Sample.edited(pages) { $0.text = "Keep every policy document issued at this level to at most 8 pages." })
        #expect(fewerPages.fidelity == .strengthened)
    }

    @Test("other numbers in the text, such as years, have no effect")
    func yearInText() {
        let reading = read(documents, Sample.edited(documents) {
            $0.text = "Cut the number of documents issued to lower levels by at least 30% compared with 2017."
        })
        #expect(reading.fidelity == .reworded)
        #expect(reading.changes.map(\.field) == ["text"])
    }

    @Test("a target lowered while the text still says 30% is weakened by the target alone")
    func targetLoweredTextKept() {
        let reading = read(documents, Sample.edited(documents) { $0.targets[0].value = 20 })
        #expect(reading.changes.map(\.field) == ["targets[0].value"])
        #expect(reading.fidelity == .weakened)
    }

    @Test("a later deadline is looser, an earlier one tighter; removed is looser, added tighter", arguments: [
        ("2020-06-30" as String?, FidelityClass.weakened),
        ("2019-09-30", .strengthened),
        (nil, .weakened),
    ])
    func deadlines(to: String?, expected: FidelityClass) {
        let reading = read(documents, Sample.edited(documents) { $0.deadline = to.map(Sample.day) })
        #expect(reading.fidelity == expected)
        #expect(reading.changes.map(\.field) == ["deadline"])
        #expect(reading.changes.first?.from == .string("2019-12-31"))
    }

    @Test("a deadline set where the basis had none is tighter")
    func deadlineAdded() {
        let b = Sample.directive[2]
        #expect(read(b, Sample.edited(b) { $0.deadline = Sample.day("2019-12-31") }).fidelity == .strengthened)
    }

    @Test("a higher target with a later deadline is mixed")
    func mixed() {
        let reading = read(Sample.directive[3], Sample.edited(Sample.directive[3]) {
            $0.targets[0].value = 40
            $0.deadline = Sample.day("2020-03-31")
        })
        #expect(reading.fidelity == .mixed)
        #expect(reading.changes.map(\.effect) == [.tighter, .looser])
    }

    @Test("outcome evidence → activity is looser; localize and text changes alone are neutral")
    func evidenceAndNeutral() {
        #expect(read(documents, Sample.edited(documents) { $0.evidence = .activity }).fidelity == .weakened)
        #expect(read(Sample.directive[2], Sample.edited(Sample.directive[2]) { $0.evidence = .outcome }).fidelity == .strengthened)
        let localized = read(documents, Sample.edited(documents) { $0.localize = true })
        #expect(localized.fidelity == .reworded)
        #expect(localized.changes == [FieldChange(field: "localize", from: .bool(false), to: .bool(true), effect: .neutral)])
    }

    @Test("a rewritten localised clause is reworded")
    func localisedRewrite() {
        let b = Sample.directive[6]
        let reading = read(b, Sample.edited(b) {
            $0.text = "Add a burden-reporting section to the provincial government's website, answered within ten working days."
        })
        #expect(reading.fidelity == .reworded)
        #expect(reading.changes.map(\.field) == ["text"])
    }

    @Test("plan clauses with no basis counterpart are added, in plan order")
    func added() {
        let weekly = Sample.clause("8", "Every county reports its burden-reduction progress to the province every week.", evidence: .activity)
        let extra = Sample.clause("9", "每个乡镇设立一名减负联络员。")
        let diff = Fidelity.diff(basis: Sample.directive, plan: [extra] + Sample.directive + [weekly], exemptions: [])
        #expect(diff.added.map(\.id) == ["9", "8"])
        #expect(diff.clauses.allSatisfy { $0.fidelity == .faithful })
    }

    @Test("an omitted clause is undeclared without an exemption, declared with one, approved with an approval")
    func omitted() {
        let plan = Sample.directive.filter { !["3", "5", "6"].contains($0.id) }
        let exemptions = [
            Exemption(clause: "3", reason: "This province issues no implementing rules of its own.", approval: Sample.approval),
            Exemption(clause: "6", reason: "Statistics are already collected centrally."),
        ]
        let diff = Fidelity.diff(basis: Sample.directive, plan: plan, exemptions: exemptions)
        let omitted = diff.readings(.omitted)
        #expect(omitted.map(\.basisId) == ["3", "5", "6"])
        #expect(omitted.map(\.declared) == [true, false, true])
        #expect(omitted.map(\.approved) == [true, false, false])
        #expect(omitted.allSatisfy { $0.id == nil && $0.plan == nil && $0.matchedBy == nil && $0.similarity == nil })
        #expect(diff.added.isEmpty)
    }
}

@Suite("the JSON of a diff")
struct PlanDiffJSONTests {
    @Test("each reading carries id, basisId, class, declared, approved and its changes; added clauses in full")
    func json() {
        var plan = Sample.directive.filter { $0.id != "5" }
        plan[0].targets[0].value = 20
        plan.append(Sample.clause("8", "Every county reports every week.", evidence: .activity))
        let diff = Fidelity.diff(basis: Sample.directive, plan: plan, exemptions: [])
        let json = diff.json
        let first = json["clauses"]?.arrayValue?.first
        #expect(first?["id"] == .string("1"))
        #expect(first?["class"] == .string("weakened"))
        #expect(first?["changes"] == .array([.object(["field": .string("targets[0].value"), "from": .integer(30),
                                                      "to": .integer(20), "effect": .string("looser")])]))
        let omitted = json["clauses"]?.arrayValue?.first { $0["basisId"] == .string("5") }
        #expect(omitted?["id"] == .null && omitted?["class"] == .string("omitted") && omitted?["declared"] == .bool(false))
        #expect(json["added"]?.arrayValue?.map { $0["id"] } == [.string("8")])
        #expect(json["summary"]?["weakened"] == .integer(1))
        #expect(json["summary"]?["omitted"] == .integer(1))
        #expect(json["summary"]?["faithful"] == .integer(5))
        #expect(json["summary"]?["added"] == .integer(1))
    }
}
