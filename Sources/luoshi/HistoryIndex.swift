import ArgumentParser
import Fidelity
import Foundation
import Ledger
import LedgerIndex
import LedgerModel

extension LedgerOptions {
    /// Where the history questions read from: the ledger's history index, made or caught up first;
    /// or, when it cannot be (a read-only ledger) or `LUOSHI_INDEX=off`, a walk of every commit,
    /// which gives the same answers more slowly.
    func history(_ ledger: Ledger) -> any HistorySource {
        if ProcessInfo.processInfo.environment["LUOSHI_INDEX"] == "off" { return ledger.walkedHistory }
        let showProgress = stderrIsTerminal
        do {
            return try LedgerIndex.open(ledger) { done, total in
                guard showProgress else { return }
                FileHandle.standardError.write(Data("\rluoshi: indexing history: \(done) commits\(total > 0 ? " of \(total)\n" : "")".utf8))
            }
        } catch {
            FileHandle.standardError.write(Data("luoshi: the history index at \(LedgerIndex.file(of: ledger.path)) cannot be used (\(error)); answering from the history itself, which is slower\n".utf8))
            return ledger.walkedHistory
        }
    }
}

extension Luoshi {
    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every change of one clause of a unit's plan, or of the whole plan, read against its basis at each point.",
            discussion: """
                One line an event, oldest first: each version the unit wrote (its class against the basis it recorded
                then, with the changes that make it so), and between them what changed in the basis (an amendment
                of the directive, an edit of the parent's plan: for --clause, of that clause) and the steps of
                findings against the unit on the directive. Each with its commit, actor, date and signature status.
                Dates are the commits' (when the ledger received them).

                --format json prints {"directive", "unit", "clause", "events": [{"kind": plan|basis|finding, "commit",
                "time", "actor", "signature", "action", "subject", "path", "finding", "class", "counts", "changes",
                "text", "basis", "version"}]}.

                Example:
                  luoshi history --directive JF-2019-01 --unit cn/hedong --clause 6
                  luoshi history --directive JF-2019-01 --unit cn/hedong --format json
                """
        )

        @OptionGroup var options: LedgerOptions
        @OptionGroup var plan: PlanOptions
        @Option(help: "Only this clause (the id in the unit's plan, or the basis's id of a clause it omits).") var clause: String?

        func run() throws {
            try execute {
                let (d, u) = try plan.ids()
                let c = try parseID(clause, option: "--clause", ClauseID.init)
                let ledger = try options.openForReading()
                let story = try ledger.planHistory(directive: d, unit: u, clause: c, history: options.history(ledger))
                switch options.format {
                case .json: printJSON(story.json)
                case .text: print(PlanHistoryText.render(story), terminator: "")
                }
            }
        }
    }
}

/// Text output of `history`: a table of events, each plan version's changes under it.
enum PlanHistoryText {
    static func render(_ story: PlanHistory) -> String {
        var out = "History of \(story.clause.map { "clause \($0) of " } ?? "")\(story.unit)'s plan for \(story.directive)\n\n"
        let header = ["date", "reading", "actor", "signature", "commit", "what"]
        var rows: [[String]] = []
        var details: [Int: [String]] = [:]
        for event in story.events {
            let e = event.entry
            let reading: String
            var what = e.subject
            switch event.kind {
            case .plan:
                if story.clause != nil {
                    reading = event.fidelity?.rawValue ?? "gone"
                } else {
                    reading = "plan"
                    let counts = (event.counts ?? [:]).sorted { $0.key.rawValue < $1.key.rawValue }
                    what += " (" + counts.map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", ") + ")"
                    if !event.changedClauses.isEmpty {
                        details[rows.count] = ["clauses now: " + event.changedClauses.map { "\($0.clause) \($0.fidelity.rawValue)" }.joined(separator: ", ")]
                    }
                }
                if let basis = event.basis {
                    what += "; basis: \(basis.kind == .directive ? "the directive" : "the plan of \(basis.unit)") v\(basis.version)"
                }
                details[rows.count, default: []] += event.changes.filter { $0.field != "text" }.map {
                    "\($0.field): \(DiffText.render($0.from)) → \(DiffText.render($0.to)) (\($0.effect.rawValue))"
                }
            case .basis:
                reading = "basis"
                if let version = event.version { what += " (v\(version))" }
            case .finding:
                reading = "finding"
            }
            rows.append([e.time.utcDay.description, reading, e.actor, e.signature.rawValue, String(e.commit.hex.prefix(12)), what])
        }
        let table = Table.render(header: header, rows: rows).split(separator: "\n", omittingEmptySubsequences: false)
        out += table[0] + "\n"
        for (n, line) in table.dropFirst().enumerated() where !line.isEmpty || n < rows.count {
            out += line + "\n"
            for d in details[n] ?? [] { out += "    \(d)\n" }
        }
        return out + "\n\(story.events.count) event\(story.events.count == 1 ? "" : "s"); dates are when the ledger received each commit\n"
    }
}
