import ArgumentParser
import Fidelity
import Foundation
import Ledger
import LedgerModel
import LedgerRender

/// Output formats of `status`: the reading formats and CSV.
enum StatusFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, csv
}

extension Luoshi {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show units × clauses of a directive: each clause's class and progress, adoption and flag counts.",
            discussion: """
                One matrix per directive (every directive when --directive is omitted). A row is a unit in the
                directive's scope or holding a plan for it; a column is a clause of the directive. A cell reads the
                unit's plan against the directive through every level between (as `diff --against directive`) and
                shows the unit's latest report on that clause. Flags are counted as `luoshi flags` raises them for the
                unit, about this directive or about no directive.

                --format json prints {"matrices": [...]}, each matrix {"directive", "title", "version", "issuer",
                "issued", "commit", "asOf", "clauses": [ids], "units": [{"unit", "level", "adoption", "basisVersion",
                "basisUnit", "added": [ids], "flags": {"total", "byKind"}, "clauses": {id: {"class", "planClause",
                "declared", "approved", "progress": null | {"status", "at", "metric", "value", "unit"}}}}]}.
                --format csv prints one line per unit and clause (RFC 4180, with a header line).

                Example:
                  luoshi status --directive D-2019-01
                  luoshi status --directive D-2019-01 --under cn/east --at 2019-12-31
                  luoshi status --format csv > status.csv
                """
        )

        @Option(name: .long, help: ArgumentHelp("The ledger's folder (default: $LUOSHI_LEDGER, else the current folder).", valueName: "path"))
        var ledger: String?
        @Option(help: "Output: text for people, json for programs, csv for spreadsheets.") var format: StatusFormat = .text
        @Option(help: "Only this directive (default: one matrix per directive).") var directive: String?
        @Option(help: "Only this unit and the units below it.") var under: String?
        @OptionGroup var point: PointOptions

        func run() throws {
            try execute {
                let d = try parseID(directive, option: "--directive", DirectiveID.init)
                let u = try parseID(under, option: "--under", UnitID.init)
                let path = ledger ?? ProcessInfo.processInfo.environment["LUOSHI_LEDGER"] ?? FileManager.default.currentDirectoryPath
                let ledger = try Ledger.open(at: path, configuration: .oneShotReader)
                try ledger.requireExisting(unit: u, directive: d)
                let matrices = try ledger.status(directive: d, under: u, at: point.spec)
                switch format {
                case .json: StatusMatrix.writeJSON(matrices, to: writeStandardOutput)
                case .csv: writeStandardOutput(Array(StatusText.csv(matrices).utf8))
                case .text: print(StatusText.render(matrices), terminator: "")
                }
                exitKeeping(matrices)
            }
        }
    }
}
