import Foundation
import LedgerModel
import Testing
@testable import Fidelity

/// The "diffs" of `burden-2019.expected.json`, reproduced from the plans of `burden-2019.jsonl`.
@Suite("burden-2019 scenario diffs")
struct ScenarioDiffTests {
    let scenario: BurdenScenario
    init() throws { scenario = try BurdenScenario() }

    func unit(_ s: String) -> UnitID { try! UnitID(s) }

    @Test("east against the directive: pushed deadline, lowered target and softer modality are weakened")
    func east() {
        let diff = scenario.diff(unit("cn/east"))
        #expect(Sample.classes(diff) == ["1": .weakened, "2": .faithful, "3": .faithful, "4": .weakened,
                                         "5": .faithful, "6": .weakened, "7": .reworded])
        #expect(diff.reading("1")?.changes == [FieldChange(field: "deadline", from: .string("2019-12-31"), to: .string("2020-06-30"), effect: .looser)])
        // The text still says 30%: that number equals the basis value, unchanged, so only the target reads.
        #expect(diff.reading("4")?.changes == [FieldChange(field: "targets[0].value", from: .integer(30), to: .integer(20), effect: .looser)])
        #expect(diff.reading("6")?.changes == [FieldChange(field: "modality", from: .string("should"), to: .string("may"), effect: .looser)])
        #expect(diff.added.isEmpty)
    }

    @Test("south: higher targets and an earlier deadline are strengthened, a target up with a deadline pushed is mixed, 8 is added")
    func south() {
        let diff = scenario.diff(unit("cn/south"))
        #expect(Sample.classes(diff) == ["1": .strengthened, "2": .faithful, "3": .faithful, "4": .mixed,
                                         "5": .strengthened, "6": .faithful, "7": .reworded])
        #expect(diff.added.map(\.id) == ["8"])
    }

    @Test("west: 3 omitted with an approved exemption, 5 omitted undeclared")
    func west() {
        let diff = scenario.diff(unit("cn/west"))
        #expect(Sample.classes(diff) == ["1": .faithful, "2": .faithful, "3": .omitted, "4": .faithful,
                                         "5": .omitted, "6": .faithful, "7": .reworded])
        #expect(diff.reading("3")?.declared == true && diff.reading("3")?.approved == true)
        #expect(diff.reading("5")?.declared == false && diff.reading("5")?.approved == false)
    }

    @Test("hills against east: renumbered A–G without derivedFrom, all matched, only the localised G reworded")
    func hills() {
        let diff = scenario.diff(unit("cn/east/hills"))
        #expect(diff.clauses.map(\.id) == ["A", "B", "C", "D", "E", "F", "G"])
        #expect(Sample.classes(diff) == ["1": .faithful, "2": .faithful, "3": .faithful, "4": .faithful,
                                         "5": .faithful, "6": .faithful, "7": .reworded])
        #expect(diff.added.isEmpty)
    }

    @Test("north: reordered, all faithful but the localised 7")
    func north() {
        let diff = scenario.diff(unit("cn/north"))
        #expect(Sample.classes(diff) == ["1": .faithful, "2": .faithful, "3": .faithful, "4": .faithful,
                                         "5": .faithful, "6": .faithful, "7": .reworded])
    }

    @Test("every diff in burden-2019.expected.json, against the basis and against the directive")
    func expectedFile() throws {
        let expected = try JSONParser.parse(try BurdenScenario.bytes("burden-2019.expected.json"))
        let diffs = try #require(expected["diffs"]?.arrayValue)
        #expect(diffs.count == 9)
        for entry in diffs {
            let unitID = unit(entry["unit"]!.stringValue!)
            let against = entry["against"]!.stringValue!
            let diff = against == "directive" ? Fidelity.chain(scenario.hops(to: unitID)).cumulative : scenario.diff(unitID)
            let label = "\(unitID) against \(against)"
            let classes = entry["clauses"]!.objectValue!.mapValues { FidelityClass(rawValue: $0.stringValue!)! }
            #expect(Sample.classes(diff) == classes, "\(label)")
            #expect(diff.added.map(\.id.rawValue) == entry["added"]!.arrayValue!.map { $0.stringValue! }, "\(label)")
            for (clause, value) in entry["declared"]!.objectValue! {
                #expect(diff.reading(ClauseID(unchecked: clause))?.declared == (value == .bool(true)), "\(label) declared \(clause)")
            }
            for (clause, value) in entry["approved"]!.objectValue! {
                #expect(diff.reading(ClauseID(unchecked: clause))?.approved == (value == .bool(true)), "\(label) approved \(clause)")
            }
        }
    }
}
