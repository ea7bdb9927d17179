import LedgerModel
import Testing

/// A number enters the ledger only when it is kept exactly: what is written back is the number
/// that was given, never a rounded one, and never one JSON cannot hold.
@Suite("JSON numbers are kept exactly or refused")
struct JSONNumberTests {
    @Test("numbers the ledger cannot keep are refused, saying why", arguments: [
        ("9007199254740993", "2^53"), ("-9007199254740993", "2^53"), ("12345678901234567890124", "2^53"),
        ("99999999999999999999", "2^53"), ("1e400", "out of range"), ("-1e400", "out of range"),
        ("1e-400", "too small"), ("-0", "-0"), ("-0.0", "-0"), ("0.10000000000000000001", "significant digits"),
        ("1e-99999999999999999999999", "too small"), ("1.00000000000000000000001e5", "significant digits"),
        ("123456789012345678", "2^53"),
    ])
    func refused(_ text: String, _ says: String) throws {
        #expect {
            try JSONParser.parse("{\"v\": \(text)}")
        } throws: { error in
            guard let e = error as? JSONSyntaxError else { return false }
            return e.reason.contains(says) && e.column == 7
        }
    }

    @Test("numbers kept exactly read back as themselves", arguments: [
        ("0", "0"), ("30", "30"), ("-2", "-2"), ("30.5", "30.5"), ("0.1", "0.1"), ("1e2", "100"), ("2.50", "2.5"),
        ("9007199254740992", "9007199254740992"), ("1e19", "1e+19"), ("-1.5e-7", "-1.5e-07"), ("0.0", "0"),
    ])
    func kept(_ text: String, _ canonical: String) throws {
        let value = try JSONParser.parse(text)
        #expect(CanonicalJSON.compact(value) == canonical)
        #expect(try JSONParser.parse(CanonicalJSON.compact(value)).doubleValue == value.doubleValue)
    }

    @Test("a value made in memory that JSON cannot hold is refused by the reader, naming the pointer")
    func nonFiniteInMemory() throws {
        for d in [Double.nan, .infinity, -.infinity] {
            #expect {
                _ = try Report(json: Report(clause: "1", status: .done, values: ["m": d], at: Timestamp(seconds: 0), actor: "a").json, at: .root)
            } throws: { error in (error as? ValidationError)?.pointer.description == "/values/m" }
        }
    }

    @Test("a seeded sweep: every double written canonically reads back as the same double")
    func roundTrip() throws {
        var generator = SeededGenerator(seed: 13)
        for _ in 0..<20_000 {
            let bits = generator.next()
            let d = Double(bitPattern: bits)
            guard d.isFinite else { continue }
            let written = CanonicalJSON.compact(.numeric(d))
            if d == 0 { #expect(written == "0"); continue }
            let back = try JSONParser.parse(written)
            #expect(back.doubleValue == d, "\(d) was written as \(written) and read back as \(back)")
        }
    }
}

