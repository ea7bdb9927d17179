import GitStore
import LedgerModel

/// A page of a long answer: at most `limit` items after `cursor` (the last item of the page before),
/// and the cursor of the next page, nil on the last one. Cursors are items' own stable keys (a
/// unit id, a commit id), so a page is the same whichever page was read before it.
public struct PageRequest: Sendable {
    public var limit: Int
    public var cursor: String?

    public init(limit: Int, cursor: String?) { self.limit = limit; self.cursor = cursor }

    /// The page of `items` this asks for, and the next cursor. A cursor that names no item is
    /// refused: it came from another question or was mistyped.
    public func page<T>(_ items: [T], key: (T) -> String) throws -> (items: [T], next: String?) {
        var start = items.startIndex
        if let cursor {
            guard let at = items.firstIndex(where: { key($0) == cursor }) else {
                throw LedgerError.invalid(nil, "the cursor \(cursor) is not an item of this answer; start again without a cursor")
            }
            start = at + 1
        }
        let end = min(items.endIndex, start + limit)
        let slice = Array(items[start..<end])
        return (slice, end < items.endIndex ? slice.last.map(key) : nil)
    }
}

extension StatusMatrix {
    /// One page of a matrix's units: `{"matrices": [the matrix with those units], "next": unit | null}`,
    /// in the same canonical bytes as the whole answer's matrices.
    public static func encodeJSON(_ matrix: StatusMatrix, page: PageRequest) throws -> [UInt8] {
        var paged = matrix
        let (rows, next) = try page.page(matrix.rows) { $0.unit.rawValue }
        paged.rows = rows
        var bytes = encodeJSON([paged])
        // `{"matrices":[...]}` and a final newline: "next" sorts after "matrices", so it goes before
        // the last brace.
        precondition(bytes.suffix(2) == [UInt8(ascii: "}"), 0x0A])
        bytes.removeLast(2)
        let cursor = CanonicalJSON.encode(next.map { .string($0) } ?? .null).dropLast()
        bytes += Array(",\"next\":".utf8) + cursor + Array("}\n".utf8)
        return bytes
    }
}

extension HistoryEntry {
    /// `{"commits": [...]}`, the answer of `log`, with `"next"` when it is paged.
    public static func json(_ entries: [HistoryEntry], page: PageRequest? = nil) throws -> JSONValue {
        guard let page else { return .object(["commits": .array(entries.map(\.json))]) }
        let (items, next) = try page.page(entries) { $0.commit.hex }
        return .object(["commits": .array(items.map(\.json)), "next": next.map { .string($0) } ?? .null])
    }
}
