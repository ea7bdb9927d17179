/// A record or event that breaks the format, and where.
public struct ValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where in the value the problem is.
    public var pointer: JSONPointer
    /// What is wrong, as a sentence fragment ("must be a string, not integer").
    public var reason: String

    public init(_ pointer: JSONPointer, _ reason: String) {
        self.pointer = pointer
        self.reason = reason
    }

    public var description: String {
        let at = pointer.tokens.isEmpty ? "the top level" : "\(pointer)"
        return "at \(at): \(reason)"
    }
}
