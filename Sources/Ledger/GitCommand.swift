import Foundation

/// Stock git, run as a program: how a ledger talks to other copies of itself. git's own transports
/// (smart HTTP, ssh, git://, a path) with the user's git configuration (credentials, proxies,
/// `http.extraHeader`) carry the objects; Luoshi judges them once they are here.
public struct GitCommand {
    /// The git directory the command works on.
    var gitDirectory: String?

    struct Outcome {
        var status: Int32
        var output: String
        var errors: String
        var ok: Bool { status == 0 }
    }

    /// Variables a hook's git sets that would point a nested git at the wrong repository.
    private static let inherited: Set<String> = [
        "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_QUARANTINE_PATH", "GIT_PREFIX", "GIT_NAMESPACE", "GIT_COMMON_DIR",
    ]

    /// Runs `git <arguments>` and waits for it. `echoErrors` passes git's progress and messages on
    /// to this process's standard error as they come, as well as keeping them.
    func run(_ arguments: [String], echoErrors: Bool = false) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: GitCommand.executable)
        process.arguments = (gitDirectory.map { ["--git-dir=\($0)"] } ?? []) + arguments
        var environment = ProcessInfo.processInfo.environment.filter { !GitCommand.inherited.contains($0.key) }
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["LC_ALL"] = "C"
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        // Told when git ends, rather than `waitUntilExit`, which looks every 50 ms and so adds up to
        // that much to every git run.
        let ended = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in ended.signal() }
        do { try process.run() } catch {
            throw LedgerError.internalFailure("cannot run \(GitCommand.executable): \(error.localizedDescription); Luoshi talks to other copies of a ledger through stock git")
        }
        final class Collected: @unchecked Sendable { let lock = NSLock(); var bytes = Data() }
        let collected = Collected()
        let reading = DispatchGroup()
        // Standard error is read beside standard output, so that neither pipe fills and stalls git.
        DispatchQueue.global().async(group: reading) {
            let handle = errors.fileHandleForReading
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                if echoErrors { FileHandle.standardError.write(chunk) }
                collected.lock.lock(); collected.bytes.append(chunk); collected.lock.unlock()
            }
        }
        let outputBytes = output.fileHandleForReading.readDataToEndOfFile()
        ended.wait()
        reading.wait()
        collected.lock.lock(); defer { collected.lock.unlock() }
        let errorBytes = collected.bytes
        return Outcome(status: process.terminationStatus, output: String(decoding: outputBytes, as: UTF8.self),
                       errors: String(decoding: errorBytes, as: UTF8.self))
    }

    /// The git program, for every git Luoshi runs (fetch, push, `http-backend`): `$LUOSHI_GIT` when
    /// set, else the first `git` on `$PATH`.
    public static let executable: String = {
        let environment = ProcessInfo.processInfo.environment
        if let chosen = environment["LUOSHI_GIT"], !chosen.isEmpty { return chosen }
        for folder in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(folder)/git"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return "/usr/bin/git"
    }()
}
