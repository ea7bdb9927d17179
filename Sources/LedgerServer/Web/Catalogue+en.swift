import Fidelity
import Ledger
import LedgerModel

extension Phrase {
    /// The English interface.
    var english: String {
        switch self {
        case .product: "Luoshi · implementation ledger"
        case .directives: "Directives"
        case .home: "Home"
        case .language: "Language"
        case .directive: "Directive"
        case .title: "Title"
        case .version: "Version"
        case .issuer: "Issued by"
        case .issued: "Issued"
        case .adopted: "Plans adopted"
        case .reported: "Clauses reported"
        case .done: "Done"
        case .flags: "Flags"
        case .noDirectives: "The ledger holds no directive yet."
        case .ledgerHead: "Ledger at"
        case .directivesCount: "directives"
        case .signInNeeded: "Sign in needed"
        case .signInNeededDetail: "This server shows the ledger only to people who have signed in. Sign in with your own key to read it."
        case .allDirectives: "All directives"
        case .versions: "versions"
        case .issuedVersion: "issued"
        case .amendedVersion: "amended"
        case .clause: "Clause"
        case .targets: "Targets"
        case .deadline: "Deadline"
        case .clauseAdded: "new in this version"
        case .clauseRemoved: "removed in this version"
        case .changedFromPrevious: "Against the version before: removed text is struck through, added text underlined."
        case .signedGood: "signature good"
        case .signedBad: "signature bad"
        case .unsigned: "unsigned"
        case .signedUnknownKey: "signed by a key its actor did not hold"
        case .must: "must"
        case .should: "should"
        case .may: "may"
        case .mustNot: "must not"
        case .shouldNot: "should not"
        case .somethingWrong: "This page cannot be shown"
        case .matrix: "Matrix"
        case .unit: "Unit"
        case .level: "Level"
        case .adoption: "Plan"
        case .anyLevel: "any level"
        case .anyClass: "any reading"
        case .anyFlag: "any flag"
        case .unitContains: "Unit id contains"
        case .filter: "Filter"
        case .nextPage: "Next page"
        case .firstPage: "First page"
        case .unitsShown: "units match"
        case .byLevel: "Progress by level"
        case .noUnitsMatch: "No unit matches."
        case .noReport: "no report"
        case .openMatrix: "Open the matrix"
        case .reading: "Reading"
        case .allFlags: "All flags"
        case .kind: "Kind"
        case .evidence: "Evidence"
        case .finding: "Finding"
        case .noFlags: "No flag matches."
        case .flagsShown: "flags match"
        case .anyDirective: "any directive"
        case .previousPage: "Previous page"
        case .plan: "This unit's plan"
        case .basis: "Basis"
        case .basisIsDirective: "Basis: the directive"
        case .basisIsPlan: "Basis: the plan of"
        case .changes: "Changes"
        case .omitted: "not in the plan"
        case .declared: "exemption declared"
        case .approved: "exemption approved"
        case .addedHere: "Clauses added at this level"
        case .asOf: "As of"
        case .show: "Show"
        case .behindBy: "The directive has moved on since the basis: versions behind"
        }
    }
}

extension FidelityClass {
    var english: String { rawValue }
}

extension FlagKind {
    var english: String {
        switch self {
        case .notAdopted: "not adopted"
        case .selective: "selective"
        case .adapted: "adapted"
        case .escalated: "escalated"
        case .notLocalized: "copied, not localized"
        case .paperOnly: "paper only"
        case .unverifiedDone: "done without evidence"
        case .targetMissed: "target missed"
        case .backdated: "backdated"
        case .deadlineRush: "deadline rush"
        case .reusedEvidence: "reused evidence"
        case .stale: "stale"
        case .overdue: "overdue"
        case .openLoop: "open loop"
        case .burden: "reporting burden"
        case .hiddenText: "hidden text"
        }
    }
}

extension ProgressStatus {
    var english: String {
        switch self {
        case .notStarted: "not started"
        case .inProgress: "in progress"
        case .done: "done"
        case .blocked: "blocked"
        }
    }
}

extension AdoptionState {
    var english: String {
        switch self {
        case .adopted: "adopted"
        case .notAdopted: "not adopted"
        case .behind: "on an old version"
        }
    }
}

extension Effect {
    var english: String { rawValue }
}
