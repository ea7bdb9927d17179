public import ArgumentParser
import Foundation
import Ledger
import LedgerModel

extension Severity: ExpressibleByArgument {}

extension Luoshi {
    struct FindingCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "finding",
            abstract: "The supervision loop: open a finding, rectify it, close or reopen it, hold someone accountable.",
            discussion: """
                A supervisor of a unit above opens a finding against a unit; an implementer of that unit rectifies it;
                the supervisor closes it as verified, or reopens it; a finding may end in an accountability decision.

                Example:
                  luoshi finding open F-2020-01 --unit cn/north/river --directive D-2019-01 --clause 1 --severity major \\
                    --due 2020-06-30 --text "No register of cut documents." --key keys/north.inspector
                  luoshi finding rectify F-2020-01 --text "Register published." \\
                    --evidence "outcome:Register 2020:register.pdf" --key keys/river.lead
                  luoshi finding close F-2020-01 --note "Checked on site." --key keys/north.inspector
                """,
            subcommands: [Open.self, Rectify.self, Close.self, Reopen.self, Hold.self]
        )

        /// The finding at head, or a usage error naming the nearest ids.
        static func finding(_ id: String, in ledger: Ledger) throws -> Finding {
            let f = try parseID(id, option: "finding id", FindingID.init)!
            try ledger.requireFinding(f)
            return try Finding(json: ledger.record(.finding(f), at: ledger.head())!, at: .root)
        }

        static func supervisor(for deed: Deed, _ w: Write) throws -> ActorID {
            try w.actor(for: deed)
        }

        struct Open: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Open a finding against a unit below the supervisor's own.",
                discussion: """
                    Example:
                      luoshi finding open F-2020-01 --unit cn/north/river --directive D-2019-01 --clause 1 --severity major \\
                        --due 2020-06-30 --text "No register of cut documents." --key keys/north.inspector
                    """
            )

            @OptionGroup var options: LedgerOptions
            @Argument(help: "The new finding's id (letters, digits, '.', '_', '-').") var id: String
            @Option(help: "The unit the finding is against.") var unit: String
            @Option(help: "The directive it is about, if any.") var directive: String?
            @Option(help: "The clause it is about (of the directive or the unit's plan), if any.") var clause: String?
            @Option(help: "minor, major or critical.") var severity: Severity
            @Option(help: "When the unit must have rectified it (YYYY-MM-DD).") var due: String
            @Option(help: "What is wrong, for the unit.") var text: String
            @OptionGroup var write: WriteOptions

            func run() throws {
                try execute {
                    let f = try parseID(id, option: "finding id", FindingID.init)!
                    let u = try parseID(unit, option: "--unit", UnitID.init)!
                    let d = try parseID(directive, option: "--directive", DirectiveID.init)
                    let c = try parseID(clause, option: "--clause", ClauseID.init)
                    if c != nil && d == nil { throw LedgerError.usage("--clause needs --directive: the clause of which directive?") }
                    let day = try requiredDay(due, option: "--due")
                    let w = try Write(options, write)
                    try w.ledger.requireUnit(u)
                    if let d { try w.ledger.requireDirective(d) }
                    if let c, let d { try w.ledger.requireClause(c, directive: d, unit: u) }
                    let supervisor = try FindingCommand.supervisor(for: .openFinding(f, unit: u), w)
                    let finding = Finding(id: f, unit: u, directive: d, clause: c, text: text, severity: severity, due: day, state: .open, steps: [])
                    try w.apply(.openFinding(finding), as: supervisor, name: "finding open")
                }
            }
        }

        struct Rectify: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Say what the unit did about a finding, with evidence; the supervisor then closes or reopens it.",
                discussion: """
                    The signer is an implementer of the finding's unit. Evidence files are hashed, so the same file
                    claimed twice is noticed.

                    Example:
                      luoshi finding rectify F-2020-01 --text "Register published." \\
                        --evidence "outcome:Register 2020:register.pdf" --key keys/river.lead
                    """
            )

            @OptionGroup var options: LedgerOptions
            @Argument(help: "The finding.") var id: String
            @Option(help: "What the unit did.") var text: String
            @Option(name: .customLong("evidence"), help: ArgumentHelp("Evidence KIND:TITLE:FILE; the file is hashed (repeatable). KIND: outcome, document, meeting, photo, data.", valueName: "kind:title:file"))
            var evidence: [String] = []
            @OptionGroup var write: WriteOptions

            func run() throws {
                try execute {
                    let items = try evidence.map { try EvidenceFile.evidence($0) }
                    let w = try Write(options, write)
                    let finding = try FindingCommand.finding(id, in: w.ledger)
                    let implementer = try w.actor(for: .rectify(finding.id, unit: finding.unit))
                    try w.apply(.rectify(finding: finding.id, text: text, evidence: items), as: implementer, name: "finding rectify")
                }
            }
        }

        struct Close: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Close a rectified finding as verified.",
                discussion: """
                    Example:
                      luoshi finding close F-2020-01 --note "Checked on site." --key keys/north.inspector
                    """
            )

            @OptionGroup var options: LedgerOptions
            @Argument(help: "The finding.") var id: String
            @Option(help: "What the supervisor checked.") var note: String?
            @OptionGroup var write: WriteOptions

            func run() throws {
                try execute {
                    let w = try Write(options, write)
                    let finding = try FindingCommand.finding(id, in: w.ledger)
                    try w.apply(.closeFinding(finding: finding.id, verdict: .verified, note: note),
                                as: FindingCommand.supervisor(for: .closeFinding(finding.id, unit: finding.unit), w), name: "finding close")
                }
            }
        }

        struct Reopen: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Reopen a rectified finding: the rectification did not hold.",
                discussion: """
                    Example:
                      luoshi finding reopen F-2020-01 --note "The register lists only half the documents." --key keys/north.inspector
                    """
            )

            @OptionGroup var options: LedgerOptions
            @Argument(help: "The finding.") var id: String
            @Option(help: "Why it is reopened.") var note: String?
            @OptionGroup var write: WriteOptions

            func run() throws {
                try execute {
                    let w = try Write(options, write)
                    let finding = try FindingCommand.finding(id, in: w.ledger)
                    try w.apply(.closeFinding(finding: finding.id, verdict: .reopened, note: note),
                                as: FindingCommand.supervisor(for: .closeFinding(finding.id, unit: finding.unit), w), name: "finding reopen")
                }
            }
        }

        struct Hold: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Record an accountability decision on a finding, against an actor or a unit.",
                discussion: """
                    Example:
                      luoshi finding hold F-2020-01 --target cn/north/river --decision "Formal warning to the county office." \\
                        --key keys/north.inspector
                    """
            )

            @OptionGroup var options: LedgerOptions
            @Argument(help: "The finding.") var id: String
            @Option(help: "Who is held accountable: an actor id or a unit id.") var target: String
            @Option(help: "The decision.") var decision: String
            @OptionGroup var write: WriteOptions

            func run() throws {
                try execute {
                    let w = try Write(options, write)
                    let finding = try FindingCommand.finding(id, in: w.ledger)
                    let isUnit = (try? w.ledger.requireUnit(UnitID(target))) != nil
                    let isActor = (try? w.ledger.requireActor(ActorID(target))) != nil
                    if !isUnit && !isActor {
                        let candidates = try w.ledger.ids(of: .unit) + w.ledger.ids(of: .actor)
                        let near = NearestNames.nearest(target, among: candidates)
                        throw LedgerError.usage("no unit or actor \(target)" + (near.isEmpty ? "" : "; did you mean \(near.joined(separator: " or "))?"))
                    }
                    try w.apply(.holdAccountable(finding: finding.id, decision: decision, target: target),
                                as: FindingCommand.supervisor(for: .holdAccountable(finding.id, unit: finding.unit), w), name: "finding hold")
                }
            }
        }
    }
}
