import Foundation
import Testing

/// Report events for one unit's plan, one a second from `start`.
func reports(unit: String, actor: String, clauses: [String], metric: [String: String], count: Int, start: Int) -> String {
    (0..<count).map { n in
        let clause = clauses[n % clauses.count]
        let values = metric[clause].map { #""values": {"\#($0)": \#(n % 100)}, "# } ?? ""
        let second = start + n
        let at = "2020-02-01T\(pad(second / 3600 % 24)):\(pad(second / 60 % 60)):\(pad(second % 60))Z"
        return #"{"action": "report-progress", "actor": "\#(actor)", "at": "\#(at)", "unit": "\#(unit)", "directive": "D-2019-01", "clause": "\#(clause)", "status": "in-progress", \#(values)"note": "report \#(n)"}"#
    }.joined(separator: "\n") + "\n"
}

private func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

@Suite("Writers at once, and writers killed", .serialized)
struct ConcurrencyTests {
    static let writers: [(unit: String, actor: String, clauses: [String], metric: [String: String])] = [
        ("cn/north", "north.lead", ["1", "4"], ["1": "documents_cut_pct", "4": "meetings_cut_pct"]),
        ("cn/east", "east.lead", ["1", "4"], ["1": "documents_cut_pct", "4": "meetings_cut_pct"]),
        ("cn/west", "west.lead", ["2", "7"], ["2": "document_pages"]),
        ("cn/east/hills", "hills.lead", ["A", "D"], ["A": "documents_cut_pct", "D": "meetings_cut_pct"]),
    ]

    @Test("four processes importing 100 events each into one ledger lose nothing")
    func fourWritersLoseNothing() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let before = Int(try loaded.git(["rev-list", "--count", "refs/heads/main"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines))!
        var processes: [Process] = []
        for (n, w) in Self.writers.enumerated() {
            let file = loaded.folder.path("w\(n).jsonl")
            try reports(unit: w.unit, actor: w.actor, clauses: w.clauses, metric: w.metric, count: 100, start: n * 7).write(toFile: file, atomically: true, encoding: .utf8)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: luoshiBinary)
            p.arguments = ["import", file, "--ledger", loaded.ledger, "--keys", loaded.keys]
            p.standardOutput = FileHandle.nullDevice
            processes.append(p)
        }
        for p in processes { try p.run() }
        for p in processes { p.waitUntilExit(); #expect(p.terminationStatus == 0) }
        let after = Int(try loaded.git(["rev-list", "--count", "refs/heads/main"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines))!
        #expect(after - before == 400)
        let notes = try loaded.git(["log", "--format=%s", "refs/heads/main"]).stdout
        for w in Self.writers {
            #expect(notes.components(separatedBy: "\(w.unit) reports").count - 1 >= 100)
        }
        let v = try luoshi(["verify", "--ledger", loaded.ledger])
        #expect(v.status == 0, "\(v.stdout)")
        #expect(try loaded.git(["fsck", "--full"]).status == 0)
    }

    @Test("kill -9 during an import leaves main at its old head or its new one, and verify clean")
    func killedImport() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let old = try loaded.head()
        let file = loaded.folder.path("big.jsonl")
        let w = Self.writers[0]
        try reports(unit: w.unit, actor: w.actor, clauses: w.clauses, metric: w.metric, count: 3000, start: 0).write(toFile: file, atomically: true, encoding: .utf8)
        for delay in [50_000, 250_000, 600_000] as [useconds_t] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: luoshiBinary)
            p.arguments = ["import", file, "--ledger", loaded.ledger, "--keys", loaded.keys]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            usleep(delay)
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let head = try loaded.head()
            let count = Int(try loaded.git(["rev-list", "--count", "\(old)..\(head)"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
            #expect(head == old || count == 3000, "main moved to a partial import: \(count) new commits")
            if head != old { break }
        }
        let v = try luoshi(["verify", "--ledger", loaded.ledger])
        #expect(v.status == 0, "\(v.stdout)")
        #expect(try loaded.git(["fsck", "--full"]).status == 0)
    }
}
