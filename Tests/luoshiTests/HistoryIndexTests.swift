import Foundation
import Testing

/// The history index is a cache: every question `log`, `show --at`, `blame` and `history` answer
/// reads the same with it as from a walk of the history (`LUOSHI_INDEX=off`), on every ledger, after
/// appends and rewinds of main, and after the file is damaged, deleted or of another format.
@Suite("The history index changes no answer, only the time", .serialized)
struct HistoryIndexTests {
    static func index(_ ledger: String) -> String { ledger + "/luoshi/index.sqlite" }

    /// The questions of `ledger`: every log filter, show --at by date and commit, blame and history of
    /// every plan (whole and per clause), as command lines.
    static func questions(_ ledger: String) throws -> [[String]] {
        let base = ["--ledger", ledger, "--format", "json"]
        var out: [[String]] = [["log"] + base]
        let log = try luoshi(["log"] + base)
        let commits = try #require((try JSONSerialization.jsonObject(with: Data(log.stdout.utf8)) as? [String: Any])?["commits"] as? [[String: Any]])
        #expect(commits.count > 10)
        let values = { (key: String) in Set(commits.compactMap { $0[key] as? String }).sorted() }
        for unit in values("unit").prefix(6) { out.append(["log", "--unit", unit] + base) }
        for directive in values("directive") { out.append(["log", "--directive", directive] + base) }
        for clause in values("clause").prefix(4) { out.append(["log", "--clause", clause] + base) }
        for finding in values("finding").prefix(3) { out.append(["log", "--finding", finding] + base) }
        for actor in values("actor").prefix(3) { out.append(["log", "--actor", actor] + base) }
        let days = Set(commits.compactMap { ($0["time"] as? String)?.prefix(10) }).sorted()
        if let first = days.first, let last = days.last, let middle = days.dropFirst(days.count / 2).first {
            out.append(["log", "--since", String(middle)] + base)
            out.append(["log", "--since", String(first), "--until", String(middle)] + base)
            out.append(["log", "--until", String(last)] + base)
            for day in [first, middle, last] { out.append(["show", "ledger", "--at", String(day)] + base) }
        }
        if let commit = commits.dropFirst(commits.count / 3).first?["commit"] as? String {
            out.append(["show", "ledger", "--at", commit] + base)
        }
        // Plans, found by the commits that adopted them: every one, or a spread of eight in a large ledger.
        let adoptions = commits.filter { $0["action"] as? String == "adopt" }
        let step = max(1, adoptions.count / 8)
        for entry in stride(from: 0, to: adoptions.count, by: step).map({ adoptions[$0] }) {
            guard let d = entry["directive"] as? String, let u = entry["unit"] as? String else { continue }
            out.append(["blame", "--directive", d, "--unit", u] + base)
            out.append(["history", "--directive", d, "--unit", u] + base)
            out.append(["history", "--directive", d, "--unit", u, "--format", "text"] + ["--ledger", ledger])
            if let day = days.dropFirst(days.count / 2).first {
                out.append(["show", "plan", u, "--directive", d, "--at", String(day)] + base)
            }
            let blame = try luoshi(["blame", "--directive", d, "--unit", u] + base)
            let clauses = ((try? JSONSerialization.jsonObject(with: Data(blame.stdout.utf8)) as? [String: Any])?["clauses"] as? [[String: Any]]) ?? []
            for clause in clauses.prefix(3) {
                if let c = clause["clause"] as? String { out.append(["history", "--directive", d, "--unit", u, "--clause", c] + base) }
            }
        }
        return out
    }

    /// Asks every question with and without the index and expects the same output and exit code.
    static func expectSameAnswers(_ ledger: String, _ label: String, every step: Int = 1) throws -> Int {
        let all = try questions(ledger)
        let questions = stride(from: 0, to: all.count, by: step).map { all[$0] }
        for q in questions {
            let walked = try run(luoshiBinary, q, environment: ["LUOSHI_INDEX": "off"])
            let indexed = try luoshi(q)
            #expect(indexed.status == walked.status, "\(label): \(q.joined(separator: " ")): \(indexed.stderr) / \(walked.stderr)")
            #expect(indexed.stdout == walked.stdout, "\(label): \(q.joined(separator: " ")) answers differently with the index")
            #expect(indexed.stderr == walked.stderr, "\(label): \(q.joined(separator: " ")): \(indexed.stderr)")
        }
        #expect(FileManager.default.fileExists(atPath: index(ledger)), "\(label): no index was made")
        return questions.count
    }

    @Test("on the public scenarios and the sample")
    func scenariosAndSample() throws {
        var asked = 0
        for scenario in ["burden-2019.jsonl", "numerals-2021.jsonl"] {
            let loaded = try LoadedLedger.load(scenario)
            asked += try Self.expectSameAnswers(loaded.ledger, scenario)
        }
        let sample = try SampleLedger.load()
        asked += try Self.expectSameAnswers(sample.ledger, "sample")
        #expect(asked > 100)
    }

    @Test("after random appends and rewinds of main, and a damaged, deleted or other-format index")
    func appendsRewindsAndDamage() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let ledger = loaded.ledger
        var generator = SystemRandomNumberGenerator()
        _ = try Self.expectSameAnswers(ledger, "loaded")
        let history = try loaded.git(["rev-list", "--first-parent", "main"]).stdout.split(separator: "\n").map(String.init)
        for round in 0..<3 {
            if round % 2 == 1 {
                // Rewind main to an older commit: the index no longer describes an ancestor of main.
                let back = history[Int.random(in: 5..<30, using: &generator)]
                let moved = try loaded.git(["update-ref", "refs/heads/main", back])
                try #require(moved.status == 0, "\(moved.stderr)")
            }
            for n in 0..<Int.random(in: 1...3, using: &generator) {
                let r = try luoshi(["report", "--ledger", ledger, "--unit", "cn/north", "--directive", "D-2019-01", "--clause", "1",
                                    "--status", "in-progress", "--note", "round \(round) report \(n)", "--key", loaded.keys + "/north.lead"])
                #expect(r.status == 0, "\(r.stderr)")
            }
            _ = try Self.expectSameAnswers(ledger, "round \(round)")
        }
        // A damaged file, a deleted one, and one of another format version are rebuilt.
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: Self.index(ledger)))
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: Self.index(ledger) + suffix) }
        _ = try Self.expectSameAnswers(ledger, "damaged", every: 4)
        try FileManager.default.removeItem(atPath: Self.index(ledger))
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: Self.index(ledger) + suffix) }
        _ = try Self.expectSameAnswers(ledger, "deleted", every: 4)
        let set = try run("python3", ["-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1]); db.execute("UPDATE meta SET value = '999' WHERE key = 'formatVersion'")
            db.execute("DELETE FROM commits WHERE seq > 3"); db.commit()
            """, Self.index(ledger)])
        #expect(set.status == 0, "\(set.stderr)")
        _ = try Self.expectSameAnswers(ledger, "other format", every: 4)
        let version = try run("python3", ["-c", "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT value FROM meta WHERE key = 'formatVersion'\").fetchone()[0])", Self.index(ledger)])
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "2")
        // verify never reads it: a damaged index leaves verify clean.
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: Self.index(ledger)))
        let verify = try luoshi(["verify", "--ledger", ledger])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }
}
