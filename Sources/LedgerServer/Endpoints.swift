import Hummingbird
import Ledger
import LedgerModel

/// One endpoint the server answers: its method and its path as the router matches it (`:name` one
/// segment, `**` the rest of the path). Every controller registers through this list, so it is the
/// whole of what the server answers, and a test holds it equal to `schemas/openapi.json`.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    public var method: String
    public var path: String
    /// The last segment is `**`: it takes the rest of the path, slashes and all (a unit id).
    public var rest: String?

    init(_ method: HTTPRequest.Method, _ path: String, rest: String? = nil) {
        self.method = method.rawValue; self.path = path; self.rest = rest
    }

    /// The path as OpenAPI writes it: `/api/v1/records/{kind}/{id}`.
    public var openAPIPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            if segment.hasPrefix(":") { return "{\(segment.dropFirst())}" }
            if segment == "**", let rest { return "{\(rest)}" }
            return String(segment)
        }.joined(separator: "/")
    }

    public var description: String { "\(method) \(openAPIPath)" }

    public static let health = Endpoint(.get, "/healthz")
    public static let openAPI = Endpoint(.get, "/api/v1/openapi.json")
    public static let schema = Endpoint(.get, "/api/v1/schemas/**", rest: "name")
    public static let ledger = Endpoint(.get, "/api/v1/ledger")
    public static let directives = Endpoint(.get, "/api/v1/directives")
    public static let recordOfKind = Endpoint(.get, "/api/v1/records/:kind")
    public static let record = Endpoint(.get, "/api/v1/records/:kind/**", rest: "id")
    public static let status = Endpoint(.get, "/api/v1/status")
    public static let diff = Endpoint(.get, "/api/v1/diff")
    public static let chain = Endpoint(.get, "/api/v1/chain")
    public static let flags = Endpoint(.get, "/api/v1/flags")
    public static let log = Endpoint(.get, "/api/v1/log")
    public static let blame = Endpoint(.get, "/api/v1/blame")
    public static let history = Endpoint(.get, "/api/v1/history")
    public static let verify = Endpoint(.get, "/api/v1/verify")
    public static let sessionChallenge = Endpoint(.post, "/api/v1/session")
    public static let sessionAnswer = Endpoint(.post, "/api/v1/session/:id")
    public static let logout = Endpoint(.delete, "/api/v1/session")
    public static let prepare = Endpoint(.post, "/api/v1/events")
    public static let sign = Endpoint(.post, "/api/v1/events/:id/signatures")
    public static let witness = Endpoint(.post, "/api/v1/witnesses")
    public static let preview = Endpoint(.post, "/api/v1/preview")
    public static let reportSheet = Endpoint(.post, "/api/v1/sheets/reports")
    public static let evidencePut = Endpoint(.put, "/api/v1/evidence/:sha256")
    public static let evidenceGet = Endpoint(.get, "/api/v1/evidence/:sha256")

    /// git's smart HTTP (`GitController`): git's protocol, not the API's, so not in `all` and not in
    /// the OpenAPI description.
    public static let gitGet = Endpoint(.get, "/git/**", rest: "path")
    public static let gitPost = Endpoint(.post, "/git/**", rest: "path")
    public static let git: [Endpoint] = [gitGet, gitPost]

    /// The web UI's pages and their style sheet (`WebController`): HTML for a browser, not the API's JSON.
    public static let home = Endpoint(.get, "/")
    public static let directivePage = Endpoint(.get, "/directives/:id")
    public static let matrixPage = Endpoint(.get, "/directives/:id/matrix")
    public static let stylesheet = Endpoint(.get, "/assets/luoshi.css")
    public static let flagsPage = Endpoint(.get, "/flags")
    public static let unitPage = Endpoint(.get, "/directives/:id/units/**", rest: "unit")
    public static let signInPage = Endpoint(.get, "/sign-in")
    public static let reportPage = Endpoint(.get, "/report")
    public static let planPage = Endpoint(.get, "/plan")
    public static let findingsPage = Endpoint(.get, "/findings")
    public static let openFindingPage = Endpoint(.get, "/findings/new")
    public static let closeFindingPage = Endpoint(.get, "/findings/close")
    public static let checkpointPage = Endpoint(.get, "/checkpoints/new")
    public static let rectifyPage = Endpoint(.get, "/findings/rectify")
    public static let witnessPage = Endpoint(.get, "/checkpoints/witness")
    public static let historyPage = Endpoint(.get, "/history")
    public static let burdenPage = Endpoint(.get, "/burden")
    public static let sheetPage = Endpoint(.get, "/report/sheet")
    public static let sheetTemplate = Endpoint(.get, "/report/template.csv")
    public static let adoptPage = Endpoint(.get, "/adopt")
    public static let approveExemptionPage = Endpoint(.get, "/exemptions/approve")
    public static let holdPage = Endpoint(.get, "/findings/hold")
    public static let adminPage = Endpoint(.get, "/admin")
    public static let registerUnitPage = Endpoint(.get, "/admin/unit")
    public static let registerActorPage = Endpoint(.get, "/admin/actor")
    public static let revokeKeyPage = Endpoint(.get, "/admin/revoke")
    public static let policyPage = Endpoint(.get, "/admin/policy")
    public static let script = Endpoint(.get, "/assets/luoshi.js")
    public static let web: [Endpoint] = [home, directivePage, matrixPage, unitPage, flagsPage, signInPage, reportPage, planPage,
                                          findingsPage, openFindingPage, closeFindingPage, checkpointPage, historyPage, burdenPage, sheetPage, sheetTemplate, rectifyPage, witnessPage,
                                          adoptPage, approveExemptionPage, holdPage, adminPage, registerUnitPage, registerActorPage, revokeKeyPage, policyPage,
                                          stylesheet, script]

    /// Everything the server answers under `/api/v1/` and `/healthz`.
    public static let all: [Endpoint] = [
        health, openAPI, schema,
        ledger, directives, recordOfKind, record, status, diff, chain, flags, log, blame, history, verify,
        sessionChallenge, sessionAnswer, logout, prepare, sign, witness, preview, reportSheet, evidencePut, evidenceGet,
    ]
}

extension Router where Context == BasicRequestContext {
    /// Registers `endpoint`, which must be one of `Endpoint.all`.
    func on(_ endpoint: Endpoint, use handler: @Sendable @escaping (Request, Context) async throws -> Response) {
        precondition(Endpoint.all.contains(endpoint) || Endpoint.git.contains(endpoint) || Endpoint.web.contains(endpoint), "\(endpoint) is not in Endpoint.all")
        on(RouterPath(endpoint.path), method: HTTPRequest.Method(endpoint.method)!, use: handler)
    }
}

/// `GET /api/v1/openapi.json`, this server's OpenAPI description, and `GET /api/v1/schemas/{name}`,
/// the JSON Schemas it `$ref`s (relative to `/api/v1/`), from the bytes embedded at build time.
/// A schema is served without its `$id`, so its own relative `$ref`s resolve against the URL it was
/// fetched from rather than `https://luoshi.example/schemas/`.
struct DescriptionController: Sendable {
    func register(on router: Router<BasicRequestContext>) {
        router.on(.openAPI) { request, _ in
            _ = try request.query(allowed: [])
            return .bytes(Array(EmbeddedSchemas.files["openapi.json"]!.utf8), contentType: "application/json; charset=utf-8")
        }
        router.on(.schema) { request, context in
            _ = try request.query(allowed: [])
            let name = context.parameters.getCatchAll().joined(separator: "/")
            guard name != "openapi.json", let text = EmbeddedSchemas.files[name] else {
                throw APIError(.notFound, "not-found", "there is no schema \(name); the schemas are those of schemas/ (event.json, defs.json, events/adopt.json, …)")
            }
            return .bytes(Self.servable(text), contentType: "application/schema+json")
        }
    }

    /// The schema without its `"$id"` line (the files are written one member a line).
    static func servable(_ text: String) -> [UInt8] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeAll { $0.hasPrefix("  \"$id\": ") }
        return Array(lines.joined(separator: "\n").utf8)
    }
}
