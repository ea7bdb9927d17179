public import Hummingbird
public import Ledger
public import LedgerModel

/// An answer that is not a success: `{"error": {"code", "message", "pointer"?, "commit"?}}` with its
/// status. Nothing is written when one is answered.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    /// A stable word for programs: `bad-data`, `not-permitted`, `no-session`, `not-found`, …
    public var code: String
    /// A sentence for people: what went wrong and what to do.
    public var message: String
    public var pointer: JSONPointer?
    public var commit: String?
    /// Members beside `error` (a 409 carries a fresh pending to sign).
    var extra: [String: JSONValue] = [:]

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, pointer: JSONPointer? = nil, commit: String? = nil) {
        self.status = status; self.code = code; self.message = message; self.pointer = pointer; self.commit = commit
    }

    /// The one mapping from the library's errors to HTTP statuses (the CLI's to exit codes is
    /// `LedgerError.exitCode`).
    public init(_ error: LedgerError) {
        switch error {
        case .invalidInput(_, let pointer, let reason):
            self.init(.badRequest, "bad-data", reason, pointer: pointer)
        case .notPermitted(_, let reason):
            self.init(.forbidden, "not-permitted", reason)
        case .usage(let message):
            self.init(.badRequest, "bad-request", message)
        case .notFound(let message):
            self.init(.notFound, "not-found", message)
        case .conflict(let message):
            self.init(.conflict, "conflict", message)
        case .internalFailure(let message):
            self.init(.internalServerError, "internal", message)
        case .unavailable(let message):
            self.init(.badGateway, "unavailable", message)
        case .tooLarge(let message):
            self.init(.contentTooLarge, "too-large", message)
        }
    }

    /// Any error a handler let through, as an answer: the library's by the mapping above, anything
    /// else as an internal error (its detail goes to the log, not to the client).
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let e as APIError: return e
        case let e as LedgerError: return APIError(e)
        case let e as HTTPError where e.status == .contentTooLarge:
            return APIError(.contentTooLarge, "too-large", "the request body is larger than this server takes")
        case let e as HTTPError:
            return APIError(e.status, "http", e.body ?? e.status.reasonPhrase)
        default:
            return APIError(.internalServerError, "internal", "the server failed to answer; its log says why")
        }
    }

    var json: JSONValue {
        var error: [String: JSONValue] = ["code": .string(code), "message": .string(message)]
        if let pointer { error["pointer"] = .string(pointer.description) }
        if let commit { error["commit"] = .string(commit) }
        var body = extra
        body["error"] = .object(error)
        return .object(body)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"luoshi\"" }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: CanonicalJSON.encode(json))))
    }
}
