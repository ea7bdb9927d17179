/// JSON written straight into bytes: the data of a 40,000-unit report is tens of megabytes, too much
/// to build as a `JSONValue` tree first. Arrays are written by the caller, items separated with `next()`.
struct JSONOut {
    private(set) var bytes: [UInt8] = []
    /// Whether the next item of the current array or object needs a comma before it.
    private var first = true

    mutating func open(_ c: UInt8 = UInt8(ascii: "[")) { next(); bytes.append(c); first = true }
    mutating func close(_ c: UInt8 = UInt8(ascii: "]")) { bytes.append(c); first = false }
    mutating func next() {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
    }
    mutating func key(_ k: String) { next(); string(k, separate: false); bytes.append(UInt8(ascii: ":")); first = true }

    mutating func int(_ i: Int) { next(); bytes.append(contentsOf: String(i).utf8) }
    mutating func bool(_ b: Bool) { next(); bytes.append(contentsOf: (b ? "true" : "false").utf8) }
    mutating func null() { next(); bytes.append(contentsOf: "null".utf8) }
    mutating func optional(_ s: String?) { if let s { string(s) } else { null() } }

    /// A JSON string; "<" is written \u003c so that no text can end the <script> element holding the data.
    mutating func string(_ s: String, separate: Bool = true) {
        if separate { next() }
        bytes.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case UInt8(ascii: "<"): bytes.append(contentsOf: Array("\\u003c".utf8))
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: Array("\\u00".utf8) + [hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
