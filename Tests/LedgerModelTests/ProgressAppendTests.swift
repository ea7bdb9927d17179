import LedgerModel
import Testing

/// `Progress.AppendPoint`: how a reader checks a progress file by the reports a change adds.
@Suite("Progress files grow by appended reports")
struct ProgressAppendTests {
    static func report(_ n: Int, note: String? = nil) throws -> Report {
        Report(clause: "1", status: .inProgress, values: ["cut_pct": Double(n)],
               evidence: [Evidence(kind: .data, title: "Register \(n)", sha256: String(repeating: "a", count: 64))],
               note: note, at: try Timestamp("2020-02-0\(n % 9 + 1)T00:00:00Z"), actor: "north.lead")
    }

    static func bytes(_ reports: [Report]) -> [UInt8] {
        CanonicalJSON.encode(Progress(directive: "D-1", unit: try! UnitID("cn/north"), reports: reports).json)
    }

    @Test("the record a change adds holds exactly the added reports, and the next point is the new file's")
    func addedReports() throws {
        let old = Self.bytes([try Self.report(1), try Self.report(2)])
        let new = Self.bytes([try Self.report(1), try Self.report(2), try Self.report(3), try Self.report(4, note: "二〇二〇")])
        let point = try #require(Progress.AppendPoint(canonical: old))
        #expect(point.count == old.count)
        #expect(Array(new[..<point.close]) == Array(old[..<point.close]))
        let (added, next) = try #require(point.added(in: new))
        // The added part is a canonical record of its own, with the same directive and unit.
        #expect(added == Self.bytes([try Self.report(3), try Self.report(4, note: "二〇二〇")]))
        #expect(next == Progress.AppendPoint(canonical: new))
        // And the old record is the new file's kept bytes and the tail.
        #expect(Array(new[..<point.close]) + point.tail == old)
    }

    @Test("a change that is not reports added at the end has no added record")
    func notAnAppend() throws {
        let one = try Self.report(1), two = try Self.report(2), three = try Self.report(3)
        let old = Self.bytes([one, two])
        let point = try #require(Progress.AppendPoint(canonical: old))
        // The same file, a shorter one, and one whose unit (after the reports) changed.
        #expect(point.added(in: old) == nil)
        #expect(point.added(in: Self.bytes([one])) == nil)
        let moved = CanonicalJSON.encode(Progress(directive: "D-1", unit: try UnitID("cn/south"), reports: [one, two, three]).json)
        #expect(point.added(in: moved) == nil)
        // A report inserted before the last: the layout matches but the kept bytes differ from the
        // old file's, which is what the caller checks (Verify compares their git blob id).
        let inserted = Self.bytes([one, three, two])
        #expect(point.added(in: inserted) == nil || Array(inserted[..<point.close]) + point.tail != old)
    }

    @Test("a file with no reports yet, or that is not a canonical progress record, has no point")
    func noPoint() throws {
        #expect(Progress.AppendPoint(canonical: Self.bytes([])) == nil)
        #expect(Progress.AppendPoint(canonical: Array(#"{"reports": [1]}"#.utf8)) == nil)
        #expect(Progress.AppendPoint(canonical: []) == nil)
    }
}
