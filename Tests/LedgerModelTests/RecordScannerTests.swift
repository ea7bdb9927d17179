import LedgerModel
import Testing

/// Units and progress files are read straight from their bytes when the scanner can (`scanned`).
/// It must never disagree with the general reader: whatever bytes it is given, it gives the value
/// parsing and decoding give, or nothing (and the general reader then says what is wrong).
@Suite("Records scanned from their bytes agree with the general reader")
struct RecordScannerTests {
    enum Kind: String, CaseIterable { case unit, progress }

    /// What the general reader makes of `bytes`: the record, or nil when it refuses them.
    static func general(_ kind: Kind, _ bytes: [UInt8]) -> AnyHashable? {
        guard let value = try? JSONParser.parse(bytes) else { return nil }
        switch kind {
        case .unit: return (try? Unit(json: value, at: .root)).map(AnyHashable.init)
        case .progress: return (try? Progress(json: value, at: .root)).map(AnyHashable.init)
        }
    }

    static func scanned(_ kind: Kind, _ bytes: [UInt8]) -> AnyHashable? {
        switch kind {
        case .unit: return Unit.scanned(bytes).map(AnyHashable.init)
        case .progress: return Progress.scanned(bytes).map(AnyHashable.init)
        }
    }

    /// The scanner gives the general reader's value or nothing; nothing whenever the general reader refuses.
    static func agree(_ kind: Kind, _ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        guard let fast = scanned(kind, bytes) else { return true }
        let slow = general(kind, bytes)
        #expect(fast == slow, "\(kind) scanned as \(fast), read as \(String(describing: slow)): \(String(decoding: bytes, as: UTF8.self))",
                sourceLocation: sourceLocation)
        return fast == slow
    }

    /// Every unit and progress fixture, canonical and compact: valid ones are scanned (the fast path is
    /// the one taken) to the same value; invalid ones are never scanned.
    @Test("every unit and progress fixture, valid or not", arguments: Kind.allCases)
    func fixtures(_ kind: Kind) throws {
        var valid = 0, invalid = 0
        for name in Corpus.all {
            let fixture = try Corpus.load(name)
            guard fixture.schema == kind.rawValue else { continue }
            for bytes in [CanonicalJSON.encode(fixture.value), Array(CanonicalJSON.compact(fixture.value).utf8)] {
                #expect(Self.agree(kind, bytes))
                if name.hasPrefix("valid/") {
                    valid += 1
                    #expect(Self.scanned(kind, bytes) != nil, "\(name) is valid but not scanned")
                } else {
                    invalid += 1
                    #expect(Self.scanned(kind, bytes) == nil, "\(name) is invalid but scanned")
                }
            }
        }
        #expect(valid >= 2 && invalid >= 10, "\(valid) valid, \(invalid) invalid")
    }

    static let progress = #"""
        {"formatVersion": 1, "directive": "D-1", "unit": "cn/east",
         "reports": [{"clause": "1", "status": "done", "values": {"documents_cut_pct": 31, "forms": 1.5},
                      "evidence": [{"kind": "document", "title": "会议纪要", "uri": "minutes/1.pdf",
                                    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}],
                      "note": "Cut \"by\" a third\n", "asOf": "2019-11-01", "at": "2019-11-05T10:00:00+08:00", "actor": "east.lead"},
                     {"clause": "2", "status": "in-progress", "values": {}, "evidence": [], "at": "2019-12-05T10:00:00Z", "actor": "east.lead"}]}
        """#
    static let unit = #"{"formatVersion": 1, "id": "cn/east/harbor", "name": "海港市 Harbor", "level": "city"}"#

    @Test("records with one member too many, twice, missing or wrong, at every level, are left to the general reader")
    func edits() throws {
        let cases: [(Kind, String, String)] = [
            (.progress, #""unit": "cn/east","#, #""unit": "cn/east", "unit": "cn/west","#),
            (.progress, #""clause": "2","#, #""clause": "2", "clause": "3","#),
            (.progress, #""forms": 1.5"#, #""forms": 1.5, "forms": 2"#),
            (.progress, #""kind": "document","#, #""kind": "document", "kind": "photo","#),
            (.progress, #""formatVersion": 1,"#, #""formatVersion": 2,"#),
            (.progress, #""formatVersion": 1,"#, ""),
            (.progress, #""note": "Cut \"by\" a third\n","#, #""note": null,"#),
            (.progress, #""note": "Cut \"by\" a third\n","#, #""note": "x", "extra": 1,"#),
            (.progress, #""asOf": "2019-11-01","#, #""asOf": "2019-11-31","#),
            (.progress, #""status": "done""#, #""status": "finished""#),
            (.progress, #""documents_cut_pct": 31"#, #""Documents": 31"#),
            (.progress, #""uri": "minutes/1.pdf""#, #""uri": "minutes 1.pdf""#),
            (.progress, #""title": "会议纪要""#, #""title": " ""#),
            (.progress, #""evidence": [], "#, ""),
            (.progress, #"]}"#, #"]} x"#),
            (.unit, #""level": "city""#, #""level": "ci\nty""#),
            (.unit, #""name": "海港市 Harbor""#, #""name": "　""#),
            (.unit, #""id": "cn/east/harbor""#, #""id": "cn/east/harbor", "id": "cn""#),
        ]
        for (kind, old, new) in cases {
            let base = kind == .unit ? Self.unit : Self.progress
            #expect(base.contains(old), "\(old)")
            let bytes = Array(base.replacingOccurrences(of: old, with: new).utf8)
            #expect(Self.general(kind, bytes) == nil, "\(new) should be refused")
            #expect(Self.scanned(kind, bytes) == nil, "\(new) was scanned")
        }
        #expect(Self.scanned(.progress, Array(Self.progress.utf8)) != nil)
        #expect(Self.scanned(.progress, Array(Self.progress.utf8)) == Self.general(.progress, Array(Self.progress.utf8)))
        #expect(Self.scanned(.unit, Array(Self.unit.utf8)) == Self.general(.unit, Array(Self.unit.utf8)))
    }

    @Test("every record one byte away from a valid one: deleted, replaced or inserted", arguments: Kind.allCases)
    func oneByteAway(_ kind: Kind) {
        let base = Array((kind == .unit ? Self.unit : Self.progress).utf8)
        let replacements: [UInt8] = [0x22, 0x7D, 0x5D, 0x2C, 0x3A, 0x20, 0x78, 0x31, 0x5C, 0x00, 0xFF]
        var scanned = 0, total = 0
        for i in base.indices {
            var variants: [[UInt8]] = []
            var deleted = base; deleted.remove(at: i); variants.append(deleted)
            for r in replacements where r != base[i] {
                var replaced = base; replaced[i] = r; variants.append(replaced)
                var inserted = base; inserted.insert(r, at: i); variants.append(inserted)
            }
            for bytes in variants {
                total += 1
                if !Self.agree(kind, bytes) { return }
                if Self.scanned(kind, bytes) != nil { scanned += 1 }
            }
        }
        // Some edits keep the record valid (a digit, a letter in a note): those are scanned too.
        #expect(scanned > 0 && scanned < total, "\(scanned) of \(total) scanned")
    }
}
