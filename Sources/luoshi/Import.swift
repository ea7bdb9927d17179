import ArgumentParser
import Foundation
import Ledger
import LedgerClient
import LedgerModel

extension Luoshi {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply a JSON Lines file of events, all or nothing.",
            discussion: """
                One event a line (see docs/events.md); blank lines and lines starting with # are skipped. Each event is
                signed with the key file DIR/<actor>. Every event is checked and every commit built before the
                ledger's head moves once: a bad line leaves the ledger as it was.

                Example:
                  luoshi import events.jsonl --ledger ./ledger --keys ./keys
                """
        )

        @OptionGroup var options: LedgerOptions

        @Argument(help: "The events file (JSON Lines); '-' reads standard input.")
        var file: String

        @Option(help: "Folder of private key files, one per actor, named by actor id.")
        var keys: String

        @Option(help: ArgumentHelp("Write through `luoshi serve` at this URL instead of a local ledger: each event is prepared there, signed here, one after another; the first refusal stops the import and names its line.", valueName: "url"))
        var remote: String?

        func run() throws {
            try execute {
                let name = file == "-" ? "<stdin>" : file
                let lines = try EventFile.parse(readInput(file), file: name, atWhenMissing: remote == nil ? nil : .now)
                if let remote {
                    let written = try RemoteWriter(url: remote).importing(lines, file: name, keys: KeyDirectory(directory: keys))
                    switch options.format {
                    case .json:
                        printJSON(.object(["events": .integer(Int64(lines.count)), "commits": .integer(Int64(written.commits)),
                                           "head": written.head.map { .string($0) } ?? .null, "retries": .integer(0)]))
                    case .text:
                        print("imported \(lines.count) events as \(written.commits) commits through \(remote); head \(written.head?.prefix(12) ?? "none")")
                    }
                    return
                }
                let ledger = try options.open()
                let events = lines.map { SourcedEvent(event: $0.event, source: InputSource(file: name, line: $0.line)) }
                let showProgress = stderrIsTerminal && events.count >= 200
                var lastShown = Date.distantPast
                let started = Date()
                let result = try ledger.apply(events, signer: KeyDirectory(directory: keys), bulk: events.count >= 64) { done in
                    guard showProgress, Date().timeIntervalSince(lastShown) > 0.2 || done == events.count else { return }
                    lastShown = Date()
                    FileHandle.standardError.write(Data("\rluoshi: checked and signed \(done)/\(events.count) events".utf8))
                }
                if showProgress { FileHandle.standardError.write(Data("\n".utf8)) }
                let seconds = Date().timeIntervalSince(started)
                switch options.format {
                case .json:
                    printJSON(.object([
                        "events": .integer(Int64(events.count)), "commits": .integer(Int64(result.commits.count)),
                        "head": result.head.map { .string("\($0)") } ?? .null, "retries": .integer(Int64(result.retries)),
                    ]))
                case .text:
                    print("imported \(events.count) events as \(result.commits.count) commits in \(String(format: "%.2f", seconds)) s; head \(result.head.map { "\($0)".prefix(12) } ?? "none")")
                }
            }
        }
    }

    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply one event, signed with one key.",
            discussion: """
                The event is one JSON object (docs/events.md), from a file or standard input.

                Example:
                  echo '{"action": "checkpoint", "actor": "auditor", "at": "2019-07-01T00:00:00Z", "note": "mid-year"}' \\
                    | luoshi apply --key keys/auditor --ledger ./ledger
                """
        )

        @OptionGroup var options: LedgerOptions

        @Argument(help: "A file holding one event; omit or '-' for standard input.")
        var file: String = "-"

        @Option(help: "The signer's OpenSSH ed25519 private key file.")
        var key: String

        @Option(help: ArgumentHelp("Write through `luoshi serve` at this URL instead of a local ledger; the event is signed here.", valueName: "url"))
        var remote: String?

        func run() throws {
            try execute {
                let name = file == "-" ? "<stdin>" : file
                let bytes = try readInput(file, maxLine: maxInputFile, maxTotal: maxInputFile)
                let value: JSONValue
                do { value = try JSONParser.parse(bytes) } catch let error as JSONSyntaxError {
                    throw LedgerError.invalidInput(source: InputSource(file: name, line: error.line), pointer: nil, reason: "malformed JSON (column \(error.column)): \(error.reason)")
                }
                let event: Event
                do { event = try Event(json: value.dated(remote == nil ? nil : .now), at: .root) } catch let e as LedgerModel.ValidationError {
                    throw LedgerError.invalidInput(source: InputSource(file: name), pointer: e.pointer, reason: e.reason)
                }
                if let remote {
                    let signer = try SingleKey(path: key)
                    let written = try RemoteLedger(url: remote, key: signer.key, actor: event.actor).write(value, source: InputSource(file: name))
                    printWrite(commits: written.commits, head: written.head, action: event.action.name, format: options.format)
                    return
                }
                let ledger = try options.open()
                let result = try ledger.apply([SourcedEvent(event: event, source: InputSource(file: name))], signer: SingleKey(path: key))
                printWrite(result, action: event.action.name, format: options.format)
            }
        }
    }
}

func printWrite(_ result: WriteResult, action: String, format: OutputFormat) {
    printWrite(commits: result.commits.map { "\($0)" }, head: result.head.map { "\($0)" }, action: action, format: format)
}

func printWrite(commits: [String], head: String?, action: String, format: OutputFormat) {
    switch format {
    case .json:
        printJSON(.object(["commits": .array(commits.map { .string($0) }), "head": head.map { .string($0) } ?? .null]))
    case .text:
        print("\(action): \(commits.count) commit\(commits.count == 1 ? "" : "s"), head \(head?.prefix(12) ?? "none")")
    }
}

/// Events written through a server one after another, each signed by its actor's key.
struct RemoteWriter {
    let url: String

    func importing(_ lines: [LineEvent], file: String, keys: KeyDirectory) throws -> (commits: Int, head: String?) {
        var clients: [ActorID: RemoteLedger] = [:]
        var commits = 0
        var head: String?
        let showProgress = stderrIsTerminal && lines.count >= 20
        for (n, line) in lines.enumerated() {
            let source = InputSource(file: file, line: line.line)
            let client: RemoteLedger
            if let c = clients[line.event.actor] { client = c } else {
                let key: SSHPrivateKey
                do { key = try keys.privateKey(of: line.event.actor) } catch let e as LedgerError { throw e.located(source) }
                client = RemoteLedger(url: url, key: key, actor: line.event.actor)
                clients[line.event.actor] = client
            }
            let written = try client.write(line.json, source: source)
            commits += written.commits.count
            head = written.head
            if showProgress { FileHandle.standardError.write(Data("\rluoshi: written \(n + 1)/\(lines.count) events".utf8)) }
        }
        if showProgress { FileHandle.standardError.write(Data("\n".utf8)) }
        return (commits, head)
    }
}
