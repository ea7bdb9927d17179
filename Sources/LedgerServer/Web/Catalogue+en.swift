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
        case .signIn: "Sign in"
        case .signOut: "Sign out"
        case .signedInAs: "Signed in as"
        case .signInTitle: "Sign in with your key"
        case .signInIntro: "Open your OpenSSH ed25519 key file (as ssh-keygen makes it) and type your actor id. The page signs the server's challenge with it; the key never leaves this page."
        case .actorField: "Actor id"
        case .keyFile: "Key file"
        case .passphrase: "Passphrase"
        case .passphraseHint: "only if the key has one"
        case .keyStays: "The key is kept in this page's memory while you move between pages, and forgotten when you sign out or reload the page."
        case .needsScript: "Signing happens in the page, so it needs script; reading works without it."
        case .keyHeld: "Your key is open in this page: you sign as"
        case .reportProgress: "Report progress"
        case .reportIntro: "One report on one clause of this unit's plan, signed in this page with your key."
        case .status: "Status"
        case .values: "Values for its targets"
        case .evidenceFiles: "Evidence files (hashed here; the files stay with you)"
        case .evidenceKind: "Kind of evidence"
        case .note: "Note"
        case .submitReport: "Check and sign the report"
        case .notAdopted: "This unit has not adopted the directive: there is no plan to report on."
        case .noClauses: "The plan has no clause."
        case .downloadCSV: "Download as CSV"
        case .editPlan: "Edit the plan"
        case .editPlanIntro: "Change the plan's clauses beside the basis. As you edit, each clause shows how the ledger will read it and which flags the unit will carry; nothing is written until you sign."
        case .flagsIfSigned: "Flags the unit would carry"
        case .previewCurrent: "As the plan stands now."
        case .submitPlan: "Check and sign the plan"
        case .clauseText: "Text"
        case .modality: "Modality"
        case .dropClause: "Drop this clause from the plan"
        case .jsPreviewing: "Reading the plan as edited…"
        case .jsPreviewShown: "As the plan would read once signed."
        case .jsPreviewFailed: "The edited plan cannot be read: %1"
        case .jsOmitted: "omitted"
        case .jsClause: "clause"
        case .findings: "Findings"
        case .allFindings: "All findings"
        case .noFindings: "No finding matches."
        case .overdueSince: "overdue since"
        case .due: "Due"
        case .severity: "Severity"
        case .state: "State"
        case .findingText: "What was found"
        case .verdict: "Verdict"
        case .verdictVerified: "verified: closed"
        case .verdictReopened: "not put right: reopened"
        case .closeFinding: "Close or reopen the finding"
        case .openFinding: "Open a finding"
        case .openFindingFromFlag: "Open a finding"
        case .stepOpen: "opened"
        case .stepRectify: "rectified"
        case .stepClose: "examined"
        case .stepHold: "held accountable"
        case .writeCheckpoint: "Write a checkpoint"
        case .checkpointIntro: "A checkpoint attests the ledger head this page shows: its commit and its tag are both signed here with your key, and witnesses can co-sign it later."
        case .history: "History"
        case .verification: "Verification"
        case .verificationRunning: "The server is verifying the ledger from the head it verified last."
        case .verificationOK: "The ledger verified when the server started: every commit signed by its actor, every rule held."
        case .verificationFailed: "The ledger did not verify when the server started; it is served read-only."
        case .verifiedUpTo: "verified up to"
        case .checkpoints: "Checkpoints"
        case .noCheckpoints: "No checkpoint yet."
        case .checkpoint: "Checkpoint"
        case .time: "Time"
        case .commit: "Commit"
        case .action: "Action"
        case .subject: "Subject"
        case .signature: "Signature"
        case .attests: "Attests head"
        case .witnesses: "Witnesses"
        case .noWitnesses: "none yet"
        case .log: "Log"
        case .since: "Since"
        case .until: "Until"
        case .commitsShown: "commits match"
        case .burden: "Reporting burden"
        case .burdenIntro: "The reports a month each unit owes to the directives issued so far, per directive and in total, heaviest first, against the most the policy allows."
        case .reportsPerMonth: "Reports a month"
        case .limit: "Limit"
        case .allUnits: "All units"
        case .overLimit: "Over the limit"
        case .sheetTitle: "Report from a spreadsheet"
        case .sheetIntro: "One progress report a row. Every row is checked before anything is signed; then each row becomes a commit, signed in this page."
        case .sheetTemplate: "Download the template"
        case .sheetFile: "Spreadsheet (CSV, UTF-8 or GB18030)"
        case .sheetCheck: "Check the sheet"
        case .sheetSign: "Sign every report"
        case .sheetRow: "Row"
        case .sheetProblems: "What to put right"
        case .sheetRowOK: "ready"
        case .sheetCount: "%1 rows, %2 problems"
        case .sheetSigned: "row %1 of %2 signed and landed: commit %3"
        case .fromSheet: "From a spreadsheet"
        case .ladder: "The chain from the directive down"
        case .progressTimeline: "Progress, newest first"
        case .wholeHistory: "The whole history of this plan"
        case .rectifyFinding: "Report the rectification"
        case .rectifyText: "What was put right"
        case .witnessCheckpoint: "Witness"
        case .witnessIntro: "As a supervisor you co-sign this checkpoint: a tag on the checkpoint's tag, signed in this page with your key, so that the head it attests cannot be rewritten without both signatures failing."
        case .jsLandedTag: "Signed and landed: %1."
        case .units: "Units"
        case .clauses: "Clauses"
        case .headShown: "Ledger at"
        case .jsOpening: "Opening the key and signing in…"
        case .jsKeyNotOpenSSH: "This file is not an OpenSSH private key: it should begin with -----BEGIN OPENSSH PRIVATE KEY-----."
        case .jsKeyCipher: "This key is encrypted with %1; Luoshi opens keys as ssh-keygen makes them (aes256-ctr with bcrypt)."
        case .jsKeyNeedsPassphrase: "This key is protected by a passphrase: type it and try again."
        case .jsKeyWrongPassphrase: "The passphrase does not open this key: type it again."
        case .jsKeyNotEd25519: "This is a %1 key; Luoshi signs with ed25519 keys (ssh-keygen -t ed25519)."
        case .jsNoKey: "Open your key file to sign."
        case .jsNoWebCrypto: "This browser cannot sign here: WebCrypto needs HTTPS or localhost, and Ed25519."
        case .jsChecking: "Checking what the server asks to be signed…"
        case .jsCheckTreeBad: "Not signed: a tree the server sent cannot be read."
        case .jsCheckTag: "Not signed: the tag %1 is not the one asked for."
        case .jsCheckParent: "Not signed: the commit's parent is %1, not the ledger head this page showed (%2)."
        case .jsCheckAction: "Not signed: the commit names the action %1, not %2."
        case .jsCheckTrailer: "Not signed: the commit does not name %1 %2."
        case .jsCheckTree: "Not signed: tree %1 does not hash to its id."
        case .jsCheckBlob: "Not signed: the record %1 does not hash to the blob its tree names."
        case .jsCheckPath: "Not signed: the commit's tree does not hold %1 as the change says."
        case .jsCheckRecord: "Not signed: the record %1 does not say what you asked for."
        case .jsRefused: "Refused: %1"
        case .jsHeadMoved: "The ledger moved on while you signed; what you asked for was checked again against the new head %1."
        case .jsLanded: "Signed and landed: commit %1."
        case .jsSeeIt: "See it"
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

extension EvidenceKind {
    var english: String {
        switch self {
        case .outcome: "outcome"
        case .document: "document"
        case .meeting: "meeting"
        case .photo: "photo"
        case .data: "data"
        }
    }
}

extension FindingState {
    var english: String {
        switch self {
        case .open: "open"
        case .rectified: "rectified, awaiting examination"
        case .closed: "closed"
        case .reopened: "reopened"
        }
    }
}

extension Severity {
    var english: String {
        switch self {
        case .minor: "minor"
        case .major: "major"
        case .critical: "critical"
        }
    }
}
