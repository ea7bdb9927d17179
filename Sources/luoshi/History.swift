import ArgumentParser
import Foundation
import Ledger
import LedgerModel
import LedgerRender

extension Luoshi {
    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The ledger's history for auditors: who did what, when, and whether the signature holds.",
            discussion: """
                One line a commit, oldest first. Signature status: good (a key its actor held at the time),
                bad, unsigned, unknown-key.

                Example:
                  luoshi log --unit cn/east --since 2019-06-01
                  luoshi log --finding F-2019-002 --format json
                """
        )

        @OptionGroup var options: LedgerOptions
        @Option(help: "Only actions on this unit and the units below it.") var unit: String?
        @Option(help: "Only actions on this directive.") var directive: String?
        @Option(help: "Only actions on this clause.") var clause: String?
        @Option(help: "Only actions on this finding.") var finding: String?
        @Option(help: "Only actions signed by this actor.") var actor: String?
        @Option(help: "From this day on (YYYY-MM-DD).") var since: String?
        @Option(help: "Up to and including this day (YYYY-MM-DD).") var until: String?

        func run() throws {
            try execute {
                let filter = HistoryFilter(
                    unit: try parseID(unit, option: "--unit", UnitID.init),
                    directive: try parseID(directive, option: "--directive", DirectiveID.init),
                    clause: try parseID(clause, option: "--clause", ClauseID.init),
                    finding: try parseID(finding, option: "--finding", FindingID.init),
                    actor: try parseID(actor, option: "--actor", ActorID.init),
                    since: try parseDay(since, option: "--since"), until: try parseDay(until, option: "--until"))
                let ledger = try options.open()
                try ledger.requireExisting(unit: filter.unit, directive: filter.directive, clause: filter.clause, finding: filter.finding, actor: filter.actor)
                let entries = try options.history(ledger).log(filter)
                switch options.format {
                case .json: printJSON(JSONDocument.log(entries))
                case .text: print(AuditText.log(entries), terminator: "")
                }
            }
        }
    }

    enum RecordKind: String, ExpressibleByArgument, CaseIterable {
        case ledger, actor, unit, directive, plan, progress, finding, checkpoint
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a record as it is, or as it was at a date or commit.",
            discussion: """
                KIND is one of \(RecordKind.allCases.map(\.rawValue).joined(separator: ", ")). Plans and progress
                are named by unit, with --directive. --format text prints the record as indented "field: value"
                lines for people; --format json prints the record's canonical JSON, byte for byte as stored.

                Example:
                  luoshi show plan cn/east --directive D-2019-01 --at 2019-03-25
                  luoshi show finding F-2019-002
                """
        )

        @OptionGroup var options: LedgerOptions
        @Argument(help: "The record kind.") var kind: RecordKind
        @Argument(help: "The record's id (a unit id for plan and progress; none for ledger).") var id: String?
        @Option(help: "The directive, for plan and progress.") var directive: String?
        @Option(help: "A date (YYYY-MM-DD, the end of that day) or a commit.") var at: String?

        func path() throws -> RecordPath {
            func need() throws -> String {
                guard let id else { throw LedgerError.usage("show \(kind.rawValue) needs an id") }
                return id
            }
            func inDirective() throws -> DirectiveID {
                guard let d = try parseID(directive, option: "--directive", DirectiveID.init) else {
                    throw LedgerError.usage("show \(kind.rawValue) needs --directive")
                }
                return d
            }
            switch kind {
            case .ledger: return .ledger
            case .actor: return .actor(try parseID(need(), option: "id", ActorID.init)!)
            case .unit: return .unit(try parseID(need(), option: "id", UnitID.init)!)
            case .directive: return .directive(try parseID(need(), option: "id", DirectiveID.init)!)
            case .plan: return .plan(try inDirective(), try parseID(need(), option: "id", UnitID.init)!)
            case .progress: return .progress(try inDirective(), try parseID(need(), option: "id", UnitID.init)!)
            case .finding: return .finding(try parseID(need(), option: "id", FindingID.init)!)
            case .checkpoint: return .checkpoint(try parseID(need(), option: "id", CheckpointID.init)!)
            }
        }

        func run() throws {
            try execute {
                let ledger = try options.open()
                let value = try ledger.show(try path(), at: at) { options.history(ledger) }
                switch options.format {
                case .json: printJSON(JSONDocument.record(value))
                case .text: print(RecordText.render(value), terminator: "")
                }
            }
        }
    }

    struct Blame: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per clause of a unit's plan: the commit, actor and date of its last change.",
            discussion: """
                Example:
                  luoshi blame --directive D-2019-01 --unit cn/east
                """
        )

        @OptionGroup var options: LedgerOptions
        @OptionGroup var plan: PlanOptions

        func run() throws {
            try execute {
                let (d, u) = try plan.ids()
                let ledger = try options.open()
                try ledger.requireExisting(unit: u, directive: d)
                let lines = try ledger.blame(directive: d, unit: u, history: options.history(ledger))
                switch options.format {
                case .json: printJSON(JSONDocument.blame(directive: d, unit: u, lines: lines))
                case .text: print(AuditText.blame(lines), terminator: "")
                }
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay history from genesis and check every commit; exit 1 on any problem.",
            discussion: """
                Per commit: a signature by a key registered and not revoked at its parent; the signer's roles
                allow every path changed; every changed record valid and canonical; trailers match the change;
                checkpoints attest commits in history; every checkpoint and witness tag is signed by someone
                allowed to sign it and sits on its checkpoint commit.

                --since starts from a checkpoint (the state there read from its commit, not replayed) and fails
                if that checkpoint is not in the history of main. --expect-checkpoints takes the lines
                "<checkpoint-id> <commit>" an auditor kept (`luoshi export checkpoints`) and fails if any
                checkpoint is missing or moved.

                Example:
                  luoshi verify --ledger ./ledger --format json
                  luoshi verify --since checkpoints/cp-20190701-000000 --expect-checkpoints ~/kept-checkpoints
                """
        )

        @OptionGroup var options: LedgerOptions
        @Option(help: ArgumentHelp("Verify only the history after this checkpoint (its id or tag).", valueName: "checkpoint"))
        var since: String?
        @Option(name: .customLong("expect-checkpoints"), help: ArgumentHelp("A kept list of \"<checkpoint-id> <commit>\" lines that must all still be there.", valueName: "file"))
        var expectCheckpoints: String?

        func run() throws {
            var failed = false
            try execute {
                let ledger = try options.open()
                let expected = try expectCheckpoints.map {
                    try ExpectedCheckpoint.parse(String(decoding: readInput($0), as: UTF8.self), file: $0)
                } ?? []
                let showProgress = stderrIsTerminal
                let report = try ledger.verify(since: since, expecting: expected) { done, total in
                    if showProgress, done % 500 == 0 || done == total {
                        FileHandle.standardError.write(Data("\rluoshi: verified \(done)/\(total) commits".utf8))
                        if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
                    }
                }
                switch options.format {
                case .json: printJSON(JSONDocument.verify(report))
                case .text: print(AuditText.verify(report, since: since), terminator: "")
                }
                if let note = ReceiveHook.state(ledger: ledger.path, executable: thisExecutable).note(ledger: ledger.path) {
                    FileHandle.standardError.write(Data("luoshi: \(note)\n".utf8))
                }
                failed = !report.ok
            }
            if failed { throw ExitCode(1) }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export what stock tools need to check a ledger.",
            subcommands: [AllowedSigners.self, Checkpoints.self]
        )

        struct AllowedSigners: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "allowed-signers",
                abstract: "Write git's allowed-signers file from the ledger's actors.",
                discussion: """
                    Example:
                      luoshi export allowed-signers --out signers
                      git -C ledger -c gpg.format=ssh -c gpg.ssh.allowedSignersFile=$PWD/signers log --show-signature
                    """
            )

            @OptionGroup var options: LedgerOptions
            @Option(help: "Write to this file instead of standard output.") var out: String?

            func run() throws {
                try execute {
                    let ledger = try options.open()
                    let text = try ledger.allowedSigners()
                    if let out {
                        try writeOutputFile(out, Data(text.utf8), outside: ledger)
                    } else {
                        print(text, terminator: "")
                    }
                }
            }
        }
    }
}
