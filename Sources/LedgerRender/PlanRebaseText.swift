public import Ledger
import LedgerModel

/// Text of `plan rebase`: what happens to each clause, and the editor's header for conflicts.
public enum PlanRebaseText {
    /// One line for each clause the rebase does something to; `side` is how conflicts are resolved (nil: in the editor).
    public static func lines(_ r: PlanRebase, side: PlanRebase.Side? = nil) -> [String] {
        r.steps.compactMap { s -> String? in
            switch s.resolution {
            case .unchanged: nil
            case .basis: "  clause \(s.clause): the basis changed it; the new text is taken"
            case .own: s.own == nil ? "  clause \(s.clause): left out by the unit; still left out" : "  clause \(s.clause): changed by the unit only; kept"
            case .same: "  clause \(s.clause): both changed it the same way"
            case .conflict:
                "  clause \(s.clause): conflict: the unit and the basis both changed it; "
                    + (side == .ours ? "--ours keeps the unit's version" : side == .theirs ? "--theirs takes the basis's" : "resolved in the editor")
            case .addedByBasis: "  clause \(s.clause): new in the basis; added"
            case .removedByBasis: "  clause \(s.clause): gone from the basis; dropped"
            case .addedByUnit: "  clause \(s.clause): added by the unit; kept"
            }
        }
    }

    /// The comment block above a conflicted merge in the editor: each conflicting clause as the basis has it now.
    public static func header(_ r: PlanRebase) -> String {
        var h = "# Rebase of the plan of \(r.unit) for \(r.directive) onto v\(r.newVersion) of its basis.\n"
        h += "# Each conflicting clause below is the unit's own version; the basis's new version is shown here.\n"
        h += "# Keep, change or replace it; save to go on (saving as it is keeps the unit's versions). Lines starting with # are ignored.\n"
        for c in r.conflicts {
            h += "#\n# clause \(c.clause), as the basis has it now:\n"
            let text = c.new.map { String(decoding: CanonicalJSON.encode($0.json), as: UTF8.self) } ?? "(removed from the basis)\n"
            for line in text.split(separator: "\n") { h += "#   \(line)\n" }
        }
        return h + "\n"
    }
}
