import Foundation
import Ledger
import LedgerModel
import Testing

@Suite("A spreadsheet of progress reports")
struct ReportSheetTests {
    static let actor = ActorID(unchecked: "north.lead")
    static let at = Timestamp(seconds: 1_577_836_800)

    static func read(_ text: String, encoding: String.Encoding = .utf8) throws -> ReportSheet {
        try ReportSheet.read(Array(text.data(using: encoding)!), actor: actor, at: at)
    }

    @Test("rows become report-progress events; quoted cells keep commas, quotes and line breaks; Chinese headers; a byte-order mark")
    func rows() throws {
        let sheet = try Self.read("\u{FEFF}单位,文件,条款,状态,指标值,说明,截至日期,佐证类型,佐证名称,佐证SHA256\r\n"
            + "cn/north,D-2019-01,1,done,documents_cut_pct=31; meetings_cut_pct=2.5,\"压减发文，合并会议\n第二行 \"\"引文\"\"\",2019-12-31,outcome,发文登记簿,\(String(repeating: "AB", count: 32))\r\n"
            + ",,,,,,,,,\r\n"
            + "cn/south,D-2019-01,2,in-progress,,,,,,\r\n")
        #expect(sheet.problems.isEmpty, "\(sheet.problems)")
        #expect(sheet.rows.map(\.row) == [2, 4], "rows numbered as a spreadsheet numbers them; the empty row skipped")
        guard case .reportProgress(let unit, let directive, let clause, let status, let values, let evidence, let note, let asOf)? = sheet.rows.first?.event?.action else {
            Issue.record("no report"); return
        }
        #expect(unit.rawValue == "cn/north" && directive.rawValue == "D-2019-01" && clause.rawValue == "1" && status == .done)
        #expect(values == ["documents_cut_pct": 31, "meetings_cut_pct": 2.5])
        #expect(note == "压减发文，合并会议\n第二行 \"引文\"")
        #expect(asOf.map { "\($0)" } == "2019-12-31")
        #expect(evidence == [Evidence(kind: .outcome, title: "发文登记簿", sha256: String(repeating: "ab", count: 32))])
        #expect(sheet.rows.first?.event?.actor == Self.actor && sheet.rows.first?.event?.at == Self.at)
    }

    @Test("a sheet saved as GB18030 reads as the same sheet in UTF-8")
    func gb18030() throws {
        let text = "unit,directive,clause,status,note\r\ncn/north,D-2019-01,1,done,全年发文减少三成\r\n"
        let gb = try Self.read(text, encoding: String.Encoding(rawValue: 0x8000_0632))
        let utf8 = try Self.read(text)
        #expect(gb.rows.map(\.event) == utf8.rows.map(\.event))
        if case .reportProgress(_, _, _, _, _, _, let note, _)? = gb.rows.first?.event?.action { #expect(note == "全年发文减少三成") } else { Issue.record("no report") }
    }

    @Test("each problem is named by row and column, with what to do; the other rows are still read")
    func problems() throws {
        let sheet = try Self.read("unit,directive,clause,status,values,evidenceKind,evidenceTitle,evidenceSHA256\n"
            + "cn/north,D-2019-01,1,finished,pct=lots,,,\n"
            + ",D-2019-01,1,done,,photo,,abc\n"
            + "cn/north,D-2019-01,1,done,,,,\n")
        let found = sheet.problems.map { "\($0.row) \($0.column ?? "-")" }
        #expect(found == ["2 status", "2 values", "3 unit", "3 evidenceTitle", "3 evidenceSHA256"], "\(sheet.problems)")
        #expect(sheet.problems.first?.message.contains("use one of not-started, in-progress, done, blocked") == true)
        #expect(sheet.rows.map { $0.event != nil } == [false, false, true])
        #expect(sheet.problems.first?.description.hasPrefix("row 2, column status: ") == true)
    }

    @Test("a sheet that cannot be read at all says why and what to do", arguments: [
        ("", "the sheet is empty"),
        ("unit,directive,clause,status\n", "has a header and no report"),
        ("unit,directive,clause,status,colour\ncn/north,D-2019-01,1,done,red\n", "\"colour\" is not a column of the template"),
        ("unit,directive,status\ncn/north,D-2019-01,done\n", "no column clause"),
        ("unit,unit,directive,clause,status\n", "named twice"),
        ("unit,directive,clause,status\ncn/north,D-2019-01,1,\"done\n", "never closed"),
    ])
    func unreadable(text: String, says: String) throws {
        #expect {
            _ = try Self.read(text)
        } throws: { error in
            guard case LedgerError.invalidInput(_, _, let reason) = error else { return false }
            return reason.contains(says)
        }
    }

    @Test("bytes that are neither UTF-8 nor GB18030 are refused as such")
    func notText() throws {
        #expect(throws: LedgerError.self) { _ = try ReportSheet.read([0xFF, 0xFF, 0xFF, 0x00, 0x81], actor: Self.actor, at: Self.at) }
    }

    @Test("the template reads back: its header names every column, its example row is one report")
    func template() throws {
        for chinese in [false, true] {
            let sheet = try Self.read(ReportSheet.template(chinese: chinese))
            #expect(sheet.problems.isEmpty, "\(sheet.problems)")
            #expect(sheet.rows.count == 1 && sheet.rows[0].event != nil)
        }
    }
}
