import ArgumentParser
import Foundation
import Ledger
import LedgerModel
import LedgerRender

@main
struct Luoshi: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "luoshi",
        abstract: "A git-backed ledger of directives and how the units below carry them out.",
        discussion: """
            Every directive, plan, progress report and finding is a signed commit in a git repository.
            Supervisors diff directives against plans clause by clause; auditors verify history with stock git.

            Exit codes: 0 ok; 1 a check found problems (verify, flags --fail-on); 64 usage;
            65 bad input data; 77 not permitted; 75 another writer kept moving the ledger (try again);
            70 internal error.
            """,
        // Grouped by who does the job (README: "Doing each job").
        groupedSubcommands: [
            CommandGroup(name: "Setting up (admins)", subcommands: [
                Init.self, UnitCommand.self, ActorCommand.self, PolicyCommand.self, Import.self, Apply.self, Serve.self, Hooks.self, VerifyPush.self,
            ]),
            CommandGroup(name: "Issuing (issuers)", subcommands: [DirectiveCommand.self]),
            CommandGroup(name: "Carrying out (units)", subcommands: [Adopt.self, PlanCommand.self, Exempt.self, Report.self, Todo.self]),
            CommandGroup(name: "Supervising (supervisors)", subcommands: [
                DeviationsCommand.self, Status.self, Diff.self, Chain.self, Flags.self, ReportHtml.self, FindingCommand.self, ExemptionCommand.self,
            ]),
            CommandGroup(name: "Auditing (auditors)", subcommands: [
                Log.self, Show.self, Blame.self, History.self, Verify.self, CheckpointCommand.self, Witness.self, Export.self,
            ]),
            CommandGroup(name: "Listing", subcommands: [Units.self, Directives.self, Actors.self, Findings.self]),
            CommandGroup(name: "Copies over git (everyone)", subcommands: [Clone.self, Sync.self]),
        ]
    )
}

/// Output formats of the reading commands.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// The options every subcommand takes.
struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The ledger's folder (default: $LUOSHI_LEDGER, else the current folder).", valueName: "path"))
    var ledger: String?

    @Option(name: .long, help: "Output: text for people, json for programs.")
    var format: OutputFormat = .text

    var ledgerPath: String {
        ledger ?? ProcessInfo.processInfo.environment["LUOSHI_LEDGER"] ?? FileManager.default.currentDirectoryPath
    }

    func open() throws -> Ledger { try Ledger.open(at: ledgerPath) }

    /// Opens the ledger for a command that reads it once and ends (`Ledger.Configuration.oneShotReader`).
    func openForReading() throws -> Ledger { try Ledger.open(at: ledgerPath, configuration: .oneShotReader) }
}

/// The plan a reading command looks at: one unit's plan for one directive.
struct PlanOptions: ParsableArguments {
    @Option(help: "The directive.") var directive: String
    @Option(help: "The unit whose plan to read.") var unit: String

    func ids() throws -> (DirectiveID, UnitID) {
        (try parseID(directive, option: "--directive", DirectiveID.init)!, try parseID(unit, option: "--unit", UnitID.init)!)
    }
}

/// Runs a command body, turning the library's errors into one message and the documented exit code.
func execute(_ body: () throws -> Void) throws {
    do {
        try body()
        try finishStandardOutput()
    } catch let e as LedgerError {
        FileHandle.standardError.write(Data("luoshi: \("\(e)".terminalSafe)\n".utf8))
        throw ExitCode(e.exitCode)
    } catch let e as EventFileError {
        FileHandle.standardError.write(Data("luoshi: \("\(e)".terminalSafe)\n".utf8))
        throw ExitCode(65)
    } catch let e as SyncRefusal {
        // What central holds did not verify, or it refused a push: a check that found problems.
        for line in "\(e)".split(separator: "\n") {
            FileHandle.standardError.write(Data("luoshi: \(String(line).terminalSafe)\n".utf8))
        }
        throw ExitCode(1)
    } catch let e as ExitCode {
        throw e
    } catch {
        FileHandle.standardError.write(Data("luoshi: internal error: \("\(error)".terminalSafe)\n".utf8))
        throw ExitCode(70)
    }
}

/// Prints a JSON value in the stable, canonical form.
func printJSON(_ value: JSONValue) {
    writeStandardOutput(CanonicalJSON.encode(value))
}

/// Ends the process once everything made from `value` has been written, without freeing
/// `value`: the rows of a matrix of thousands of units take longer to free one by one than the
/// process takes to end, and the kernel takes the memory back at once. Exits 0, or 70 when the
/// output could not be written. (What the library built on the way is left by the ledger's
/// configuration, `Ledger.Configuration.oneShotReader`; this is the tool's own ending.)
func exitKeeping<T>(_ value: T) -> Never {
    withExtendedLifetime(value) {
        do { try finishStandardOutput() } catch {
            FileHandle.standardError.write(Data("luoshi: \(error)\n".utf8))
            exit(70)
        }
        exit(0)
    }
}

/// The longest line an events file may hold: room for a directive of thousands of long clauses.
let maxInputLine = 16 << 20
/// The most a file of one record or event may hold.
let maxInputFile = 64 << 20

/// Reads a file, or standard input for `-`, a megabyte at a time, refusing a line longer than
/// `maxLine` or input longer than `maxTotal` as soon as it is seen: endless input (`/dev/zero`)
/// is an error, not a process that eats memory until it traps.
func readInput(_ path: String, maxLine: Int = maxInputLine, maxTotal: Int = Int.max) throws -> [UInt8] {
    let name = path == "-" ? "<stdin>" : path
    let handle: FileHandle
    if path == "-" {
        handle = FileHandle.standardInput
    } else {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw LedgerError.usage("cannot read \(path): there is no such file")
        }
        guard !isDirectory.boolValue, let h = FileHandle(forReadingAtPath: path) else {
            throw LedgerError.usage("cannot read \(path): \(isDirectory.boolValue ? "it is a folder" : String(cString: strerror(errno)))")
        }
        handle = h
    }
    defer { if path != "-" { try? handle.close() } }
    var bytes: [UInt8] = []
    var line = 1, lineLength = 0
    while true {
        let chunk: Data?
        do { chunk = try handle.read(upToCount: 1 << 20) } catch {
            throw LedgerError.usage("cannot read \(name): \(error.localizedDescription)")
        }
        guard let chunk, !chunk.isEmpty else { break }
        // Newline to newline with memchr: an events file may be hundreds of megabytes.
        let tooLong = chunk.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Bool in
            guard let base = buffer.baseAddress else { return false }
            var offset = 0
            while offset < buffer.count {
                guard let newline = memchr(base + offset, 0x0A, buffer.count - offset) else {
                    lineLength += buffer.count - offset
                    return lineLength > maxLine
                }
                let at = base.distance(to: UnsafeRawPointer(newline))
                lineLength += at - offset
                if lineLength > maxLine { return true }
                line += 1; lineLength = 0
                offset = at + 1
            }
            return false
        }
        if tooLong {
            throw LedgerError.invalidInput(source: InputSource(file: name, line: line), pointer: nil,
                                           reason: "the line is longer than \(maxLine >> 20) MiB; give one event a line, each shorter than that")
        }
        bytes.append(contentsOf: chunk)
        if bytes.count > maxTotal {
            throw LedgerError.invalidInput(source: InputSource(file: name), pointer: nil,
                                           reason: "the input is longer than \(maxTotal >> 20) MiB; one event is far shorter")
        }
    }
    return bytes
}

/// Whether standard error is a terminal, for progress lines and colour.
let stderrIsTerminal = isatty(2) == 1
let stdoutIsTerminal = isatty(1) == 1

func parseDay(_ s: String?, option: String) throws -> Day? {
    guard let s else { return nil }
    do { return try Day(s) } catch { throw LedgerError.usage("\(option) \(s): give a date as YYYY-MM-DD") }
}

/// Reads an id option by the id's own rule. `ActorID.init` as an argument may name the unchecked
/// initializer (`init(unchecked:)`, `init(stringLiteral:)`), so for the flat ids the checking one is
/// called here whatever `make` names.
func parseID<T: FlatID>(_ s: String?, option: String, _ make: (String) throws -> T) throws -> T? {
    guard let s else { return nil }
    do { return try T(s) } catch let e as LedgerModel.ValidationError { throw LedgerError.usage("\(option): \(e.reason)") }
}

func parseID<T>(_ s: String?, option: String, _ make: (String) throws -> T) throws -> T? {
    guard let s else { return nil }
    do { return try make(s) } catch let e as LedgerModel.ValidationError { throw LedgerError.usage("\(option): \(e.reason)") }
}
