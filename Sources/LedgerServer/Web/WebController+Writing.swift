import Fidelity
import Foundation
import Hummingbird
import Ledger
import LedgerModel
import LedgerRender

/// The pages that write: signing in, and the forms that make one event each. The server renders
/// them; the page script (`web/luoshi.js`) opens the user's key in the page, checks what the
/// server prepares, signs it there and sends only signatures. Without script they say so and
/// offer nothing to submit.
extension WebController {
    /// `GET /sign-in[?next=PATH]`: open one's key file and sign the session challenge.
    func signIn(_ request: Request) async throws -> Response {
        let query = try request.query(allowed: ["lang", "next"])
        var asked = Asked(language: try Language.of(request, query: query), remember: query["lang"] != nil, query: query)
        asked.actor = try? service.reader(of: request)
        let next = query["next"].flatMap { $0.hasPrefix("/") && !$0.hasPrefix("//") ? $0 : nil } ?? "/"
        let body = HTML.element("h1") { asked.say(.signInTitle) } + signInForm(asked, next: next)
        return asked.page(asked.say(.signIn), body)
    }

    /// The sign-in form; shown by the script (it needs it), with a word for a browser without one.
    func signInForm(_ asked: Asked, next: String) -> HTML {
        let say = asked.say
        return HTML.element("noscript") { HTML.element("p", ["class": "error"]) { say(.needsScript) } }
            + HTML.element("form", ["class": "write", "data-luoshi": "sign-in", "data-next": next, "data-luoshi-script": "", "hidden": "hidden"]) {
                HTML.element("p") { say(.signInIntro) }
                keyFields(asked, actorRequired: true)
                HTML.element("p") { HTML.element("button", ["type": "submit"]) { say(.signIn) } }
                HTML.element("p", ["class": "meta"]) { say(.keyStays) }
            }
    }

    /// The fields that open a key: the actor it signs as, the file, its passphrase if any.
    func keyFields(_ asked: Asked, actorRequired: Bool) -> HTML {
        let say = asked.say
        return HTML.element("label") {
            say(.actorField)
            HTML.void("input", ["type": "text", "name": "actor", "value": asked.actor?.rawValue, "autocomplete": "username",
                                "required": actorRequired ? "required" : nil, "spellcheck": "false"])
        }
            + HTML.element("label") { say(.keyFile); HTML.void("input", ["type": "file", "name": "key"]) }
            + HTML.element("label") {
                say(.passphrase) + " "
                HTML.element("small") { "(" + say(.passphraseHint) + ")" }
                HTML.void("input", ["type": "password", "name": "passphrase", "autocomplete": "off"])
            }
    }

    /// `GET /report?directive=D&unit=U`: a progress report on one clause of the unit's plan, with
    /// each clause's text and targets, signed in the page.
    func report(_ request: Request, _ asked: Asked) async throws -> Response {
        let say = asked.say, language = asked.language
        let directive = try DirectiveID(try asked.required("directive"))
        let unit = try UnitID(try asked.required("unit"))
        let (head, plan) = try await service.handles.with { ledger in
            try ledger.requireExisting(unit: unit, directive: directive)
            let head = try ledger.head()
            return (head, try ledger.record(.plan(directive, unit), at: head).map { try Plan(json: $0, at: .root) })
        }
        var body = directiveCrumbs(directive, say: say) {
            HTML.element("a", ["href": "/directives/\(pathPart(directive.rawValue))/units/\(unitPath(unit.rawValue))"]) { unit.rawValue }
        }
        body += HTML.element("h1") { say(.reportProgress) + " · "; HTML.element("code") { unit.rawValue } }
        guard let plan, !plan.clauses.isEmpty else {
            body += HTML.element("p", ["class": "error"]) { plan == nil ? say(.notAdopted) : say(.noClauses) }
            return asked.page(say(.reportProgress), body, status: plan == nil ? .notFound : .ok)
        }
        body += HTML.element("p") { say(.reportIntro) + " "; HTML.element("a", ["href": "/report/sheet"]) { say(.fromSheet) } }
        body += HTML.element("p", ["class": "meta"]) { say(.headShown) + " "; HTML.element("code") { String("\(head)".prefix(12)) } }
        let after = "/directives/\(pathPart(directive.rawValue))/matrix?unit=\(queryPart(unit.rawValue))"
        body += eventForm(asked, action: "report-progress", head: "\(head)", after: after, submit: .submitReport) {
            HTML.void("input", ["type": "hidden", "name": "directive", "value": directive.rawValue])
            HTML.void("input", ["type": "hidden", "name": "unit", "value": unit.rawValue])
            HTML.element("label") {
                say(.clause)
                HTML.element("select", ["name": "clause", "data-luoshi": "clause"]) {
                    for clause in plan.clauses {
                        HTML.element("option", ["value": clause.id.rawValue]) { clause.id.rawValue + " · " + String(clause.text.prefix(40)) }
                    }
                }
            }
            for clause in plan.clauses {
                HTML.element("div", ["class": "clause-detail", "data-clause": clause.id.rawValue]) {
                    HTML.element("p") { HTML.element("span", ["class": "modality"]) { say(modalityPhrase(clause.modality)) }; " "; clause.text }
                    HTML.element("p", ["class": "meta"]) {
                        say(.targets) + " " + targetsText(clause.targets)
                        if let deadline = clause.deadline { " · " + say(.deadline) + " \(deadline)" }
                    }
                    if !clause.targets.isEmpty {
                        HTML.element("fieldset") {
                            HTML.element("legend") { say(.values) }
                            for target in clause.targets {
                                HTML.element("label") {
                                    HTML.element("code") { target.metric }
                                    HTML.void("input", ["type": "number", "step": "any", "data-metric": target.metric])
                                    target.unit ?? ""
                                }
                            }
                        }
                    }
                }
            }
            HTML.element("label") {
                say(.status)
                HTML.element("select", ["name": "status"]) {
                    for status in ProgressStatus.allCases {
                        HTML.element("option", ["value": status.rawValue, "selected": status == .inProgress ? "selected" : nil]) { status.said(in: language) }
                    }
                }
            }
            HTML.element("label") {
                say(.evidenceKind)
                HTML.element("select", ["name": "evidenceKind"]) {
                    for kind in EvidenceKind.allCases { HTML.element("option", ["value": kind.rawValue]) { kind.said(in: language) } }
                }
            }
            HTML.element("label") { say(.evidenceFiles); HTML.void("input", ["type": "file", "name": "evidence", "multiple": "multiple"]) }
            uploadField(asked)
            HTML.element("label") { say(.note); HTML.element("textarea", ["name": "note", "rows": "3", "maxlength": "2000"]) { "" } }
            HTML.element("label") { say(.asOf); HTML.void("input", ["type": "date", "name": "asOf"]) }
        }
        return asked.page(say(.reportProgress), body)
    }
}

extension WebController {
    /// `GET /plan?directive=D&unit=U`: the unit's plan clause by clause beside its basis, each
    /// clause's text, modality, targets and deadline editable, and beside each how it reads. As the
    /// user edits, the page script asks `POST /api/v1/preview` (the server's own reading, of the plan
    /// as it would be) and redraws each clause's reading and the unit's flags; the form then signs
    /// one `edit-plan` event in the page.
    func planEditor(_ request: Request, _ asked: Asked) async throws -> Response {
        let say = asked.say, language = asked.language
        let directive = try DirectiveID(try asked.required("directive"))
        let unit = try UnitID(try asked.required("unit"))
        let (head, report, plan) = try await service.handles.with { ledger in
            try ledger.requireExisting(unit: unit, directive: directive)
            let head = try ledger.head()
            return (head, try ledger.diff(directive: directive, unit: unit, at: "\(head)"),
                    try ledger.record(.plan(directive, unit), at: head).map { try Plan(json: $0, at: .root) })
        }
        let unitHref = "/directives/\(pathPart(directive.rawValue))/units/\(unitPath(unit.rawValue))"
        var body = directiveCrumbs(directive, say: say) {
            HTML.element("a", ["href": unitHref]) { unit.rawValue }
        }
        body += HTML.element("h1") { say(.editPlan) + " · "; HTML.element("code") { unit.rawValue } }
        body += HTML.element("p") { say(.editPlanIntro) }
        body += HTML.element("p", ["class": "meta"]) { say(.headShown) + " "; HTML.element("code") { String("\(head)".prefix(12)) } }
        body += eventForm(asked, action: "edit-plan", head: "\(head)", after: unitHref, submit: .submitPlan, classes: "write plan") {
            HTML.void("input", ["type": "hidden", "name": "directive", "value": directive.rawValue])
            HTML.void("input", ["type": "hidden", "name": "unit", "value": unit.rawValue])
            for reading in report.reading.clauses {
                if let clause = reading.plan {
                    clauseEditor(clause, reading: reading, asked: asked)
                } else {
                    HTML.element("section", ["class": "plan-clause omitted", "data-basis-id": reading.basisId.rawValue]) {
                        HTML.element("h2") { say(.clause) + " \(reading.basisId) · " + say(.omitted) }
                        HTML.element("p", ["class": "basis"]) { reading.basis.text }
                        exemptionField(plan?.exemption(reading.basisId)?.reason, asked: asked)
                    }
                }
            }
            for clause in report.reading.added {
                clauseEditor(clause, reading: nil, asked: asked)
            }
            HTML.element("section", ["class": "preview-flags"]) {
                HTML.element("h2") { say(.flagsIfSigned) }
                HTML.element("p", ["class": "meta", "data-preview-status": "", "role": "status"]) { say(.previewCurrent) }
                HTML.element("ul", ["data-preview-flags": ""]) {
                    for flag in report.flags { HTML.element("li") { HTML.element("span", ["class": "flag"]) { flag.kind.said(in: language) }; flag.clause.map { " · " + say(.clause) + " \($0)" } ?? "" } }
                }
            }
        }
        // The names the preview draws with, in this page's language.
        body += HTML.element("div", ["class": "phrases", "hidden": "hidden"]) {
            for c in FidelityClass.allCases { HTML.element("span", ["data-phrase": "class.\(c.rawValue)"]) { c.said(in: language) } }
            for e in Effect.allCases { HTML.element("span", ["data-phrase": "effect.\(e.rawValue)"]) { e.said(in: language) } }
            for k in FlagKind.allCases { HTML.element("span", ["data-phrase": "flag.\(k.rawValue)"]) { k.said(in: language) } }
        }
        return asked.page(say(.editPlan), body)
    }

    /// The reason a dropped basis clause is exempted, declared to the supervisor (who may approve it);
    /// a clause dropped without one is simply omitted.
    private func exemptionField(_ reason: String?, asked: Asked) -> HTML {
        HTML.element("label", ["class": "exemption"]) {
            asked.say(.exemptionReasonField)
            HTML.element("textarea", ["name": "exemption", "rows": "2", "maxlength": "2000"]) { reason ?? "" }
        }
    }

    /// One clause of the plan, editable, beside its basis and its reading.
    private func clauseEditor(_ clause: Clause, reading: ClauseReading?, asked: Asked) -> HTML {
        let say = asked.say, language = asked.language
        return HTML.element("section", ["class": "plan-clause", "data-clause-id": clause.id.rawValue,
                                        "data-clause-json": CanonicalJSON.compact(clause.json), "data-basis-id": reading?.basisId.rawValue]) {
            HTML.element("h2") { say(.clause) + " \(clause.id)" + (clause.title.map { " · \($0)" } ?? "") }
            HTML.element("div", ["class": "pair"]) {
                HTML.element("div", ["class": "basis"]) {
                    HTML.element("h3") { say(.basis) }
                    if let basis = reading?.basis {
                        HTML.element("p") { basis.text }
                        HTML.element("p", ["class": "meta"]) { say(.targets) + " " + targetsText(basis.targets) + (basis.deadline.map { " · " + say(.deadline) + " \($0)" } ?? "") }
                    } else {
                        HTML.element("p", ["class": "meta"]) { say(.addedHere) }
                    }
                }
                HTML.element("div", ["class": "edit"]) {
                    HTML.element("h3") { say(.plan) }
                    HTML.element("label") { say(.clauseText); HTML.element("textarea", ["name": "text", "rows": "3"]) { clause.text } }
                    HTML.element("label") {
                        say(.modality)
                        HTML.element("select", ["name": "modality"]) {
                            for m in Modality.allCases {
                                HTML.element("option", ["value": m.rawValue, "selected": m == clause.modality ? "selected" : nil]) { say(modalityPhrase(m)) }
                            }
                        }
                    }
                    for (n, target) in clause.targets.enumerated() {
                        HTML.element("label", ["class": "target"]) {
                            HTML.element("code") { target.metric }
                            HTML.element("select", ["name": "op-\(n)"]) {
                                for op in TargetOp.allCases { HTML.element("option", ["value": op.rawValue, "selected": op == target.op ? "selected" : nil]) { op.rawValue } }
                            }
                            HTML.void("input", ["type": "number", "step": "any", "name": "value-\(n)", "value": DiffText.fmt(target.value)])
                            target.unit ?? ""
                        }
                    }
                    HTML.element("label") { say(.deadline); HTML.void("input", ["type": "date", "name": "deadline", "value": clause.deadline.map { "\($0)" }]) }
                    HTML.element("label", ["class": "reason"]) {
                        say(.reasonField)
                        HTML.element("textarea", ["name": "reason", "rows": "2", "maxlength": "2000"]) { clause.reason ?? "" }
                    }
                    HTML.element("label", ["class": "inline"]) { HTML.void("input", ["type": "checkbox", "name": "drop"]); say(.dropClause) }
                    if reading != nil { exemptionField(nil, asked: asked) }
                }
                HTML.element("div", ["class": "reading", "data-preview-for": clause.id.rawValue, "aria-live": "polite"]) {
                    HTML.element("h3") { say(.reading) }
                    if let reading { verdict(reading, language: language) } else { HTML.element("span", ["class": "class"]) { say(.addedHere) } }
                }
            }
        }
    }
}

extension WebController {
    /// `GET /report/sheet`: progress reports from a spreadsheet. The page sends the file to
    /// `POST /api/v1/sheets/reports`, shows every row with its problems (row, column, what to do),
    /// and only when there are none signs one commit a row, each checked as the report form checks it.
    func sheetPage(_ request: Request, _ asked: Asked) async throws -> Response {
        let say = asked.say
        let head = try await service.handles.with { ledger in try ledger.head() }
        var body = HTML.element("h1") { say(.sheetTitle) }
        body += HTML.element("p") {
            say(.sheetIntro) + " "
            HTML.element("a", ["href": "/report/template.csv?lang=\(asked.language.rawValue)", "download": ""]) { say(.sheetTemplate) }
        }
        body += HTML.element("p", ["class": "meta"]) { say(.headShown) + " "; HTML.element("code") { String("\(head)".prefix(12)) } }
        body += HTML.element("noscript") { HTML.element("p", ["class": "error"]) { say(.needsScript) } }
        body += HTML.element("form", ["class": "write sheet", "data-luoshi": "sheet", "data-head": "\(head)", "data-luoshi-script": "", "hidden": "hidden"]) {
            HTML.element("label") { say(.sheetFile); HTML.void("input", ["type": "file", "name": "sheet", "accept": ".csv,text/csv", "required": "required"]) }
            signingFields(asked)
            HTML.element("p") { HTML.element("button", ["type": "submit"]) { say(.sheetCheck) } }
            HTML.element("div", ["class": "scroll", "data-sheet-rows": ""]) { "" }
            HTML.element("p") { HTML.element("button", ["type": "button", "data-luoshi": "sign-sheet", "hidden": "hidden"]) { say(.sheetSign) } }
        }
        body += HTML.element("div", ["class": "phrases", "hidden": "hidden"]) {
            for (name, phrase) in [("sheet.row", Phrase.sheetRow), ("sheet.unit", .unit), ("sheet.clause", .clause), ("sheet.status", .status),
                                   ("sheet.problems", .sheetProblems), ("sheet.ok", .sheetRowOK), ("sheet.count", .sheetCount), ("sheet.signed", .sheetSigned)] {
                HTML.element("span", ["data-phrase": name]) { say(phrase) }
            }
        }
        return asked.page(say(.sheetTitle), body)
    }

    /// `GET /report/template.csv`: the sheet to fill in, its header in the reader's language.
    func sheetTemplate(_ request: Request, _ asked: Asked) -> Response {
        var headers = WebPage.headers
        headers[.contentDisposition] = "attachment; filename=\"report-template.csv\""
        return .bytes([0xEF, 0xBB, 0xBF] + Array(ReportSheet.template(chinese: asked.language == .zh).utf8), contentType: "text/csv; charset=utf-8", headers: headers)
    }
}

extension WebController.Asked {
    /// A query parameter the page cannot do without (400 naming it otherwise).
    func required(_ name: String) throws -> String {
        guard let value = query[name], !value.isEmpty else {
            throw APIError(.badRequest, "bad-query", "this page needs ?\(name)=")
        }
        return value
    }
}
