import LedgerModel
import Testing

@Suite("Canonical JSON: the same record is always the same bytes")
struct CanonicalJSONTests {
    static let clause = #"{"text": "Cut documents by at least 30% / year.", "id": "1", "modality": "must", "targets": [{"value": 30, "op": ">=", "metric": "documents_cut_pct", "unit": "%"}], "localize": false, "evidence": "outcome", "deadline": "2019-12-31"}"#

    @Test("keys sorted, two-space indent, one field a line, final newline, slashes unescaped")
    func exactBytes() throws {
        let value = try JSONParser.parse(#"{"b": [1, 2.5, "x/y"], "a": {"z": null, "y": true}, "c": []}"#)
        let expected = "{\n  \"a\": {\n    \"y\": true,\n    \"z\": null\n  },\n  \"b\": [\n    1,\n    2.5,\n    \"x/y\"\n  ],\n  \"c\": []\n}\n"
        #expect(CanonicalJSON.string(value) == expected)
    }

    @Test("the streaming writer writes the bytes encode gives, nested, empty and escaped values included")
    func writerMatchesEncode() throws {
        let inner = try JSONParser.parse(#"{"z": [], "a": {}, "m": ["x\"y", {"k": [1, {"n": null}]}], "é": "不", "\n": 1.5}"#)
        var w = CanonicalJSON.Writer()
        w.beginObject()
        w.key("a"); w.value(inner)
        w.key("b")
        w.beginArray()
        w.value(.integer(1))
        w.beginObject(); w.endObject()
        w.beginArray(); w.endArray()
        w.beginObject(); w.key("q"); w.beginArray(); w.value(.string("tab\t")); w.value(inner); w.endArray(); w.endObject()
        w.endArray()
        w.key("c"); w.beginObject(); w.endObject()
        w.endObject()
        w.finish()
        let same = JSONValue.object([
            "a": inner,
            "b": .array([.integer(1), .object([:]), .array([]), .object(["q": .array([.string("tab\t"), inner])])]),
            "c": .object([:]),
        ])
        #expect(w.bytes == CanonicalJSON.encode(same), "\(String(decoding: w.bytes, as: UTF8.self))")
        var top = CanonicalJSON.Writer()
        top.beginArray(); top.endArray(); top.finish()
        #expect(top.bytes == CanonicalJSON.encode(.array([])))
    }

    @Test("keys sort by their UTF-8 bytes, not by Unicode collation")
    func utf8KeyOrder() {
        let keys = ["b", "a", "", "ab", "a\u{0}", "B", "é", "e\u{301}", "不", "z", "aa", "😀", "ｚ"]
        let byBytes = keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        #expect(keys.sorted(by: CanonicalJSON.utf8Precedes) == byBytes)
    }

    @Test("a record read in any key order and spacing encodes to identical bytes")
    func sameRecordSameBytes() throws {
        let a = try Clause(json: JSONParser.parse(Self.clause), at: .root)
        let shuffled = #"{ "deadline":"2019-12-31","evidence":"outcome","localize":false,"targets":[{"unit":"%","metric":"documents_cut_pct","op":">=","value":30.0}],"modality":"must","id":"1","text":"Cut documents by at least 30% \/ year."}"#
        let b = try Clause(json: JSONParser.parse(shuffled), at: .root)
        #expect(CanonicalJSON.encode(a.json) == CanonicalJSON.encode(b.json))
        #expect(CanonicalJSON.isCanonical(CanonicalJSON.encode(a.json)))
        #expect(!CanonicalJSON.isCanonical(Array(Self.clause.utf8)))
    }

    @Test("Chinese text and control characters round-trip exactly")
    func unicodeRoundTrip() throws {
        let value = JSONValue.object(["text": .string("不得超过10页。\n\t\"引号\"")])
        let bytes = CanonicalJSON.encode(value)
        #expect(try JSONParser.parse(bytes) == value)
        #expect(String(decoding: bytes, as: UTF8.self).contains("不得超过10页。\\n\\t\\\"引号\\\""))
    }

    @Test("strings must be valid UTF-8, with or without escapes; valid text of every length reads back unchanged")
    func utf8Strings() throws {
        let bad: [[UInt8]] = [[0xFF], [0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE4, 0xB8], [0xF4, 0x90, 0x80, 0x80], [0xF0, 0x9F, 0x98]]
        for b in bad {
            for escaped in [false, true] {
                let text: [UInt8] = Array(#"{"a": "x"#.utf8) + (escaped ? Array(#"\n"#.utf8) : []) + b + Array(#"y"}"#.utf8)
                #expect(throws: JSONSyntaxError.self, "\(b) escaped: \(escaped)") { try JSONParser.parse(text) }
            }
        }
        for good in ["", "ascii", "é", "不得超过10页", "😀", "e\u{301}", "\u{10FFFF}", "\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}"] {
            #expect(try JSONParser.parse(Array("{\"a\": \"\(good)\"}".utf8)) == .object(["a": .string(good)]))
            #expect(try JSONParser.parse(Array("{\"a\": \"\\t\(good)\"}".utf8)) == .object(["a": .string("\t" + good)]))
        }
    }

    @Test("duplicate keys and trailing text are syntax errors with a line and column")
    func strictParsing() {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse("{\"a\": 1,\n \"a\": 2}") }
        do { _ = try JSONParser.parse("{\"a\": 1,\n \"a\": 2}") } catch { #expect(error.line == 2) }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse("{} x") }
    }
}
