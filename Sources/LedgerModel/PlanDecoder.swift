/// Decodes plans from their bytes, sharing clause lists between plans.
///
/// A unit that adopts its parent's plan unchanged copies its clauses, so most plans of a directive
/// hold one of a few clause lists, byte for byte, and the list is most of a plan's bytes. The
/// decoder parses and decodes each distinct list once; every plan holding it shares the one array.
/// A plan decodes to the same value, and fails with the same error, as `Plan(json:at:)` on
/// `JSONParser.parse` of the same bytes.
public struct PlanDecoder {
    /// Decoded clause lists by the bytes of their JSON array.
    private var lists: [ByteKey: [Clause]] = [:]

    public init() {}

    /// The plan in `bytes`; throws `JSONSyntaxError` for bytes that are not JSON, `ValidationError`
    /// for JSON that is not a plan.
    public mutating func plan(_ bytes: [UInt8]) throws -> Plan {
        let document: (value: JSONValue, deferred: [String: Range<Int>])
        do { document = try JSONParser.parse(bytes, deferring: ["clauses"]) } catch {
            // The whole document is checked again so that the error is the one a plain parse gives.
            _ = try JSONParser.parse(bytes)
            throw error
        }
        guard let range = document.deferred["clauses"] else { return try Plan(json: JSONParser.parse(bytes), at: .root) }
        let key = ByteKey(bytes[range])
        let known = lists[key]
        var value = JSONValue.null
        if known == nil {
            // A new list is parsed before the plan is read, as a plain parse finds syntax errors first.
            do { value = try JSONParser.parse(bytes, range: range) } catch {
                _ = try JSONParser.parse(bytes)
                throw error
            }
        }
        return try Plan(json: document.value, at: .root) { _ in
            if let known { return known }
            let list = try Clause.list(value, at: .root / "clauses")
            lists[key] = list
            return list
        }
    }
}

/// Bytes as a dictionary key, hashed and compared as one block.
struct ByteKey: Hashable {
    let bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    static func == (a: ByteKey, b: ByteKey) -> Bool {
        guard a.bytes.count == b.bytes.count else { return false }
        return a.bytes.withUnsafeBytes { x in
            b.bytes.withUnsafeBytes { y in
                // Eight bytes at a time, then the rest.
                var i = 0
                while i + 8 <= x.count {
                    if x.loadUnaligned(fromByteOffset: i, as: UInt64.self) != y.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
                    i += 8
                }
                while i < x.count {
                    if x[i] != y[i] { return false }
                    i += 1
                }
                return true
            }
        }
    }
}
