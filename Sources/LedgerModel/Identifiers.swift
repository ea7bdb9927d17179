/// Identifiers of ledger entities. Each checks its own syntax, since ids become file paths.

/// A hierarchical unit id, `cn/hunan/changsha`: segments `[a-z0-9][a-z0-9-]*`, at most 12 deep.
public struct UnitID: Sendable, Hashable, Comparable, CustomStringConvertible, JSONCodable {
    public static let maxDepth = 12
    public let rawValue: String

    public init(_ raw: String) throws {
        if let problem = UnitID.problem(raw) { throw ValidationError(.root, problem) }
        rawValue = raw
    }

    init(unchecked raw: String) { rawValue = raw }

    public init(json: JSONValue, at pointer: JSONPointer) throws {
        let s = try String(json: json, at: pointer)
        if let problem = UnitID.problem(s) { throw ValidationError(pointer, problem) }
        rawValue = s
    }

    public var json: JSONValue { .string(rawValue) }
    public var description: String { rawValue }

    public static func problem(_ s: String) -> String? { problem(Substring(s)) }

    /// Why `s` is not a unit id; nil when it is one.
    public static func problem(_ s: Substring) -> String? {
        // One pass over the bytes for the common case of a valid id; the messages below say what is wrong.
        var segments = 1, segmentStart = true, valid = !s.isEmpty
        for b in s.utf8 where valid {
            if b == UInt8(ascii: "/") {
                valid = !segmentStart; segments += 1; segmentStart = true
            } else {
                valid = isLowerAlnum(b) || (!segmentStart && b == UInt8(ascii: "-")); segmentStart = false
            }
        }
        if valid, !segmentStart, segments <= maxDepth { return nil }
        if s.isEmpty { return "a unit id must not be empty" }
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count > maxDepth { return "unit id \"\(s)\" is \(parts.count) levels deep; at most \(maxDepth) are allowed" }
        for seg in parts {
            guard let first = seg.utf8.first else {
                return "unit id \"\(s)\" has an empty segment (no leading, trailing or doubled '/')"
            }
            guard isLowerAlnum(first), seg.utf8.allSatisfy({ isLowerAlnum($0) || $0 == UInt8(ascii: "-") }) else {
                return "unit id \"\(s)\" must be lower-case segments of a-z, 0-9 and '-' separated by '/', each starting with a letter or digit"
            }
        }
        return nil
    }

    public var segments: [Substring] { rawValue.split(separator: "/") }
    public var depth: Int { segments.count }

    /// The unit one level up, or nil at the top.
    public var parent: UnitID? {
        guard let slash = rawValue.lastIndex(of: "/") else { return nil }
        return UnitID(unchecked: String(rawValue[..<slash]))
    }

    /// This unit and every unit above it, nearest first.
    public var lineage: [UnitID] {
        var out = [self]
        while let p = out.last!.parent { out.append(p) }
        return out
    }

    /// Whether `self` is `other` or lies below it.
    public func isWithin(_ other: UnitID) -> Bool {
        rawValue == other.rawValue || rawValue.hasPrefix(other.rawValue + "/")
    }

    /// Whether `self` lies strictly below `other`.
    public func isStrictlyBelow(_ other: UnitID) -> Bool {
        rawValue.hasPrefix(other.rawValue + "/")
    }

    public static func < (a: UnitID, b: UnitID) -> Bool { a.rawValue < b.rawValue }
}

@inline(__always) func isLowerAlnum(_ b: UInt8) -> Bool {
    (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
}

@inline(__always) func isAlnum(_ b: UInt8) -> Bool {
    isLowerAlnum(b) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
}

/// The rules shared by the flat ids that name files (actor, directive, finding, checkpoint).
public struct FlatIDRule: Sendable {
    public let kind: String
    public let allowsUpperCase: Bool
    public let maxLength: Int

    public func problem(_ s: String) -> String? {
        let upper = allowsUpperCase
        let letterOK: (UInt8) -> Bool = { upper ? isAlnum($0) : isLowerAlnum($0) }
        var count = 0, firstOK = true, allowed = true, doubleDot = false, previous: UInt8 = 0
        for b in s.utf8 {
            if count == 0, !letterOK(b) { firstOK = false }
            if !(letterOK(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")) { allowed = false }
            if b == UInt8(ascii: "."), previous == UInt8(ascii: ".") { doubleDot = true }
            previous = b
            count += 1
        }
        if count == 0 { return "\(kind) id must not be empty" }
        if count > maxLength { return "\(kind) id \"\(s)\" is longer than \(maxLength) characters" }
        if !firstOK { return "\(kind) id \"\(s)\" must start with \(cases) or a digit" }
        if !allowed { return "\(kind) id \"\(s)\" may hold only \(cases), digits, '.', '_' and '-'" }
        if doubleDot { return "\(kind) id \"\(s)\" must not contain \"..\"" }
        return nil
    }

    private var cases: String { allowsUpperCase ? "letters" : "lower-case letters" }
}

public protocol FlatID: Sendable, Hashable, Comparable, CustomStringConvertible, JSONCodable, ExpressibleByStringLiteral {
    /// Why `s`, in its kept form (`kept`), is not an id of this kind; nil when it is one.
    static func problem(_ s: String) -> String?
    /// The form an id is kept in: clause ids are NFC-normalised, the others kept as given.
    static func kept(_ s: String) -> String
    var rawValue: String { get }
    init(unchecked: String)
}

extension FlatID {
    public static func kept(_ s: String) -> String { s }
    public init(_ raw: String) throws {
        let s = Self.kept(raw)
        if let problem = Self.problem(s) { throw ValidationError(.root, problem) }
        self.init(unchecked: s)
    }
    public init(json: JSONValue, at pointer: JSONPointer) throws {
        let s = Self.kept(try String(json: json, at: pointer))
        if let problem = Self.problem(s) { throw ValidationError(pointer, problem) }
        self.init(unchecked: s)
    }
    public init(stringLiteral value: String) { self.init(unchecked: Self.kept(value)) }
    public var json: JSONValue { .string(rawValue) }
    public var description: String { rawValue }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

public struct ActorID: FlatID {
    public static let rule = FlatIDRule(kind: "actor", allowsUpperCase: false, maxLength: 64)
    public let rawValue: String
    public static func problem(_ s: String) -> String? { rule.problem(s) }
    public init(unchecked: String) { rawValue = unchecked }
}

public struct DirectiveID: FlatID {
    public static let rule = FlatIDRule(kind: "directive", allowsUpperCase: true, maxLength: 64)
    public let rawValue: String
    public static func problem(_ s: String) -> String? { rule.problem(s) }
    public init(unchecked: String) { rawValue = unchecked }
}

/// A clause id as the document numbers it, in any script: `1`, `5(2)(a)`, `Art-7`, `一`, `（二）`, `第三条`.
/// Letters, marks and digits of any script, `.`, `_`, `-` and round brackets of either width; 1 to 32
/// characters (Unicode scalars, as JSON Schema counts them), kept in NFC so that two spellings of
/// one id are one id. Marks are letters' parts in many scripts (the vowel sign of Hindi धारा).
public struct ClauseID: FlatID {
    public static let maxLength = 32
    public let rawValue: String
    public init(unchecked: String) { rawValue = unchecked }

    public static func kept(_ s: String) -> String { s.nfc }

    public static func problem(_ s: String) -> String? {
        var count = 0
        for scalar in s.unicodeScalars {
            count += 1
            if !isAllowed(scalar) {
                return "clause id \"\(s.visiblyEscaped)\" holds \(scalar.describedForPeople); a clause id may hold letters and digits of any script, '.', '_', '-' and round brackets ( ) （ ）, and no spaces or control characters"
            }
        }
        if count == 0 { return "clause id must not be empty" }
        if count > maxLength { return "clause id \"\(s.visiblyEscaped)\" is \(count) characters long; at most \(maxLength) are allowed" }
        return nil
    }

    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case ".", "_", "-", "(", ")", "\u{FF08}", "\u{FF09}": return true
        default:
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                 .nonspacingMark, .spacingMark, .enclosingMark,
                 .decimalNumber, .letterNumber, .otherNumber:
                return true
            default: return false
            }
        }
    }
}

extension String {
    /// The string in Unicode Normalization Form C.
    public var nfc: String {
        // Most ids are ASCII, which is NFC already.
        if utf8.allSatisfy({ $0 < 0x80 }) { return self }
        return String(decoding: _nfcCodeUnits, as: UTF8.self)
    }

    /// `U+0065 U+0301`: the string's code points, for telling apart spellings that look the same.
    public var codePoints: String { unicodeScalars.map(\.codePointName).joined(separator: " ") }

    /// The string with every scalar that shows nothing or moves text (controls, format characters,
    /// separators other than the space) written as `<U+200D>`, for messages about it.
    public var visiblyEscaped: String {
        var out = ""
        for scalar in unicodeScalars {
            if scalar.isInvisibleForPeople { out += "<" + scalar.codePointName + ">" } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }
}

extension Unicode.Scalar {
    /// `U+200D`, the way Unicode names a code point.
    var codePointName: String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    var isInvisibleForPeople: Bool {
        switch properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned: return true
        case .spaceSeparator: return self != " "
        default: return false
        }
    }

    /// The explicit bidirectional formatting characters (UAX #9), which reorder the text around them.
    var isBidiControl: Bool {
        switch value {
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// `U+0009 (a control character)`, for messages.
    var describedForPeople: String {
        let what: String
        switch properties.generalCategory {
        case .spaceSeparator: what = "a space"
        case .control: what = "a control character"
        case .format: what = isBidiControl ? "a bidirectional control" : "an invisible format character"
        case .lineSeparator, .paragraphSeparator: what = "a line break"
        default:
            let shown = isInvisibleForPeople ? "" : "'\(Character(self))' "
            return "\(shown)\(codePointName)"
        }
        return "\(codePointName) (\(what))"
    }
}

public struct FindingID: FlatID {
    public static let rule = FlatIDRule(kind: "finding", allowsUpperCase: true, maxLength: 64)
    public let rawValue: String
    public static func problem(_ s: String) -> String? { rule.problem(s) }
    public init(unchecked: String) { rawValue = unchecked }
}

public struct CheckpointID: FlatID {
    public static let rule = FlatIDRule(kind: "checkpoint", allowsUpperCase: true, maxLength: 64)
    public let rawValue: String
    public static func problem(_ s: String) -> String? { rule.problem(s) }
    public init(unchecked: String) { rawValue = unchecked }
}
