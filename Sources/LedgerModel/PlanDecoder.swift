/// Decodes plans from their bytes, sharing clause lists between plans.
///
/// A unit that adopts its parent's plan unchanged copies its clauses, so most plans of a directive
/// hold one of a few clause lists, byte for byte, and the list is most of a plan's bytes. The
/// decoder parses and decodes each distinct list once; every plan holding it shares the one array.
/// A plan decodes to the same value, and fails with the same error, as `Plan(json:at:)` on
/// `JSONParser.parse` of the same bytes.
public struct PlanDecoder {
    /// Decoded clause lists by the bytes of their JSON array, found by the hash of the first
    /// `prefix` bytes from where the list starts (the list's own bytes, or for a short list the
    /// bytes after it too), then compared whole.
    private var lists: [Int: [(bytes: ArraySlice<UInt8>, clauses: [Clause])]] = [:]
    private static let prefix = 64

    public init() {}

    /// The plan in `bytes`; throws `JSONSyntaxError` for bytes that are not JSON, `ValidationError`
    /// for JSON that is not a plan.
    public mutating func plan(_ bytes: [UInt8]) throws -> Plan {
        // A list seen before is recognised where it starts, and its bytes are not scanned again.
        var known: [Clause]?
        let lists = self.lists
        let document = try Self.failingAsPlainParse(bytes) {
            try JSONParser.parse(bytes, deferring: ["clauses"]) { start in
                for candidate in lists[Self.key(bytes, at: start)] ?? [] where Self.holds(bytes, candidate.bytes, at: start) {
                    known = candidate.clauses
                    return start + candidate.bytes.count
                }
                return nil
            }
        }
        guard let range = document.deferred["clauses"] else { return try Plan(json: JSONParser.parse(bytes), at: .root) }
        // A new list is parsed before the plan is read, as a plain parse finds syntax errors first.
        let value = known != nil ? JSONValue.null : try Self.failingAsPlainParse(bytes) { try JSONParser.parse(bytes, range: range) }
        return try Plan(json: document.value, at: .root) { _ in
            if let known { return known }
            let list = try Clause.list(value, at: .root / "clauses")
            self.lists[Self.key(bytes, at: range.lowerBound), default: []].append((bytes[range], list))
            return list
        }
    }

    /// `parse()`, whose syntax error, if any, is replaced by the one a plain parse of the whole
    /// document gives (the first in the document, where a partial parse may find a later one).
    private static func failingAsPlainParse<T>(_ bytes: [UInt8], _ parse: () throws -> T) throws -> T {
        do { return try parse() } catch {
            _ = try JSONParser.parse(bytes)
            throw error
        }
    }

    private static func key(_ bytes: [UInt8], at start: Int) -> Int {
        var hasher = Hasher()
        bytes.withUnsafeBytes { hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: $0[start..<min(start + prefix, $0.count)])) }
        return hasher.finalize()
    }

    /// Whether `bytes` hold `list` from `start` on.
    private static func holds(_ bytes: [UInt8], _ list: ArraySlice<UInt8>, at start: Int) -> Bool {
        guard start + list.count <= bytes.count else { return false }
        return bytes.withUnsafeBytes { x in
            list.withUnsafeBytes { y in
                // Eight bytes at a time, then the rest.
                var i = 0
                while i + 8 <= y.count {
                    if x.loadUnaligned(fromByteOffset: start + i, as: UInt64.self) != y.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
                    i += 8
                }
                while i < y.count {
                    if x[start + i] != y[i] { return false }
                    i += 1
                }
                return true
            }
        }
    }
}
