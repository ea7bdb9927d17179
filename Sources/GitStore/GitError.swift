import Clibgit2

/// A failed libgit2 call: the code it returned, the error class and message it left behind, and
/// the name of the C function, so a message reads "what failed, while calling what".
public struct GitError: Error, CustomStringConvertible, Sendable {
    /// The libgit2 return codes callers act on, with every other code kept verbatim.
    public enum Code: Hashable, Sendable, CustomStringConvertible {
        /// `GIT_ENOTFOUND`: the object, reference, path or repository does not exist.
        case notFound
        /// `GIT_EEXISTS`: the reference or repository already exists.
        case exists
        /// `GIT_EMODIFIED`: a reference changed under us (a lost compare-and-swap race).
        case modified
        /// `GIT_ELOCKED`: another writer holds the lock (also a lost race).
        case locked
        /// Any other negative libgit2 return code.
        case other(Int32)

        /// Classifies a raw libgit2 return code.
        init(rawCode: Int32) {
            switch rawCode {
            case GIT_ENOTFOUND.rawValue: self = .notFound
            case GIT_EEXISTS.rawValue: self = .exists
            case GIT_EMODIFIED.rawValue: self = .modified
            case GIT_ELOCKED.rawValue: self = .locked
            default: self = .other(rawCode)
            }
        }

        /// The libgit2 name of the code, e.g. `GIT_ENOTFOUND`.
        public var description: String {
            switch self {
            case .notFound: return "GIT_ENOTFOUND"
            case .exists: return "GIT_EEXISTS"
            case .modified: return "GIT_EMODIFIED"
            case .locked: return "GIT_ELOCKED"
            case .other(let raw): return "libgit2 error \(raw)"
            }
        }
    }

    /// What kind of failure this is.
    public let code: Code
    /// The libgit2 error class (`git_error_t`), 0 when libgit2 left no error behind.
    public let klass: Int32
    /// The libgit2 message, possibly extended with advice for the user.
    public let message: String
    /// The C function that failed, e.g. `git_reference_create_matching`.
    public let function: String

    /// Creates an error from its parts.
    public init(code: Code, class klass: Int32, message: String, function: String) {
        self.code = code
        self.klass = klass
        self.message = message
        self.function = function
    }

    /// A sentence: the message, then the code and the call it came from.
    public var description: String {
        "\(message) (\(code), error class \(klass), while calling \(function))"
    }
}

extension GitError {
    /// Reads the calling thread's last libgit2 error; it must run on the thread that made the
    /// failing call, right after it (`git_error_last` is per thread and may be NULL).
    static func last(rawCode: Int32, function: String) -> GitError {
        var klass: Int32 = 0
        var message = "\(function) failed"
        if let last = git_error_last() {
            klass = last.pointee.klass
            if let text = last.pointee.message {
                // String(cString:) repairs invalid UTF-8 instead of failing.
                message = String(cString: text)
            }
        }
        return GitError(code: Code(rawCode: rawCode), class: klass, message: message, function: function)
    }
}

/// Runs one libgit2 call and turns a negative return code into a `GitError`; every C call in
/// GitStore goes through here (or `checkNext`) so that no raw code is compared by hand.
/// Returns the non-negative result, which some calls use as a value (e.g. a boolean).
@discardableResult
func check(_ function: String, _ call: () -> Int32) throws -> Int32 {
    // Clear first so that a call failing without setting an error cannot report a stale one.
    git_error_clear()
    let result = call()
    guard result >= 0 else { throw GitError.last(rawCode: result, function: function) }
    return result
}

/// Like `check`, for iterators: returns false when the call reports `GIT_ITEROVER`.
@discardableResult
func checkNext(_ function: String, _ call: () -> Int32) throws -> Bool {
    git_error_clear()
    let result = call()
    if result == GIT_ITEROVER.rawValue { return false }
    guard result >= 0 else { throw GitError.last(rawCode: result, function: function) }
    return true
}

/// Like `check`, but a `GIT_ENOTFOUND` result is returned as `false` rather than thrown, for
/// lookups whose absence is an ordinary answer (a ref not yet created, a path not in a tree).
@discardableResult
func checkFound(_ function: String, _ call: () -> Int32) throws -> Bool {
    do {
        try check(function, call)
        return true
    } catch let error as GitError where error.code == .notFound {
        return false
    }
}
