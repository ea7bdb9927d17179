import Foundation
import GitStore
import Testing

/// A fresh directory under the system temporary directory, removed when the test ends.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("gitstore-tests-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// A new bare repository in a fresh temporary directory.
func withNewRepository<T>(_ body: (Repository, String) throws -> T) throws -> T {
    try withTemporaryDirectory { (directory) throws in
        let path = directory + "/ledger.git"
        let repository = try Repository.create(at: path)
        return try body(repository, path)
    }
}

struct GitCommandFailed: Error, CustomStringConvertible {
    let arguments: [String]
    let status: Int32
    let standardError: String
    var description: String { "git \(arguments.joined(separator: " ")) exited with \(status): \(standardError)" }
}

/// Runs stock `git` in `directory`, isolated from the user's and system's configuration, and
/// returns its standard output.
@discardableResult
func git(_ arguments: [String], in directory: String, input: [UInt8]? = nil, environment: [String: String] = [:]) throws -> String {
    String(decoding: try gitBytes(arguments, in: directory, input: input, environment: environment), as: UTF8.self)
}

/// The same, returning the bytes of standard output.
func gitBytes(_ arguments: [String], in directory: String, input: [UInt8]? = nil, environment: [String: String] = [:]) throws -> [UInt8] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    var env = ProcessInfo.processInfo.environment
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    env["GIT_CONFIG_GLOBAL"] = "/dev/null"
    env["GIT_DIR"] = nil
    for (key, value) in environment { env[key] = value }
    process.environment = env
    // Files rather than pipes, so a chatty command cannot fill a pipe and block.
    let outputPath = NSTemporaryDirectory() + "gitstore-out-\(UUID().uuidString)"
    let errorPath = NSTemporaryDirectory() + "gitstore-err-\(UUID().uuidString)"
    let inputPath = NSTemporaryDirectory() + "gitstore-in-\(UUID().uuidString)"
    _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
    _ = FileManager.default.createFile(atPath: inputPath, contents: Data(input ?? []))
    defer {
        for path in [outputPath, errorPath, inputPath] { try? FileManager.default.removeItem(atPath: path) }
    }
    process.standardOutput = FileHandle(forWritingAtPath: outputPath)
    process.standardError = FileHandle(forWritingAtPath: errorPath)
    process.standardInput = FileHandle(forReadingAtPath: inputPath)
    try process.run()
    process.waitUntilExit()
    let output = Array(FileManager.default.contents(atPath: outputPath) ?? Data())
    guard process.terminationStatus == 0 else {
        let error = String(decoding: FileManager.default.contents(atPath: errorPath) ?? Data(), as: UTF8.self)
        throw GitCommandFailed(arguments: arguments, status: process.terminationStatus, standardError: error)
    }
    return output
}

/// Output without its trailing newline.
extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}

let alice = GitSignature(name: "Alice", email: "alice@ledger", time: 1_700_000_000, offsetMinutes: 480)
let bob = GitSignature(name: "Bob", email: "bob@ledger", time: 1_700_000_060, offsetMinutes: -300)
let fakeSignature = "-----BEGIN SSH SIGNATURE-----\nabc\n-----END SSH SIGNATURE-----\n"

extension Repository {
    /// Writes an unsigned commit on `parents` whose tree is `base` (or the parent's tree) with
    /// `files` set (nil content: deleted).
    func makeCommit(parents: [ObjectID], files: [String: String?], message: String = "test: change\n", base: ObjectID? = nil) throws -> ObjectID {
        var changes: [(path: String, blob: ObjectID?)] = []
        for (path, content) in files.sorted(by: { $0.key < $1.key }) {
            changes.append((path, try content.map { try writeBlob(Array($0.utf8)) }))
        }
        let baseTree = try base ?? parents.first.map { try treeID(ofCommit: $0) }
        let tree = try updateTree(base: baseTree, changes: changes)
        let buffer = try commitBuffer(tree: tree, parents: parents, author: alice, committer: alice, message: message)
        return try writeCommitObject(buffer: buffer)
    }
}
