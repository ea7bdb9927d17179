import Foundation
import Hummingbird
import Ledger
import LedgerModel
import LedgerRender

/// Writes, in two phases: the server prepares the exact objects an event makes, the client signs
/// them with its own key and sends the signatures, and the server lands them on `main`. The server
/// never sees a private key; every commit is signed by the person who made it.
struct WriteController: Sendable {
    let service: LedgerService

    func register(on router: Router<BasicRequestContext>) {
        router.on(.prepare) { request, context in try await prepare(request, context) }
        router.on(.sign) { request, context in try await sign(request, context) }
        router.on(.witness) { request, context in try await witness(request, context) }
        router.on(.preview) { request, _ in try await preview(request) }
        router.on(.reportSheet) { request, _ in try await reportSheet(request) }
    }

    /// `POST /api/v1/sheets/reports[?actor=A]` with a spreadsheet of progress reports as the body
    /// (CSV, UTF-8 or GB18030): each row read and checked against the head as a write would be,
    /// nothing written. The client then prepares and signs one event a row. The actor is the
    /// session's, else `actor`.
    func reportSheet(_ request: Request) async throws -> Response {
        let query = try request.query(allowed: ["actor"])
        let sessionActor = try service.reader(of: request)
        let asked = try parseParameter(query["actor"], "actor", ActorID.init)
        if let sessionActor, let asked, sessionActor != asked {
            throw APIError(.forbidden, "not-permitted", "actor=\(asked) is not this session's actor (\(sessionActor))")
        }
        guard let actor = sessionActor ?? asked else {
            throw APIError(.badRequest, "bad-query", "give ?actor=: the actor who will sign the reports")
        }
        let bytes = try await request.bytes(limit: service.configuration.maxBodyBytes)
        let sheet = try await service.handles.with { [service] ledger in
            try ledger.check(try ReportSheet.read(bytes, actor: actor, at: service.now))
        }
        let rows: [JSONValue] = sheet.rows.map { row in
            var event: JSONValue = .null
            if case .object(var members)? = row.event?.json {
                members["at"] = nil   // dated by the server when each is prepared
                event = .object(members)
            }
            return .object(["row": .integer(Int64(row.row)), "event": event,
                            "problems": .array(row.problems.map { p in .object(["column": p.column.map { .string($0) } ?? .null, "message": .string(p.message)]) })])
        }
        return .json(.object(["rows": .array(rows), "problems": .integer(Int64(sheet.problems.count))]), status: .ok)
    }

    /// The event of a request's body, in `EVENTS.md`'s format, dated by the server's clock when it
    /// leaves out `at`; refused when its actor is not the session's.
    private func event(of request: Request) async throws -> (event: Event, serverDated: Bool) {
        let sessionActor = try service.reader(of: request)
        var value = try await request.json(limit: service.configuration.maxBodyBytes)
        // An event may leave `at` to the server: it is then dated now by the ledger's clock.
        var serverDated = false
        if case .object(var members) = value, members["at"] == nil {
            members["at"] = service.now.json
            value = .object(members)
            serverDated = true
        }
        let event: Event
        do { event = try Event(json: value, at: .root) } catch let e as ValidationError { throw APIError(e) }
        if let sessionActor, sessionActor != event.actor {
            throw APIError(.forbidden, "not-permitted", "the event's actor \(event.actor) is not this session's (\(sessionActor)); sign in as \(event.actor) to write as them", pointer: JSONPointer.root / "actor")
        }
        return (event, serverDated)
    }

    /// `POST /api/v1/preview`: how the unit's plan would read once an `edit-plan` event landed,
    /// exactly what `GET /api/v1/diff` would then answer; checked as a write is, nothing written.
    func preview(_ request: Request) async throws -> Response {
        _ = try request.query(allowed: [])
        try refuseWhenReadOnly()
        let (event, _) = try await event(of: request)
        let report = try await service.handles.with { ledger in try ledger.preview(event) }
        return .json(JSONDocument.diff(report), status: .ok)
    }

    /// Step 1: one event in, its first object to sign out.
    func prepare(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        _ = try request.query(allowed: [])
        try refuseWhenReadOnly()
        let (event, serverDated) = try await event(of: request)
        // Dated when its turn comes: a write that waited is not dated before the one that landed ahead of it.
        let (write, id, expires) = try await prepareInTurn(event, serverDated: serverDated)
        return pendingAnswer(write, id: id, expires: expires, status: .ok)
    }

    /// Step 1 of a witness's co-signature of a checkpoint (`luoshi witness`, which is a tag and not
    /// an event): `{"actor", "checkpoint"}` in, the witness tag to sign out, dated by the server's
    /// clock. Its signature goes to the same `signatures` endpoint as an event's.
    func witness(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        _ = try request.query(allowed: [])
        try refuseWhenReadOnly()
        let sessionActor = try service.reader(of: request)
        var reader = try BodyReader(try await request.json(limit: service.configuration.maxBodyBytes))
        let actor: ActorID = try reader.required("actor")
        let checkpoint: String = try reader.required("checkpoint")
        try reader.finish()
        if let sessionActor, sessionActor != actor {
            throw APIError(.forbidden, "not-permitted", "the witness \(actor) is not this session's actor (\(sessionActor)); sign in as \(actor) to witness as them", pointer: JSONPointer.root / "actor")
        }
        let (write, id, expires) = try await service.prepareInTurn(serverDated: true, onHead: { [service] ledger in
            try ledger.prepareWitness(checkpoint, as: actor, at: service.now)
        })
        return pendingAnswer(write, id: id, expires: expires, status: .ok)
    }

    /// Step 2: the signatures of this round's object; the next round's object (202), the landed
    /// write (201), or a fresh pending when `main` moved meanwhile (409).
    func sign(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        _ = try request.query(allowed: [])
        try refuseWhenReadOnly()
        let id = try context.parameters.require("id")
        let body = try await request.json(limit: service.configuration.maxBodyBytes)
        var reader = try BodyReader(body)
        let signatures: [String] = try reader.required("signatures")
        try reader.finish()
        let pending = try service.takePending(id)
        do {
            return try await land(signatures, pending)
        } catch {
            // Refused, or handed a fresh pending in a new turn: this turn is over.
            await service.turns.end(pending.turn)
            throw error
        }
    }

    private func land(_ signatures: [String], _ pending: LedgerService.Pending) async throws -> Response {
        guard signatures.count == 1 else {
            throw APIError(.badRequest, "bad-data", "this round asks for 1 signature, of the one object in its \"commits\"; \(signatures.count) were sent", pointer: JSONPointer.root / "signatures")
        }
        let signed: PreparedWrite
        do {
            signed = try await service.handles.with { ledger in try ledger.addSignature(signatures[0], to: pending.write) }
        } catch LedgerError.invalidInput(_, nil, let reason) {
            throw APIError(.badRequest, "bad-data", reason, pointer: JSONPointer.root / "signatures" / "0")
        }
        if signed.next != nil {
            // The next round keeps the turn.
            await service.turns.renew(pending.turn)
            let (id, expires) = try service.keep(signed, serverDated: pending.serverDated, turn: pending.turn)
            return pendingAnswer(signed, id: id, expires: expires, status: .accepted)
        }
        do {
            let result = try await service.handles.with { [service] ledger in
                service.landing.lock()
                defer { service.landing.unlock() }
                return try ledger.land(signed)
            }
            await service.turns.end(pending.turn, landed: result)
            var answer: [String: JSONValue] = [
                "head": .string(result.head.map { "\($0)" } ?? ""),
                "commits": .array(result.commits.map { .string("\($0)") }),
            ]
            if !result.tags.isEmpty { answer["tags"] = .array(result.tags.map { .string($0) }) }
            return .json(.object(answer), status: .created)
        } catch LedgerError.conflict(let why) where signed.event != nil {
            // Checked again against the new head, in a new turn; the client signs the fresh objects.
            await service.turns.end(pending.turn)
            let (again, newID, expires) = try await prepareInTurn(signed.event!, serverDated: pending.serverDated)
            var error = APIError(.conflict, "conflict", why)
            error.extra = ["pending": .string(newID), "expires": expires.json, "commits": .array(again.next.map { [$0.json] } ?? [])]
            throw error
        }
    }

    /// Prepares `event` in the writer's turn; an event the server dates is dated when its turn comes.
    private func prepareInTurn(_ event: Event, serverDated: Bool) async throws -> (PreparedWrite, String, Timestamp) {
        let dated: @Sendable () -> Event = { [service] in
            var dated = event
            if serverDated { dated.at = service.now }
            return dated
        }
        return try await service.prepareInTurn(serverDated: serverDated,
                                               onHead: { ledger in try ledger.prepare(SourcedEvent(event: dated())) },
                                               after: { ledger, ahead in try ledger.prepare(SourcedEvent(event: dated()), after: ahead) })
    }

    private func pendingAnswer(_ write: PreparedWrite, id: String, expires: Timestamp, status: HTTPResponse.Status) -> Response {
        .json(.object(["pending": .string(id), "expires": expires.json, "commits": .array(write.next.map { [$0.json] } ?? [])]),
              status: status)
    }

    private func refuseWhenReadOnly() throws {
        if service.configuration.readOnly {
            throw APIError(.forbidden, "read-only", "this server is read-only (luoshi serve --read-only); write through a server that takes writes")
        }
        let health = service.health.withLock { $0 }
        if health.verified == false {
            throw APIError(.serviceUnavailable, "not-verified", "the ledger did not verify when the server started, so it takes no writes: \(health.problems.first ?? "see /healthz")")
        }
    }
}
