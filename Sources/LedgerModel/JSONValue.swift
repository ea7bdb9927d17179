/// A JSON value as Luoshi reads and writes it.
///
/// Integers and fractional numbers are kept apart so that `30` stays `30` when a record is
/// re-encoded; objects keep no key order because canonical encoding sorts keys.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// A short name of the value's type, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let o) = self { return o }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The value as a Double, for integers and fractional numbers alike.
    public var doubleValue: Double? {
        switch self {
        case .integer(let i): Double(i)
        case .number(let d): d
        default: nil
        }
    }

    /// A number as JSON writes it: integral values without a fraction.
    public static func numeric(_ value: Double) -> JSONValue {
        if value.rounded() == value, abs(value) <= 9_007_199_254_740_992 { return .integer(Int64(value)) }
        return .number(value)
    }
}
