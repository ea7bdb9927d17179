import ArgumentParser
import Foundation
import Ledger
import LedgerModel
import LedgerRender

/// The absolute path of this luoshi, which the receive check's hook runs: as it was called (through
/// a symlink such as /usr/local/bin/luoshi, so that the hook follows an upgrade that moves the
/// symlink), found on $PATH when called by name, else the file the process runs.
let thisExecutable: String = {
    let manager = FileManager.default
    let called = CommandLine.arguments.first ?? ""
    if called.contains("/") {
        let absolute = called.hasPrefix("/") ? called : manager.currentDirectoryPath + "/" + called
        let path = URL(fileURLWithPath: absolute).standardizedFileURL.path
        if manager.isExecutableFile(atPath: path) { return path }
    } else if !called.isEmpty {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") where folder.hasPrefix("/") {
            let path = "\(folder)/\(called)"
            if manager.isExecutableFile(atPath: path) { return path }
        }
    }
    return URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
}()

extension Luoshi {
    struct VerifyPush: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify-push",
            abstract: "The receive check: judge a push by verify's rules (run by git as the pre-receive hook).",
            discussion: """
                Reads git's "<old> <new> <ref>" lines on standard input. Takes only a fast-forward of
                refs/heads/main and new tags under refs/tags/checkpoints/ and refs/tags/witnesses/; judges
                every new commit by every rule `luoshi verify` applies, from the state at the current head,
                and each new tag wherever it points. Refuses with one line per problem, naming the commit
                and the rule (git shows them to the pusher as "remote:" lines), and exits 1: git then
                takes nothing of the push. The objects are read from git's quarantine ($GIT_QUARANTINE_PATH).

                `luoshi init` installs the hook; `luoshi hooks install` adds it to an existing ledger.

                Example (what git runs):
                  echo "$OLD $NEW refs/heads/main" | luoshi verify-push --ledger central.git
                """
        )

        @Option(name: .long, help: ArgumentHelp("The ledger's folder (default: $GIT_DIR, as git sets it for a hook, else the current folder).", valueName: "path"))
        var ledger: String?

        func run() throws {
            var refused = false
            try execute {
                let environment = ProcessInfo.processInfo.environment
                let path = ledger ?? environment["GIT_DIR"] ?? FileManager.default.currentDirectoryPath
                var configuration = Ledger.Configuration()
                configuration.incomingObjects = environment["GIT_QUARANTINE_PATH"]
                let input = String(decoding: try readInput("-"), as: UTF8.self)
                var updates: [RefUpdate] = []
                for (n, line) in input.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
                    guard let update = RefUpdate(hookLine: line) else {
                        throw LedgerError.invalidInput(source: InputSource(file: "<stdin>", line: n + 1), pointer: nil,
                                                       reason: "not a \"<old> <new> <ref>\" line as git gives a pre-receive hook")
                    }
                    updates.append(update)
                }
                let ledger = try Ledger.open(at: path, configuration: configuration)
                let report = try ledger.verifyPush(updates)
                let err = FileHandle.standardError
                for problem in report.problems {
                    err.write(Data("luoshi: refused: commit \(problem.commit.prefix(12)): \(problem.kind.rawValue): \(problem.detail.terminalSafe)\n".utf8))
                }
                if report.ok {
                    err.write(Data("luoshi: push accepted: \(report.commits) new commit\(report.commits == 1 ? "" : "s") verified\n".utf8))
                } else {
                    err.write(Data("luoshi: the push is refused and nothing of it lands; `luoshi verify` on your copy names the same problems\n".utf8))
                    refused = true
                }
            }
            if refused { throw ExitCode(1) }
        }
    }

    struct Hooks: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install the receive check as the ledger's pre-receive hook.",
            subcommands: [Install.self]
        )

        struct Install: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add the receive check (`luoshi verify-push`) to a ledger as its pre-receive hook.",
                discussion: """
                    Writes hooks/pre-receive to run this luoshi's verify-push, so every push the ledger takes,
                    through whichever git server, is judged by verify's rules first. Replaces a hook an older or
                    moved luoshi installed; refuses to replace another hook unless --force, which keeps it
                    beside as hooks/pre-receive.before-luoshi.

                    Example:
                      luoshi hooks install --ledger /srv/git/central.git
                    """
            )

            @OptionGroup var options: LedgerOptions
            @Flag(help: "Replace a pre-receive hook that is not Luoshi's (kept as pre-receive.before-luoshi).")
            var force = false

            func run() throws {
                try execute {
                    let ledger = try options.open()
                    let before = try ReceiveHook.install(ledger: ledger.path, executable: thisExecutable, replacingForeign: force)
                    let file = ReceiveHook.path(ledger: ledger.path)
                    switch options.format {
                    case .json: printJSON(.object(["hook": .string(file), "executable": .string(thisExecutable), "was": .string(before.name)]))
                    case .text:
                        print(before == .installed ? "\(file) already runs this luoshi's receive check"
                                                   : "installed \(file): the receive check (luoshi verify-push) judges every push")
                    }
                }
            }
        }
    }
}

extension ReceiveHook.State {
    /// The state in one word, for JSON.
    var name: String {
        switch self {
        case .installed: "installed"
        case .missing: "missing"
        case .stale: "stale"
        case .foreign: "foreign"
        }
    }

    /// What `luoshi verify` says of a ledger without this luoshi's hook; nil when it has it.
    func note(ledger path: String) -> String? {
        switch self {
        case .installed: nil
        case .missing: "note: \(path) has no receive check: pushes to it are taken unjudged; run `luoshi hooks install --ledger \(path)`"
        case .stale(let runs): "note: \(path)'s receive check runs \(runs), not this luoshi; run `luoshi hooks install --ledger \(path)` to renew it"
        case .foreign: "note: \(path) has a pre-receive hook that is not Luoshi's receive check; see `luoshi hooks install --help`"
        }
    }
}
