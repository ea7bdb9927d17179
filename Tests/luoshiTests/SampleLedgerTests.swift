import Foundation
import Ledger
import LedgerModel
import Testing

/// The sample ledger `make demo` loads (ledger/events.jsonl), loaded like a scenario.
struct SampleLedger {
    static let events = repositoryRoot.appendingPathComponent("ledger/events.jsonl")
    static let expected = repositoryRoot.appendingPathComponent("ledger/expected.json")

    let folder: TemporaryFolder
    var ledger: String { folder.path("ledger") }

    static func load() throws -> SampleLedger {
        let folder = try TemporaryFolder()
        let r = try run("bash", [repositoryRoot.appendingPathComponent("scripts/load-sample.sh").path, events.path,
                                 folder.path("ledger"), luoshiBinary])
        guard r.status == 0 else { throw LoadError(message: r.stderr + r.stdout) }
        return SampleLedger(folder: folder)
    }

    /// The sample's last day, the day `make demo` reads it as of (ledger/expected.json's asOf).
    static func asOf() throws -> String {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: expected)) as? [String: Any]
        return json?["asOf"] as? String ?? ""
    }

    /// The events, comments and blank lines left out.
    static func eventLines() throws -> [[String: Any]] {
        try String(contentsOf: events, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }
}

@Suite("The sample ledger in ledger/ holds the story its README tells", .serialized)
struct SampleLedgerTests {
    @Test("status JSON written as it goes is byte for byte the canonical encoding of the matrices")
    func statusJSONStreamed() throws {
        let sample = try SampleLedger.load()
        let ledger = try Ledger.open(at: sample.ledger)
        let asOf = try Day(SampleLedger.asOf())
        for (directive, under, day) in [(nil, nil, nil), ("JF-2019-01", nil, asOf), (nil, "cn/haixi", asOf), ("JF-2019-01", "cn/haixi/binhai", nil)] {
            let matrices = try ledger.status(directive: directive.map { try DirectiveID($0) }, under: under.map { try UnitID($0) }, asOf: day)
            #expect(!matrices.isEmpty && matrices.allSatisfy { !$0.rows.isEmpty })
            #expect(StatusMatrix.encodeJSON(matrices) == CanonicalJSON.encode(.object(["matrices": .array(matrices.map(\.json))])),
                    "\(String(describing: directive)) \(String(describing: under)) \(String(describing: day))")
        }
    }

    @Test("generate.py writes exactly the committed events.jsonl")
    func generatorIsDeterministic() throws {
        let folder = try TemporaryFolder()
        let out = folder.path("events.jsonl")
        let r = try run("python3", [repositoryRoot.appendingPathComponent("ledger/generate.py").path, out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == Data(contentsOf: SampleLedger.events),
                "ledger/events.jsonl is not what ledger/generate.py writes; run python3 ledger/generate.py")
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.path("events.witnesses")))
                == Data(contentsOf: repositoryRoot.appendingPathComponent("ledger/events.witnesses")),
                "ledger/events.witnesses is not what ledger/generate.py writes; run python3 ledger/generate.py")
    }

    @Test("the loaded sample holds a witness of the mid-year checkpoint that stock git verifies")
    func witness() throws {
        let sample = try SampleLedger.load()
        let tags = try run("git", ["--git-dir", sample.ledger, "tag", "-l", "witnesses/*"]).stdout
        #expect(tags == "witnesses/cp-20190701-000000/central.inspector\n")
        let signers = sample.folder.path("signers")
        #expect(try luoshi(["export", "allowed-signers", "--ledger", sample.ledger, "--out", signers]).status == 0)
        let verified = try run("git", ["--git-dir", sample.ledger, "-c", "gpg.format=ssh", "-c", "gpg.ssh.allowedSignersFile=\(signers)",
                                       "verify-tag", "witnesses/cp-20190701-000000/central.inspector"])
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stderr.contains("Good \"git\" signature for central.inspector"))
        #expect(try luoshi(["verify", "--ledger", sample.ledger]).status == 0)
    }

    @Test("a year of at least 300 events over at least 30 units at four levels, every action used")
    func sizeAndShape() throws {
        let events = try SampleLedger.eventLines()
        #expect(events.count >= 300)
        let units = events.compactMap { $0["unit"] as? [String: Any] }
        #expect(units.count >= 30)
        #expect(Set(units.compactMap { $0["level"] as? String }) == ["central", "province", "city", "county"])
        #expect(units.filter { $0["level"] as? String == "province" }.count >= 4)
        let actions = Set(events.compactMap { $0["action"] as? String })
        for action in ["issue-directive", "amend-directive", "adopt", "edit-plan", "report-progress", "approve-exemption",
                       "open-finding", "rectify", "close-finding", "hold-accountable", "checkpoint"] {
            #expect(actions.contains(action), "no \(action) event")
        }
        let days = events.compactMap { ($0["at"] as? String)?.prefix(10) }.sorted()
        #expect(days.first.map(String.init) ?? "" <= "2019-03-15" && days.last.map(String.init) ?? "" >= "2020-03-01")
        // Clause text in Chinese, an English title on every clause of the central directive.
        let directive = events.first { $0["action"] as? String == "issue-directive" }?["directive"] as? [String: Any]
        let clauses = directive?["clauses"] as? [[String: Any]] ?? []
        #expect(clauses.count >= 6)
        for c in clauses {
            #expect((c["title"] as? String)?.allSatisfy(\.isASCII) == true)
            #expect((c["text"] as? String)?.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF } == true)
        }
    }

    @Test("loads, verifies, and check.py scores every expected reading of ledger/expected.json")
    func checkPassesEveryReading() throws {
        let sample = try SampleLedger.load()
        let r = try run("python3", [scenarios.appendingPathComponent("check.py").path, sample.ledger, SampleLedger.expected.path,
                                    "--luoshi", luoshiBinary])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains(" 0 failed"), "\(r.stdout)")
    }

    @Test("on its last day every kind of flag is raised at least once")
    func everyFlagKind() throws {
        let sample = try SampleLedger.load()
        let r = try luoshi(["flags", "--ledger", sample.ledger, "--as-of", SampleLedger.asOf(), "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let flags = (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])?["flags"] as? [[String: Any]] ?? []
        let kinds = Set(flags.compactMap { $0["kind"] as? String })
        for kind in ["not-adopted", "selective", "adapted", "escalated", "not-localized", "paper-only", "unverified-done",
                     "target-missed", "backdated", "deadline-rush", "reused-evidence", "stale", "overdue", "open-loop", "burden"] {
            #expect(kinds.contains(kind), "no \(kind) flag")
        }
    }

    @Test("a version-1 plan whose parent has since re-adopted version 2 is read against version 1, as it was given")
    func readAgainstWhatWasAdopted() throws {
        let sample = try SampleLedger.load()
        let asOf = try SampleLedger.asOf()
        // Gangcheng and Shawan adopted from Haixi and Binhai before those re-adopted the amended
        // directive, whose clause 8 their plans never received.
        for unit in ["cn/haixi/gangcheng", "cn/haixi/binhai/shawan"] {
            let r = try luoshi(["diff", "--ledger", sample.ledger, "--directive", "JF-2019-01", "--unit", unit,
                                "--against", "directive", "--at", asOf, "--format", "json"])
            #expect(r.status == 0, "\(r.stderr)")
            let diff = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] ?? [:]
            #expect((diff["against"] as? [String: Any])?["version"] as? Int == 1, "\(unit): \(r.stdout.prefix(300))")
            let clauses = (diff["clauses"] as? [[String: Any]] ?? []).compactMap { $0["basisId"] as? String }
            #expect(clauses == ["1", "2", "3", "4", "5", "6", "7"], "\(unit) read against clauses \(clauses)")

            let chain = try luoshi(["chain", "--ledger", sample.ledger, "--directive", "JF-2019-01", "--unit", unit,
                                    "--at", asOf, "--format", "json"])
            #expect(chain.status == 0, "\(chain.stderr)")
            let cumulative = (try JSONSerialization.jsonObject(with: Data(chain.stdout.utf8)) as? [String: Any])?["cumulative"] as? [String: Any]
            let omitted = (cumulative?["clauses"] as? [[String: Any]] ?? []).filter { $0["class"] as? String == "omitted" }
            #expect(omitted.isEmpty, "\(unit): the chain omits \(omitted)")

            // The status matrix agrees: no class for clause 8, which the unit's version never had.
            let status = try luoshi(["status", "--ledger", sample.ledger, "--directive", "JF-2019-01", "--as-of", asOf, "--format", "json"])
            #expect(status.status == 0, "\(status.stderr)")
            let matrix = ((try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])?["matrices"] as? [[String: Any]])?.first
            let row = (matrix?["units"] as? [[String: Any]] ?? []).first { $0["unit"] as? String == unit }
            let cells = row?["clauses"] as? [String: [String: Any]] ?? [:]
            #expect(cells["8"]?["class"] is NSNull, "\(unit): clause 8 is \(String(describing: cells["8"]))")
            #expect(cells["7"]?["class"] as? String == "reworded")
        }
    }
}
