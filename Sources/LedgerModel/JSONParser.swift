/// A strict JSON parser (RFC 8259) that says where a syntax error is and rejects duplicate keys.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line and column of the offending byte.
    public var line: Int
    public var column: Int
    public var reason: String

    public var description: String { "line \(line), column \(column): \(reason)" }
}

public enum JSONParser {
    /// Parses one JSON document; anything but whitespace after it is an error.
    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        try parse(bytes, deferring: []).value
    }

    /// Parses one JSON document whose top level is an object, except the values of `deferred`
    /// keys that are arrays or objects: those are left out of the object, their bytes skipped
    /// without being checked, and their ranges returned, for the caller to parse with
    /// `parse(_:range:)` or to recognise as bytes it has read before.
    ///
    /// `knownEnd`, given where a deferred value starts, may say where it ends, for a value the caller
    /// recognises from bytes it read before (a complete JSON value, byte for byte); otherwise the
    /// value's brackets are matched to find its end.
    public static func parse(_ bytes: [UInt8], deferring deferred: [String], knownEnd: ((Int) -> Int?)? = nil) throws(JSONSyntaxError)
        -> (value: JSONValue, deferred: [String: Range<Int>]) {
        var reader = Reader(bytes: bytes)
        reader.deferredKeys = deferred
        reader.knownEnd = knownEnd
        reader.skipWhitespace()
        let value = try reader.value(depth: 0)
        reader.skipWhitespace()
        if reader.index < bytes.count { throw reader.error("unexpected text after the JSON value") }
        return (value, reader.deferred)
    }

    /// Parses the one JSON value that fills `range` of `bytes`; errors give their place in the whole of `bytes`.
    public static func parse(_ bytes: [UInt8], range: Range<Int>) throws(JSONSyntaxError) -> JSONValue {
        var reader = Reader(bytes: bytes)
        reader.index = range.lowerBound
        let value = try reader.value(depth: 1)
        if reader.index != range.upperBound { throw reader.error("unexpected text after the JSON value") }
        return value
    }
}

struct Reader {
    let bytes: [UInt8]
    var index = 0
    static let maxDepth = 64
    /// Top-level keys whose array or object values are skipped, and where they were.
    var deferredKeys: [String] = []
    var deferred: [String: Range<Int>] = [:]
    var knownEnd: ((Int) -> Int?)?

    init(bytes: [UInt8]) { self.bytes = bytes }

    func error(_ reason: String) -> JSONSyntaxError {
        var line = 1, column = 1
        for b in bytes[..<min(index, bytes.count)] {
            if b == 0x0A { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
        }
        return JSONSyntaxError(line: line, column: column, reason: reason)
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func expect(_ literal: String, _ value: JSONValue) throws(JSONSyntaxError) -> JSONValue {
        for b in literal.utf8 {
            guard peek == b else { throw error("invalid literal, expected \(literal)") }
            index += 1
        }
        return value
    }

    mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth < Reader.maxDepth else { throw error("nesting deeper than \(Reader.maxDepth) levels") }
        guard let b = peek else { throw error("unexpected end of input, expected a value") }
        switch b {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try expect("true", .bool(true))
        case UInt8(ascii: "f"): return try expect("false", .bool(false))
        case UInt8(ascii: "n"): return try expect("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw error("unexpected character, expected a value")
        }
    }

    mutating func object(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if peek == UInt8(ascii: "}") { index += 1; return .object(members) }
        // Records' objects have a handful of members: room for them at once, not grown step by step.
        members.reserveCapacity(8)
        while true {
            skipWhitespace()
            guard peek == UInt8(ascii: "\"") else { throw error("expected a quoted key") }
            let keyStart = index
            let key = try string()
            if members[key] != nil || (!deferred.isEmpty && deferred[key] != nil) {
                index = keyStart
                throw error("duplicate key \"\(key)\"")
            }
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { throw error("expected ':' after a key") }
            index += 1
            skipWhitespace()
            if depth == 0, !deferredKeys.isEmpty, peek == UInt8(ascii: "[") || peek == UInt8(ascii: "{"), deferredKeys.contains(key) {
                let start = index
                if let end = knownEnd?(start) { index = end } else { try skipContainer() }
                deferred[key] = start..<index
            } else {
                members[key] = try value(depth: depth + 1)
            }
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return .object(members)
            default: throw error("expected ',' or '}' in an object")
            }
        }
    }

    /// Moves past the array or object at `index` by matching brackets outside strings, checking nothing else.
    mutating func skipContainer() throws(JSONSyntaxError) {
        let end = bytes.withUnsafeBufferPointer { buffer -> Int? in
            var i = index, open = 0
            while i < buffer.count {
                let b = buffer[i]
                i += 1
                switch b {
                case UInt8(ascii: "["), UInt8(ascii: "{"): open += 1
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    open -= 1
                    if open == 0 { return i }
                case UInt8(ascii: "\""):
                    while i < buffer.count {
                        let c = buffer[i]
                        i += c == UInt8(ascii: "\\") ? 2 : 1
                        if c == UInt8(ascii: "\"") { break }
                    }
                default: break
                }
            }
            return nil
        }
        guard let end else {
            index = bytes.count
            throw error("unexpected end of input inside an array or object")
        }
        index = end
    }

    mutating func array(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        index += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if peek == UInt8(ascii: "]") { index += 1; return .array(items) }
        while true {
            skipWhitespace()
            items.append(try value(depth: depth + 1))
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return .array(items)
            default: throw error("expected ',' or ']' in an array")
            }
        }
    }

    mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[index]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw error("invalid \\u escape")
            }
            v = v * 16 + d
            index += 1
        }
        return v
    }

    /// The string `utf8` holds, or nil when it is not valid UTF-8. (`String(validating:as:)` is
    /// generic and looks its types up at run time on every call; this is most strings of a record.)
    static func utf8String(_ utf8: UnsafeBufferPointer<UInt8>) -> String? {
        let s = String(decoding: utf8, as: UTF8.self)
        // Decoding replaces each ill-formed sequence with U+FFFD, so the bytes come back unchanged
        // exactly when they were valid.
        if utf8.allSatisfy({ $0 < 0x80 }) { return s }
        return s.utf8.elementsEqual(utf8) ? s : nil
    }

    mutating func string() throws(JSONSyntaxError) -> String {
        index += 1
        // Most strings have no escapes: read them straight from the input.
        var end = index
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"), bytes[end] >= 0x20 { end += 1 }
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            let start = index
            let s = bytes.withUnsafeBufferPointer { Self.utf8String(UnsafeBufferPointer(rebasing: $0[start..<end])) }
            index = end + 1
            guard let s else { throw error("string is not valid UTF-8") }
            return s
        }
        var out: [UInt8] = []
        while true {
            guard let b = peek else { throw error("unterminated string") }
            switch b {
            case UInt8(ascii: "\""):
                index += 1
                guard let s = out.withUnsafeBufferPointer(Self.utf8String) else { throw error("string is not valid UTF-8") }
                return s
            case UInt8(ascii: "\\"):
                index += 1
                guard let e = peek else { throw error("unterminated escape") }
                index += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard peek == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                            throw error("unpaired surrogate in \\u escape")
                        }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate in \\u escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        throw error("unpaired surrogate in \\u escape")
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default: throw error("invalid escape")
                }
            default:
                if b < 0x20 { throw error("control character in a string must be escaped") }
                out.append(b)
                index += 1
            }
        }
    }

    mutating func number() throws(JSONSyntaxError) -> JSONValue {
        let start = index
        var isInteger = true
        if peek == UInt8(ascii: "-") { index += 1 }
        guard let first = peek, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else { throw error("invalid number") }
        if first == UInt8(ascii: "0") {
            index += 1
        } else {
            while let d = peek, d >= UInt8(ascii: "0"), d <= UInt8(ascii: "9") { index += 1 }
        }
        if peek == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard let d = peek, d >= UInt8(ascii: "0"), d <= UInt8(ascii: "9") else { throw error("invalid number: digits must follow '.'") }
            while let d = peek, d >= UInt8(ascii: "0"), d <= UInt8(ascii: "9") { index += 1 }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard let d = peek, d >= UInt8(ascii: "0"), d <= UInt8(ascii: "9") else { throw error("invalid number: digits must follow the exponent") }
            while let d = peek, d >= UInt8(ascii: "0"), d <= UInt8(ascii: "9") { index += 1 }
        }
        let negative = bytes[start] == UInt8(ascii: "-")
        if isInteger, index - start <= 18 {
            // Up to 18 digits fit an Int64 without overflow.
            var value: Int64 = 0
            for b in bytes[start..<index] where b != UInt8(ascii: "-") { value = value * 10 + Int64(b - UInt8(ascii: "0")) }
            if negative, value == 0 { index = start; throw error("-0 is not kept apart from 0; write 0") }
            guard value <= JSONNumbers.maxExactInteger else { index = start; throw error(JSONNumbers.tooLarge) }
            return .integer(negative ? -value : value)
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger { index = start; throw error(JSONNumbers.tooLarge) }
        guard let d = Double(text), d.isFinite else { index = start; throw error("number out of range: \(text) is beyond what a double holds (about 1.8e308)") }
        if let problem = JSONNumbers.problem(text: text, parsed: d) { index = start; throw error(problem) }
        return .number(d)
    }
}

/// The rule for numbers: a number is taken only when the ledger keeps it exactly, so that what is
/// written back (`CanonicalJSON`) is the number that was given, never a rounded one.
public enum JSONNumbers {
    /// Integers up to 2^53 in magnitude are kept exactly by a double, and so by every JSON reader.
    public static let maxExactInteger: Int64 = 9_007_199_254_740_992

    static let tooLarge = "integers beyond 9007199254740992 (2^53) in magnitude cannot be kept exactly; give a smaller number"

    /// Why the JSON number `text`, read as `parsed`, would not be kept exactly; nil when it would.
    /// A fraction is kept when it reads back as the same decimal: `0.1` is, `0.10000000000000000001`
    /// (more digits than a double holds) and `1e-400` (below the smallest double) are not.
    public static func problem(text: String, parsed d: Double) -> String? {
        guard d.isFinite else { return "\(text) is beyond what a double holds (about 1.8e308)" }
        guard let given = Decimal(text), let kept = Decimal("\(d)") else { return nil }
        if given.digits.isEmpty, d.sign == .minus { return "-0 is not kept apart from 0; write 0" }
        if given == kept { return nil }
        if kept.digits.isEmpty { return "\(text) is too small to be kept (it would read as 0)" }
        if d.rounded() == d, abs(d) > Double(maxExactInteger) { return tooLarge }
        return "\(text) has more significant digits than can be kept exactly (a double holds 15 to 17); round it"
    }

    /// A decimal as digits without leading or trailing zeros and the power of ten of the last one.
    struct Decimal: Equatable {
        var negative: Bool
        var digits: [UInt8]
        var exponent: Int

        init?(_ text: String) {
            var b = Array(text.utf8)[...]
            negative = b.first == UInt8(ascii: "-")
            if negative || b.first == UInt8(ascii: "+") { b = b.dropFirst() }
            var mantissa: [UInt8] = [], fractionDigits = 0, seenPoint = false, power = 0
            while let c = b.first {
                if c == UInt8(ascii: ".") { seenPoint = true; b = b.dropFirst(); continue }
                guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { break }
                mantissa.append(c - UInt8(ascii: "0"))
                if seenPoint { fractionDigits += 1 }
                b = b.dropFirst()
            }
            if let e = b.first {
                guard e == UInt8(ascii: "e") || e == UInt8(ascii: "E") else { return nil }
                var rest = b.dropFirst()
                let negativePower = rest.first == UInt8(ascii: "-")
                if negativePower || rest.first == UInt8(ascii: "+") { rest = rest.dropFirst() }
                for c in rest {
                    guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
                    // Saturates: a power beyond a million is out of any double's range either way.
                    power = min(power * 10 + Int(c - UInt8(ascii: "0")), 1_000_000)
                }
                if negativePower { power = -power }
            }
            while mantissa.first == 0 { mantissa.removeFirst() }
            var exponent = power - fractionDigits
            while mantissa.last == 0 { mantissa.removeLast(); exponent += 1 }
            if mantissa.isEmpty { negative = false; exponent = 0 }
            digits = mantissa; self.exponent = exponent
        }
    }
}
