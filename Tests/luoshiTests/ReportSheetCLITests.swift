import Foundation
import Testing

@Suite("luoshi report --csv")
struct ReportSheetCLITests {
    @Test("a sheet with problems names each by row and column, exits 65 and writes nothing; a good one writes one commit a row")
    func sheet() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let key = loaded.keys + "/north.lead"
        let before = try loaded.head()
        let bad = loaded.folder.path("bad.csv")
        try "unit,directive,clause,status,values\ncn/north,D-2019-01,1,done,documents_cut_pct=31\ncn/north,D-2019-01,77,done,\ncn/north,D-2019-01,1,over,\n"
            .write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try luoshi(["report", "--ledger", loaded.ledger, "--csv", bad, "--key", key])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("luoshi: \(bad): row 3, column clause: "), "\(refused.stderr)")
        #expect(refused.stderr.contains("luoshi: \(bad): row 4, column status: \"over\""), "\(refused.stderr)")
        #expect(refused.stderr.hasSuffix("2 problems in the sheet; nothing was written\n"), "\(refused.stderr)")
        #expect(try loaded.head() == before)

        let good = loaded.folder.path("good.csv")
        let text = "单位,文件,条款,状态,指标值,说明\r\ncn/north,D-2019-01,1,done,documents_cut_pct=31,全年压减三成\r\ncn/north,D-2019-01,1,in-progress,,复核中\r\n"
        try text.data(using: String.Encoding(rawValue: 0x8000_0632))!.write(to: URL(fileURLWithPath: good))
        let written = try luoshi(["report", "--ledger", loaded.ledger, "--csv", good, "--key", key, "--format", "json"])
        #expect(written.status == 0, "\(written.stderr)")
        let log = try loaded.git(["log", "--format=%s", "\(before)..main"]).stdout.split(separator: "\n")
        #expect(log.count == 2 && log.allSatisfy { $0.hasPrefix("report-progress: cn/north reports D-2019-01 clause 1") })
        let progress = try loaded.git(["show", "main:directives/D-2019-01/plans/cn/north/progress.json"]).stdout
        #expect(progress.contains("\"note\": \"全年压减三成\""))
        #expect(try luoshi(["verify", "--ledger", loaded.ledger]).status == 0)

        let mixed = try luoshi(["report", "--ledger", loaded.ledger, "--csv", good, "--unit", "cn/north", "--key", key])
        #expect(mixed.status == 64 && mixed.stderr.contains("leave out --unit"))
        let none = try luoshi(["report", "--ledger", loaded.ledger, "--unit", "cn/north", "--key", key])
        #expect(none.status == 64 && none.stderr.contains("a report needs --directive, --clause, --status"), "\(none.stderr)")
    }
}
