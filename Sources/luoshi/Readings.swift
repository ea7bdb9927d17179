public import ArgumentParser
import Fidelity
import Foundation
import Ledger
import LedgerModel
import LedgerRender

extension DiffAgainst: ExpressibleByArgument {}

extension Luoshi {
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read a unit's plan against its basis or the directive, clause by clause.",
            discussion: """
                Each basis clause is faithful, reworded, weakened, strengthened, mixed or omitted; plan clauses
                with no counterpart are added. --against directive compares with the directive itself through
                every level in between.

                Example:
                  luoshi diff --directive D-2019-01 --unit cn/east
                  luoshi diff --directive D-2019-01 --unit cn/east/harbor --against directive --format json
                """
        )

        @OptionGroup var options: LedgerOptions
        @OptionGroup var plan: PlanOptions
        @Option(help: "basis (what the unit adopted from) or directive.") var against: DiffAgainst = .basis
        @Option(help: "Read the ledger as it was on a date (YYYY-MM-DD) or at a commit.") var at: String?

        func run() throws {
            try execute {
                let (d, u) = try plan.ids()
                let ledger = try options.openForReading()
                try ledger.requireExisting(unit: u, directive: d)
                let report = try ledger.diff(directive: d, unit: u, against: against, at: at)
                switch options.format {
                case .json: printJSON(JSONDocument.diff(report))
                case .text:
                    // A parent's edit moves the basis without a new version of the directive.
                    let moved = report.behind == 0 && at == nil && report.against == .plan ? try ledger.behind(directive: d, unit: u) : nil
                    print(DiffText.render(report, colour: stdoutIsTerminal, basisMoved: moved), terminator: "")
                }
            }
        }
    }

    struct Chain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show every hop from the directive down to a unit, so escalation and dilution read as a ladder.",
            discussion: """
                Example:
                  luoshi chain --directive D-2019-01 --unit cn/south/bay
                """
        )

        @OptionGroup var options: LedgerOptions
        @OptionGroup var plan: PlanOptions
        @Option(help: "Read the ledger as it was on a date (YYYY-MM-DD) or at a commit.") var at: String?

        func run() throws {
            try execute {
                let (d, u) = try plan.ids()
                let ledger = try options.openForReading()
                try ledger.requireExisting(unit: u, directive: d)
                let report = try ledger.chain(directive: d, unit: u, at: at)
                switch options.format {
                case .json: printJSON(JSONDocument.chain(report))
                case .text: print(DiffText.renderChain(report, colour: stdoutIsTerminal), terminator: "")
                }
            }
        }
    }

    struct Flags: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the formalism indicators, each with the evidence that raised it.",
            discussion: """
                Kinds: \(FlagKind.allCases.map(\.rawValue).joined(separator: ", ")).
                Thresholds come from the ledger's policy (set-policy). With --fail-on, exit 1 when any flag of
                those kinds is raised.

                Example:
                  luoshi flags --at 2020-01-31 --unit cn/east
                  luoshi flags --fail-on selective,open-loop --format json
                """
        )

        @OptionGroup var options: LedgerOptions
        @Option(help: "Only flags of this unit and the units below it.") var unit: String?
        @Option(help: "Only flags about this directive.") var directive: String?
        @Option(help: "Only flags of these kinds (comma-separated).") var kind: String?
        @OptionGroup var point: PointOptions
        @Option(name: .customLong("fail-on"), help: "Exit 1 when a flag of one of these kinds (comma-separated) is raised.") var failOn: String?

        func kinds(_ list: String?, option: String) throws -> Set<FlagKind>? {
            guard let list else { return nil }
            return Set(try list.split(separator: ",").map { name in
                guard let k = FlagKind(rawValue: String(name)) else {
                    throw LedgerError.usage("\(option) \(name): not a flag kind; kinds are \(FlagKind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return k
            })
        }

        func run() throws {
            var failed = false
            try execute {
                let u = try parseID(unit, option: "--unit", UnitID.init)
                let d = try parseID(directive, option: "--directive", DirectiveID.init)
                let only = try kinds(kind, option: "--kind")
                let failKinds = try kinds(failOn, option: "--fail-on")
                let ledger = try options.openForReading()
                try ledger.requireExisting(unit: u, directive: d)
                let flags = try ledger.flags(at: point.spec, unit: u, directive: d, kinds: only)
                switch options.format {
                case .json: printJSON(JSONDocument.flags(flags))
                case .text: print(FlagsText.render(flags), terminator: "")
                }
                failed = failKinds.map { fk in flags.contains { fk.contains($0.kind) } } ?? false
            }
            if failed { throw ExitCode(1) }
        }
    }
}
