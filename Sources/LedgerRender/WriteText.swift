public import Ledger
import LedgerModel

/// Text output of the writing verbs.
public enum WriteText {
    /// What a write did, for people: each commit's action and subject, the records it wrote and the commit,
    /// then `lines`; under a dry run, "would write" and no commit.
    public static func render(_ result: WriteResult, dryRun: Bool, lines: [String] = []) -> String {
        var out = ""
        for c in result.changes {
            out += "\(c.action.rawValue): \(c.subject)\n"
            for r in c.records { out += "  \(dryRun ? "would write" : "wrote") \(r.path)\n" }
            if let commit = c.commit { out += "  commit \(String(describing: commit).prefix(12))\n" }
        }
        for line in lines { out += line + "\n" }
        if dryRun { out += "dry run: nothing written\n" }
        return out
    }
}
