import ArgumentParser
import Foundation
import Ledger
import LedgerModel
import LedgerRender

extension Luoshi {
    struct Clone: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a verified copy of a ledger from any git server.",
            discussion: """
                Fetches the ledger's main and its checkpoint and witness tags with stock git (any URL git
                takes: http(s)://…/git/ of `luoshi serve` or another server, git://, ssh, a path) into a new
                bare repository, verifies it as `luoshi verify` does (from genesis, or from a checkpoint
                with --since and a kept list with --expect-checkpoints), and only then moves it to PATH:
                a copy that does not verify is not kept (exit 1). The copy gets the receive check hook and
                records the central it verified, from which `luoshi sync` goes on.

                For a server that wants a session: git -c http.extraHeader="Authorization: Bearer TOKEN"
                is read from git's configuration (for instance GIT_CONFIG_COUNT, or ~/.gitconfig).

                Example:
                  luoshi clone http://central.example:8420/git/ ./hedong.ledger
                  luoshi clone git://central.example/ledger.git ./copy --since cp-20190701-000000 --expect-checkpoints kept
                """
        )

        @Argument(help: "The ledger's git URL.")
        var url: String
        @Argument(help: "The folder to make (must not exist, or be empty).")
        var path: String
        @Option(help: ArgumentHelp("Verify only the history after this checkpoint (its id or tag).", valueName: "checkpoint"))
        var since: String?
        @Option(name: .customLong("expect-checkpoints"), help: ArgumentHelp("A kept list of \"<checkpoint-id> <commit>\" lines that must all still be there.", valueName: "file"))
        var expectCheckpoints: String?
        @Option(help: "Output: text or json.")
        var format: OutputFormat = .text

        func run() throws {
            try execute {
                let expected = try expectCheckpoints.map {
                    try ExpectedCheckpoint.parse(String(decoding: readInput($0), as: UTF8.self), file: $0)
                } ?? []
                let showProgress = stderrIsTerminal
                let (ledger, report) = try Ledger.clone(from: url, to: path, since: since, expecting: expected,
                                                        hookExecutable: thisExecutable, echoTransfer: showProgress) { done, total in
                    if showProgress, done % 500 == 0 || done == total {
                        FileHandle.standardError.write(Data("\rluoshi: verified \(done)/\(total) commits".utf8))
                        if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
                    }
                }
                let head = String(describing: try ledger.head())
                switch format {
                case .json:
                    printJSON(.object(["ledger": .string(ledger.path), "remote": .string(url), "head": .string(head), "verify": report.json]))
                case .text:
                    print("cloned \(url.terminalSafe) into \(path.terminalSafe): \(report.commits) commits verified from \(since.map { "checkpoint \($0)" } ?? "genesis"), head \(head.prefix(12))")
                }
            }
        }
    }

    struct Sync: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bring a copy and its central to the same head: fetch, verify, push, replay.",
            discussion: """
                Fetches central's main and tags; verifies what arrived from the central verified here last,
                and refuses (exit 1, nothing changed here) a history that does not descend from it (a rewritten
                central) or that lost a checkpoint or witness tag, naming them; takes it; pushes what this copy
                made. When both moved, this copy's events are replayed on central's head: each is checked again
                as `luoshi apply` checks it and signed again (--key or --keys), keeps its own date as the author
                date and is committed now, and the push is tried again until central takes it. An event that no
                longer holds on central's head (its clause was removed by an amendment, say) is kept aside with
                the reason, never lost: --pending lists them (with --format json, each event as it was made, to
                fix and apply again), --drop ID gives one up.

                Each write on a copy made by `luoshi clone` keeps its event in the git directory
                (luoshi/journal/) until central has it: that is what a replay replays.

                Examples:
                  luoshi sync --ledger ./hedong.ledger --key keys/hedong.office
                  luoshi sync --pending
                  luoshi sync --drop 3f9a0c1d2e4b
                """
        )

        @OptionGroup var options: LedgerOptions
        @Option(help: ArgumentHelp("The central's git URL (default: the copy's remote.origin.url, set by `luoshi clone`).", valueName: "url"))
        var remote: String?
        @Option(help: ArgumentHelp("The signer's private key, to sign this copy's events again when they are replayed.", valueName: "file"))
        var key: String?
        @Option(help: ArgumentHelp("A folder of private keys, one per actor, named by actor id, to sign replayed events again.", valueName: "folder"))
        var keys: String?
        @ArgumentParser.Flag(help: "List the events kept aside by earlier syncs; sync nothing.")
        var pending = false
        @Option(help: ArgumentHelp("Give up the event kept aside under this id; sync nothing.", valueName: "id"))
        var drop: String?

        func validate() throws {
            if key != nil && keys != nil { throw ValidationError("give --key or --keys, not both") }
            if pending && drop != nil { throw ValidationError("give --pending or --drop, not both") }
        }

        func run() throws {
            try execute {
                let ledger = try options.open()
                if pending {
                    let kept = try ledger.pendingEvents()
                    switch options.format {
                    case .json: printJSON(.object(["pending": kept.json]))
                    case .text:
                        if kept.isEmpty { print("no event is kept aside") }
                        for p in kept {
                            let action = p.event.flatMap { if case .object(let m) = $0, case .string(let a)? = m["action"] { a } else { nil } } ?? "commit"
                            print("\(p.id)  \(action)  kept \(p.keptAt)  \(p.reason.terminalSafe)")
                        }
                    }
                    return
                }
                if let drop {
                    let dropped = try ledger.dropPending(drop)
                    switch options.format {
                    case .json: printJSON(.object(["dropped": dropped.json]))
                    case .text: print("dropped \(dropped.id): it will not be replayed")
                    }
                    return
                }
                let signer: Signer? = try key.map { try SingleKey(path: $0) } ?? keys.map { KeyDirectory(directory: $0) }
                let chatty = options.format == .text && stderrIsTerminal
                let report = try ledger.sync(remote: remote, signer: signer, echoTransfer: chatty) { note in
                    FileHandle.standardError.write(Data("luoshi: \(note.terminalSafe)\n".utf8))
                }
                switch options.format {
                case .json: printJSON(report.json)
                case .text:
                    var line = "synced with \(report.remote.terminalSafe): received \(report.received), sent \(report.sent)"
                    if report.replayed > 0 { line += ", replayed \(report.replayed)" }
                    line += "; head \(report.head.map { String(String(describing: $0).prefix(12)) } ?? "none")"
                    print(line)
                    for p in report.keptAside {
                        print("kept aside \(p.id): \(p.reason.terminalSafe) (`luoshi sync --pending` shows it)")
                    }
                }
            }
        }
    }
}
