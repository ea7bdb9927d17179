import ArgumentParser
import Foundation
import Ledger
import LedgerModel
import LedgerRender

extension Luoshi {
    struct ReportHtml: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report-html",
            abstract: "Write one self-contained HTML report of a directive: matrix, diffs, ladders, timelines, flags, history.",
            discussion: """
                The file needs no network: styles, the script and the charts are inline. Units are drawn a page at a
                time from data embedded in the file, so the report stays usable with tens of thousands of units.

                Example:
                  luoshi report-html --directive JF-2019-01 --at 2020-03-13 --out report.html
                  luoshi report-html --directive JF-2019-01 --under cn/hedong --out hedong.html
                """
        )

        @OptionGroup var options: LedgerOptions
        @Option(help: "The directive to report on.") var directive: String
        @Option(help: "Only this unit and the units below it.") var under: String?
        @Option(help: ArgumentHelp("Read the ledger as it was at a point in history: the end of a day (YYYY-MM-DD) or a commit (default: its last commit).", valueName: "date|commit"))
        var at: String?
        @Option(name: .customLong("as-of"), help: .hidden) var asOf: String?
        @Option(help: ArgumentHelp("The HTML file to write.", valueName: "file")) var out: String

        func run() throws {
            try execute {
                guard let d = try parseID(directive, option: "--directive", DirectiveID.init) else { return }
                let u = try parseID(under, option: "--under", UnitID.init)
                let ledger = try options.openForReading()
                try ledger.requireExisting(unit: u, directive: d)
                let report = try ledger.directiveReport(d, under: u, at: at ?? asOf, history: options.history(ledger))
                let html = ReportHTML.render(report)
                try writeOutputFile(out, Data(html.utf8), outside: ledger)
                switch options.format {
                case .json:
                    printJSON(.object(["out": .string(out), "units": .integer(Int64(report.units.count)),
                                       "adopted": .integer(Int64(report.units.filter { $0.plan != nil }.count)),
                                       "flags": .integer(Int64(report.flags.count))]))
                case .text:
                    print("wrote \(out): \(report.units.count) units, \(report.flags.count) flags")
                }
            }
        }
    }
}
