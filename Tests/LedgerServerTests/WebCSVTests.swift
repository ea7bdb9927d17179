import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LedgerModel
import LedgerServer
import Testing

@Suite("The web UI: tables as spreadsheets")
struct WebCSVTests {
    /// The records of a CSV download, after its byte-order mark, read as RFC 4180 has them.
    static func records(_ response: TestResponse) throws -> [[String]] {
        let bytes = Array(response.body.readableBytesView)
        try #require(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF], "no byte-order mark")
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(text.hasSuffix("\r\n"))
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var scalars = Array(text.unicodeScalars)[...]
        while let u = scalars.popFirst() {
            if quoted {
                if u == "\"" {
                    if scalars.first == "\"" { scalars.removeFirst(); field.unicodeScalars.append(u) } else { quoted = false }
                } else { field.unicodeScalars.append(u) }
                continue
            }
            switch u {
            case "\"": quoted = true
            case ",": row.append(field); field = ""
            case "\r": if scalars.first == "\n" { scalars.removeFirst(); row.append(field); rows.append(row); row = []; field = "" } else { field.unicodeScalars.append(u) }
            default: field.unicodeScalars.append(u)
            }
        }
        return rows
    }

    @Test("the matrix and the flags download as CSV: every row the filters keep, not one page, in the reader's language")
    func downloads() async throws {
        let fixture = try ServerFixture(isPublic: true)
        let status = try JSONParser.parse(try fixture.cli(["status", "--directive", "D-2019-01", "--format", "json"]).stdout)
        guard case .array(let units)? = status["matrices"]?[0]?["units"] else { Issue.record("no status"); return }
        let provinces = units.filter { $0["level"]?.string == "province" }.count
        let flags = try JSONParser.parse(try fixture.cli(["flags", "--format", "json"]).stdout)
        guard case .array(let allFlags)? = flags["flags"] else { Issue.record("no flags"); return }
        #expect(units.count > 2 && !allFlags.isEmpty)
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let api = APIClient(client: client)
            let r = try await api.get("/directives/D-2019-01/matrix?format=csv&limit=1&lang=en")
            #expect(r.status == .ok)
            #expect(r.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(r.headers[.contentDisposition] == "attachment; filename=\"matrix-D-2019-01.csv\"")
            let rows = try Self.records(r)
            #expect(rows.first?.prefix(3) == ["Unit", "Level", "Plan"])
            #expect(rows.count == 1 + units.count, "one record a unit, all of them whatever limit says")
            #expect(Set(rows.dropFirst().map(\.[0])) == Set(units.compactMap { $0["unit"]?.string }))
            #expect(rows.allSatisfy { $0.count == rows[0].count })
            let filtered = try Self.records(try await api.get("/directives/D-2019-01/matrix?format=csv&level=province"))
            #expect(filtered.count == 1 + provinces)
            #expect(filtered[0][0] == "单位", "Chinese by default")

            let f = try Self.records(try await api.get("/flags?format=csv&lang=en"))
            #expect(f.first == ["Kind", "Unit", "Directive", "Clause", "Finding", "Evidence"])
            #expect(f.count == 1 + allFlags.count)

            let home = try Self.records(try await api.get("/?format=csv&lang=en"))
            #expect(home.first == ["Directive", "Title", "Version", "Issued by", "Issued", "Units", "Plans adopted", "Clauses", "Clauses reported", "Done", "Flags"])
            let d1 = try #require(home.first { $0.first == "D-2019-01" })
            #expect(Int(d1[5]) == units.count, "units of D-2019-01: \(d1)")
            #expect(try await api.get("/flags?format=xlsx").status == .badRequest)
            let page = String(buffer: try await api.get("/directives/D-2019-01/matrix?level=province&lang=en").body)
            #expect(page.contains("<a href=\"?format=csv&amp;level=province\" download=\"\">Download as CSV</a>"))
        }
    }
}
