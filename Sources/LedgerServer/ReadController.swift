import CompressNIO
import Fidelity
import Foundation
import Hummingbird
import Ledger
import LedgerIndex
import LedgerModel
import LedgerRender
import NIOCore
import NIOPosix

/// Reads under `/api/v1/`: each answers exactly the bytes `luoshi … --format json` prints for the same
/// question at the same head, through the same library call. Answers are cached per question and
/// head, and carry an `ETag` made of both, so a client that asks again at the same head gets `304`.
struct ReadController: Sendable {
    let service: LedgerService

    func register(on router: Router<BasicRequestContext>) {
        router.on(.ledger) { request, _ in
            try await answer(request, allowed: []) { ledger, _ in json(try ledger.show(.ledger, at: nil) { history(ledger) }) }
        }
        router.on(.directives) { request, _ in
            try await answer(request, allowed: []) { ledger, _ in
                json(JSONDocument.directives(try ledger.directives()))
            }
        }
        router.on(.record) { request, context in try await records(request, context) }
        router.on(.recordOfKind) { request, context in try await records(request, context) }
        router.on(.status) { request, _ in
            try await answer(request, allowed: ["directive", "under", "asOf", "at", "limit", "cursor"]) { ledger, q in
                let d = try parseParameter(q["directive"], "directive", DirectiveID.init)
                let u = try parseParameter(q["under"], "under", UnitID.init)
                let point = try pointInHistory(q)
                let page = try pageRequest(q)
                if page != nil, d == nil {
                    throw APIError(.badRequest, "bad-request", "status pages by unit within one directive: give directive= with limit=")
                }
                try ledger.requireExisting(unit: u, directive: d)
                guard let page else { return JSONDocument.status(try ledger.status(directive: d, under: u, at: point)) }
                // Pages of one question share its matrix, read once at this head.
                let head = String(describing: try ledger.head())
                let question = "\(d.map { "\($0)" } ?? "")|\(u.map { "\($0)" } ?? "")|\(q["asOf"] ?? "")|\(q["at"] ?? "")"
                let matrices = try service.matrices.withLock { $0.matrices(question, head: head) } ?? {
                    let read = try ledger.status(directive: d, under: u, at: point)
                    service.matrices.withLock { $0.store(question, head: head, read) }
                    return read
                }()
                guard let matrix = matrices.first else { return JSONDocument.status(matrices) }
                return try StatusMatrix.encodeJSON(matrix, page: page)
            }
        }
        router.on(.diff) { request, _ in
            try await answer(request, allowed: ["directive", "unit", "against", "asOf", "at"]) { ledger, q in
                let (d, u) = try plan(q)
                let against = try parseParameter(q["against"], "against") { s in
                    guard let a = DiffAgainst(rawValue: s) else { throw LedgerError.usage("give basis or directive") }
                    return a
                } ?? .basis
                try ledger.requireExisting(unit: u, directive: d)
                return json(JSONDocument.diff(try ledger.diff(directive: d, unit: u, against: against, at: try pointInHistory(q))))
            }
        }
        router.on(.chain) { request, _ in
            try await answer(request, allowed: ["directive", "unit", "asOf", "at"]) { ledger, q in
                let (d, u) = try plan(q)
                try ledger.requireExisting(unit: u, directive: d)
                return json(JSONDocument.chain(try ledger.chain(directive: d, unit: u, at: try pointInHistory(q))))
            }
        }
        router.on(.flags) { request, _ in
            try await answer(request, allowed: ["directive", "unit", "kind", "asOf", "at"]) { ledger, q in
                let u = try parseParameter(q["unit"], "unit", UnitID.init)
                let d = try parseParameter(q["directive"], "directive", DirectiveID.init)
                let kinds = try parseParameter(q["kind"], "kind", flagKinds)
                try ledger.requireExisting(unit: u, directive: d)
                let flags = try ledger.flags(at: try pointInHistory(q), unit: u, directive: d, kinds: kinds)
                return json(JSONDocument.flags(flags))
            }
        }
        router.on(.log) { request, _ in
            try await answer(request, allowed: ["unit", "directive", "clause", "finding", "actor", "since", "until", "limit", "cursor"]) { ledger, q in
                let filter = HistoryFilter(
                    unit: try parseParameter(q["unit"], "unit", UnitID.init),
                    directive: try parseParameter(q["directive"], "directive", DirectiveID.init),
                    clause: try parseParameter(q["clause"], "clause", ClauseID.init),
                    finding: try parseParameter(q["finding"], "finding", FindingID.init),
                    actor: try parseParameter(q["actor"], "actor", ActorID.init),
                    since: try parseParameter(q["since"], "since", Day.init), until: try parseParameter(q["until"], "until", Day.init))
                try ledger.requireExisting(unit: filter.unit, directive: filter.directive, clause: filter.clause, finding: filter.finding, actor: filter.actor)
                let entries = try history(ledger).log(filter)
                return json(try HistoryEntry.json(entries, page: try pageRequest(q)))
            }
        }
        router.on(.blame) { request, _ in
            try await answer(request, allowed: ["directive", "unit"]) { ledger, q in
                let (d, u) = try plan(q)
                try ledger.requireExisting(unit: u, directive: d)
                return json(JSONDocument.blame(directive: d, unit: u, lines: try ledger.blame(directive: d, unit: u, history: history(ledger))))
            }
        }
        router.on(.history) { request, _ in
            try await answer(request, allowed: ["directive", "unit", "clause"]) { ledger, q in
                let (d, u) = try plan(q)
                let c = try parseParameter(q["clause"], "clause", ClauseID.init)
                return json(JSONDocument.history(try ledger.planHistory(directive: d, unit: u, clause: c, history: history(ledger))))
            }
        }
        router.on(.verify) { request, _ in
            try await answer(request, allowed: []) { ledger, _ in json(JSONDocument.verify(try ledger.verify())) }
        }
    }

    // MARK: Answering

    /// Answers a reading question: 401 without a session (unless public), 304 when the client holds
    /// the answer at this head already, the cached bytes when the server does, else `compute`.
    /// A cached answer of `gzipFrom` bytes or more is gzipped once, in the background, when a client
    /// that accepts gzip (`Accept-Encoding: gzip`) first asks for it, and from then on goes gzipped
    /// to such clients, with its own ETag; answers nobody asks for gzipped are never compressed.
    func answer(_ request: Request, allowed: [String], contentType: String = "application/json; charset=utf-8",
                _ compute: @escaping @Sendable (Ledger, [String: String]) throws -> [UInt8]) async throws -> Response {
        let query = try request.query(allowed: allowed)
        _ = try service.reader(of: request)
        let question = request.uri.path + "?" + query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        let head = try await service.handles.with { String(describing: try $0.head()) }
        let tag = "\(head.prefix(20))-\(fnv1a(question))"
        let etag = "\"\(tag)\"", gzipETag = "\"\(tag)-gzip\""
        var headers = HTTPFields()
        headers[.eTag] = etag
        headers[.cacheControl] = "private, no-cache"
        headers[.vary] = "Accept-Encoding"
        if let wanted = request.headers[.ifNoneMatch],
           wanted.split(separator: ",").contains(where: { [etag, gzipETag].contains($0.trimmingCharacters(in: .whitespaces)) }) {
            return Response(status: .notModified, headers: headers)
        }
        let gzipAccepted = acceptsGzip(request.headers[.acceptEncoding])
        if let cached = service.answers.withLock({ $0.answer(question, head: head) }) {
            if gzipAccepted, let gzipped = cached.gzipped {
                headers[.eTag] = gzipETag
                headers[.contentEncoding] = "gzip"
                return .buffer(gzipped, contentType: cached.contentType, headers: headers)
            }
            if gzipAccepted { compressInBackground(question, head: head) }
            return .buffer(cached.body, contentType: cached.contentType, headers: headers)
        }
        let bytes = try await service.handles.with { ledger in
            // The answer is read at the head the ETag names, whatever lands meanwhile.
            guard String(describing: try ledger.head()) == head else { throw LedgerError.conflict("moved") }
            return try compute(ledger, query)
        }
        let body = ByteBuffer(bytes: bytes)
        service.answers.withLock { $0.store(question, AnswerCache.Answer(head: head, body: body, contentType: contentType)) }
        if gzipAccepted { compressInBackground(question, head: head) }
        return .buffer(body, contentType: contentType, headers: headers)
    }

    /// Gzips the cached answer to `question` at `head` on the thread pool, unless it is too small
    /// or someone did already; the answers that follow are sent gzipped.
    private func compressInBackground(_ question: String, head: String) {
        guard let body = service.answers.withLock({ $0.claimCompression(question, head: head) }) else { return }
        Task.detached { [service] in
            guard let gzipped = try? await NIOThreadPool.singleton.runIfActive({ try gzip(body) }) else { return }
            service.answers.withLock { $0.store(gzipped: gzipped, for: question, head: head) }
        }
    }

    private func records(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let kind = try context.parameters.require("kind")
        let rest = context.parameters.getCatchAll().joined(separator: "/")
        let id = rest.isEmpty ? nil : (rest.removingPercentEncoding ?? rest)
        return try await answer(request, allowed: ["directive", "at", "asOf"]) { ledger, q in
            let path = try recordPath(kind: kind, id: id, directive: q["directive"])
            return json(try ledger.show(path, at: try pointInHistory(q)) { history(ledger) })
        }
    }

    private func history(_ ledger: Ledger) -> any HistorySource { historySource(ledger) }
}

/// Where the server reads history from: the index when it opens, else a walk of the commits.
func historySource(_ ledger: Ledger) -> any HistorySource {
    (try? LedgerIndex.open(ledger)) ?? ledger.walkedHistory
}

private func json(_ value: JSONValue) -> [UInt8] { CanonicalJSON.encode(value) }

private func plan(_ q: [String: String]) throws -> (DirectiveID, UnitID) {
    (try requireParameter(q, "directive", DirectiveID.init), try requireParameter(q, "unit", UnitID.init))
}

/// `at` (a day or a commit), or `asOf` (its other name); not both.
private func pointInHistory(_ q: [String: String]) throws -> String? {
    if q["at"] != nil, q["asOf"] != nil { throw APIError(.badRequest, "bad-request", "give at or asOf, not both") }
    return q["at"] ?? q["asOf"]
}

private func pageRequest(_ q: [String: String]) throws -> PageRequest? {
    guard let limit = q["limit"] else {
        if q["cursor"] != nil { throw APIError(.badRequest, "bad-request", "cursor= goes with limit=") }
        return nil
    }
    guard let n = Int(limit), (1...10_000).contains(n) else {
        throw APIError(.badRequest, "bad-request", "limit=\(limit): give a whole number from 1 to 10000")
    }
    return PageRequest(limit: n, cursor: q["cursor"])
}

private func recordPath(kind: String, id: String?, directive: String?) throws -> RecordPath {
    func need() throws -> String {
        guard let id else { throw APIError(.badRequest, "bad-request", "a \(kind) record is named by its id: /api/v1/records/\(kind)/ID") }
        return id
    }
    func inDirective() throws -> DirectiveID {
        guard let d = try parseParameter(directive, "directive", DirectiveID.init) else {
            throw APIError(.badRequest, "bad-request", "a \(kind) record needs directive=")
        }
        return d
    }
    switch kind {
    case "ledger": return .ledger
    case "actor": return .actor(try parseParameter(need(), "id", ActorID.init)!)
    case "unit": return .unit(try parseParameter(need(), "id", UnitID.init)!)
    case "directive": return .directive(try parseParameter(need(), "id", DirectiveID.init)!)
    case "plan": return .plan(try inDirective(), try parseParameter(need(), "id", UnitID.init)!)
    case "progress": return .progress(try inDirective(), try parseParameter(need(), "id", UnitID.init)!)
    case "finding": return .finding(try parseParameter(need(), "id", FindingID.init)!)
    case "checkpoint": return .checkpoint(try parseParameter(need(), "id", CheckpointID.init)!)
    default:
        throw APIError(.notFound, "not-found", "there are no \(kind) records; kinds are ledger, actor, unit, directive, plan, progress, finding, checkpoint")
    }
}

/// Answers smaller than this are not worth gzipping.
let gzipFrom = 16 * 1024

/// `bytes` gzipped at zlib's fastest level: a status of 19.7 MB of JSON becomes 0.48 MB (`gzip -1`
/// takes 0.11 s on it), once per head.
func gzip(_ bytes: ByteBuffer) throws -> ByteBuffer {
    var input = bytes
    return try input.compress(with: .gzip(configuration: .init(compressionLevel: .fastestCompression)))
}

/// Whether an `Accept-Encoding` header accepts gzip: `gzip` (or `x-gzip`) without `q=0`, or else
/// `*` without `q=0`; a named gzip outranks `*`.
func acceptsGzip(_ header: String?) -> Bool {
    guard let header else { return false }
    var named: Bool?, any: Bool?
    for item in header.split(separator: ",") {
        let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let coding = parts.first else { continue }
        let accepted = (parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1) > 0
        if coding == "gzip" || coding == "x-gzip" { named = named ?? accepted } else if coding == "*" { any = any ?? accepted }
    }
    return named ?? any ?? false
}

/// FNV-1a, 64 bits, in hex: a short, stable name for a question inside an ETag.
private func fnv1a(_ s: String) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
    return String(h, radix: 16)
}

/// A comma-separated list of flag kinds.
private func flagKinds(_ list: String) throws -> Set<FlagKind> {
    Set(try list.split(separator: ",", omittingEmptySubsequences: false).map { name in
        guard let k = FlagKind(rawValue: String(name)) else {
            throw LedgerError.usage("\(name) is not a flag kind; kinds are \(FlagKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return k
    })
}
