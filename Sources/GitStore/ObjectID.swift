import Clibgit2

/// The SHA-1 name of a git object, as 40 lower-case hexadecimal digits.
public struct ObjectID: Hashable, Sendable, CustomStringConvertible {
    /// The 40 lower-case hexadecimal digits.
    public let hex: String

    /// Parses 40 hexadecimal digits (either case); nil for anything else.
    public init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 40, utf8.allSatisfy({ ObjectID.nibble($0) != nil }) else { return nil }
        self.hex = hex.lowercased()
    }

    /// The hexadecimal digits.
    public var description: String { hex }

    /// Copies a libgit2 object id.
    init(_ oid: git_oid) {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(40)
        withUnsafeBytes(of: oid.id) { bytes in
            for byte in bytes {
                text.append(digits[Int(byte >> 4)])
                text.append(digits[Int(byte & 0x0f)])
            }
        }
        self.hex = String(decoding: text, as: UTF8.self)
    }

    /// Wraps the 20 raw bytes of an id.
    init(raw bytes: some Sequence<UInt8>) {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(40)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        self.hex = String(decoding: text, as: UTF8.self)
    }

    /// The 20 raw bytes of this id.
    var raw: [UInt8] { withUnsafeBytes(of: oid.id) { Array($0) } }

    /// The libgit2 form of this id.
    var oid: git_oid {
        var oid = git_oid()
        let utf8 = Array(hex.utf8)
        withUnsafeMutableBytes(of: &oid.id) { bytes in
            for index in 0..<20 {
                // The initializer guarantees 40 valid digits.
                let high = ObjectID.nibble(utf8[2 * index]) ?? 0
                let low = ObjectID.nibble(utf8[2 * index + 1]) ?? 0
                bytes[index] = high << 4 | low
            }
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
