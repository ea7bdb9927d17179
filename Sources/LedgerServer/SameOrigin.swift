import Foundation
import HTTPTypes
import Hummingbird

/// Refuses a write that a browser sends from another site: a request that changes something
/// (anything but GET, HEAD and OPTIONS) with an `Origin` other than this server's, or one the
/// browser marks `Sec-Fetch-Site: cross-site`, is answered 403 `bad-origin` before any handler
/// runs. Programs (the CLI, curl, git) send no `Origin` and are not affected; the session cookie is
/// SameSite=Strict besides, and a write's authority is its signature, not the cookie.
struct SameOrigin: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if ![.get, .head, .options].contains(request.method), let refusal = Self.refusal(of: request) {
            throw APIError(.forbidden, "bad-origin", refusal)
        }
        return try await next(request, context)
    }

    /// Why `request` is not from this server's own pages; nil when it is, or is not from a browser.
    static func refusal(of request: Request) -> String? {
        if request.headers[HTTPField.Name("Sec-Fetch-Site")!] == "cross-site" {
            return "this request comes from another site (Sec-Fetch-Site: cross-site); write from this server's own pages or from a program"
        }
        guard let origin = request.headers[.origin] else { return nil }
        let host = request.head.authority ?? ""
        if Self.matches(origin: origin, host: host) { return nil }
        return "this request comes from \(origin), not from this server (\(host)); write from this server's own pages or from a program"
    }

    /// `origin` (`scheme://host[:port]`) names `host` (the Host header): the same authority, or the
    /// same name when a proxy in front passes the host without its port. (HTTP/1 `Host` is the
    /// request's authority here.)
    static func matches(origin: String, host: String) -> Bool {
        guard let schemeEnd = origin.range(of: "://"), !host.isEmpty else { return false }
        let authority = origin[schemeEnd.upperBound...].lowercased()
        let host = host.lowercased()
        if authority == host { return true }
        guard !host.contains(":") || host.hasPrefix("[") && host.hasSuffix("]") else { return false }
        let name = authority.hasPrefix("[") ? String(authority.prefix { $0 != "]" }) + "]" : String(authority.prefix { $0 != ":" })
        return name == host
    }
}
