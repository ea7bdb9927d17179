import ArgumentParser
import Fidelity
import Foundation
import Ledger
import LedgerModel
import LedgerRender

extension Luoshi {
    struct Units: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the units: id, level and name.",
            discussion: """
                Example:
                  luoshi units --under cn/north
                  luoshi units --format json
                """
        )

        @OptionGroup var options: LedgerOptions
        @Option(help: "Only this unit and the units below it.") var under: String?

        func run() throws {
            try execute {
                let units = try options.open().units(under: parseID(under, option: "--under", UnitID.init))
                switch options.format {
                case .json: printJSON(JSONDocument.units(units))
                case .text: print(ListText.units(units), terminator: "")
                }
            }
        }
    }

    struct Directives: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the directives: id, version, issuer, issue date, how often units report, and title.",
            discussion: """
                Example:
                  luoshi directives --format json
                """
        )

        @OptionGroup var options: LedgerOptions

        func run() throws {
            try execute {
                let directives = try options.open().directives()
                switch options.format {
                case .json: printJSON(JSONDocument.directives(directives))
                case .text: print(ListText.directives(directives), terminator: "")
                }
            }
        }
    }

    struct Actors: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the actors: who signs, for which unit, in which roles, with how many keys.",
            discussion: """
                Example:
                  luoshi actors
                """
        )

        @OptionGroup var options: LedgerOptions

        func run() throws {
            try execute {
                let actors = try options.open().actors()
                switch options.format {
                case .json: printJSON(JSONDocument.actors(actors))
                case .text: print(ListText.actors(actors), terminator: "")
                }
            }
        }
    }

    struct Findings: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the findings: against which unit, on what, how grave, due when, and where the loop stands.",
            discussion: """
                Example:
                  luoshi findings --open --unit cn/east
                """
        )

        @OptionGroup var options: LedgerOptions
        @ArgumentParser.Flag(help: "Only findings not closed.") var open = false
        @Option(help: "Only findings against this unit and the units below it.") var unit: String?

        func run() throws {
            try execute {
                let findings = try options.open().findings(openOnly: open, unit: parseID(unit, option: "--unit", UnitID.init))
                switch options.format {
                case .json: printJSON(JSONDocument.findings(findings))
                case .text: print(ListText.findings(findings), terminator: "")
                }
            }
        }
    }

    struct Todo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What a unit owes now: clauses not done, reports due, findings to rectify, plans behind their basis.",
            discussion: """
                Dated items first, soonest first; "overdue" marks those past their date.

                Example:
                  luoshi todo --unit cn/north/river
                """
        )

        @OptionGroup var options: LedgerOptions
        @Option(help: "The unit.") var unit: String

        func run() throws {
            try execute {
                let u = try parseID(unit, option: "--unit", UnitID.init)!
                let items = try options.open().todo(unit: u)
                switch options.format {
                case .json: printJSON(JSONDocument.todo(unit: u, items: items))
                case .text: print(ListText.todo(unit: u, items: items), terminator: "")
                }
            }
        }
    }

    struct DeviationsCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "deviations",
            abstract: "The worst deviations from a directive, ranked: what each unit changed in what it was given.",
            discussion: """
                Each unit's plan is read against its own basis. A looser change (weakened, mixed) or an omission
                without an approved exemption counts 3, a tightening (strengthened) or an added clause 2; ties are
                ranked by the unit's flags (overdue ones left out). `make demo` and the HTML report use the same ranking.

                Example:
                  luoshi deviations --directive D-2019-01 --under cn/east --at 2020-01-31
                """
        )

        @OptionGroup var options: LedgerOptions
        @Option(help: "The directive.") var directive: String
        @Option(help: "Only this unit and the units below it.") var under: String?
        @OptionGroup var point: PointOptions
        @Option(help: "At most this many units (default: all).") var limit: Int?

        func run() throws {
            try execute {
                let d = try parseID(directive, option: "--directive", DirectiveID.init)!
                var ranked = try options.openForReading().deviations(directive: d, under: parseID(under, option: "--under", UnitID.init),
                                                                     at: point.spec)
                if let limit { ranked = Array(ranked.prefix(max(0, limit))) }
                switch options.format {
                case .json: printJSON(JSONDocument.deviations(directive: d, ranked: ranked))
                case .text: print(ListText.deviations(ranked), terminator: "")
                }
            }
        }
    }
}
