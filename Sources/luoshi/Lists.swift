import ArgumentParser
import Fidelity
import Foundation
import Ledger
import LedgerModel

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
                case .json: printJSON(.object(["units": .array(units.map(\.json))]))
                case .text: print(Table.render(header: ["unit", "level", "name"], rows: units.map { [$0.id.rawValue, $0.level, $0.name] }), terminator: "")
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
                case .json: printJSON(.object(["directives": .array(directives.map(\.json))]))
                case .text:
                    let rows = directives.map { [$0.id.rawValue, "v\($0.version)", $0.issuer.rawValue, $0.issued.description, $0.reporting.every,
                                                 "\($0.clauses.count)", $0.title] }
                    print(Table.render(header: ["directive", "version", "issuer", "issued", "reporting", "clauses", "title"], rows: rows), terminator: "")
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
                case .json: printJSON(.object(["actors": .array(actors.map(\.json))]))
                case .text:
                    let rows = actors.map { a in
                        [a.id.rawValue, a.unit?.rawValue ?? "-", a.roles.map(\.rawValue).joined(separator: ","),
                         "\(a.keys.count)" + (a.revokedKeys.isEmpty ? "" : " (\(a.revokedKeys.count) revoked)"), a.name]
                    }
                    print(Table.render(header: ["actor", "unit", "roles", "keys", "name"], rows: rows), terminator: "")
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
                case .json: printJSON(.object(["findings": .array(findings.map(\.json))]))
                case .text:
                    let rows = findings.map { f in
                        [f.id.rawValue, f.unit.rawValue, f.directive?.rawValue ?? "-", f.clause?.rawValue ?? "-", f.severity.rawValue,
                         f.due.description, f.state.rawValue, f.text]
                    }
                    print(Table.render(header: ["finding", "unit", "directive", "clause", "severity", "due", "state", "text"], rows: rows), terminator: "")
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
                case .json: printJSON(.object(["unit": u.json, "items": .array(items.map(\.json))]))
                case .text:
                    guard !items.isEmpty else { print("\(u) owes nothing now"); return }
                    let rows = items.map { i in
                        [i.due.map { $0.description + (i.overdue ? " overdue" : "") } ?? "-", i.kind.rawValue, i.directive?.rawValue ?? "-", i.detail]
                    }
                    print(Table.render(header: ["due", "owes", "directive", "what"], rows: rows), terminator: "")
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
                case .json: printJSON(.object(["directive": d.json, "deviations": .array(ranked.map(\.json))]))
                case .text:
                    guard !ranked.isEmpty else { print("no unit deviates from what it was given"); return }
                    for r in ranked { print("\(r.unit): " + DeviationText.describe(r)) }
                }
            }
        }
    }
}

enum DeviationText {
    /// "clause 5 weakened (deadline 2019-12-31 → 2020-06-30); clause 6 omitted (declared); clause 9 added".
    static func describe(_ d: Deviation) -> String {
        var parts = d.clauses.map { c -> String in
            let changes = c.changes.filter { $0.effect != .neutral && $0.field != "text" }
                .map { "\($0.field) \(DiffText.render($0.from)) → \(DiffText.render($0.to))" }.joined(separator: "; ")
            let tag = c.fidelity == .omitted ? (c.approved ? "omitted (approved)" : c.declared ? "omitted (declared)" : "omitted") : c.fidelity.rawValue
            return "clause \(c.basisId) \(tag)" + (changes.isEmpty ? "" : " (\(changes))")
        }
        parts += d.reading.added.map { "clause \($0.id) added" }
        return parts.joined(separator: "; ")
    }
}
