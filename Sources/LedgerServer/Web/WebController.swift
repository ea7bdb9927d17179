import Fidelity
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
    static let scriptPath = "/assets/luoshi.js"

    func register(on router: Router<BasicRequestContext>) {
        router.on(.home) { request, _ in try await page(request, allowing: ["format"]) { try await home(request, $0) } }
        router.on(.matrixPage) { request, context in
            try await page(request, allowing: ["level", "class", "flag", "unit", "cursor", "limit", "format"]) {
                try await matrix(request, $0, id: try context.parameters.require("id"))
            }
        }
        router.on(.unitPage) { request, context in
            try await page(request, allowing: ["at"]) {
                try await unit(request, $0, directive: try context.parameters.require("id"), unit: context.parameters.getCatchAll().joined(separator: "/"))
            }
        }
        router.on(.flagsPage) { request, _ in
            try await page(request, allowing: ["kind", "directive", "unit", "offset", "format"]) { try await flags(request, $0) }
        }
        router.on(.directivePage) { request, context in
            try await page(request) { try await directive(request, $0, id: try context.parameters.require("id")) }
        }
        router.on(.signInPage) { request, _ in try await signIn(request) }
        router.on(.reportPage) { request, _ in
            try await page(request, allowing: ["directive", "unit"]) { try await report(request, $0) }
        }
        router.on(.planPage) { request, _ in
            try await page(request, allowing: ["directive", "unit"]) { try await planEditor(request, $0) }
        }
        router.on(.findingsPage) { request, _ in
            try await page(request, allowing: ["state", "unit", "format"]) { try await findingsPage(request, $0) }
        }
        router.on(.openFindingPage) { request, _ in
            try await page(request, allowing: ["unit", "directive", "clause", "text"]) { try await openFindingForm(request, $0) }
        }
        router.on(.closeFindingPage) { request, _ in
            try await page(request, allowing: ["finding"]) { try await closeFindingForm(request, $0) }
        }
        router.on(.historyPage) { request, _ in
            try await page(request, allowing: ["unit", "directive", "clause", "finding", "actor", "since", "until", "cursor", "format"]) {
                try await historyPage(request, $0)
            }
        }
        router.on(.burdenPage) { request, _ in
            try await page(request, allowing: ["unit", "over", "cursor", "format"]) { try await burdenPage(request, $0) }
        }
        router.on(.sheetPage) { request, _ in try await page(request) { try await sheetPage(request, $0) } }
        router.on(.sheetTemplate) { request, _ in try await page(request) { sheetTemplate(request, $0) } }
        router.on(.rectifyPage) { request, _ in try await page(request, allowing: ["finding"]) { try await rectifyForm(request, $0) } }
        router.on(.witnessPage) { request, _ in try await page(request, allowing: ["checkpoint"]) { try await witnessForm(request, $0) } }
        router.on(.checkpointPage) { request, _ in try await page(request) { try await checkpointForm(request, $0) } }
        router.on(.adoptPage) { request, _ in try await page(request, allowing: ["directive", "unit"]) { try await adoptForm(request, $0) } }
        router.on(.approveExemptionPage) { request, _ in
            try await page(request, allowing: ["directive", "unit", "clause"]) { try await approveExemptionForm(request, $0) }
        }
        router.on(.holdPage) { request, _ in try await page(request, allowing: ["finding"]) { try await holdForm(request, $0) } }
        router.on(.adminPage) { request, _ in try await page(request) { try await adminPage(request, $0) } }
        router.on(.registerUnitPage) { request, _ in try await page(request, allowing: ["parent"]) { try await registerUnitForm(request, $0) } }
        router.on(.registerActorPage) { request, _ in try await page(request) { try await registerActorForm(request, $0) } }
        router.on(.revokeKeyPage) { request, _ in try await page(request, allowing: ["actor", "key"]) { try await revokeKeyForm(request, $0) } }
        router.on(.policyPage) { request, _ in try await page(request) { try await policyForm(request, $0) } }
        router.on(.script) { request, _ in
            _ = try request.query(allowed: [])
            var headers = WebPage.headers
            headers[.cacheControl] = "no-cache"
            return .bytes(Array(EmbeddedWeb.files["luoshi.js"]!.utf8), contentType: "text/javascript; charset=utf-8", headers: headers)
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
        var query: [String: String] = [:]
        /// Who is reading: the session's actor; nil on a `--public` server without a session.
        var actor: ActorID? = nil
        func say(_ phrase: Phrase) -> String { phrase.said(in: language) }
        /// `format=csv`: the page's whole table (every row the filters keep, not one page of it) as a
        /// spreadsheet; nothing else is a format.
        func wantsCSV() throws -> Bool {
            guard let format = query["format"] else { return false }
            guard format == "csv" else { throw APIError(.badRequest, "bad-query", "format is csv or left out (the page), not \(format)") }
            return true
        }
        func csv(_ table: CSV, name: String) -> Response {
            var headers = WebPage.headers
            headers[.contentDisposition] = "attachment; filename=\"\(name.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }.reduce("") { $0 + String($1) }).csv\""
            return .bytes(table.bytesWithBOM, contentType: "text/csv; charset=utf-8", headers: headers)
        }
        func page(_ title: String, _ body: HTML, status: HTTPResponse.Status = .ok) -> Response {
            WebPage(language: language, title: title, body: body, actor: actor).response(status: status, remember: remember)
        }
    }

    /// Answers a page: in the language asked, the sign-in page without a session where one is
    /// needed, and any error as a page of its own with the error's status and message.
    func page(_ request: Request, allowing parameters: [String] = [], _ render: (Asked) async throws -> Response) async throws -> Response {
        let query = try request.query(allowed: ["lang"] + parameters)
        var asked = Asked(language: try Language.of(request, query: query), remember: query["lang"] != nil, query: query)
        do {
            asked.actor = try service.reader(of: request)
        } catch let error as APIError where error.status == .unauthorized {
            let body = HTML.element("h1") { asked.say(.signInNeeded) } + HTML.element("p") { asked.say(.signInNeededDetail) }
                + signInForm(asked, next: request.uri.path)
            return asked.page(asked.say(.signInNeeded), body, status: .unauthorized)
        }
        do { return try await render(asked) } catch {
            // An id or a date in the query that does not parse is the reader's typo, not the server's fault.
            let shaped = (error as? ValidationError).map { APIError(.badRequest, "bad-query", $0.reason) } ?? APIError.from(error)
            let body = HTML.element("h1") { asked.say(.somethingWrong) }
                + HTML.element("p", ["class": "error"]) { shaped.message }
                + HTML.element("p") { HTML.element("a", ["href": "/"]) { asked.say(.allDirectives) } }
            return asked.page(asked.say(.somethingWrong), body, status: shaped.status)
        }
    }

    /// The home page: every directive, with how far its units have come at a glance. The matrices
    /// come from the matrix cache when it holds every directive's at this head (as it does after the
    /// server's start), else from one read of the whole status, which then fills the cache.
    private func home(_ request: Request, _ asked: Asked) async throws -> Response {
        let (head, matrices) = try await service.handles.with { [service] ledger -> (String, [StatusMatrix]) in
            let head = String(describing: try ledger.head())
            let ids = try ledger.directives().map(\.id)
            let cached = service.matrices.withLock { cache in ids.compactMap { cache.matrices("\($0)|||", head: head)?.first } }
            if cached.count == ids.count { return (head, cached) }
            let all = try ledger.status()
            service.matrices.withLock { cache in
                for matrix in all.prefix(MatrixCache.limit) { cache.store("\(matrix.directive)|||", head: head, [matrix]) }
            }
            return (head, all)
        }
        if try asked.wantsCSV() {
            let say = asked.say
            let header = [Phrase.directive, .title, .version, .issuer, .issued].map(say) + [say(.units)]
                + [Phrase.adopted, .clauses, .reported, .done, .flags].map(say)
            let rows = matrices.map { m -> [CSV.Cell] in
                let g = Glance(m)
                return [.text(m.directive.rawValue), .text(m.title), .number("\(m.version)"), .text(m.issuer.rawValue), .text("\(m.issued)")]
                    + [g.units, g.adopted, g.cells, g.reported, g.done, g.flags].map { CSV.Cell.number("\($0)") }
            }
            return asked.csv(CSV(header: header, rows: rows), name: "directives")
        }
        let body = HTML.element("h1") { asked.say(.directives) }
            + HTML.element("p", ["class": "meta"]) {
                "\(matrices.count) " + asked.say(.directivesCount) + " · " + asked.say(.ledgerHead) + " "
                HTML.element("code") { String(head.prefix(12)) }
                " · "
                HTML.element("a", ["href": "?format=csv", "download": ""]) { asked.say(.downloadCSV) }
                " · "
                HTML.element("a", ["href": "/checkpoints/new"]) { asked.say(.writeCheckpoint) }
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
        body += HTML.element("p") { HTML.element("a", ["href": "/directives/\(pathPart(latest.id.rawValue))/matrix"]) { say(.openMatrix) } }
        if versions.count > 1 { body += HTML.element("p", ["class": "legend"]) { say(.changedFromPrevious) } }
        for (n, version) in versions.enumerated().reversed() {
            body += versionSection(version, previous: n > 0 ? versions[n - 1].directive : nil, say: say)
        }
        return asked.page("\(latest.id) \(latest.title)", body)
    }

    /// A unit's plan for a directive beside its basis, clause by clause: each plan clause against the
    /// basis clause it carries (characters for Chinese, words for English), its reading and each
    /// change with its effect, the clauses it leaves out and adds, and its flags; `at` reads it as it
    /// was at the end of a day or at a commit.
    private func unit(_ request: Request, _ asked: Asked, directive id: String, unit rawUnit: String) async throws -> Response {
        let say = asked.say, language = asked.language
        let directive = try DirectiveID(id.removingPercentEncoding ?? id)
        let unit = try UnitID(rawUnit.removingPercentEncoding ?? rawUnit)
        let at = asked.query["at"].flatMap { $0.isEmpty ? nil : $0 }
        let (report, chain, progress, findings, history) = try await service.handles.with { ledger in
            try ledger.requireExisting(unit: unit, directive: directive)
            let report = try ledger.diff(directive: directive, unit: unit, at: at)
            let chain = try ledger.chain(directive: directive, unit: unit, at: at)
            let progress = try ledger.record(.progress(directive, unit), at: try ledger.resolve(at: at)).map { try LedgerModel.Progress(json: $0, at: .root) }
            let findings = try ledger.findings(unit: unit).filter { $0.unit == unit && ($0.directive == nil || $0.directive == directive) }
            let history = try historySource(ledger).log(HistoryFilter(unit: unit, directive: directive))
            return (report, chain, progress, findings, history)
        }
        let matrixHref = "/directives/\(pathPart(directive.rawValue))/matrix"
        var body = directiveCrumbs(directive, say: say) {
            HTML.element("a", ["href": matrixHref]) { say(.matrix) }
        }
        body += HTML.element("h1") { HTML.element("code") { unit.rawValue }; " · "; HTML.element("code") { directive.rawValue } }
        body += HTML.element("p", ["class": "actions"]) {
            HTML.element("a", ["href": "/report?directive=\(queryPart(directive.rawValue))&unit=\(queryPart(unit.rawValue))"]) { say(.reportProgress) }
            " "
            HTML.element("a", ["href": "/plan?directive=\(queryPart(directive.rawValue))&unit=\(queryPart(unit.rawValue))"]) { say(.editPlan) }
        }
        body += HTML.element("p", ["class": "meta"]) {
            report.against == .directive ? say(.basisIsDirective) : say(.basisIsPlan) + " "
            if report.against != .directive { HTML.element("code") { report.againstUnit.rawValue } }
            " · " + say(.version) + " \(report.againstVersion)"
            if report.behind > 0 { " · " + say(.behindBy) + " \(report.behind)" }
        }
        body += HTML.element("form", ["class": "filters", "method": "get"]) {
            HTML.element("label") {
                say(.asOf)
                HTML.void("input", ["type": "text", "name": "at", "value": at ?? "", "placeholder": "YYYY-MM-DD", "size": "12"])
            }
            HTML.void("input", ["type": "hidden", "name": "lang", "value": language.rawValue])
            HTML.element("button", ["type": "submit"]) { say(.show) }
        }
        body += HTML.element("table", ["class": "sidebyside"]) {
            HTML.element("thead") {
                HTML.element("tr") {
                    HTML.element("th", ["scope": "col"]) { say(.clause) }
                    HTML.element("th", ["scope": "col"]) { say(.basis) }
                    HTML.element("th", ["scope": "col"]) { say(.plan) }
                    HTML.element("th", ["scope": "col"]) { say(.reading) }
                }
            }
            HTML.element("tbody") {
                for reading in report.reading.clauses { readingRow(reading, directive: at == nil ? directive : nil, unit: unit, language: language, say: say) }
            }
        }
        if !report.reading.added.isEmpty {
            body += HTML.element("h2") { say(.addedHere) }
            body += HTML.element("ol", ["class": "clauses"]) {
                for clause in report.reading.added { clauseItem(clause, before: clause, say: say) }
            }
        }
        body += HTML.element("h2") { say(.flags) + " \(report.flags.count)" }
        if report.flags.isEmpty {
            body += HTML.element("p") { say(.noFlags) }
        } else {
            body += HTML.element("div", ["class": "scroll"]) {
                HTML.element("table", ["class": "flags"]) {
                    HTML.element("thead") {
                        HTML.element("tr") {
                            for phrase in [Phrase.kind, .unit, .directive, .clause, .finding, .evidence] { HTML.element("th", ["scope": "col"]) { say(phrase) } }
                        }
                    }
                    HTML.element("tbody") { for flag in report.flags { flagRow(flag, language: language) } }
                }
            }
        }
        body += unitSections(unit: unit, directive: directive, chain: chain, progress: progress, findings: findings, history: history, asked: asked)
        return asked.page("\(unit) · \(directive)", body)
    }

    private func readingRow(_ reading: ClauseReading, directive: DirectiveID? = nil, unit: UnitID? = nil, language: Language, say: (Phrase) -> String) -> HTML {
        HTML.element("tr", ["class": "reading \(reading.fidelity.rawValue)", "data-clause": reading.basisId.rawValue]) {
            HTML.element("th", ["scope": "row"]) {
                reading.basisId.rawValue
                if let id = reading.id, id != reading.basisId { " → " + id.rawValue }
            }
            HTML.element("td", ["class": "basis"]) { reading.basis.text }
            HTML.element("td", ["class": "plan"]) {
                if let plan = reading.plan {
                    diffed(reading.basis.text, plan.text)
                    if let reason = plan.reason { HTML.element("p", ["class": "reason"]) { HTML.element("strong") { say(.reasonGiven) }; " " + reason } }
                } else {
                    HTML.element("em") { say(.omitted) }
                    if reading.approved { " · " + say(.approved) } else if reading.declared {
                        " · " + say(.declared) + " "
                        if let directive, let unit {
                            HTML.element("a", ["href": "/exemptions/approve?directive=\(queryPart(directive.rawValue))&unit=\(queryPart(unit.rawValue))&clause=\(queryPart(reading.basisId.rawValue))"]) { say(.approveExemption) }
                        }
                    }
                }
            }
            HTML.element("td", ["class": "verdict"]) { verdict(reading, language: language) }
        }
    }

    /// A clause's reading: its class, and each change with its effect. The plan page's live
    /// preview draws the same markup from the preview's answer (`web/luoshi.js`, `verdict`).
    func verdict(_ reading: ClauseReading, language: Language) -> HTML {
        HTML.element("span", ["class": "class"]) { reading.fidelity.said(in: language) }
            + (reading.changes.isEmpty ? HTML() : HTML.element("ul", ["class": "changes"]) {
                for change in reading.changes {
                    HTML.element("li", ["class": "effect \(change.effect.rawValue)"]) {
                        HTML.element("code") { change.field }
                        " " + DiffText.render(change.from) + " → " + DiffText.render(change.to) + " · " + change.effect.said(in: language)
                    }
                }
            })
    }

    /// Flags per page of the flags page.
    static let flagsPageSize = 100

    /// The flags: counted by kind (each count filters by it), then each flag with the unit, directive
    /// and clause it is raised on and what raised it; filtered by kind, directive and unit (with the
    /// units under it), paged.
    private func flags(_ request: Request, _ asked: Asked) async throws -> Response {
        let q = asked.query, say = asked.say, language = asked.language
        func given(_ name: String) -> String? { q[name].flatMap { $0.isEmpty ? nil : $0 } }
        let kind = try given("kind").map { raw in
            guard let k = FlagKind(rawValue: raw) else { throw LedgerError.usage("kind=\(raw) is not a flag kind") }
            return k
        }
        let directive = try given("directive").map(DirectiveID.init)
        let unit = try given("unit").map(UnitID.init)
        let offset = try given("offset").map { raw in
            guard let n = Int(raw), n >= 0 else { throw LedgerError.usage("offset=\(raw): give a number of flags to skip, 0 or more") }
            return n
        } ?? 0
        let (all, directives) = try await service.handles.with { ledger in
            try ledger.requireExisting(unit: unit, directive: directive)
            return (try ledger.flags(at: nil, unit: unit, directive: directive, kinds: nil), try ledger.directives().map(\.id))
        }
        let shown = kind.map { k in all.filter { $0.kind == k } } ?? all
        if try asked.wantsCSV() {
            let header = [Phrase.kind, .unit, .directive, .clause, .finding, .evidence].map(say)
            let rows = shown.map { flag -> [CSV.Cell] in
                [.text(flag.kind.said(in: language)), .text(flag.unit.rawValue), .text(flag.directive?.rawValue ?? ""),
                 .text(flag.clause?.rawValue ?? ""), .text(flag.finding?.rawValue ?? ""), .text(Self.evidenceText(flag.detail))]
            }
            return asked.csv(CSV(header: header, rows: rows), name: "flags")
        }
        guard offset <= shown.count else { throw LedgerError.usage("offset=\(offset) is past the \(shown.count) flags") }
        let page = shown[offset..<min(shown.count, offset + Self.flagsPageSize)]
        var counts: [FlagKind: Int] = [:]
        for flag in all { counts[flag.kind, default: 0] += 1 }
        func link(_ changes: [String: String?]) -> String {
            var items = q.filter { $0.key != "lang" && $0.key != "offset" && !$0.value.isEmpty }
            for (key, value) in changes { items[key] = value }
            var components = URLComponents()
            components.queryItems = items.map { URLQueryItem(name: $0.key, value: $0.value) }.sorted { $0.name < $1.name }
            return "/flags" + (components.queryItems!.isEmpty ? "" : "?" + (components.percentEncodedQuery ?? ""))
        }
        var body = HTML.element("p", ["class": "crumbs"]) { HTML.element("a", ["href": "/"]) { say(.allDirectives) } }
        body += HTML.element("h1") { say(.flags) }
        body += HTML.element("ul", ["class": "counts"]) {
            HTML.element("li") {
                kind == nil ? HTML.element("strong") { say(.allFlags) + " \(all.count)" }
                            : HTML.element("a", ["href": link(["kind": nil])]) { say(.allFlags) + " \(all.count)" }
            }
            for k in FlagKind.allCases where counts[k] != nil {
                HTML.element("li", ["data-kind": k.rawValue]) {
                    k == kind ? HTML.element("strong") { k.said(in: language) + " \(counts[k]!)" }
                              : HTML.element("a", ["href": link(["kind": k.rawValue])]) { k.said(in: language) + " \(counts[k]!)" }
                }
            }
        }
        body += HTML.element("form", ["class": "filters", "method": "get"]) {
            if let kind { HTML.void("input", ["type": "hidden", "name": "kind", "value": kind.rawValue]) }
            HTML.element("label") {
                say(.directive)
                HTML.element("select", ["name": "directive"]) {
                    HTML.element("option", ["value": "", "selected": directive == nil ? "" : nil]) { say(.anyDirective) }
                    for d in directives { HTML.element("option", ["value": d.rawValue, "selected": d == directive ? "" : nil]) { d.rawValue } }
                }
            }
            HTML.element("label") {
                say(.unit)
                HTML.void("input", ["type": "search", "name": "unit", "value": unit?.rawValue ?? ""])
            }
            HTML.void("input", ["type": "hidden", "name": "lang", "value": language.rawValue])
            HTML.element("button", ["type": "submit"]) { say(.filter) }
        }
        body += HTML.element("p", ["class": "meta"]) {
            "\(shown.count) " + say(.flagsShown) + " · "
            HTML.element("a", ["href": link(["format": "csv"]), "download": ""]) { say(.downloadCSV) }
        }
        if page.isEmpty {
            body += HTML.element("p") { say(.noFlags) }
        } else {
            body += HTML.element("div", ["class": "scroll"]) {
                HTML.element("table", ["class": "flags"]) {
                    HTML.element("thead") {
                        HTML.element("tr") {
                            for phrase in [Phrase.kind, .unit, .directive, .clause, .finding, .evidence] { HTML.element("th", ["scope": "col"]) { say(phrase) } }
                        }
                    }
                    HTML.element("tbody") {
                        for flag in page { flagRow(flag, language: language) }
                    }
                }
            }
        }
        if offset > 0 || offset + page.count < shown.count {
            body += HTML.element("nav", ["class": "pager"]) {
                if offset > 0 { HTML.element("a", ["href": link(["offset": "\(max(0, offset - Self.flagsPageSize))"]), "rel": "prev"]) { say(.previousPage) } }
                if offset + page.count < shown.count { HTML.element("a", ["href": link(["offset": "\(offset + page.count)"]), "rel": "next"]) { say(.nextPage) } }
            }
        }
        return asked.page(say(.flags), body)
    }

    /// What raised a flag, on one line: `key: value; …` as the page lists it.
    static func evidenceText(_ detail: JSONValue) -> String {
        guard case .object(let fields) = detail, !fields.isEmpty else { return DiffText.render(detail) }
        return fields.sorted { $0.key < $1.key }.map { "\($0.key): \(DiffText.render($0.value))" }.joined(separator: "; ")
    }

    func flagRow(_ flag: Flag, language: Language) -> HTML {
        HTML.element("tr", ["data-kind": flag.kind.rawValue, "data-unit": flag.unit.rawValue]) {
            HTML.element("td") { HTML.element("span", ["class": "flag \(flag.kind.rawValue)"]) { flag.kind.said(in: language) } }
            HTML.element("td") { HTML.element("code") { flag.unit.rawValue } }
            HTML.element("td") {
                if let d = flag.directive {
                    HTML.element("a", ["href": "/directives/\(pathPart(d.rawValue))"]) { HTML.element("code") { d.rawValue } }
                } else { "—" }
            }
            HTML.element("td") { flag.clause?.rawValue ?? "—" }
            HTML.element("td") {
                if let finding = flag.finding { HTML.element("code") { finding.rawValue } } else {
                    HTML.element("a", ["href": "/findings/new?" + [("unit", flag.unit.rawValue), ("directive", flag.directive?.rawValue), ("clause", flag.clause?.rawValue),
                                                                   ("text", flag.kind.said(in: language) + ": " + Self.evidenceText(flag.detail))]
                        .compactMap { name, value in value.map { "\(name)=\(queryPart($0))" } }.joined(separator: "&")]) { Phrase.openFindingFromFlag.said(in: language) }
                }
            }
            HTML.element("td", ["class": "detail"]) {
                if case .object(let fields) = flag.detail, !fields.isEmpty {
                    HTML.element("dl", ["class": "terms"]) {
                        for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
                            HTML.element("dt") { key }
                            HTML.element("dd") { DiffText.render(value) }
                        }
                    }
                } else { DiffText.render(flag.detail) }
            }
        }
    }

    /// Units per page of the matrix, unless `limit=` says.
    static let matrixPageSize = 50

    /// The matrix: units × clauses as the report draws it, filtered (level, reading, flag, unit id)
    /// and paged on the server, with the units' progress rolled up by level above it.
    private func matrix(_ request: Request, _ asked: Asked, id: String) async throws -> Response {
        let q = asked.query, say = asked.say, language = asked.language
        let directiveID = try DirectiveID(id.removingPercentEncoding ?? id)
        func choice<T: RawRepresentable>(_ name: String, _ type: T.Type) throws -> T? where T.RawValue == String {
            guard let raw = q[name], !raw.isEmpty else { return nil }
            guard let value = T(rawValue: raw) else { throw LedgerError.usage("\(name)=\(raw) is not one of the choices") }
            return value
        }
        let filter = StatusFilter(level: q["level"].flatMap { $0.isEmpty ? nil : $0 }, fidelity: try choice("class", FidelityClass.self),
                                  flag: try choice("flag", FlagKind.self), unit: q["unit"])
        let whole = try await service.handles.with { [service] ledger -> StatusMatrix in
            try ledger.requireDirective(directiveID)
            let head = String(describing: try ledger.head())
            let question = "\(directiveID)|||"
            let matrices = try service.matrices.withLock { $0.matrices(question, head: head) } ?? {
                let read = try ledger.status(directive: directiveID)
                service.matrices.withLock { $0.store(question, head: head, read) }
                return read
            }()
            guard let matrix = matrices.first else { throw LedgerError.notFound("directive \(directiveID) has no status") }
            return matrix
        }
        let shown = whole.filtered(filter)
        if try asked.wantsCSV() {
            var header = [say(.unit), say(.level), say(.adoption)]
            for clause in whole.clauses { header += [say(.clause) + " \(clause) · " + say(.reading), say(.clause) + " \(clause) · " + say(.status)] }
            header.append(say(.flags))
            let rows = shown.rows.map { row -> [CSV.Cell] in
                let cells = Dictionary(row.cells.map { ($0.clause, $0) }, uniquingKeysWith: { a, _ in a })
                var out: [CSV.Cell] = [.text(row.unit.rawValue), .text(row.level ?? ""), .text(row.adoption.said(in: language))]
                for clause in whole.clauses {
                    out += [.text(cells[clause]?.fidelity?.said(in: language) ?? ""), .text(cells[clause]?.report?.status.said(in: language) ?? "")]
                }
                out.append(.number(String(row.flagTotal)))
                return out
            }
            return asked.csv(CSV(header: header, rows: rows), name: "matrix-\(whole.directive)")
        }
        var limit = Self.matrixPageSize
        if let asked = q["limit"] {
            guard let n = Int(asked), (1...500).contains(n) else { throw LedgerError.usage("limit=\(asked): give a number of units per page from 1 to 500") }
            limit = n
        }
        let (rows, next) = try PageRequest(limit: limit, cursor: q["cursor"]).page(shown.rows) { $0.unit.rawValue }
        var body = HTML.element("p", ["class": "crumbs"]) {
            HTML.element("a", ["href": "/"]) { say(.allDirectives) }
            " › "
            HTML.element("a", ["href": "/directives/\(pathPart(whole.directive.rawValue))"]) { whole.directive.rawValue }
        }
        body += HTML.element("h1") { say(.matrix) + " · "; HTML.element("code") { whole.directive.rawValue }; " "; whole.title }
        body += levelRollup(shown, say: say)
        body += filterForm(whole, filter, language: language, say: say)
        body += HTML.element("p", ["class": "meta"]) {
            "\(shown.rows.count) / \(whole.rows.count) " + say(.unitsShown) + " · "
            HTML.element("a", ["href": matrixLink(q.merging(["format": "csv"]) { $1 }, cursor: nil), "download": ""]) { say(.downloadCSV) }
        }
        if rows.isEmpty {
            body += HTML.element("p") { say(.noUnitsMatch) }
        } else {
            body += HTML.element("div", ["class": "scroll"]) {
                HTML.element("table", ["class": "matrix"]) {
                    HTML.element("thead") {
                        HTML.element("tr") {
                            HTML.element("th", ["scope": "col"]) { say(.unit) }
                            HTML.element("th", ["scope": "col"]) { say(.level) }
                            HTML.element("th", ["scope": "col"]) { say(.adoption) }
                            for clause in whole.clauses { HTML.element("th", ["scope": "col", "class": "clause"]) { clause.rawValue } }
                            HTML.element("th", ["scope": "col", "class": "number"]) { say(.flags) }
                        }
                    }
                    HTML.element("tbody") {
                        for row in rows { matrixRow(row, directive: whole.directive, clauses: whole.clauses, language: language, say: say) }
                    }
                }
            }
        }
        if q["cursor"] != nil || next != nil {
            body += HTML.element("nav", ["class": "pager"]) {
                if q["cursor"] != nil { HTML.element("a", ["href": matrixLink(q, cursor: nil)]) { say(.firstPage) } }
                if let next { HTML.element("a", ["href": matrixLink(q, cursor: next), "rel": "next"]) { say(.nextPage) } }
            }
        }
        return asked.page(say(.matrix) + " · \(whole.directive)", body)
    }

    private func matrixRow(_ row: StatusRow, directive: DirectiveID, clauses: [ClauseID], language: Language, say: (Phrase) -> String) -> HTML {
        let cells = Dictionary(row.cells.map { ($0.clause, $0) }, uniquingKeysWith: { a, _ in a })
        return HTML.element("tr", ["data-unit": row.unit.rawValue]) {
            HTML.element("th", ["scope": "row"]) {
                if row.adoption == .notAdopted {
                    HTML.element("code") { row.unit.rawValue }
                    " "
                    HTML.element("a", ["class": "adopt", "href": "/adopt?directive=\(queryPart(directive.rawValue))&unit=\(queryPart(row.unit.rawValue))"]) { say(.adoptDirective) }
                } else {
                    HTML.element("a", ["href": "/directives/\(pathPart(directive.rawValue))/units/\(unitPath(row.unit.rawValue))"]) { HTML.element("code") { row.unit.rawValue } }
                }
            }
            HTML.element("td") { row.level ?? "—" }
            HTML.element("td", ["class": "adoption \(row.adoption.rawValue)"]) { row.adoption.said(in: language) }
            for clause in clauses {
                if let cell = cells[clause] {
                    HTML.element("td", ["class": "cell \(cell.fidelity?.rawValue ?? "none")", "data-clause": clause.rawValue]) {
                        if let fidelity = cell.fidelity { HTML.element("span", ["class": "class"]) { fidelity.said(in: language) } }
                        HTML.element("span", ["class": "progress"]) { cell.report.map { $0.status.said(in: language) } ?? say(.noReport) }
                    }
                } else {
                    HTML.element("td", ["class": "cell none", "data-clause": clause.rawValue]) { "—" }
                }
            }
            HTML.element("td", ["class": "number"]) { row.flagTotal }
        }
    }

    /// Units, plans adopted, clauses reported and done, per level of the units shown.
    private func levelRollup(_ matrix: StatusMatrix, say: (Phrase) -> String) -> HTML {
        HTML.element("section", ["class": "rollup"]) {
            HTML.element("h2") { say(.byLevel) }
            HTML.element("table", ["class": "directives"]) {
                HTML.element("thead") {
                    HTML.element("tr") {
                        HTML.element("th", ["scope": "col"]) { say(.level) }
                        for phrase in [Phrase.adopted, .reported, .done, .flags] { HTML.element("th", ["scope": "col", "class": "number"]) { say(phrase) } }
                    }
                }
                HTML.element("tbody") {
                    for level in matrix.levels {
                        let glance = Glance(matrix.filtered(StatusFilter(level: level)))
                        HTML.element("tr", ["data-level": level]) {
                            HTML.element("th", ["scope": "row"]) { level }
                            share(glance.adopted, of: glance.units, label: say(.adopted))
                            share(glance.reported, of: glance.cells, label: say(.reported))
                            share(glance.done, of: glance.cells, label: say(.done))
                            HTML.element("td", ["class": "number", "data-label": say(.flags)]) { glance.flags }
                        }
                    }
                }
            }
        }
    }

    /// The filters, a form that works without script (GET to the same page).
    private func filterForm(_ matrix: StatusMatrix, _ filter: StatusFilter, language: Language, say: (Phrase) -> String) -> HTML {
        func option(_ value: String, _ label: String, selected: Bool) -> HTML {
            HTML.element("option", ["value": value, "selected": selected ? "" : nil]) { label }
        }
        return HTML.element("form", ["class": "filters", "method": "get"]) {
            HTML.element("label") {
                say(.level)
                HTML.element("select", ["name": "level"]) {
                    option("", say(.anyLevel), selected: filter.level == nil)
                    for level in matrix.levels { option(level, level, selected: filter.level == level) }
                }
            }
            HTML.element("label") {
                say(.reading)
                HTML.element("select", ["name": "class"]) {
                    option("", say(.anyClass), selected: filter.fidelity == nil)
                    for c in FidelityClass.allCases { option(c.rawValue, c.said(in: language), selected: filter.fidelity == c) }
                }
            }
            HTML.element("label") {
                say(.flags)
                HTML.element("select", ["name": "flag"]) {
                    option("", say(.anyFlag), selected: filter.flag == nil)
                    for k in FlagKind.allCases { option(k.rawValue, k.said(in: language), selected: filter.flag == k) }
                }
            }
            HTML.element("label") {
                say(.unitContains)
                HTML.void("input", ["type": "search", "name": "unit", "value": filter.unit ?? ""])
            }
            HTML.void("input", ["type": "hidden", "name": "lang", "value": language.rawValue])
            HTML.element("button", ["type": "submit"]) { say(.filter) }
        }
    }

    /// This page's URL with the same filters, at `cursor`.
    private func matrixLink(_ q: [String: String], cursor: String?) -> String {
        var items = URLComponents()
        var query = q.filter { $0.key != "cursor" && $0.key != "lang" && !$0.value.isEmpty }.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        if let cursor { query.append(URLQueryItem(name: "cursor", value: cursor)) }
        items.queryItems = query
        return "?" + (items.percentEncodedQuery ?? "")
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

    func targetsText(_ targets: [Target]) -> String {
        targets.isEmpty ? "—" : targets.map { "\($0.metric) \($0.op.rawValue) \(DiffText.fmt($0.value))\($0.unit.map { " \($0)" } ?? "")" }.joined(separator: "; ")
    }

    /// `new` against `old`: removed pieces struck through, added ones underlined.
    func diffed(_ old: String, _ new: String) -> HTML {
        if old == new || old.isEmpty { return HTML.text(new) }
        return TextDiff.pieces(old, new).map { piece -> HTML in
            switch piece {
            case .same(let s): HTML.text(s)
            case .removed(let s): HTML.element("del") { s }
            case .added(let s): HTML.element("ins") { s }
            }
        }.joined()
    }

    func modalityPhrase(_ m: Modality) -> Phrase {
        switch m {
        case .must: .must
        case .should: .should
        case .may: .may
        case .mustNot: .mustNot
        case .shouldNot: .shouldNot
        }
    }

    func signaturePhrase(_ s: HistoryEntry.SignatureStatus) -> Phrase {
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
                            HTML.element("a", ["href": "/directives/" + pathPart(matrix.directive.rawValue)]) {
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

/// An id as one segment of a path.
extension WebController {
    /// All directives › the directive › `last`: the crumbs of a page about one directive.
    func directiveCrumbs(_ directive: DirectiveID, say: (Phrase) -> String, @HTMLBuilder last: () -> HTML) -> HTML {
        HTML.element("p", ["class": "crumbs"]) {
            HTML.element("a", ["href": "/"]) { say(.allDirectives) }
            " › "
            HTML.element("a", ["href": "/directives/\(pathPart(directive.rawValue))"]) { directive.rawValue }
            " › "
            last()
        }
    }
}

func pathPart(_ id: String) -> String {
    id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? id
}

/// A value as a query parameter: everything but letters, digits and `-._~/` percent-encoded.
func queryPart(_ value: String) -> String {
    value.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/")) ?? value
}

/// A unit id as the rest of a path: each of its segments encoded, the slashes kept.
func unitPath(_ id: String) -> String {
    id.split(separator: "/", omittingEmptySubsequences: false).map { pathPart(String($0)) }.joined(separator: "/")
}

/// A directive at a glance: its units, how many adopted a plan, and how many of their clauses were
/// reported on and reported done; the flags raised on them.
struct Glance: Equatable {
    var units = 0, adopted = 0, cells = 0, reported = 0, done = 0, flags = 0

    init(_ matrix: StatusMatrix) {
        self.init(rows: matrix.rows)
    }

    init(rows: [StatusRow]) {
        for row in rows {
            units += 1
            if row.adoption != .notAdopted { adopted += 1 }
            cells += row.cells.count
            reported += row.cells.filter { $0.report != nil }.count
            done += row.cells.filter { $0.report?.status == .done }.count
            flags += row.flagTotal
        }
    }
}
