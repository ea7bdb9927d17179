import Fidelity
import Foundation
import Ledger
import LedgerModel
import Hummingbird

/// The languages of the web UI. Record text is shown as it was written; the interface's own words
/// come from one catalogue per language (`Phrase.chinese`, `Phrase.english`).
enum Language: String, CaseIterable, Sendable {
    case zh, en

    /// The `lang` attribute of a page.
    var tag: String { self == .zh ? "zh-CN" : "en" }

    /// The name of the cookie that keeps the reader's choice of language.
    static let cookie = "luoshi-lang"

    /// The language a request asks for: `?lang=` (the switch on every page), else the cookie the
    /// switch set, else the first of `Accept-Language` (by its weights) that is Chinese or English,
    /// else Chinese.
    static func of(_ request: Request, query: [String: String]) throws -> Language {
        if let asked = query["lang"] {
            guard let language = Language(rawValue: asked) else {
                throw APIError(.badRequest, "bad-query", "lang is zh or en, not \(asked)")
            }
            return language
        }
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces)
                if pair.hasPrefix(cookie + "="), let kept = Language(rawValue: String(pair.dropFirst(cookie.count + 1))) { return kept }
            }
        }
        return preferred(request.headers[.acceptLanguage] ?? "") ?? .zh
    }

    /// The first language of an `Accept-Language` value, by weight (`q`), that the UI speaks.
    static func preferred(_ header: String) -> Language? {
        var choices: [(language: Language, weight: Double, order: Int)] = []
        for (order, item) in header.split(separator: ",").enumerated() {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let range = parts.first, !range.isEmpty else { continue }
            var weight = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                weight = Double(parameter.dropFirst(2)) ?? 0
            }
            let primary = range.split(separator: "-").first.map { $0.lowercased() } ?? ""
            guard weight > 0, let language = Language(rawValue: primary) else { continue }
            choices.append((language, weight, order))
        }
        return choices.min { ($0.weight, -$0.order) > ($1.weight, -$1.order) }?.language
    }
}

/// Every word of the interface, each said once per language (`Catalogue+zh.swift`,
/// `Catalogue+en.swift`): a phrase missing from either catalogue does not compile.
enum Phrase: CaseIterable, Sendable {
    case product, directives, home, language
    case directive, title, version, issuer, issued, adopted, reported, done, flags
    case noDirectives, ledgerHead, directivesCount
    case signInNeeded, signInNeededDetail
    case allDirectives, versions, issuedVersion, amendedVersion, clause, targets, deadline
    case clauseAdded, clauseRemoved, changedFromPrevious, signedGood, signedBad, unsigned, signedUnknownKey
    case must, should, may, mustNot, shouldNot
    case somethingWrong
    case matrix, unit, level, adoption, anyLevel, anyClass, anyFlag, unitContains, filter, nextPage, firstPage
    case unitsShown, byLevel, noUnitsMatch, noReport, openMatrix, reading
    case allFlags, kind, evidence, finding, noFlags, flagsShown, anyDirective, previousPage
    case plan, basis, basisIsDirective, basisIsPlan, changes, omitted, declared, approved, addedHere, asOf, show, behindBy
    // Signing in and writing.
    case signIn, signOut, signedInAs, signInTitle, signInIntro, actorField, keyFile, passphrase, passphraseHint, keyStays
    case needsScript, keyHeld, reportProgress, reportIntro, status, values, evidenceFiles, evidenceKind, note, submitReport
    case notAdopted, noClauses, headShown, downloadCSV
    case findings, allFindings, noFindings, overdueSince, due, severity, state, findingText, verdict, verdictVerified, verdictReopened
    case closeFinding, openFinding, openFindingFromFlag, stepOpen, stepRectify, stepClose, stepHold, writeCheckpoint, checkpointIntro
    case history, verification, verificationRunning, verificationOK, verificationFailed, verifiedUpTo, checkpoints, noCheckpoints, checkpoint
    case time, commit, action, subject, signature, attests, witnesses, noWitnesses, log, since, until, commitsShown
    case burden, burdenIntro, reportsPerMonth, limit, allUnits, overLimit, units, clauses
    case sheetTitle, sheetIntro, sheetTemplate, sheetFile, sheetCheck, sheetSign, sheetRow, sheetProblems, sheetRowOK, sheetCount, sheetSigned, fromSheet
    case ladder, progressTimeline, wholeHistory
    case rectifyFinding, rectifyText, witnessCheckpoint, witnessIntro
    case editPlan, editPlanIntro, flagsIfSigned, previewCurrent, submitPlan, clauseText, modality, dropClause
    case adoptDirective, notInScope, adoptedAlready, openPlan, adoptIntro, adoptFrom, theDirectiveItself, thePlanOf, approveExemption, exemptionReason, approvedBy, holdAccountable, decision, heldTarget, admin, name, roles, publicKeys, revokeKey, revokedOn, policy, registerUnit, registerActor, setPolicy, actors, registerUnitIntro, unitID, registerActorIntro, revokeIntro, policyIntro, exemptionReasonField, uploadEvidence, reasonField, reasonGiven
    case policyAdoptWithinDays, policyBackdateDays, policyRushShare, policyRushWindowDays, policyStaleDays, policyExamineWithinDays, policyMaxReportsPerMonth, policyMaxTimeSkewDays
    // Said by the page script (`Phrase.script`); %1, %2 stand for what it fills in.
    case jsOpening, jsKeyNotOpenSSH, jsKeyCipher, jsKeyNeedsPassphrase, jsKeyWrongPassphrase, jsKeyNotEd25519, jsNoKey, jsNoWebCrypto
    case jsChecking, jsCheckTreeBad, jsCheckTag, jsCheckParent, jsCheckAction, jsCheckTrailer, jsCheckTree, jsCheckBlob, jsCheckPath
    case jsCheckRecord, jsRefused, jsHeadMoved, jsLanded, jsSeeIt, jsPreviewing, jsPreviewShown, jsPreviewFailed, jsOmitted, jsClause, jsLandedTag, jsUploading, jsUploadFailed, jsReasonNeeded

    /// The phrases the page script says, by the name it asks for (`jsCheckParent` is `checkParent`).
    static let script: [(name: String, phrase: Phrase)] = Phrase.allCases.compactMap { phrase in
        let name = String(describing: phrase)
        guard name.hasPrefix("js") else { return nil }
        return (name.dropFirst(2).prefix(1).lowercased() + name.dropFirst(3), phrase)
    }

    func said(in language: Language) -> String {
        switch language {
        case .zh: chinese
        case .en: english
        }
    }
}

/// Names the ledger's own words (classes, flags, states) in the reader's language.
protocol Named {
    var chinese: String { get }
    var english: String { get }
}

extension Named {
    func said(in language: Language) -> String { language == .zh ? chinese : english }
}

extension FidelityClass: Named {}
extension FlagKind: Named {}
extension ProgressStatus: Named {}
extension AdoptionState: Named {}
extension Effect: Named {}
extension EvidenceKind: Named {}
extension FindingState: Named {}
extension Severity: Named {}
extension Role: Named {}
