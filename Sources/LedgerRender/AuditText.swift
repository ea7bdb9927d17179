public import Ledger
import LedgerModel

/// Text output of the auditors' readings: `log`, `blame` and `verify`.
public enum AuditText {
    /// The commits as a table, one a line: time, commit, actor, signature status, action.
    public static func log(_ entries: [HistoryEntry]) -> String {
        let rows = entries.map { e in
            [time(e.time), String(String(describing: e.commit).prefix(12)), e.actor, e.signature.rawValue, e.subject]
        }
        return TextTable.render(header: ["time", "commit", "actor", "signature", "action"], rows: rows)
    }

    /// Per clause of a plan, its last change: clause, commit, actor, date, action, text.
    public static func blame(_ lines: [BlameLine]) -> String {
        let rows = lines.map { [$0.clause.rawValue, String(String(describing: $0.commit).prefix(12)), $0.actor, $0.time.utcDay.description, $0.action?.rawValue ?? "-", $0.text] }
        return TextTable.render(header: ["clause", "commit", "actor", "date", "action", "text"], rows: rows)
    }

    /// "ok" with the commits verified from genesis or from the checkpoint `since`; else each problem and their count.
    public static func verify(_ report: VerifyReport, since: String? = nil) -> String {
        if report.ok { return "ok: \(report.commits) commits verified from \(since.map { "checkpoint \($0)" } ?? "genesis")\n" }
        return report.problems.map { "\($0.commit.prefix(12))  \($0.kind.rawValue)  \($0.detail.terminalSafe)\n" }.joined()
            + "\(report.problems.count) problem\(report.problems.count == 1 ? "" : "s") in \(report.commits) commits\n"
    }

    /// `2019-03-15 09:00:00`: a commit's time as the log shows it.
    static func time(_ t: Timestamp) -> String {
        String(t.description.compactMap { $0 == "T" ? " " : $0 == "Z" ? nil : $0 })
    }
}
