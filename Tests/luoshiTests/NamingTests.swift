import Foundation
import Testing

/// One name for one idea: `--at` for a point in history, `--reported-for` for a report's day, `show` as text.
@Suite("One name for one idea", .serialized)
struct NamingTests {
    func cli(_ loaded: LoadedLedger, _ args: [String]) throws -> RunResult {
        try luoshi(args + ["--ledger", loaded.ledger])
    }

    @Test("--at takes a date or a commit in every reading; --as-of still works, hidden")
    func at() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let byAt = try cli(loaded, ["flags", "--at", "2019-12-31", "--format", "json"])
        let byAsOf = try cli(loaded, ["flags", "--as-of", "2019-12-31", "--format", "json"])
        #expect(byAt.status == 0 && byAt.stdout == byAsOf.stdout && !byAt.stdout.isEmpty)
        let commit = try loaded.git(["rev-list", "-1", "--before=2019-12-31T23:59:59Z", "main"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        for args in [["flags"], ["status"], ["deviations", "--directive", "D-2019-01"], ["diff", "--directive", "D-2019-01", "--unit", "cn/east"],
                     ["chain", "--directive", "D-2019-01", "--unit", "cn/east/harbor"], ["show", "plan", "cn/east", "--directive", "D-2019-01"]] {
            let r = try cli(loaded, args + ["--at", commit])
            #expect(r.status == 0, "\(args): \(r.stderr)")
        }
        let html = loaded.folder.path("r.html")
        #expect(try cli(loaded, ["report-html", "--directive", "D-2019-01", "--at", commit, "--out", html]).status == 0)
        let status = try cli(loaded, ["status", "--at", commit, "--format", "json"])
        #expect(status.stdout.contains("\"commit\": \"\(commit)\""))
        let both = try cli(loaded, ["status", "--at", "2019-12-31", "--as-of", "2019-12-31"])
        #expect(both.status == 64)
        let bad = try cli(loaded, ["flags", "--at", "yesterday"])
        #expect(bad.status == 64 && bad.stderr == "luoshi: \"yesterday\" is neither a date (YYYY-MM-DD) nor a commit of this ledger\n")
        for command in [["flags"], ["status"], ["report-html"], ["deviations"], ["report"]] {
            let help = try luoshi(["help"] + command)
            #expect(!help.stdout.contains("--as-of"), "\(command)")
        }
    }

    @Test("report --reported-for is the day the reported state was true; --as-of is its hidden old name")
    func reportedFor() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let r = try cli(loaded, ["report", "--unit", "cn/north", "--directive", "D-2019-01", "--clause", "2", "--status", "in-progress",
                                 "--reported-for", "2026-01-15", "--key", "\(loaded.keys)/north.lead"])
        #expect(r.status == 0, "\(r.stderr)")
        let old = try cli(loaded, ["report", "--unit", "cn/north", "--directive", "D-2019-01", "--clause", "2", "--status", "in-progress",
                                   "--as-of", "2026-01-16", "--key", "\(loaded.keys)/north.lead"])
        #expect(old.status == 0, "\(old.stderr)")
        let progress = try loaded.git(["show", "main:directives/D-2019-01/plans/cn/north/progress.json"]).stdout
        #expect(progress.contains("\"asOf\": \"2026-01-15\"") && progress.contains("\"asOf\": \"2026-01-16\""))
        let help = try luoshi(["help", "report"])
        #expect(help.stdout.contains("--reported-for <date>"))
        let bad = try cli(loaded, ["report", "--unit", "cn/north", "--directive", "D-2019-01", "--clause", "2", "--status", "done",
                                   "--reported-for", "15.1.2026", "--key", "\(loaded.keys)/north.lead"])
        #expect(bad.status == 64 && bad.stderr == "luoshi: --reported-for 15.1.2026: give a date as YYYY-MM-DD\n")
    }

    @Test("show --format text prints fields for people; --format json the record as stored")
    func showText() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let text = try cli(loaded, ["show", "finding", "F-2019-002"])
        #expect(text.stdout.hasPrefix("clause: 7\ndirective: D-2019-01\ndue: 2019-10-31\nformatVersion: 1\nid: F-2019-002\nseverity: minor\nstate: rectified\nsteps:\n  - actor: east.inspector\n"))
        let json = try cli(loaded, ["show", "finding", "F-2019-002", "--format", "json"])
        #expect(json.stdout == (try loaded.git(["show", "main:findings/F-2019-002.json"]).stdout))
    }

    @Test("a wrong --ledger names the nearest folder and never offers to make a ledger at the typo")
    func wrongLedger() throws {
        let loaded = try LoadedLedger.load("burden-2019.jsonl")
        let typo = loaded.folder.path("ledgr")
        let r = try luoshi(["status", "--ledger", typo])
        #expect(r.status == 64)
        #expect(r.stderr == "luoshi: there is no ledger at \(typo) (no such folder); did you mean \(loaded.ledger)?\n")
        #expect(!r.stderr.contains("luoshi init \(typo)"))
        let nowhere = loaded.folder.path("zzzzzzzz/qqq")
        let n = try luoshi(["verify", "--ledger", nowhere])
        #expect(n.status == 64)
        #expect(n.stderr.contains("give a ledger's folder with --ledger or $LUOSHI_LEDGER") && !n.stderr.contains("luoshi init \(nowhere)"))
    }
}
