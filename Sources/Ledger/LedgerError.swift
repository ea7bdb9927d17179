import Foundation
import GitStore
import LedgerModel

/// Where a piece of input came from: a file and, for events, a line.
public struct InputSource: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?

    public init(file: String, line: Int? = nil) { self.file = file; self.line = line }

    public var description: String { line.map { "\(file):\($0)" } ?? file }
}

/// Everything the ledger refuses or fails at, each with the exit code the CLI documents.
public enum LedgerError: Error, Sendable, CustomStringConvertible {
    /// Input that breaks the format or the ledger's state (exit 65).
    case invalidInput(source: InputSource?, pointer: JSONPointer?, reason: String)
    /// A signer acting outside its roles or scope, or without a usable key (exit 77).
    case notPermitted(source: InputSource?, reason: String)
    /// A command used wrongly: a missing ledger, a bad option value (exit 64).
    case usage(String)
    /// A question about something the ledger does not hold: a unit, a directive, a plan, a record at
    /// a commit (exit 64, as the option that named it was wrong; HTTP 404).
    case notFound(String)
    /// Another writer moved the ledger's head while this write was being made, too often to start
    /// again, or (for a write signed elsewhere) after it was prepared (exit 75: try again; HTTP 409).
    case conflict(String)
    /// Something that should not happen: a damaged repository, a race lost too often (exit 70).
    case internalFailure(String)
    /// Another copy of the ledger that could not be reached or would not answer: a fetch from
    /// central that failed (exit 69: try again when it is back; HTTP 502).
    case unavailable(String)
    /// Input larger than the limit set for it: an evidence file over the store's limit (exit 65;
    /// HTTP 413). Nothing of it is kept.
    case tooLarge(String)

    public var exitCode: Int32 {
        switch self {
        case .invalidInput, .tooLarge: 65
        case .notPermitted: 77
        case .usage, .notFound: 64
        case .conflict: 75
        case .internalFailure: 70
        case .unavailable: 69
        }
    }

    public var description: String {
        switch self {
        case .invalidInput(let source, let pointer, let reason):
            var s = source.map { "\($0): " } ?? ""
            if let pointer { s += "at \(pointer.tokens.isEmpty ? "the top level" : pointer.description): " }
            return s + reason
        case .notPermitted(let source, let reason):
            return (source.map { "\($0): " } ?? "") + "not permitted: " + reason
        case .usage(let s), .notFound(let s), .conflict(let s), .internalFailure(let s), .unavailable(let s), .tooLarge(let s):
            return s
        }
    }

    /// The same error, said about `source` when it did not name one yet.
    public func located(_ source: InputSource?) -> LedgerError {
        switch self {
        case .invalidInput(nil, let p, let r): .invalidInput(source: source, pointer: p, reason: r)
        case .notPermitted(nil, let r): .notPermitted(source: source, reason: r)
        default: self
        }
    }

    static func invalid(_ pointer: JSONPointer?, _ reason: String) -> LedgerError {
        .invalidInput(source: nil, pointer: pointer, reason: reason)
    }

    static func denied(_ reason: String) -> LedgerError { .notPermitted(source: nil, reason: reason) }
}

extension LedgerError {
    /// What a repository the file system refused means for the person running the command, when it
    /// is one of the refusals people meet (another user's ledger, no permission, a read-only file
    /// system, a full disk); nil for any other failure. Nothing was written in any of these cases:
    /// the head moves last.
    static func fileSystem(_ error: GitError, ledger path: String, reading: Bool) -> LedgerError? {
        let m = error.message
        let doing = reading ? "read" : "write to"
        if m.contains("not owned by current user") {
            return .notPermitted(source: nil, reason: "the ledger at \(path) belongs to another user, and git opens no repository its user does not own; run luoshi as that user, or, if you trust the ledger, mark it safe with `git config --global --add safe.directory \(path)`")
        }
        if m.contains("Permission denied") || m.contains("Operation not permitted") {
            return .notPermitted(source: nil, reason: "this user may not \(doing) the ledger at \(path) (\(m)); run luoshi as a user who may, or ask the ledger's owner for access")
        }
        if m.contains("Read-only file system") {
            return .notPermitted(source: nil, reason: "the ledger at \(path) is on a read-only file system, so nothing can be written to it (\(m)); write to a copy that is writable, or remount it")
        }
        if m.contains("No space left on device") || m.contains("Disk quota exceeded") {
            return .internalFailure("the disk holding the ledger at \(path) is full (\(m)); nothing was written: free some space and run the command again")
        }
        return nil
    }
}

extension LedgerError {
    /// Why a folder that holds a git repository could not be opened, when the reason is the folder's
    /// owner or permissions (libgit2 then says only that no repository was found); nil otherwise.
    static func unopenable(_ path: String) -> LedgerError? {
        let files = FileManager.default
        let looksLikeRepository = files.fileExists(atPath: path + "/HEAD") && files.fileExists(atPath: path + "/objects")
            || files.fileExists(atPath: path + "/.git")
        guard looksLikeRepository else {
            if !files.isReadableFile(atPath: path) || !files.isExecutableFile(atPath: path) {
                return .notPermitted(source: nil, reason: "this user may not read the folder \(path); run luoshi as a user who may, or ask its owner for access")
            }
            return nil
        }
        if let owner = (try? files.attributesOfItem(atPath: path))?[.ownerAccountID] as? NSNumber, owner.uint32Value != geteuid() {
            return .notPermitted(source: nil, reason: "the ledger at \(path) belongs to another user, and git opens no repository its user does not own; run luoshi as that user, or, if you trust the ledger, mark it safe with `git config --global --add safe.directory \(path)`")
        }
        return nil
    }
}
