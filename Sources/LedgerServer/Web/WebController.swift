import Foundation
import Hummingbird
import Ledger
import LedgerIndex
import LedgerModel
import LedgerRender

/// The web UI's pages (`Endpoint.web`): each rendered on the server from one library call, and
/// readable as `/api/v1/` is, with a session or on a `--public` server.
struct WebController: Sendable {
    let service: LedgerService

    static let stylesheetPath = "/assets/luoshi.css"

    func register(on router: Router<BasicRequestContext>) {
        router.on(.home) { request, _ in try await page(request) { try await home(request, $0) } }
        router.on(.directivePage) { request, context in
            try await page(request) { try await directive(request, $0, id: try context.parameters.require("id")) }
        }
        router.on(.stylesheet) { request, _ in
            _ = try request.query(allowed: [])
            var headers = WebPage.headers
            headers[.cacheControl] = "public, max-age=3600"
            return .bytes(Array(WebStyle.sheet.utf8), contentType: "text/css; charset=utf-8", headers: headers)
        }
    }

    /// What a page is asked in: its language, and whether the reader just chose it.
    struct Asked {
        var language: Language
        var remember: Bool
        func say(_ phrase: Phrase) -> String { phrase.said(in: language) }
        func page(_ title: String, _ body: HTML, status: HTTPResponse.Status = .ok) -> Response {
            WebPage(language: language, title: title, body: body).response(status: status, remember: remember)
        }
    }

    /// Answers a page: in the language asked, the sign-in page without a session where one is
    /// needed, and any error as a page of its own with the error's status and message.
    private func page(_ request: Request, _ render: (Asked) async throws -> Response) async throws -> Response {
        let query = try request.query(allowed: ["lang"])
        let asked = Asked(language: try Language.of(request, query: query), remember: query["lang"] != nil)
        do {
            _ = try service.reader(of: request)
        } catch let error as APIError where error.status == .unauthorized {
            let body = HTML.element("h1") { asked.say(.signInNeeded) } + HTML.element("p") { asked.say(.signInNeededDetail) }
            return asked.page(asked.say(.signInNeeded), body, status: .unauthorized)
        }
        do { return try await render(asked) } catch {
            let shaped = APIError.from(error)
            let body = HTML.element("h1") { asked.say(.somethingWrong) }
                + HTML.element("p", ["class": "error"]) { shaped.message }
                + HTML.element("p") { HTML.element("a", ["href": "/"]) { asked.say(.allDirectives) } }
            return asked.page(asked.say(.somethingWrong), body, status: shaped.status)
        }
    }

    /// The home page: every directive, with how far its units have come at a glance.
    private func home(_ request: Request, _ asked: Asked) async throws -> Response {
        let (head, matrices) = try await service.handles.with { ledger in
            (String(describing: try ledger.head()), try ledger.status())
        }
        let body = HTML.element("h1") { asked.say(.directives) }
            + HTML.element("p", ["class": "meta"]) {
                "\(matrices.count) " + asked.say(.directivesCount) + " · " + asked.say(.ledgerHead) + " "
                HTML.element("code") { String(head.prefix(12)) }
            }
            + (matrices.isEmpty ? HTML.element("p") { asked.say(.noDirectives) } : directiveTable(matrices, say: asked.say))
        return asked.page(asked.say(.directives), body)
    }

    /// A directive: its text by version, newest first, each amendment shown against the version before
    /// it (characters for Chinese, words for English), with the commit that made each version.
    private func directive(_ request: Request, _ asked: Asked, id: String) async throws -> Response {
        let directiveID = try DirectiveID(id.removingPercentEncoding ?? id)
        let versions = try await service.handles.with { ledger in
            try ledger.directiveVersions(directiveID, history: (try? LedgerIndex.open(ledger)) ?? ledger.walkedHistory)
        }
        guard let latest = versions.last?.directive else { throw LedgerError.notFound("directive \(directiveID) has no version") }
        let say = asked.say
        var body = HTML.element("p", ["class": "crumbs"]) { HTML.element("a", ["href": "/"]) { say(.allDirectives) } }
        body += HTML.element("h1") { HTML.element("code") { latest.id.rawValue }; " "; latest.title }
        body += HTML.element("p", ["class": "meta"]) {
            say(.issuer) + " "
            HTML.element("code") { latest.issuer.rawValue }
            " · " + say(.issued) + " \(latest.issued) · \(versions.count) " + say(.versions)
        }
        if versions.count > 1 { body += HTML.element("p", ["class": "legend"]) { say(.changedFromPrevious) } }
        for (n, version) in versions.enumerated().reversed() {
            body += versionSection(version, previous: n > 0 ? versions[n - 1].directive : nil, say: say)
        }
        return asked.page("\(latest.id) \(latest.title)", body)
    }

    private func versionSection(_ version: DirectiveVersion, previous: Directive?, say: (Phrase) -> String) -> HTML {
        let d = version.directive, entry = version.entry
        let before = Dictionary((previous?.clauses ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let kept = Set(d.clauses.map(\.id))
        return HTML.element("section", ["class": "version", "id": "v\(d.version)"]) {
            HTML.element("h2") { say(.version) + " \(d.version) · " + say(previous == nil ? .issuedVersion : .amendedVersion) }
            HTML.element("p", ["class": "meta"]) {
                HTML.element("time", ["datetime": "\(entry.time)"]) { "\(entry.time)" }
                " · "
                HTML.element("code") { entry.actor }
                " · "
                HTML.element("code", ["title": "\(entry.commit)"]) { String("\(entry.commit)".prefix(12)) }
                " · "
                HTML.element("span", ["class": "signature \(entry.signature.rawValue)"]) { say(signaturePhrase(entry.signature)) }
            }
            if let previous, previous.title != d.title { HTML.element("p", ["class": "title-change"]) { diffed(previous.title, d.title) } }
            HTML.element("ol", ["class": "clauses"]) {
                for clause in d.clauses {
                    clauseItem(clause, before: previous == nil ? clause : before[clause.id], say: say)
                }
                for gone in previous?.clauses.filter({ !kept.contains($0.id) }) ?? [] {
                    HTML.element("li", ["class": "clause removed"]) {
                        HTML.element("span", ["class": "clause-id"]) { say(.clause) + " " + gone.id.rawValue }
                        HTML.element("span", ["class": "note"]) { say(.clauseRemoved) }
                        HTML.element("p") { HTML.element("del") { gone.text } }
                    }
                }
            }
        }
    }

    /// A clause; `before` is its text in the version before (nil: new in this one; itself: nothing to compare).
    private func clauseItem(_ clause: Clause, before: Clause?, say: (Phrase) -> String) -> HTML {
        HTML.element("li", ["class": before == nil ? "clause added" : "clause", "id": "clause-\(clause.id.rawValue)"]) {
            HTML.element("span", ["class": "clause-id"]) { say(.clause) + " " + clause.id.rawValue }
            HTML.element("span", ["class": "modality"]) { say(modalityPhrase(clause.modality)) }
            if before == nil { HTML.element("span", ["class": "note"]) { say(.clauseAdded) } }
            if let title = clause.title { HTML.element("strong", ["class": "clause-title"]) { title } }
            HTML.element("p") { before.map { diffed($0.text, clause.text) } ?? HTML.text(clause.text) }
            if !clause.targets.isEmpty || clause.deadline != nil || before.map({ $0.targets != clause.targets || $0.deadline != clause.deadline }) == true {
                HTML.element("dl", ["class": "terms"]) {
                    HTML.element("dt") { say(.targets) }
                    HTML.element("dd") { diffed(before.map { targetsText($0.targets) } ?? targetsText(clause.targets), targetsText(clause.targets)) }
                    HTML.element("dt") { say(.deadline) }
                    HTML.element("dd") { diffed(before.map { $0.deadline.map { "\($0)" } ?? "—" } ?? "", clause.deadline.map { "\($0)" } ?? "—") }
                }
            }
        }
    }

    private func targetsText(_ targets: [Target]) -> String {
        targets.isEmpty ? "—" : targets.map { "\($0.metric) \($0.op.rawValue) \(DiffText.fmt($0.value))\($0.unit.map { " \($0)" } ?? "")" }.joined(separator: "; ")
    }

    /// `new` against `old`: removed pieces struck through, added ones underlined.
    private func diffed(_ old: String, _ new: String) -> HTML {
        if old == new || old.isEmpty { return HTML.text(new) }
        return TextDiff.pieces(old, new).map { piece -> HTML in
            switch piece {
            case .same(let s): HTML.text(s)
            case .removed(let s): HTML.element("del") { s }
            case .added(let s): HTML.element("ins") { s }
            }
        }.joined()
    }

    private func modalityPhrase(_ m: Modality) -> Phrase {
        switch m {
        case .must: .must
        case .should: .should
        case .may: .may
        case .mustNot: .mustNot
        case .shouldNot: .shouldNot
        }
    }

    private func signaturePhrase(_ s: HistoryEntry.SignatureStatus) -> Phrase {
        switch s {
        case .good: .signedGood
        case .bad: .signedBad
        case .unsigned: .unsigned
        case .unknownKey: .signedUnknownKey
        }
    }

    private func directiveTable(_ matrices: [StatusMatrix], say: (Phrase) -> String) -> HTML {
        HTML.element("table", ["class": "directives"]) {
            HTML.element("thead") {
                HTML.element("tr") {
                    for phrase in [Phrase.directive, .title, .version, .issuer, .issued] { HTML.element("th", ["scope": "col"]) { say(phrase) } }
                    for phrase in [Phrase.adopted, .reported, .done, .flags] { HTML.element("th", ["scope": "col", "class": "number"]) { say(phrase) } }
                }
            }
            HTML.element("tbody") {
                for matrix in matrices {
                    let glance = Glance(matrix)
                    HTML.element("tr", ["data-directive": matrix.directive.rawValue]) {
                        HTML.element("th", ["scope": "row", "class": "id"]) {
                            HTML.element("a", ["href": "/directives/" + (matrix.directive.rawValue.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? "")]) {
                                HTML.element("code") { matrix.directive.rawValue }
                            }
                        }
                        HTML.element("td", ["class": "title", "data-label": say(.title)]) { matrix.title }
                        HTML.element("td", ["data-label": say(.version)]) { matrix.version }
                        HTML.element("td", ["data-label": say(.issuer)]) { HTML.element("code") { matrix.issuer.rawValue } }
                        HTML.element("td", ["class": "day", "data-label": say(.issued)]) {
                            HTML.element("time", ["datetime": "\(matrix.issued)"]) { "\(matrix.issued)" }
                        }
                        share(glance.adopted, of: glance.units, label: say(.adopted))
                        share(glance.reported, of: glance.cells, label: say(.reported))
                        share(glance.done, of: glance.cells, label: say(.done))
                        HTML.element("td", ["class": "number", "data-label": say(.flags)]) { glance.flags }
                    }
                }
            }
        }
    }

    /// `part / whole`, with a bar for the eye.
    private func share(_ part: Int, of whole: Int, label: String) -> HTML {
        let percent = whole == 0 ? 0 : part * 100 / whole
        return HTML.element("td", ["class": "number", "data-label": label]) {
            "\(part) / \(whole)"
            HTML.element("meter", ["min": "0", "max": "\(max(whole, 1))", "value": "\(part)", "aria-hidden": "true", "title": "\(percent)%"])
        }
    }
}

/// A directive at a glance: its units, how many adopted a plan, and how many of their clauses were
/// reported on and reported done; the flags raised on them.
struct Glance: Equatable {
    var units = 0, adopted = 0, cells = 0, reported = 0, done = 0, flags = 0

    init(_ matrix: StatusMatrix) {
        for row in matrix.rows {
            units += 1
            if row.adoption != .notAdopted { adopted += 1 }
            cells += row.cells.count
            reported += row.cells.filter { $0.report != nil }.count
            done += row.cells.filter { $0.report?.status == .done }.count
            flags += row.flagTotal
        }
    }
}
