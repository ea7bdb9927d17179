import LedgerModel
import Testing

@Suite("Evidence links")
struct EvidenceTests {
    func evidence(uri: String) throws -> Evidence {
        try Evidence(json: .object(["kind": .string("document"), "title": .string("Minutes"), "uri": .string(uri)]), at: .root)
    }

    @Test("a link is refused exactly when it holds a whitespace character, ASCII or not")
    func whitespaceInLinks() throws {
        var samples = (0..<128).map { "minutes/\(Character(Unicode.Scalar(UInt8($0))))1.pdf" }
        samples += ["a\r\nb", "\u{85}", "a\u{A0}b", "a\u{2028}b", "a\u{3000}b", "会议纪要.pdf", "e\u{301}", "\u{200B}", "x\u{1680}"]
        for uri in samples {
            let expected = uri.contains(where: \.isWhitespace)
            if expected {
                #expect(throws: ValidationError.self, "\(uri.unicodeScalars.map(\.value))") { try evidence(uri: uri) }
            } else {
                #expect(try evidence(uri: uri).uri == uri)
            }
        }
        #expect(throws: ValidationError.self) { try evidence(uri: "") }
    }
}
