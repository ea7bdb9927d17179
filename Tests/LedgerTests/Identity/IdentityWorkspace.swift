import Foundation

/// A fresh temporary directory in which identity tests run the real `ssh-keygen` and `git`.
final class IdentityWorkspace {
    /// What a finished tool run left behind.
    struct Run {
        let status: Int32
        let output: String
        let errorOutput: String
        var succeeded: Bool { status == 0 }
    }

    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("luoshi-identity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    func write(_ text: String, to name: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path(name)))
    }

    func write(_ bytes: [UInt8], to name: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path(name)))
    }

    func read(_ name: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: path(name))), as: UTF8.self)
    }

    /// Makes a key with `ssh-keygen -q -t <type> -N <passphrase> -C <comment> -f <name>`.
    @discardableResult
    func makeKey(
        _ name: String, type: String = "ed25519", passphrase: String = "", comment: String = "alice",
        extra: [String] = []
    ) throws -> String {
        let run = try self.run(
            "ssh-keygen", ["-q", "-t", type] + extra + ["-N", passphrase, "-C", comment, "-f", path(name)])
        guard run.succeeded else { throw ToolFailure(run: run) }
        return path(name)
    }

    /// Runs `tool` (looked up in PATH) in the workspace, feeding `input` on standard input.
    /// Git is isolated from the user's and system configuration.
    @discardableResult
    func run(_ tool: String, _ arguments: [String], input: [UInt8] = []) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        process.environment = environment

        // Files, not pipes, so a chatty tool can never block on a full pipe.
        let id = UUID().uuidString
        let inputURL = directory.appendingPathComponent(".stdin-\(id)")
        let outputURL = directory.appendingPathComponent(".stdout-\(id)")
        let errorURL = directory.appendingPathComponent(".stderr-\(id)")
        try Data(input).write(to: inputURL)
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        defer {
            for url in [inputURL, outputURL, errorURL] { try? FileManager.default.removeItem(at: url) }
        }
        let inputHandle = try FileHandle(forReadingFrom: inputURL)
        let outputHandle = try FileHandle(forWritingTo: outputURL)
        let errorHandle = try FileHandle(forWritingTo: errorURL)
        defer {
            for handle in [inputHandle, outputHandle, errorHandle] { try? handle.close() }
        }
        process.standardInput = inputHandle
        process.standardOutput = outputHandle
        process.standardError = errorHandle

        try process.run()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus,
            output: String(decoding: try Data(contentsOf: outputURL), as: UTF8.self),
            errorOutput: String(decoding: try Data(contentsOf: errorURL), as: UTF8.self))
    }

    struct ToolFailure: Error, CustomStringConvertible {
        let run: Run
        var description: String { "tool failed with status \(run.status): \(run.errorOutput)" }
    }
}
