import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerModel
import LedgerServer
import Testing

/// Every read endpoint answers the bytes the CLI prints for the same question at the same head.
@Suite("luoshi serve: reads answer what the CLI prints")
struct ReadParityTests {
    /// The questions: an endpoint and the CLI arguments that ask the same thing.
    static func questions(_ fixture: ServerFixture) throws -> [(String, [String])] {
        var qs: [(String, [String])] = [
            ("/api/v1/ledger", ["show", "ledger", "--format", "json"]),
            ("/api/v1/directives", ["directives", "--format", "json"]),
            ("/api/v1/status", ["status", "--format", "json"]),
            ("/api/v1/flags", ["flags", "--format", "json"]),
            ("/api/v1/log", ["log", "--format", "json"]),
            ("/api/v1/verify", ["verify", "--format", "json"]),
        ]
        // Every plan of every directive: diff both ways, chain, blame, history, the records.
        let status = try JSONParser.parse(fixture.cli(["status", "--format", "json"]).stdout)
        guard case .array(let matrices)? = status["matrices"] else { throw FixtureError("no matrices") }
        var plans = 0
        for m in matrices {
            let d = m["directive"]!.string!
            qs.append(("/api/v1/status?directive=\(d)", ["status", "--directive", d, "--format", "json"]))
            qs.append(("/api/v1/records/directive/\(d)", ["show", "directive", d, "--format", "json"]))
            guard case .array(let units)? = m["units"] else { continue }
            // A handful of plans a directive: each question costs a run of the CLI.
            for u in units.filter({ $0["adoption"]?.string != "not-adopted" }).prefix(6) {
                let unit = u["unit"]!.string!
                let q = "directive=\(d)&unit=\(unit)"
                qs += [
                    ("/api/v1/diff?\(q)", ["diff", "--directive", d, "--unit", unit, "--format", "json"]),
                    ("/api/v1/diff?\(q)&against=directive", ["diff", "--directive", d, "--unit", unit, "--against", "directive", "--format", "json"]),
                    ("/api/v1/chain?\(q)", ["chain", "--directive", d, "--unit", unit, "--format", "json"]),
                    ("/api/v1/blame?\(q)", ["blame", "--directive", d, "--unit", unit, "--format", "json"]),
                    ("/api/v1/history?\(q)", ["history", "--directive", d, "--unit", unit, "--format", "json"]),
                    ("/api/v1/records/plan/\(unit)?directive=\(d)", ["show", "plan", unit, "--directive", d, "--format", "json"]),
                    ("/api/v1/records/unit/\(unit)", ["show", "unit", unit, "--format", "json"]),
                    ("/api/v1/flags?unit=\(unit)&directive=\(d)", ["flags", "--unit", unit, "--directive", d, "--format", "json"]),
                    ("/api/v1/log?unit=\(unit)", ["log", "--unit", unit, "--format", "json"]),
                    ("/api/v1/status?directive=\(d)&under=\(unit)", ["status", "--directive", d, "--under", unit, "--format", "json"]),
                ]
                plans += 1
            }
        }
        #expect(plans >= 3, "the scenario has plans to ask about")
        return qs
    }

    @Test("every endpoint equals the CLI, byte for byte", arguments: ["burden-2019", "sample"])
    func parity(scenario: String) async throws {
        let fixture = try ServerFixture(scenario: scenario, isPublic: true)
        let questions = try Self.questions(fixture)
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let api = APIClient(client: client)
            for (uri, arguments) in questions {
                let cli = try fixture.cli(arguments)
                let response = try await api.get(uri)
                #expect(response.status == .ok, "\(uri): \(String(buffer: response.body))")
                #expect(Array(response.body.readableBytesView) == cli.stdout, "\(uri) differs from luoshi \(arguments.joined(separator: " "))")
            }
        }
    }

    @Test("an answer carries an ETag of head and question; asking again with it is 304, a new head a new answer")
    func etags() async throws {
        let fixture = try ServerFixture(isPublic: true)
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let api = APIClient(client: client)
            let first = try await api.get("/api/v1/status")
            let tag = try #require(first.headers[.eTag])
            let other = try await api.get("/api/v1/flags")
            #expect(other.headers[.eTag] != tag, "another question, another tag")
            var h = HTTPFields()
            h[.ifNoneMatch] = tag
            let again = try await api.get("/api/v1/status", headers: h)
            #expect(again.status == .notModified)
            #expect(again.body.readableBytes == 0)
            // A write moves the head: the same question is answered anew, under a new tag.
            let r = try await api.write(try jsonText(#"{"action": "report-progress", "actor": "north.lead", "unit": "cn/north", "directive": "D-2019-01", "clause": "1", "status": "in-progress", "values": {"documents_cut_pct": 33}}"#), key: fixture.key("north.lead"))
            #expect(r.status == .created, "\(String(buffer: r.body))")
            let moved = try await api.get("/api/v1/status", headers: h)
            #expect(moved.status == .ok)
            #expect(moved.headers[.eTag] != tag)
            #expect(Array(moved.body.readableBytesView) == (try fixture.cli(["status", "--format", "json"])).stdout)
        }
    }

    @Test("an answer of 16 KiB or more is gzipped when a client that accepts gzip asks, then goes gzipped to such clients under its own ETag; it decodes to the same bytes")
    func gzipped() async throws {
        let fixture = try ServerFixture(scenario: "sample", isPublic: true)
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let api = APIClient(client: client)
            let plain = try await api.get("/api/v1/log")
            #expect(plain.body.readableBytes >= 16 * 1024, "the sample's log is large enough to be gzipped")
            #expect(plain.headers[.contentEncoding] == nil)
            #expect(plain.headers[.vary] == "Accept-Encoding")
            var h = HTTPFields()
            h[.acceptEncoding] = "br;q=1.0, gzip;q=0.8"
            // Nobody has asked for gzip yet, so nothing was compressed: this first such answer is plain,
            // and starts the compression in the background. Ask until it is there.
            #expect(try await api.get("/api/v1/log", headers: h).headers[.contentEncoding] == nil)
            var zipped: TestResponse?
            for _ in 0..<200 {
                let r = try await api.get("/api/v1/log", headers: h)
                if r.headers[.contentEncoding] == "gzip" { zipped = r; break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let z = try #require(zipped, "a client that accepts gzip gets it")
            #expect(z.headers[.eTag] != nil && z.headers[.eTag] != plain.headers[.eTag], "each encoding its own tag")
            #expect(z.body.readableBytes * 4 < plain.body.readableBytes)
            let decoded = try run("gzip", ["-dc"], input: Array(z.body.readableBytesView))
            #expect(decoded.status == 0)
            #expect(decoded.stdout == Array(plain.body.readableBytesView), "stock gzip decodes it to the plain answer")
            h[.acceptEncoding] = "gzip;q=0, identity"
            #expect(try await api.get("/api/v1/log", headers: h).headers[.contentEncoding] == nil, "q=0 refuses gzip")
            h[.acceptEncoding] = "*;q=0, gzip"
            #expect(try await api.get("/api/v1/log", headers: h).headers[.contentEncoding] == "gzip", "a named gzip outranks *")
            for tag in [plain.headers[.eTag]!, z.headers[.eTag]!] {
                var conditional = HTTPFields()
                conditional[.ifNoneMatch] = tag
                #expect(try await api.get("/api/v1/log", headers: conditional).status == .notModified, "\(tag) names the answer at this head")
            }
        }
    }

    @Test("status pages by unit and log by commit; the pages put together are the whole answer")
    func paging() async throws {
        let fixture = try ServerFixture(isPublic: true)
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let api = APIClient(client: client)
            let whole = try json(try await api.get("/api/v1/status?directive=D-2019-01"))
            var units: [JSONValue] = []
            var cursor: String?
            repeat {
                let r = try await api.get("/api/v1/status?directive=D-2019-01&limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
                #expect(r.status == .ok)
                let page = try json(r)
                guard case .array(let some)? = page["matrices"]?[0]?["units"] else { Issue.record("no units"); return }
                #expect(some.count <= 2)
                units += some
                cursor = page["next"]?.string
            } while cursor != nil
            #expect(.array(units) == whole["matrices"]?[0]?["units"])

            let log = try json(try await api.get("/api/v1/log"))
            var commits: [JSONValue] = []
            cursor = nil
            repeat {
                let page = try json(try await api.get("/api/v1/log?limit=10" + (cursor.map { "&cursor=\($0)" } ?? "")))
                guard case .array(let some)? = page["commits"] else { Issue.record("no commits"); return }
                commits += some
                cursor = page["next"]?.string
            } while cursor != nil
            #expect(.array(commits) == log["commits"])
            let bad = try await api.get("/api/v1/log?limit=10&cursor=0000")
            #expect(bad.status == .badRequest)
        }
    }
}
