import Foundation
import Testing

/// The repository's root folder, found from this file's path.
let repositoryRoot: URL = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
    }
    fatalError("no Package.swift above \(#filePath)")
}()

/// The public scenarios and their checker (`scenarios/`).
let scenarios = repositoryRoot.appendingPathComponent("scenarios")

/// The luoshi binary built for the tests.
let luoshiBinary: String = {
    if let b = ProcessInfo.processInfo.environment["LUOSHI_BIN"] { return b }
    for config in ["debug", "release"] {
        let p = repositoryRoot.appendingPathComponent(".build/\(config)/luoshi").path
        if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    fatalError("build luoshi first (swift build)")
}()

struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a program and waits; standard input from `input` when given.
@discardableResult
func run(_ program: String, _ arguments: [String], input: String? = nil, cwd: URL? = nil, environment: [String: String] = [:]) throws -> RunResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: program.hasPrefix("/") ? program : "/usr/bin/env")
    p.arguments = program.hasPrefix("/") ? arguments : [program] + arguments
    if let cwd { p.currentDirectoryURL = cwd }
    var env = ProcessInfo.processInfo.environment
    env.merge(environment) { _, new in new }
    p.environment = env
    // Standard error goes to a file, so neither stream can fill a pipe and block the child.
    let errPath = FileManager.default.temporaryDirectory.appendingPathComponent("luoshi-stderr-\(UUID().uuidString)")
    // A file that cannot be made fails the FileHandle below, naming it.
    _ = FileManager.default.createFile(atPath: errPath.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errPath) }
    let out = Pipe()
    p.standardOutput = out
    p.standardError = try FileHandle(forWritingTo: errPath)
    let inPipe = Pipe()
    p.standardInput = inPipe
    // Told when it ends (`waitUntilExit` looks only every 50 ms).
    let ended = DispatchSemaphore(value: 0)
    p.terminationHandler = { _ in ended.signal() }
    try p.run()
    if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
    try inPipe.fileHandleForWriting.close()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    ended.wait()
    let errData = (try? Data(contentsOf: errPath)) ?? Data()
    return RunResult(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
}

func luoshi(_ arguments: [String], input: String? = nil) throws -> RunResult {
    try run(luoshiBinary, arguments, input: input)
}

/// A fresh folder that is removed when the value goes away.
final class TemporaryFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("luoshi-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// A ledger loaded from a scenario with the shared `load.sh`: the ledger and its keys folder.
struct LoadedLedger {
    let folder: TemporaryFolder
    var ledger: String { folder.path("ledger") }
    var keys: String { folder.path("ledger.keys") }

    static func load(_ scenario: String) throws -> LoadedLedger {
        let folder = try TemporaryFolder()
        let r = try run("bash", [scenarios.appendingPathComponent("load.sh").path, scenarios.appendingPathComponent(scenario).path,
                                 folder.path("ledger"), luoshiBinary])
        guard r.status == 0 else { throw LoadError(message: r.stderr + r.stdout) }
        return LoadedLedger(folder: folder)
    }

    func head() throws -> String {
        try run("git", ["--git-dir", ledger, "rev-parse", "refs/heads/main"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func git(_ args: [String]) throws -> RunResult { try run("git", ["--git-dir", ledger] + args) }
}

struct LoadError: Error, CustomStringConvertible { var message: String; var description: String { message } }
