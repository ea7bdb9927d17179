import Clibgit2
import Foundation

/// The author or committer line of a commit: who, and when in their time zone.
public struct GitSignature: Hashable, Sendable {
    /// The person's name, e.g. `Alice`.
    public var name: String
    /// The e-mail part, e.g. `alice@ledger`.
    public var email: String
    /// Seconds since the Unix epoch.
    public var time: Int64
    /// The time zone's offset from UTC in minutes, e.g. 480 for UTC+8.
    public var offsetMinutes: Int

    /// Creates a signature from its parts.
    public init(name: String, email: String, time: Int64, offsetMinutes: Int) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    /// Copies a libgit2 signature; names need not be valid UTF-8, so they are decoded lossily.
    init(_ signature: UnsafePointer<git_signature>) {
        let value = signature.pointee
        self.name = value.name.map { String(cString: $0) } ?? ""
        self.email = value.email.map { String(cString: $0) } ?? ""
        self.time = Int64(value.when.time)
        self.offsetMinutes = Int(value.when.offset)
    }

    /// Lends a libgit2 copy of this signature to `body`, freeing it afterwards.
    func withGitSignature<T>(_ body: (UnsafePointer<git_signature>) throws -> T) throws -> T {
        var signature: UnsafeMutablePointer<git_signature>? = nil
        try check("git_signature_new") {
            git_signature_new(&signature, name, email, git_time_t(time), Int32(offsetMinutes))
        }
        defer { git_signature_free(signature) }
        guard let signature else {
            throw GitError(code: .other(-1), class: 0, message: "libgit2 returned no signature", function: "git_signature_new")
        }
        return try body(signature)
    }
}

extension GitSignature {
    /// `Name <email> 1553846400 +0800`, as a commit header writes it; the rules are libgit2's:
    /// name and email trimmed, neither empty, no angle brackets.
    func header() throws -> String {
        let trim: (String) -> String = { $0.trimmingCharacters(in: .whitespaces) }
        let name = trim(self.name), email = trim(self.email)
        for (what, value) in [("name", name), ("email", email)] {
            guard !value.isEmpty, !value.contains(where: { $0 == "<" || $0 == ">" || $0 == "\n" }) else {
                throw GitError(code: .other(-1), class: 0, message: "a signature's \(what) must not be empty or hold '<', '>' or a newline", function: "git_signature_new")
            }
        }
        let sign = offsetMinutes < 0 ? "-" : "+"
        let minutes = abs(offsetMinutes)
        let hours = minutes / 60, rest = minutes % 60
        return "\(name) <\(email)> \(time) \(sign)\(hours < 10 ? "0" : "")\(hours)\(rest < 10 ? "0" : "")\(rest)"
    }
}
