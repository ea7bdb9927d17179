// The properties the fuzzer checks, on one input at a time. Pure: no files, no clock, no
// Foundation, so the same file also builds into the libFuzzer harness (`make fuzz-libfuzzer`),
// which compiles LedgerModel's sources and this file as one module.
#if !LIBFUZZER
import LedgerModel
#endif

/// A property an input broke: which target, and how.
struct FuzzFailure: Error, CustomStringConvertible {
    var target: String
    var reason: String
    var description: String { "\(target): \(reason)" }
}

/// What the targets accepted of one input, for the statistics and for the schema sample.
struct FuzzOutcome {
    /// The input parsed as JSON.
    var json = false
    /// The events an events file of these bytes held (0: refused, or no event lines).
    var events = 0
    /// Every record kind that accepted the input: the input and its re-encoding, both canonical.
    var records: [(schema: String, input: [UInt8], output: [UInt8])] = []
    /// The input was a record path.
    var path = false
}

/// One record kind: how to read it and where it would live.
struct RecordKind: Sendable {
    var schema: String
    var read: @Sendable (JSONValue) throws -> (json: JSONValue, path: RecordPath)
}

enum FuzzTargets {
    static let recordKinds: [RecordKind] = [
        RecordKind(schema: "ledger") { v in let r = try LedgerInfo(json: v, at: .root); return (r.json, .ledger) },
        RecordKind(schema: "actor") { v in let r = try Actor(json: v, at: .root); return (r.json, .actor(r.id)) },
        RecordKind(schema: "unit") { v in let r = try Unit(json: v, at: .root); return (r.json, .unit(r.id)) },
        RecordKind(schema: "directive") { v in let r = try Directive(json: v, at: .root); return (r.json, .directive(r.id)) },
        RecordKind(schema: "plan") { v in let r = try Plan(json: v, at: .root); return (r.json, .plan(r.directive, r.unit)) },
        RecordKind(schema: "progress") { v in let r = try Progress(json: v, at: .root); return (r.json, .progress(r.directive, r.unit)) },
        RecordKind(schema: "finding") { v in let r = try Finding(json: v, at: .root); return (r.json, .finding(r.id)) },
        RecordKind(schema: "checkpoint") { v in let r = try Checkpoint(json: v, at: .root); return (r.json, .checkpoint(r.id)) },
    ]

    /// Runs every target on `bytes`; throws the first property broken.
    static func run(_ bytes: [UInt8]) throws -> FuzzOutcome {
        var outcome = FuzzOutcome()
        if let value = try json(bytes) {
            outcome.json = true
            outcome.records = try records(value)
        }
        outcome.events = try events(bytes)
        outcome.path = try path(bytes)
        try numbers(bytes)
        return outcome
    }

    /// The number rule: every number-like run of the input that JSONParser takes is kept exactly. It
    /// is finite, an integer within 2^53, not a nonzero number read as 0, not -0, and its canonical
    /// text reads back as the same number.
    static func numbers(_ bytes: [UInt8]) throws {
        func isNumberByte(_ b: UInt8) -> Bool {
            (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "-") || b == UInt8(ascii: "+")
                || b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
        }
        var i = 0, checked = 0
        while i < bytes.count, checked < 64 {
            guard isNumberByte(bytes[i]) else { i += 1; continue }
            var end = i
            while end < bytes.count, end - i < 400, isNumberByte(bytes[end]) { end += 1 }
            let token = Array(bytes[i..<end])
            i = end
            checked += 1
            guard let value = try? JSONParser.parse(token) else { continue }
            let text = String(decoding: token, as: UTF8.self)
            // A nonzero digit before the exponent: the number is not zero.
            let mantissa = token.prefix { $0 != UInt8(ascii: "e") && $0 != UInt8(ascii: "E") }
            let hasNonzeroDigit = mantissa.contains { $0 >= UInt8(ascii: "1") && $0 <= UInt8(ascii: "9") }
            switch value {
            case .integer(let n):
                guard n.magnitude <= UInt64(JSONNumbers.maxExactInteger) else { throw FuzzFailure(target: "numbers", reason: "\(text) was taken as \(n), beyond 2^53") }
                if n == 0, token.first == UInt8(ascii: "-") { throw FuzzFailure(target: "numbers", reason: "-0 was taken") }
            case .number(let d):
                guard d.isFinite else { throw FuzzFailure(target: "numbers", reason: "\(text) was taken as \(d)") }
                if d == 0, hasNonzeroDigit { throw FuzzFailure(target: "numbers", reason: "\(text) was taken as 0") }
                if d == 0, d.sign == .minus { throw FuzzFailure(target: "numbers", reason: "\(text) was taken as -0") }
                let written = CanonicalJSON.compact(value)
                guard let back = try? JSONParser.parse(written), back.doubleValue == d else {
                    throw FuzzFailure(target: "numbers", reason: "\(text) was written as \(written), which does not read back as \(d)")
                }
            default:
                throw FuzzFailure(target: "numbers", reason: "\(text) parsed as \(value.typeName)")
            }
        }
    }

    /// JSONParser and CanonicalJSON: whatever parses has a canonical encoding that parses back to
    /// the same value and re-encodes to the same bytes; the compact form agrees.
    static func json(_ bytes: [UInt8]) throws -> JSONValue? {
        guard let value = try? JSONParser.parse(bytes) else { return nil }
        let canonical = CanonicalJSON.encode(value)
        guard let again = try? JSONParser.parse(canonical) else {
            throw FuzzFailure(target: "json", reason: "the canonical encoding of an accepted value does not parse: \(show(canonical))")
        }
        guard CanonicalJSON.encode(again) == canonical else {
            throw FuzzFailure(target: "json", reason: "the canonical encoding is not a fixed point: \(show(canonical))")
        }
        guard CanonicalJSON.isCanonical(canonical) else {
            throw FuzzFailure(target: "json", reason: "isCanonical refuses CanonicalJSON.encode's own output: \(show(canonical))")
        }
        guard same(value, again) else {
            throw FuzzFailure(target: "json", reason: "parsing the canonical encoding gives another value: \(show(canonical))")
        }
        let compact = Array(CanonicalJSON.compact(value).utf8)
        guard let fromCompact = try? JSONParser.parse(compact), CanonicalJSON.encode(fromCompact) == canonical else {
            throw FuzzFailure(target: "json", reason: "the compact form does not read back to the same value: \(show(compact))")
        }
        if CanonicalJSON.isCanonical(bytes) != (bytes == canonical) {
            throw FuzzFailure(target: "json", reason: "isCanonical disagrees with CanonicalJSON.encode on \(show(bytes))")
        }
        return value
    }

    /// The record readers: an accepted record re-encodes canonically, reads back to the same bytes,
    /// and validates at the path its ids name (which itself reads back to the same path).
    static func records(_ value: JSONValue) throws -> [(schema: String, input: [UInt8], output: [UInt8])] {
        var accepted: [(schema: String, input: [UInt8], output: [UInt8])] = []
        for kind in recordKinds {
            guard let (json, path) = try? kind.read(value) else { continue }
            let target = "record \(kind.schema)"
            let output = CanonicalJSON.encode(json)
            guard let reread = try? JSONParser.parse(output) else {
                throw FuzzFailure(target: target, reason: "its encoding does not parse: \(show(output))")
            }
            let second: JSONValue
            do { second = try kind.read(reread).json } catch {
                throw FuzzFailure(target: target, reason: "its own encoding is refused (\(error)): \(show(output))")
            }
            guard CanonicalJSON.encode(second) == output else {
                throw FuzzFailure(target: target, reason: "reading its encoding back changes it: \(show(output))")
            }
            guard RecordPath(path: path.path) == path else {
                throw FuzzFailure(target: target, reason: "its path \(path.path) does not read back to itself")
            }
            guard path.schemaName == kind.schema else {
                throw FuzzFailure(target: target, reason: "its path \(path.path) holds \(path.schemaName) records")
            }
            for (what, v) in [("the record", value), ("its encoding", reread)] {
                do { try path.validate(v) } catch {
                    throw FuzzFailure(target: target, reason: "\(what) fails validation at \(path.path) (\(error)): \(show(CanonicalJSON.encode(v)))")
                }
            }
            accepted.append((kind.schema, CanonicalJSON.encode(value), output))
        }
        return accepted
    }

    /// The events file parser: it accepts or throws an EventFileError naming a line of the input.
    static func events(_ bytes: [UInt8]) throws -> Int {
        do {
            return try EventFile.parse(bytes, file: "fuzz.jsonl").count
        } catch let e as EventFileError {
            let lines = bytes.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            guard e.line >= 1, e.line <= lines else {
                throw FuzzFailure(target: "events", reason: "the error names line \(e.line) of \(lines): \(e)")
            }
            guard !e.reason.isEmpty else { throw FuzzFailure(target: "events", reason: "an error without a reason at line \(e.line)") }
            return 0
        } catch {
            throw FuzzFailure(target: "events", reason: "threw \(type(of: error)), not an EventFileError: \(error)")
        }
    }

    /// RecordPath: a path it accepts reads back to itself, byte for byte.
    static func path(_ bytes: [UInt8]) throws -> Bool {
        guard bytes.count < 512, !bytes.contains(0x0A), let text = String(validating: bytes, as: UTF8.self),
              let path = RecordPath(path: text) else { return false }
        guard Array(path.path.utf8) == bytes else {
            throw FuzzFailure(target: "path", reason: "\(show(bytes)) reads as \(path.path)")
        }
        return true
    }

    /// Equal values: numbers by value (1 and 1.0 alike), strings and keys byte for byte.
    static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.integer(let x), .integer(let y)): return x == y
        case (.integer, .number), (.number, .integer), (.number, .number): return a.doubleValue == b.doubleValue
        case (.string(let x), .string(let y)): return Array(x.utf8) == Array(y.utf8)
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy(same)
        case (.object(let x), .object(let y)):
            let xs = x.keys.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
            let ys = y.keys.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
            return xs == ys && x.allSatisfy { k, v in y[k].map { same(v, $0) } == true }
        default: return false
        }
    }

    /// The input as printable text, shortened.
    static func show(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes.prefix(300), as: UTF8.self)
        var out = ""
        for s in text.unicodeScalars {
            out += s.value < 0x20 || s.value == 0x7F ? "\\u{\(String(s.value, radix: 16))}" : String(s)
        }
        return bytes.count > 300 ? out + "... (\(bytes.count) bytes)" : out
    }
}
