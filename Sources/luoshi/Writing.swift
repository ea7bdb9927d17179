import ArgumentParser
import Fidelity
import Foundation
import Ledger
import LedgerModel
import LedgerRender

/// The options every writing verb takes: who signs, and whether to write at all.
struct WriteOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The signer's OpenSSH ed25519 private key file (made with `ssh-keygen -t ed25519`).", valueName: "file"))
    var key: String

    @Option(help: "The actor id, when the key belongs to more than one actor who may do this.")
    var actor: String?

    @ArgumentParser.Flag(name: .customLong("dry-run"), help: "Check everything and print what would be written, but write nothing.")
    var dryRun = false
}

/// One write a verb makes: the ledger, the signer, and who among the key's holders may do it.
struct Write {
    let ledger: Ledger
    let signer: SingleKey
    let options: WriteOptions
    let format: OutputFormat

    init(_ ledgerOptions: LedgerOptions, _ options: WriteOptions) throws {
        signer = try SingleKey(path: options.key)
        ledger = try ledgerOptions.open()
        self.options = options
        format = ledgerOptions.format
    }

    /// The signing actor: `--actor`, or the one holder of the key whom the table permits `deed` (see `signingActor`).
    func actor(for deed: Deed) throws -> ActorID {
        if let named = try parseID(options.actor, option: "--actor", ActorID.init) {
            try ledger.requireActor(named)
            return named
        }
        return try signingActor(holding: signer, in: ledger, for: deed)
    }

    /// Builds the event (dated now), applies it through the one write path, or checks it only with
    /// --dry-run, and prints what it did. `extra` adds lines (text) or members (JSON) about the result.
    @discardableResult
    func apply(_ action: Action, as actor: ActorID, name: String,
               extra: (WriteResult) throws -> (lines: [String], json: [String: JSONValue]) = { _ in ([], [:]) }) throws -> WriteResult {
        try apply([Event(actor: actor, at: .now, action: action)], name: name, extra: extra)
    }

    /// The same for events written together (all or nothing), with lines and members known beforehand.
    @discardableResult
    func apply(_ events: [Event], name: String, lines: [String], json: [String: JSONValue]) throws -> WriteResult {
        try apply(events, name: name) { _ in (lines, json) }
    }

    private func apply(_ events: [Event], name: String,
                       extra: (WriteResult) throws -> (lines: [String], json: [String: JSONValue])) throws -> WriteResult {
        let result = try ledger.apply(events.map { SourcedEvent(event: $0, source: InputSource(file: name)) }, signer: signer, dryRun: options.dryRun)
        let more = try extra(result)
        switch format {
        case .json: printJSON(JSONDocument.written(result, dryRun: options.dryRun, extra: more.json))
        case .text: print(WriteText.render(result, dryRun: options.dryRun, lines: more.lines), terminator: "")
        }
        return result
    }
}

/// Reads a JSON file a verb takes (a directive, a plan edit), naming the file, line and pointer on a problem.
func readJSONFile<T: JSONReadable>(_ path: String, as type: T.Type) throws -> T {
    let name = path == "-" ? "<stdin>" : path
    let bytes = try readInput(path)
    let value: JSONValue
    do { value = try JSONParser.parse(bytes) } catch {
        throw LedgerError.invalidInput(source: InputSource(file: name, line: error.line), pointer: nil, reason: "malformed JSON (column \(error.column)): \(error.reason)")
    }
    do { return try T(json: value, at: .root) } catch let e as LedgerModel.ValidationError {
        throw LedgerError.invalidInput(source: InputSource(file: name), pointer: e.pointer, reason: e.reason)
    }
}

/// The public key in a `.pub` file, or derived from an OpenSSH private key file.
func publicKey(fromFile path: String, option: String) throws -> SSHPublicKey {
    let bytes = try readInput(path)
    let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    if text.hasPrefix("ssh-ed25519 ") {
        do { return try SSHPublicKey(openSSH: text) } catch { throw LedgerError.usage("\(option) \(path): \(error)") }
    }
    do { return try SSHPrivateKey(fileAt: path).publicKey } catch {
        throw LedgerError.usage("\(option) \(path): neither an OpenSSH ed25519 public key (.pub) nor a private key file (\(error))")
    }
}

/// A point in history for a reading: `--at` a date or a commit; `--as-of` is the old name, kept for scripts.
struct PointOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Read the ledger as it was at a point in history: the end of a day (YYYY-MM-DD) or a commit (default: now).", valueName: "date|commit"))
    var at: String?

    @Option(name: .customLong("as-of"), help: .hidden) var asOf: String?

    func validate() throws {
        if at != nil && asOf != nil { throw ValidationError("give --at only (--as-of is its old name)") }
    }

    /// What was given, as `Ledger.pointInHistory` reads it.
    var spec: String? { at ?? asOf }
}

/// A date given on the command line, as a day.
func requiredDay(_ s: String, option: String) throws -> Day {
    try parseDay(s, option: option)!
}
