/// An RFC 6901 JSON pointer, used to say where in a record or event a problem is.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    /// The last token and, through its parent, the ones before: a pointer one level down is one
    /// small allocation, made for every member a record reader visits, and read only on error.
    private final class Token: Sendable {
        let parent: Token?
        let key: String?
        let index: Int

        init(parent: Token?, key: String?, index: Int) {
            self.parent = parent; self.key = key; self.index = index
        }
    }

    private let last: Token?

    private init(last: Token?) { self.last = last }

    public init(_ tokens: [String] = []) {
        var last: Token?
        for token in tokens { last = Token(parent: last, key: token, index: 0) }
        self.last = last
    }

    /// The reference tokens, outermost first.
    public var tokens: [String] {
        var out: [String] = []
        var token = last
        while let t = token {
            out.append(t.key ?? String(t.index))
            token = t.parent
        }
        return out.reversed()
    }

    public static let root = JSONPointer()

    public func appending(_ key: String) -> JSONPointer {
        JSONPointer(last: Token(parent: last, key: key, index: 0))
    }

    public func appending(_ index: Int) -> JSONPointer {
        JSONPointer(last: Token(parent: last, key: nil, index: index))
    }

    public static func / (lhs: JSONPointer, rhs: String) -> JSONPointer { lhs.appending(rhs) }
    public static func / (lhs: JSONPointer, rhs: Int) -> JSONPointer { lhs.appending(rhs) }

    public static func == (lhs: JSONPointer, rhs: JSONPointer) -> Bool { lhs.tokens == rhs.tokens }
    public func hash(into hasher: inout Hasher) { hasher.combine(tokens) }

    public var description: String {
        tokens.map { "/" + $0.replacingAll("~", with: "~0").replacingAll("/", with: "~1") }.joined()
    }
}

extension String {
    /// Replaces every occurrence of `target`; Foundation-free so LedgerModel stays light.
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
