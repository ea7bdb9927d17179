/// The one place records become bytes: UTF-8, keys sorted, two-space indent, one field a line,
/// a final newline, no escaped slashes. The same value always encodes to the same bytes.
public enum CanonicalJSON {
    public static func encode(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        write(value, indent: 0, into: &out)
        out.append(0x0A)
        return out
    }

    public static func string(_ value: JSONValue) -> String {
        String(decoding: encode(value), as: UTF8.self)
    }

    /// The compact one-line form, for JSON Lines output.
    public static func compact(_ value: JSONValue) -> String {
        var out: [UInt8] = []
        write(value, indent: nil, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether `bytes` are exactly the canonical encoding of the JSON they hold.
    public static func isCanonical(_ bytes: [UInt8]) -> Bool {
        guard let value = try? JSONParser.parse(bytes) else { return false }
        return encode(value) == bytes
    }

    static func write(_ value: JSONValue, indent: Int?, into out: inout [UInt8]) {
        switch value {
        case .null: append("null", into: &out)
        case .bool(let b): append(b ? "true" : "false", into: &out)
        case .integer(let i): writeInteger(i, into: &out)
        case .number(let d): out.append(contentsOf: formatDouble(d).utf8)
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            if items.isEmpty { out.append(contentsOf: [0x5B, 0x5D]); return }
            out.append(0x5B)
            for (n, item) in items.enumerated() {
                if n > 0 { out.append(0x2C) }
                newline(indent.map { $0 + 1 }, into: &out)
                write(item, indent: indent.map { $0 + 1 }, into: &out)
            }
            newline(indent, into: &out)
            out.append(0x5D)
        case .object(let members):
            if members.isEmpty { out.append(contentsOf: [0x7B, 0x7D]); return }
            out.append(0x7B)
            // Sort by UTF-8 bytes so the order does not depend on Unicode collation.
            for (n, member) in members.sorted(by: { utf8Precedes($0.key, $1.key) }).enumerated() {
                if n > 0 { out.append(0x2C) }
                newline(indent.map { $0 + 1 }, into: &out)
                writeString(member.key, into: &out)
                out.append(0x3A)
                if indent != nil { out.append(0x20) }
                write(member.value, indent: indent.map { $0 + 1 }, into: &out)
            }
            newline(indent, into: &out)
            out.append(0x7D)
        }
    }

    static func newline(_ indent: Int?, into out: inout [UInt8]) {
        guard let indent else { return }
        out.append(0x0A)
        for _ in 0..<indent * 2 { out.append(0x20) }
    }

    /// Appends a word fixed in the code, as its bytes.
    static func append(_ word: StaticString, into out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount))
    }

    /// The decimal digits of `i`, as `String(i)` writes them.
    static func writeInteger(_ i: Int64, into out: inout [UInt8]) {
        if i >= 0 && i < 10 { out.append(0x30 + UInt8(i)); return }
        out.append(contentsOf: String(i).utf8)
    }

    /// A number as records write it: integral values without a fraction, others in the shortest
    /// form that reads back as the same double. Total: any double, however large, has a text.
    public static func numberText(_ d: Double) -> String { formatDouble(d) }

    static func formatDouble(_ d: Double) -> String {
        // What JSON cannot hold is refused before a record is written (Double's JSON reader); should
        // one come here all the same, the output stays JSON.
        guard d.isFinite else { return "null" }
        if d.rounded() == d, abs(d) <= 9_007_199_254_740_992 { return String(Int64(d)) }
        // Swift prints the shortest text that reads back as the same Double.
        return "\(d)"
    }

    /// Whether `a` sorts before `b` by their UTF-8 bytes.
    public static func utf8Precedes(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                for i in 0..<min(x.count, y.count) where x[i] != y[i] { return x[i] < y[i] }
                return x.count < y.count
            }
        }
    }

    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(0x22)
        // Most strings need no escape: copy them whole.
        var s = s
        let plain = s.withUTF8 { utf8 in
            guard !utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else { return false }
            out.append(contentsOf: utf8)
            return true
        }
        if plain { out.append(0x22); return }
        for b in s.utf8 {
            switch b {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: out.append(contentsOf: [0x5C, 0x72])
            case 0x09: out.append(contentsOf: [0x5C, 0x74])
            case 0x08: out.append(contentsOf: [0x5C, 0x62])
            case 0x0C: out.append(contentsOf: [0x5C, 0x66])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
            default: out.append(b)
            }
        }
        out.append(0x22)
    }
}

extension CanonicalJSON {
    /// Writes canonical JSON as it goes, for output too large to build as one `JSONValue` first.
    /// Produces the same bytes as `encode` of the value it describes, provided each object's keys
    /// come in UTF-8 byte order (checked in debug builds).
    ///
    /// ```
    /// var w = CanonicalJSON.Writer()
    /// w.beginObject(); w.key("a"); w.value(.integer(1)); w.endObject()
    /// w.finish()   // w.bytes == CanonicalJSON.encode(.object(["a": 1]))
    /// ```
    public struct Writer: Sendable {
        public private(set) var bytes: [UInt8] = []
        /// Per open array or object: whether it is an object, and whether it has an item yet.
        private var open: [(isObject: Bool, items: Bool)] = []
        #if DEBUG
        /// Per open object, its last key, to check the order keys come in.
        private var lastKeys: [String] = []
        #endif

        public init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

        public mutating func beginObject() { begin(0x7B, isObject: true) }
        public mutating func endObject() { end(0x7D) }
        public mutating func beginArray() { begin(0x5B, isObject: false) }
        public mutating func endArray() { end(0x5D) }

        /// The next member's key, a name fixed in the code (plain ASCII, nothing to escape); its value follows.
        public mutating func key(_ name: StaticString) {
            precondition(name.hasPointerRepresentation)
            let bytes = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
            #if DEBUG
            assert(!bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 > 0x7E }, "a fixed key is plain ASCII")
            checkOrder(name.description)
            #endif
            memberStart()
            self.bytes.append(0x22)
            self.bytes.append(contentsOf: bytes)
            self.bytes.append(0x22)
            self.bytes.append(0x3A)
            self.bytes.append(0x20)
        }

        /// The next member's key, taken from data (escaped as needed); its value follows.
        public mutating func key(text: String) {
            #if DEBUG
            checkOrder(text)
            #endif
            memberStart()
            CanonicalJSON.writeString(text, into: &bytes)
            bytes.append(0x3A)
            bytes.append(0x20)
        }

        #if DEBUG
        private mutating func checkOrder(_ key: String) {
            guard let top = open.indices.last, open[top].isObject else { preconditionFailure("a key outside an object") }
            assert(lastKeys.last.map { $0.isEmpty && !open[top].items || CanonicalJSON.utf8Precedes($0, key) } ?? false, "keys out of order: \(key)")
            lastKeys[lastKeys.count - 1] = key
        }
        #endif

        private mutating func memberStart() {
            guard let top = open.indices.last, open[top].isObject else { preconditionFailure("a key outside an object") }
            itemStart(top)
        }

        /// `true` or `false`.
        public mutating func bool(_ value: Bool) {
            beforeValue()
            CanonicalJSON.append(value ? "true" : "false", into: &bytes)
        }

        /// An integer.
        public mutating func integer(_ value: Int64) {
            beforeValue()
            CanonicalJSON.writeInteger(value, into: &bytes)
        }

        /// A whole value, written as `encode` writes it.
        public mutating func value(_ value: JSONValue) {
            beforeValue()
            CanonicalJSON.write(value, indent: open.count, into: &bytes)
        }

        /// A string value.
        public mutating func string(_ value: String) {
            beforeValue()
            CanonicalJSON.writeString(value, into: &bytes)
        }

        /// A member's value this writer wrote before, as it wrote it, at the same depth: `bytes` is
        /// exactly what the value's calls added then (from its opening bracket to its closing one).
        public mutating func memberValue(written bytes: [UInt8]) {
            precondition(open.last?.isObject ?? false, "a member's value follows its key")
            self.bytes.append(contentsOf: bytes)
        }

        /// `null`.
        public mutating func null() {
            beforeValue()
            CanonicalJSON.append("null", into: &bytes)
        }

        /// A writer for items of the array open in this one, written apart (on another thread, say)
        /// and added with `append(items:)` in order; `afterItems` says whether items come before them.
        public func itemsWriter(afterItems: Bool, capacity: Int = 4096) -> Writer {
            precondition(open.last.map { !$0.isObject } ?? false, "items belong in an open array")
            var w = Writer(capacity: capacity)
            w.open = open
            w.open[w.open.count - 1].items = afterItems
            #if DEBUG
            w.lastKeys = lastKeys
            #endif
            return w
        }

        /// Adds the items an `itemsWriter` of this writer wrote.
        public mutating func append(items other: Writer) {
            follow(items: other)
            bytes.append(contentsOf: other.bytes)
        }

        /// Goes on after the items an `itemsWriter` of this writer wrote, whose bytes went out
        /// elsewhere (after this writer's, taken with `take`).
        public mutating func follow(items other: Writer) {
            precondition(other.open.count == open.count, "the items writer has an array or object still open")
            if other.open[other.open.count - 1].items { open[open.count - 1].items = true }
        }

        /// The bytes written since the last `take`, for output written as it goes; the writer goes on.
        public mutating func take() -> [UInt8] {
            defer { bytes.removeAll(keepingCapacity: false) }
            return bytes
        }

        /// Ends the document with its final newline.
        public mutating func finish() {
            precondition(open.isEmpty, "an array or object is still open")
            bytes.append(0x0A)
        }

        /// An array item starts on its own line; a member's value follows its key.
        private mutating func beforeValue() {
            guard let top = open.indices.last, !open[top].isObject else { return }
            itemStart(top)
        }

        private mutating func begin(_ bracket: UInt8, isObject: Bool) {
            beforeValue()
            bytes.append(bracket)
            open.append((isObject, false))
            #if DEBUG
            if isObject { lastKeys.append("") }
            #endif
        }

        private mutating func itemStart(_ top: Int) {
            if open[top].items { bytes.append(0x2C) }
            open[top].items = true
            CanonicalJSON.newline(open.count, into: &bytes)
        }

        private mutating func end(_ close: UInt8) {
            guard let last = open.popLast(), last.isObject == (close == 0x7D) else { preconditionFailure("nothing of that kind open to close") }
            #if DEBUG
            if last.isObject { lastKeys.removeLast() }
            #endif
            if last.items { CanonicalJSON.newline(open.count, into: &bytes) }
            bytes.append(close)
        }
    }
}
