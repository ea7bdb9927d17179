import ArgumentParser
import Fidelity
import Foundation
import Ledger
import LedgerIndex
import LedgerModel
import LedgerRender

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
                // A handful of blobs: read through libgit2, without the pack reader's indexes of every pack.
                let ledger = try options.open()
                let story = try ledger.planHistory(directive: d, unit: u, clause: c, history: options.history(ledger))
                switch options.format {
                case .json: printJSON(JSONDocument.history(story))
                case .text: print(PlanHistoryText.render(story), terminator: "")
                }
            }
        }
    }
}
