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
    /// Something that should not happen: a damaged repository, a race lost too often (exit 70).
    case internalFailure(String)

    public var exitCode: Int32 {
        switch self {
        case .invalidInput: 65
        case .notPermitted: 77
        case .usage: 64
        case .internalFailure: 70
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
        case .usage(let s), .internalFailure(let s):
            return s
        }
    }

    /// The same error, said about `source` when it did not name one yet.
    func located(_ source: InputSource?) -> LedgerError {
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
