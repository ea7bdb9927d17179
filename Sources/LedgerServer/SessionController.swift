import Hummingbird
import Ledger
import LedgerModel

/// Sessions by signed challenge: an actor is its registered key, so there are no passwords. The
/// client asks for a challenge, signs its text with `ssh-keygen -Y sign -n luoshi-session`, and gets
/// a token (also set as an HttpOnly, SameSite=Strict cookie, Secure under TLS).
struct SessionController: Sendable {
    let service: LedgerService

    func register(on router: Router<BasicRequestContext>) {
        router.on(.sessionChallenge) { request, _ in try await challenge(request) }
        router.on(.sessionAnswer) { request, context in try await answer(request, context) }
        router.on(.logout) { request, _ in try logout(request) }
    }

    func challenge(_ request: Request) async throws -> Response {
        _ = try request.query(allowed: [])
        var reader = try BodyReader(try await request.json(limit: service.configuration.maxBodyBytes))
        let actor: ActorID = try reader.required("actor")
        try reader.finish()
        let known = try await service.handles.with { ledger in try ledger.ids(of: .actor).contains(actor.rawValue) }
        guard known else {
            throw APIError(.badRequest, "bad-data", "\(actor) is not an actor of this ledger", pointer: JSONPointer.root / "actor")
        }
        let (id, text, expires) = service.challenge(for: actor)
        return .json(.object(["id": .string(id), "challenge": .string(text), "expires": expires.json]), status: .created)
    }

    func answer(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let id = try context.parameters.require("id")
        var reader = try BodyReader(try await request.json(limit: service.configuration.maxBodyBytes))
        let signature: String = try reader.required("signature")
        try reader.finish()
        let challenge = try service.takeChallenge(id)
        try await service.handles.with { ledger in
            try ledger.checkSignature(signature, of: Array(challenge.text.utf8), namespace: Ledger.sessionNamespace,
                                      by: challenge.actor, pointer: JSONPointer.root / "signature")
        }
        let (token, expires) = service.openSession(for: challenge.actor)
        var cookie = "\(sessionCookie)=\(token); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(service.configuration.sessionLifetime)"
        if service.configuration.tls != nil { cookie += "; Secure" }
        var headers = HTTPFields()
        headers[.setCookie] = cookie
        return .json(.object(["token": .string(token), "actor": challenge.actor.json, "expires": expires.json]), status: .created, headers: headers)
    }

    func logout(_ request: Request) throws -> Response {
        _ = try request.query(allowed: [])
        guard let token = request.sessionToken, service.closeSession(token) else {
            throw APIError(.unauthorized, "no-session", "there is no session to end")
        }
        var headers = HTTPFields()
        headers[.setCookie] = "\(sessionCookie)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
        return Response(status: .noContent, headers: headers)
    }
}

extension LedgerService {
    /// Who is reading: the session's actor; nil on a `--public` server without a session. 401 otherwise.
    func reader(of request: Request) throws -> ActorID? {
        if let token = request.sessionToken, let actor = actor(ofSession: token) { return actor }
        if configuration.isPublic { return nil }
        if request.sessionToken != nil {
            throw APIError(.unauthorized, "no-session", "the session has expired or was ended; sign in again with POST /api/v1/session")
        }
        throw APIError(.unauthorized, "no-session", "this server needs a session: POST /api/v1/session {\"actor\"}, sign the challenge with `ssh-keygen -Y sign -n luoshi-session -f KEY`, and send the token as Authorization: Bearer TOKEN")
    }
}
