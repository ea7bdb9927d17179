import Clibgit2
import Crypto

/// The SHA-1 name of a git object. Held as its 20 bytes, so ids hash and compare in a few words;
/// written as 40 lower-case hexadecimal digits.
public struct ObjectID: Hashable, Sendable, CustomStringConvertible {
    /// Bytes 0-7, 8-15 and 16-19 of the id, in memory order.
    private var a: UInt64 = 0, b: UInt64 = 0, c: UInt32 = 0

    /// Parses 40 hexadecimal digits (either case); nil for anything else.
    public init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 40 else { return nil }
        var bytes = [UInt8](repeating: 0, count: 20)
        for index in 0..<20 {
            guard let high = ObjectID.nibble(utf8[2 * index]), let low = ObjectID.nibble(utf8[2 * index + 1]) else { return nil }
            bytes[index] = high << 4 | low
        }
        self.init(raw: bytes)
    }

    /// The 40 lower-case hexadecimal digits.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        return withUnsafeBytes(of: oid.id) { bytes in
            String(unsafeUninitializedCapacity: 40) { text in
                for (n, byte) in bytes.enumerated() {
                    text[2 * n] = digits[Int(byte >> 4)]
                    text[2 * n + 1] = digits[Int(byte & 0x0f)]
                }
                return 40
            }
        }
    }

    /// The hexadecimal digits.
    public var description: String { hex }

    /// The id from its 20 bytes; nil for any other count.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 20 else { return nil }
        self.init(raw: bytes)
    }

    /// The 20 bytes of the id.
    public var bytes: [UInt8] { withUnsafeBytes(of: oid.id) { Array($0) } }

    /// Copies a libgit2 object id.
    init(_ oid: git_oid) {
        withUnsafeBytes(of: oid.id) { bytes in
            self.a = bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
            self.b = bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            self.c = bytes.loadUnaligned(fromByteOffset: 16, as: UInt32.self)
        }
    }

    /// Wraps the 20 raw bytes of an id.
    init(raw bytes: some Sequence<UInt8>) {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { target in
            for (index, byte) in bytes.prefix(20).enumerated() { target[index] = byte }
        }
        self.init(oid)
    }

    /// The 20 raw bytes of this id.
    var raw: [UInt8] { withUnsafeBytes(of: oid.id) { Array($0) } }

    /// The libgit2 form of this id.
    var oid: git_oid {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { bytes in
            bytes.storeBytes(of: a, toByteOffset: 0, as: UInt64.self)
            bytes.storeBytes(of: b, toByteOffset: 8, as: UInt64.self)
            bytes.storeBytes(of: c, toByteOffset: 16, as: UInt32.self)
        }
        return oid
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension ObjectID {
    /// The id git gives a blob whose content is `parts`, one after another, without joining them.
    public static func blob(_ parts: ArraySlice<UInt8>...) -> ObjectID {
        hashing(type: "blob", parts)
    }

    /// The id git gives an object of type `type` (its name in the object header) whose content is `parts`.
    static func hashing(type: String, _ parts: [ArraySlice<UInt8>]) -> ObjectID {
        var hasher = Insecure.SHA1()
        hasher.update(data: Array("\(type) \(parts.reduce(0) { $0 + $1.count })\0".utf8))
        for part in parts { part.withUnsafeBytes { hasher.update(bufferPointer: $0) } }
        return ObjectID(raw: hasher.finalize())
    }
}
