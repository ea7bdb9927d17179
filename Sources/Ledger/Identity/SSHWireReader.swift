/// Reads the SSH wire encoding (RFC 4251 §5): big-endian `uint32`s and length-prefixed `string`s.
///
/// Every read that would run past the end throws `SSHWireReader.Truncated`; callers turn that
/// into an `IdentityError` that names what was being read.
struct SSHWireReader {
    struct Truncated: Error {}

    private let bytes: [UInt8]
    private(set) var offset: Int

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
    }

    var isAtEnd: Bool { offset == bytes.count }

    var remaining: ArraySlice<UInt8> { bytes[offset...] }

    mutating func readBytes(_ count: Int) throws(Truncated) -> [UInt8] {
        guard count >= 0, count <= bytes.count - offset else { throw Truncated() }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func readUInt32() throws(Truncated) -> UInt32 {
        try readBytes(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func readString() throws(Truncated) -> [UInt8] {
        let length = try readUInt32()
        guard let count = Int(exactly: length) else { throw Truncated() }
        return try readBytes(count)
    }

    /// A `string` read as text; the SSH names and comments this module reads are ASCII or UTF-8.
    mutating func readText() throws(Truncated) -> String {
        String(decoding: try readString(), as: UTF8.self)
    }
}
