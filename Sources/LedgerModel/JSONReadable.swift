/// A value that can be read from JSON, saying where it is wrong when it is.
public protocol JSONReadable {
    init(json: JSONValue, at pointer: JSONPointer) throws
}

/// A value with one JSON form.
public protocol JSONWritable {
    var json: JSONValue { get }
}

public typealias JSONCodable = JSONReadable & JSONWritable

/// Reads the members of one JSON object, and rejects the members nobody asked for.
public struct ObjectReader {
    public let members: [String: JSONValue]
    public let pointer: JSONPointer
    /// The keys asked for: a few per record, so a list is cheaper than a set.
    private var consumed: [String] = []

    public init(_ value: JSONValue, at pointer: JSONPointer) throws {
        guard case .object(let members) = value else {
            throw ValidationError(pointer, "must be an object, not \(value.typeName)")
        }
        self.members = members
        self.pointer = pointer
    }

    public mutating func required<T: JSONReadable>(_ key: String, as type: T.Type = T.self) throws -> T {
        consumed.append(key)
        guard let value = members[key] else { throw ValidationError(pointer / key, "is required") }
        return try T(json: value, at: pointer / key)
    }

    /// Reads a required member with a custom reader, for lists with rules across their items.
    public mutating func required<T>(_ key: String, using read: (JSONValue, JSONPointer) throws -> T) throws -> T {
        consumed.append(key)
        guard let value = members[key] else { throw ValidationError(pointer / key, "is required") }
        return try read(value, pointer / key)
    }

    public mutating func optional<T: JSONReadable>(_ key: String, as type: T.Type = T.self) throws -> T? {
        consumed.append(key)
        guard let value = members[key] else { return nil }
        return try T(json: value, at: pointer / key)
    }

    /// Rejects every member that was not read; call it after reading the known ones.
    public func finish() throws {
        if let extra = members.keys.filter({ !consumed.contains($0) }).sorted().first {
            throw ValidationError(pointer / extra, "is not a known field")
        }
    }
}

extension String: JSONCodable {
    public init(json: JSONValue, at pointer: JSONPointer) throws {
        guard case .string(let s) = json else { throw ValidationError(pointer, "must be a string, not \(json.typeName)") }
        self = s
    }
    public var json: JSONValue { .string(self) }
}

extension Bool: JSONCodable {
    public init(json: JSONValue, at pointer: JSONPointer) throws {
        guard case .bool(let b) = json else { throw ValidationError(pointer, "must be true or false, not \(json.typeName)") }
        self = b
    }
    public var json: JSONValue { .bool(self) }
}

extension Int: JSONCodable {
    public init(json: JSONValue, at pointer: JSONPointer) throws {
        guard case .integer(let i) = json, let v = Int(exactly: i) else {
            throw ValidationError(pointer, "must be an integer, not \(json.typeName)")
        }
        self = v
    }
    public var json: JSONValue { .integer(Int64(self)) }
}

extension Double: JSONCodable {
    public init(json: JSONValue, at pointer: JSONPointer) throws {
        guard let d = json.doubleValue else { throw ValidationError(pointer, "must be a number, not \(json.typeName)") }
        // A value made in memory (a command's option, a library caller) may hold what JSON cannot.
        guard d.isFinite else { throw ValidationError(pointer, "must be a finite number; \(d) is not a JSON number") }
        self = d
    }
    public var json: JSONValue { .numeric(self) }
}

extension Array: JSONReadable where Element: JSONReadable {
    public init(json: JSONValue, at pointer: JSONPointer) throws {
        guard case .array(let items) = json else { throw ValidationError(pointer, "must be an array, not \(json.typeName)") }
        self = try items.enumerated().map { try Element(json: $1, at: pointer / $0) }
    }
}

extension Array: JSONWritable where Element: JSONWritable {
    public var json: JSONValue { .array(map(\.json)) }
}

extension Dictionary: JSONReadable where Key == String, Value: JSONReadable {
    public init(json: JSONValue, at pointer: JSONPointer) throws {
        guard case .object(let members) = json else { throw ValidationError(pointer, "must be an object, not \(json.typeName)") }
        var out: [String: Value] = [:]
        for (k, v) in members { out[k] = try Value(json: v, at: pointer / k) }
        self = out
    }
}

extension Dictionary: JSONWritable where Key == String, Value: JSONWritable {
    public var json: JSONValue { .object(mapValues(\.json)) }
}

/// Builds a JSON object, leaving out members whose value is nil.
public func jsonObject(_ members: KeyValuePairs<String, JSONWritable?>) -> JSONValue {
    var out: [String: JSONValue] = [:]
    for (k, v) in members { if let v { out[k] = v.json } }
    return .object(out)
}

extension JSONValue: JSONCodable {
    public init(json: JSONValue, at pointer: JSONPointer) throws { self = json }
    public var json: JSONValue { self }
}

/// A string enum read from JSON with a message listing the allowed values.
public protocol JSONEnum: RawRepresentable, CaseIterable, JSONCodable, Sendable, Hashable where RawValue == String {}

extension JSONEnum {
    public init(json: JSONValue, at pointer: JSONPointer) throws {
        let s = try String(json: json, at: pointer)
        guard let v = Self(rawValue: s) else {
            let allowed = Self.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw ValidationError(pointer, "\"\(s)\" is not one of \(allowed)")
        }
        self = v
    }
    public var json: JSONValue { .string(rawValue) }
}
