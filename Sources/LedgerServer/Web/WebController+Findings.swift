import Fidelity
import Foundation
import Hummingbird
import Ledger
import LedgerModel
import LedgerRender

/// Supervisors' and auditors' pages: the findings with their loops, and the forms that open and
/// close a finding and write a checkpoint, each one event signed in the page.
extension WebController {
    /// `GET /findings[?state=S&unit=U]`: every finding, open loops first and the overdue among them
    /// first of all, each with its steps; a rectified finding links the form that closes it.
    func findingsPage(_ request: Request, _ asked: Asked) async throws -> Response {
        let say = asked.say, language = asked.language
        let state = try asked.query["state"].flatMap { $0.isEmpty ? nil : $0 }.map { raw in
            guard let s = FindingState(rawValue: raw) else { throw LedgerError.usage("state=\(raw) is open, rectified, closed or reopened") }
            return s
        }
        let unit = try parseParameter(asked.query["unit"].flatMap { $0.isEmpty ? nil : $0 }, "unit", UnitID.init)
        let all = try await service.handles.with { ledger in
            try ledger.requireExisting(unit: unit)
            return try ledger.findings(unit: unit)
        }
        let today = service.now.utcDay
        func overdue(_ f: Finding) -> Bool { f.state != .closed && f.due < today }
        let shown = all.filter { state == nil || $0.state == state }.sorted { a, b in
            ((a.state == .closed ? 1 : 0), overdue(a) ? 0 : 1, a.due, a.id.rawValue) < ((b.state == .closed ? 1 : 0), overdue(b) ? 0 : 1, b.due, b.id.rawValue)
        }
        if try asked.wantsCSV() {
            let header = [Phrase.finding, .unit, .directive, .clause, .severity, .due, .state, .findingText].map(say)
            let rows = shown.map { f -> [CSV.Cell] in
                [.text(f.id.rawValue), .text(f.unit.rawValue), .text(f.directive?.rawValue ?? ""), .text(f.clause?.rawValue ?? ""),
                 .text(f.severity.said(in: language)), .text("\(f.due)"), .text(f.state.said(in: language)), .text(f.text)]
            }
            return asked.csv(CSV(header: header, rows: rows), name: "findings")
        }
        var body = HTML.element("p", ["class": "crumbs"]) { HTML.element("a", ["href": "/"]) { say(.allDirectives) } }
        body += HTML.element("h1") { say(.findings) }
        body += HTML.element("ul", ["class": "counts"]) {
            HTML.element("li") { state == nil ? HTML.element("strong") { say(.allFindings) + " \(all.count)" } : HTML.element("a", ["href": "/findings"]) { say(.allFindings) + " \(all.count)" } }
            for s in FindingState.allCases {
                let n = all.filter { $0.state == s }.count
                if n > 0 {
                    HTML.element("li") {
                        s == state ? HTML.element("strong") { s.said(in: language) + " \(n)" }
                                   : HTML.element("a", ["href": "/findings?state=\(s.rawValue)"]) { s.said(in: language) + " \(n)" }
                    }
                }
            }
            HTML.element("li") { HTML.element("a", ["href": "?format=csv" + (state.map { "&state=\($0.rawValue)" } ?? ""), "download": ""]) { say(.downloadCSV) } }
        }
        if shown.isEmpty { body += HTML.element("p") { say(.noFindings) } }
        for f in shown {
            body += HTML.element("section", ["class": "finding \(f.state.rawValue)\(overdue(f) ? " overdue" : "")", "data-finding": f.id.rawValue]) {
                HTML.element("h2") {
                    HTML.element("code") { f.id.rawValue }
                    " · " + f.state.said(in: language) + " · " + f.severity.said(in: language)
                    if overdue(f) { " · "; HTML.element("strong", ["class": "overdue"]) { say(.overdueSince) + " \(f.due)" } }
                }
                HTML.element("p", ["class": "meta"]) {
                    HTML.element("code") { f.unit.rawValue }
                    if let d = f.directive { " · "; HTML.element("a", ["href": "/directives/\(pathPart(d.rawValue))/units/\(unitPath(f.unit.rawValue))"]) { d.rawValue } }
                    if let c = f.clause { " · " + say(.clause) + " \(c)" }
                    " · " + say(.due) + " \(f.due)"
                }
                HTML.element("p") { f.text }
                HTML.element("ol", ["class": "steps"]) {
                    for step in f.steps {
                        HTML.element("li") {
                            HTML.element("strong") { stepName(step.kind, language) }
                            " · "; HTML.element("code") { step.actor.rawValue }; " · \(step.at.utcDay)"
                            if let v = step.verdict { " · " + (v == .verified ? say(.verdictVerified) : say(.verdictReopened)) }
                            if let t = step.text { " — " + t }
                            if let evidence = step.evidence, !evidence.isEmpty { " · " + say(.evidence) + ": "; evidenceList(evidence, language: language) }
                            if let d = step.decision { " — " + d + (step.target.map { " (\($0))" } ?? "") }
                        }
                    }
                }
                HTML.element("p", ["class": "actions"]) {
                    if f.state == .rectified {
                        HTML.element("a", ["href": "/findings/close?finding=\(queryPart(f.id.rawValue))"]) { say(.closeFinding) }
                        " "
                    } else if f.state == .open || f.state == .reopened {
                        HTML.element("a", ["href": "/findings/rectify?finding=\(queryPart(f.id.rawValue))"]) { say(.rectifyFinding) }
                        " "
                    }
                    HTML.element("a", ["href": "/findings/hold?finding=\(queryPart(f.id.rawValue))"]) { say(.holdAccountable) }
                }
            }
        }
        return asked.page(say(.findings), body)
    }

    private func stepName(_ kind: FindingStep.Kind, _ language: Language) -> String {
        switch kind {
        case .open: Phrase.stepOpen.said(in: language)
        case .rectify: Phrase.stepRectify.said(in: language)
        case .close: Phrase.stepClose.said(in: language)
        case .holdAccountable: Phrase.stepHold.said(in: language)
        }
    }

    /// `GET /findings/new?unit=U[&directive=D&clause=C&text=T]`: open a finding, prefilled from the
    /// flag that links here.
    func openFindingForm(_ request: Request, _ asked: Asked) async throws -> Response {
        let say = asked.say, language = asked.language
        let unit = try UnitID(try asked.required("unit"))
        let directive = try asked.query["directive"].flatMap { $0.isEmpty ? nil : $0 }.map(DirectiveID.init)
        let clause = asked.query["clause"].flatMap { $0.isEmpty ? nil : $0 }
        let (head, taken) = try await service.handles.with { ledger in
            try ledger.requireExisting(unit: unit, directive: directive)
            return (try ledger.head(), Set(try ledger.findings().map(\.id.rawValue)))
        }
        let year = service.now.utcDay.year
        let id = (1...).lazy.map { String(format: "F-%04d-%02d", year, $0) }.first { !taken.contains($0) }!
        var body = HTML.element("p", ["class": "crumbs"]) { HTML.element("a", ["href": "/findings"]) { say(.findings) } }
        body += HTML.element("h1") { say(.openFinding) + " · "; HTML.element("code") { unit.rawValue } }
        body += HTML.element("p", ["class": "meta"]) { say(.headShown) + " "; HTML.element("code") { String("\(head)".prefix(12)) } }
        body += eventForm(asked, action: "open-finding", head: "\(head)", after: "/findings", submit: .openFinding) {
            HTML.void("input", ["type": "hidden", "name": "finding.unit", "value": unit.rawValue])
            if let directive { HTML.void("input", ["type": "hidden", "name": "finding.directive", "value": directive.rawValue]) }
            if let clause { HTML.void("input", ["type": "hidden", "name": "finding.clause", "value": clause]) }
            HTML.element("p", ["class": "meta"]) {
                (directive.map { say(.directive) + " \($0)" } ?? "") + (clause.map { " · " + say(.clause) + " \($0)" } ?? "")
            }
            HTML.element("label") { say(.finding); HTML.void("input", ["type": "text", "name": "finding.id", "value": id, "required": "required"]) }
            HTML.element("label") { say(.findingText); HTML.element("textarea", ["name": "finding.text", "rows": "4", "required": "required"]) { asked.query["text"] ?? "" } }
            HTML.element("label") {
                say(.severity)
                HTML.element("select", ["name": "finding.severity"]) {
                    for s in Severity.allCases { HTML.element("option", ["value": s.rawValue, "selected": s == .major ? "selected" : nil]) { s.said(in: language) } }
                }
            }
            HTML.element("label") { say(.due); HTML.void("input", ["type": "date", "name": "finding.due", "value": "\(service.now.utcDay.adding(days: 30))", "required": "required"]) }
        }
        return asked.page(say(.openFinding), body)
    }

    /// `GET /findings/close?finding=F`: close a rectified finding as verified, or reopen it.
    func closeFindingForm(_ request: Request, _ asked: Asked) async throws -> Response {
        let say = asked.say
        let (head, finding) = try await finding(try asked.required("finding"))
        var body = findingFormHeader(finding, head: head, title: .closeFinding, asked: asked)
        body += eventForm(asked, action: "close-finding", head: "\(head)", after: "/findings", submit: .closeFinding) {
            HTML.void("input", ["type": "hidden", "name": "finding", "value": finding.id.rawValue])
            HTML.element("label") {
                say(.verdict)
                HTML.element("select", ["name": "verdict"]) {
                    HTML.element("option", ["value": "verified"]) { say(.verdictVerified) }
                    HTML.element("option", ["value": "reopened"]) { say(.verdictReopened) }
                }
            }
            HTML.element("label") { say(.note); HTML.element("textarea", ["name": "note", "rows": "3"]) { "" } }
        }
        return asked.page(say(.closeFinding), body)
    }

    /// `GET /findings/rectify?finding=F`: the unit's answer to a finding, with evidence files hashed in the page.
    func rectifyForm(_ request: Request, _ asked: Asked) async throws -> Response {
        let say = asked.say, language = asked.language
        let (head, finding) = try await finding(try asked.required("finding"))
        var body = findingFormHeader(finding, head: head, title: .rectifyFinding, asked: asked)
        body += eventForm(asked, action: "rectify", head: "\(head)", after: "/findings", submit: .rectifyFinding) {
            HTML.void("input", ["type": "hidden", "name": "finding", "value": finding.id.rawValue])
            HTML.element("label") { say(.rectifyText); HTML.element("textarea", ["name": "text", "rows": "4", "required": "required"]) { "" } }
            HTML.element("label") {
                say(.evidenceKind)
                HTML.element("select", ["name": "evidenceKind"]) {
                    for kind in EvidenceKind.allCases { HTML.element("option", ["value": kind.rawValue]) { kind.said(in: language) } }
                }
            }
            HTML.element("label") { say(.evidenceFiles); HTML.void("input", ["type": "file", "name": "evidence", "multiple": "multiple"]) }
            uploadField(asked)
        }
        return asked.page(say(.rectifyFinding), body)
    }

    /// `GET /checkpoints/witness?checkpoint=ID`: a supervisor co-signs a checkpoint with a tag on its
    /// tag, signed in the page after checking it names that tag, that checkpoint and this witness.
    func witnessForm(_ request: Request, _ asked: Asked) async throws -> Response {
        let say = asked.say
        let id = try asked.required("checkpoint")
        let summary = try await service.handles.with { ledger in try ledger.checkpointSummaries().first { $0.checkpoint.id.rawValue == id } }
        guard let summary else { throw LedgerError.notFound("there is no checkpoint \(id) whose tag verifies; /history lists them") }
        var body = HTML.element("p", ["class": "crumbs"]) { HTML.element("a", ["href": "/history"]) { say(.history) } }
        body += HTML.element("h1") { say(.witnessCheckpoint) + " · "; HTML.element("code") { summary.checkpoint.id.rawValue } }
        body += HTML.element("p") { say(.witnessIntro) }
        body += HTML.element("p", ["class": "meta"]) {
            say(.attests) + " "; HTML.element("code") { summary.checkpoint.head }
            " · " + say(.witnesses) + ": " + (summary.witnesses.isEmpty ? say(.noWitnesses) : summary.witnesses.map(\.rawValue).joined(separator: ", "))
        }
        body += HTML.element("noscript") { HTML.element("p", ["class": "error"]) { say(.needsScript) } }
        body += HTML.element("form", ["class": "write", "data-luoshi": "event", "data-action": "witness", "data-checkpoint": summary.checkpoint.id.rawValue,
                                      "data-tag": "\(summary.tag)", "data-head": summary.checkpoint.head, "data-luoshi-script": "", "hidden": "hidden"]) {
            signingFields(asked)
            HTML.element("p") { HTML.element("button", ["type": "submit"]) { say(.witnessCheckpoint) } }
        }
        return asked.page(say(.witnessCheckpoint), body)
    }

    /// `GET /checkpoints/new`: an auditor's checkpoint of the head this page shows, its commit and
    /// its tag both signed in the page.
    func checkpointForm(_ request: Request, _ asked: Asked) async throws -> Response {
        let say = asked.say
        let head = try await service.handles.with { ledger in try ledger.head() }
        var body = HTML.element("h1") { say(.writeCheckpoint) }
        body += HTML.element("p") { say(.checkpointIntro) }
        body += HTML.element("p", ["class": "meta"]) { say(.headShown) + " "; HTML.element("code") { "\(head)" } }
        body += eventForm(asked, action: "checkpoint", head: "\(head)", after: "/", submit: .writeCheckpoint) {
            HTML.element("label") { say(.note); HTML.element("textarea", ["name": "note", "rows": "2"]) { "" } }
        }
        return asked.page(say(.writeCheckpoint), body)
    }

    /// The top of a form about one finding: the way back to the findings, the form's title with the
    /// finding's id, what it says, its unit, state and due day, and the head the form was drawn at.
    func findingFormHeader(_ finding: Finding, head: String, title: Phrase, asked: Asked) -> HTML {
        let say = asked.say
        return HTML.element("p", ["class": "crumbs"]) { HTML.element("a", ["href": "/findings"]) { say(.findings) } }
            + HTML.element("h1") { say(title) + " · "; HTML.element("code") { finding.id.rawValue } }
            + HTML.element("p") { finding.text }
            + HTML.element("p", ["class": "meta"]) {
                finding.unit.rawValue + " · " + finding.state.said(in: asked.language) + " · " + say(.due) + " \(finding.due) · " + say(.headShown) + " "
                HTML.element("code") { String(head.prefix(12)) }
            }
    }

    /// The head and the finding `id` there; 404 naming /findings when the ledger has none by that id.
    func finding(_ id: String) async throws -> (head: String, finding: Finding) {
        let findingID = try FindingID(id)
        let (head, json) = try await service.handles.with { ledger in
            let head = try ledger.head()
            return ("\(head)", try ledger.record(.finding(findingID), at: head))
        }
        guard let json else { throw LedgerError.notFound("there is no finding \(id); /findings lists them") }
        return (head, try Finding(json: json, at: .root))
    }

    /// A form that signs one event in the page: a word for a browser without script, then the form
    /// the script shows, drawn at `head`, with `fields`, the key fields and its button.
    func eventForm(_ asked: Asked, action: String, head: String, after: String, submit: Phrase, classes: String = "write",
                   @HTMLBuilder fields: () -> HTML) -> HTML {
        HTML.element("noscript") { HTML.element("p", ["class": "error"]) { asked.say(.needsScript) } }
            + HTML.element("form", ["class": classes, "data-luoshi": "event", "data-action": action, "data-head": head, "data-after": after,
                                    "data-luoshi-script": "", "hidden": "hidden"]) {
                fields()
                signingFields(asked)
                HTML.element("p") { HTML.element("button", ["type": "submit"]) { asked.say(submit) } }
            }
    }

    /// Whether the page also sends the evidence files to the server's evidence store (the claim names
    /// them by hash either way).
    func uploadField(_ asked: Asked) -> HTML {
        HTML.element("label", ["class": "inline"]) {
            HTML.void("input", ["type": "checkbox", "name": "upload", "checked": "checked"])
            asked.say(.uploadEvidence)
        }
    }

    /// The key fields a form shows until the page holds a key, and the line it shows once it does.
    func signingFields(_ asked: Asked) -> HTML {
        HTML.element("fieldset", ["data-luoshi-key": "missing"]) {
            HTML.element("legend") { asked.say(.signIn) }
            keyFields(asked, actorRequired: false)
        }
            + HTML.element("p", ["data-luoshi-key": "held", "hidden": "hidden"]) { asked.say(.keyHeld) + " "; HTML.element("code", ["data-luoshi-holder": ""]) { "" } }
    }
}
