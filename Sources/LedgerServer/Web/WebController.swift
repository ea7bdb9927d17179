import Hummingbird
import Ledger
import LedgerModel
import LedgerRender

/// The web UI's pages (`Endpoint.web`): each rendered on the server from one library call, and
/// readable as `/api/v1/` is, with a session or on a `--public` server.
struct WebController: Sendable {
    let service: LedgerService

    static let stylesheetPath = "/assets/luoshi.css"

    func register(on router: Router<BasicRequestContext>) {
        router.on(.home) { request, _ in try await home(request) }
        router.on(.stylesheet) { request, _ in
            _ = try request.query(allowed: [])
            var headers = WebPage.headers
            headers[.cacheControl] = "public, max-age=3600"
            return .bytes(Array(WebStyle.sheet.utf8), contentType: "text/css; charset=utf-8", headers: headers)
        }
    }

    /// The home page: every directive, with how far its units have come at a glance.
    private func home(_ request: Request) async throws -> Response {
        let query = try request.query(allowed: ["lang"])
        let language = try Language.of(request, query: query)
        let remember = query["lang"] != nil
        let say = { (phrase: Phrase) in phrase.said(in: language) }
        if let refused = try signInPage(request, language: language, remember: remember) { return refused }
        let (head, matrices) = try await service.handles.with { ledger in
            (String(describing: try ledger.head()), try ledger.status())
        }
        let body = HTML.element("h1") { say(.directives) }
            + HTML.element("p", ["class": "meta"]) {
                "\(matrices.count) " + say(.directivesCount) + " · " + say(.ledgerHead) + " "
                HTML.element("code") { String(head.prefix(12)) }
            }
            + (matrices.isEmpty ? HTML.element("p") { say(.noDirectives) } : directiveTable(matrices, say: say))
        return WebPage(language: language, title: say(.directives), body: body).response(remember: remember)
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
                        HTML.element("th", ["scope": "row", "class": "id"]) { HTML.element("code") { matrix.directive.rawValue } }
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

    /// The sign-in page (401) when the server needs a session and the request has none; nil otherwise.
    private func signInPage(_ request: Request, language: Language, remember: Bool) throws -> Response? {
        do {
            _ = try service.reader(of: request)
            return nil
        } catch let error as APIError where error.status == .unauthorized {
            let say = { (phrase: Phrase) in phrase.said(in: language) }
            let body = HTML.element("h1") { say(.signInNeeded) } + HTML.element("p") { say(.signInNeededDetail) }
            return WebPage(language: language, title: say(.signInNeeded), body: body).response(status: .unauthorized, remember: remember)
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
