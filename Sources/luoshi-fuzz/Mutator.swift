import LedgerModel

/// Makes new inputs from old ones: byte edits that find parser bugs, and edits of the JSON tree
/// (values swapped for edge cases, members dropped, added or spliced in from other seeds) that
/// reach the record readers with inputs that are nearly valid.
struct Mutator {
    /// Values seen under each member name in the seeds, for splicing.
    private(set) var valuesByKey: [String: [JSONValue]] = [:]
    private(set) var keys: [String] = []
    static let maxSize = 65_536

    mutating func learn(_ value: JSONValue) {
        switch value {
        case .object(let members):
            for (k, v) in members {
                if valuesByKey[k] == nil { keys.append(k) }
                if valuesByKey[k, default: []].count < 64 { valuesByKey[k, default: []].append(v) }
                learn(v)
            }
        case .array(let items): items.forEach { learn($0) }
        default: break
        }
    }

    func mutate(_ input: [UInt8], other: [UInt8], rng: inout SeededGenerator) -> [UInt8] {
        var out: [UInt8]
        if rng.chance(55), let value = try? JSONParser.parse(input) {
            var tree = value
            for _ in 0...rng.below(3) { tree = mutate(tree, rng: &rng) }
            switch rng.below(4) {
            case 0: out = CanonicalJSON.encode(tree)
            case 1: out = Array(CanonicalJSON.compact(tree).utf8)
            case 2: out = Array(CanonicalJSON.compact(tree).utf8)
                    if rng.chance(30) { out = bytes(out, other: other, rng: &rng) }
            default: out = bytes(CanonicalJSON.encode(tree), other: other, rng: &rng)
            }
        } else {
            out = input
            for _ in 0...rng.below(4) { out = bytes(out, other: other, rng: &rng) }
        }
        return out.count > Mutator.maxSize ? Array(out.prefix(Mutator.maxSize)) : out
    }

    // MARK: Bytes

    static let tokens: [String] = [
        "\"", "\\", "\\u0000", "\\ud800", "\\udc00", "\\ud83d\\ude00", "\\u00e9", "\\/", "{", "}", "[", "]", ",", ":",
        "null", "true", "false", "0", "-0", "-", "1e999", "1e-999", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "1.0", "0.1", "1E+2", "00", "01", ".5", "\u{FEFF}", "\u{00}", "\t", "\r\n", "\n", "#", " ",
        "é", "e\u{301}", "😀", "\u{7F}", "/", "..", "\"\":", "{\"\":0}", "[[[[[[[[[[[[[[[[", "]]]]]]]]]]]]]]]]",
    ]

    func bytes(_ input: [UInt8], other: [UInt8], rng: inout SeededGenerator) -> [UInt8] {
        var b = input
        let at = rng.below(b.count + 1)
        switch rng.below(10) {
        case 0 where !b.isEmpty: b[rng.below(b.count)] ^= UInt8(1 << rng.below(8))
        case 1 where !b.isEmpty: b[rng.below(b.count)] = UInt8(truncatingIfNeeded: rng.next())
        case 2: b.insert(UInt8(truncatingIfNeeded: rng.next()), at: at)
        case 3 where !b.isEmpty:
            let end = min(b.count, at + 1 + rng.below(16))
            if at < end { b.removeSubrange(at..<end) }
        case 4: b.insert(contentsOf: Array(rng.pick(Mutator.tokens).utf8), at: at)
        case 5 where !b.isEmpty:
            let start = rng.below(b.count), end = min(b.count, start + 1 + rng.below(64))
            b.insert(contentsOf: b[start..<end], at: at)
        case 6: b = Array(b.prefix(at))
        case 7 where !other.isEmpty:
            // Splice: the head of this input, the tail of another.
            b = Array(b.prefix(at)) + other.suffix(from: rng.below(other.count))
        case 8:
            let depth = 1 + rng.below(200)
            b.insert(contentsOf: Array(repeating: UInt8(ascii: rng.chance(50) ? "[" : "{"), count: depth), at: at)
        default:
            if let i = b.indices.filter({ (0x30...0x39).contains(b[$0]) }).randomElement(using: &rng) {
                b.insert(contentsOf: Array(repeating: UInt8(ascii: "9"), count: 1 + rng.below(40)), at: i)
            }
        }
        return b
    }

    // MARK: JSON trees

    static let strings: [String] = [
        "", " ", "a", ".", "..", "/", "cn", "cn/north", "cn/east/harbor", "cn//x", "cn/North", "cn/", "/cn", "cn/../x",
        "CN", "x.lead", "north.lead", "admin", "auditor", ".x", "x.", "a b", "\u{0}", "\n", "\t", "é", "e\u{301}", "😀",
        "\u{FEFF}x", "\u{202E}", String(repeating: "x", count: 65), String(repeating: "y", count: 300),
        "2019-02-30", "2019-12-31", "2020-02-29", "2019-02-29", "2019-13-01", "0000-01-01", "9999-12-31",
        "2019-12-31T23:59:60Z", "2019-03-01T08:00:00Z", "2019-03-01T08:00:00.Z", "2019-03-01T08:00:00.123456789+08:00",
        "2019-03-01T08:00:00+25:00", "2019-03-01 08:00:00Z", "2019-03-01t08:00:00z",
        "P1M", "P0D", "P", "PT1H", "P1Y2M3D", "P-1M", "P1.5M",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILv3ozlrIDfq6RZaK2kifh31abgwvADlvCH5QlO/GZUa",
        "ssh-ed25519 AAAA", "ssh-rsa AAAAB3NzaC1yc2E=",
        "must", "should", "may", "must not", "done", "in-progress", "blocked", "not-started", "implementer", "supervisor",
        "issuer", "province", "city", "county", "central", "outcome", "document", "photo", "any", "activity",
        "D-2019-01", "F-1", "F-2019-001", "CP-1", "1", "01", "1a", String(repeating: "0", count: 64),
        String(repeating: "f", count: 64), String(repeating: "F", count: 64), String(repeating: "0", count: 40),
        ">=", "<=", "=", ">", "<", "=>", "%", "verified", "reopened", "open", "rectified", "closed", "minor", "critical",
        "directive", "plan", "rectify", "close", "hold-accountable",
    ]
    static let numbers: [JSONValue] = [
        .integer(0), .integer(1), .integer(-1), .integer(2), .integer(30), .integer(100), .integer(101), .integer(65),
        .integer(Int64.max), .integer(Int64.min), .integer(9_007_199_254_740_993), .number(1.5), .number(-0.0),
        .number(1e308), .number(Double.leastNonzeroMagnitude), .number(0.1), .number(1e16),
    ]

    func randomValue(rng: inout SeededGenerator, depth: Int = 0) -> JSONValue {
        switch rng.below(depth > 2 ? 5 : 8) {
        case 0: return .null
        case 1: return .bool(rng.chance(50))
        case 2: return rng.pick(Mutator.numbers)
        case 3, 4: return .string(rng.pick(Mutator.strings))
        case 5 where !keys.isEmpty:
            let k = rng.pick(keys)
            return rng.pick(valuesByKey[k] ?? [.null])
        case 6: return .array((0..<rng.below(4)).map { _ in randomValue(rng: &rng, depth: depth + 1) })
        default:
            var o: [String: JSONValue] = [:]
            for _ in 0..<rng.below(4) { o[keys.isEmpty ? "k" : rng.pick(keys)] = randomValue(rng: &rng, depth: depth + 1) }
            return .object(o)
        }
    }

    /// One edit at a random node of the tree.
    func mutate(_ value: JSONValue, rng: inout SeededGenerator) -> JSONValue {
        // Descend with some chance at each level, so deep fields are reached as often as shallow ones.
        switch value {
        case .object(var members) where !members.isEmpty && rng.chance(70):
            let k = members.keys.sorted()[rng.below(members.count)]
            members[k] = mutate(members[k]!, rng: &rng)
            return .object(members)
        case .array(var items) where !items.isEmpty && rng.chance(70):
            let i = rng.below(items.count)
            items[i] = mutate(items[i], rng: &rng)
            return .array(items)
        default: break
        }
        switch value {
        case .object(var members):
            switch rng.below(5) {
            case 0 where !members.isEmpty: members.removeValue(forKey: members.keys.sorted()[rng.below(members.count)])
            case 1: members[keys.isEmpty ? "x" : rng.pick(keys)] = randomValue(rng: &rng)
            case 2 where !members.isEmpty:
                // Splice a value seen under the same name elsewhere.
                let k = members.keys.sorted()[rng.below(members.count)]
                if let seen = valuesByKey[k], !seen.isEmpty { members[k] = rng.pick(seen) }
            case 3: members[rng.pick(Mutator.strings)] = randomValue(rng: &rng)
            default: return randomValue(rng: &rng)
            }
            return .object(members)
        case .array(var items):
            switch rng.below(5) {
            case 0 where !items.isEmpty: items.remove(at: rng.below(items.count))
            case 1 where !items.isEmpty: items.insert(items[rng.below(items.count)], at: rng.below(items.count + 1))
            case 2: items.append(randomValue(rng: &rng))
            case 3 where items.count > 1: items.swapAt(rng.below(items.count), rng.below(items.count))
            default: items = []
            }
            return .array(items)
        case .string(let s) where rng.chance(40):
            // Small edits of a real string keep most of its shape.
            var scalars = Array(s.unicodeScalars)
            let edit = rng.pick(Mutator.strings).unicodeScalars
            let at = rng.below(scalars.count + 1)
            if rng.chance(50), !scalars.isEmpty { scalars.remove(at: min(at, scalars.count - 1)) } else { scalars.insert(contentsOf: edit.prefix(2), at: at) }
            var out = String.UnicodeScalarView(); out.append(contentsOf: scalars)
            return .string(String(out))
        case .integer(let i) where rng.chance(50):
            return .integer(rng.pick([i &+ 1, i &- 1, 0 &- i, i &* 10, 0]))
        default:
            return randomValue(rng: &rng)
        }
    }
}
