/// Writing the SSH wire encoding (RFC 4251 §5), the counterpart of `SSHWireReader`.
extension Array where Element == UInt8 {
    /// Appends `value` as a big-endian `uint32`.
    mutating func appendSSHUInt32(_ value: UInt32) {
        append(contentsOf: [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) })
    }

    /// Appends `value` as an SSH `string`: its length as a `uint32`, then its bytes.
    mutating func appendSSHString<Bytes: Collection>(_ value: Bytes) where Bytes.Element == UInt8 {
        appendSSHUInt32(UInt32(value.count))
        append(contentsOf: value)
    }

    /// Appends the UTF-8 bytes of `text` as an SSH `string`.
    mutating func appendSSHString(_ text: String) {
        appendSSHString(Array(text.utf8))
    }
}
