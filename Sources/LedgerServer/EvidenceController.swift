import Foundation
import HTTPTypes
import Hummingbird
import Ledger
import LedgerModel

/// The server's evidence store (`EvidenceStore`): files a claim names by SHA-256, kept outside
/// `main` so a supervisor can open what a unit claimed. A file is taken only from a signed-in actor
/// and only when it hashes to the name it is sent under; it is served only as a download, never as
/// a page of this site.
struct EvidenceController: Sendable {
    let service: LedgerService

    var store: EvidenceStore { EvidenceStore(gitDirectory: service.configuration.ledgerPath) }

    func register(on router: Router<BasicRequestContext>) {
        router.on(.evidencePut) { request, context in try await put(request, name: try context.parameters.require("sha256")) }
        router.on(.evidenceGet) { request, context in try await get(request, name: try context.parameters.require("sha256")) }
    }

    /// `PUT /api/v1/evidence/{sha256}`: the file's bytes as the body. 201 when kept, 200 when the
    /// store held it already, 400 when the bytes hash to anything else, 413 over the limit.
    func put(_ request: Request, name: String) async throws -> Response {
        _ = try request.query(allowed: [])
        if service.configuration.readOnly {
            throw APIError(.forbidden, "read-only", "this server is read-only (luoshi serve --read-only); it keeps no evidence files")
        }
        // `reader` answers 401 itself without a live session, except on a `--public` server, where it
        // answers nobody: evidence is taken from a signed-in actor all the same.
        guard try service.reader(of: request) != nil else {
            throw APIError(.unauthorized, "no-session", "evidence files are taken only from a signed-in actor: POST /api/v1/session, then send the token as Authorization: Bearer TOKEN")
        }
        let name = try EvidenceStore.name(name)
        let intake = try store.intake(for: name, limit: service.configuration.maxEvidenceBytes)
        for try await chunk in request.body { try intake.append(chunk.readableBytesView) }
        let kept = try intake.finish()
        return .json(.object(["sha256": .string(name), "size": .integer(Int64(intake.count)), "kept": .bool(kept)]), status: kept ? .created : .ok)
    }

    /// `GET /api/v1/evidence/{sha256}`: the file, as a download that no browser renders as a page of
    /// this site (`application/octet-stream`, `nosniff`, a sandboxing policy).
    func get(_ request: Request, name: String) async throws -> Response {
        _ = try request.query(allowed: [])
        _ = try service.reader(of: request)
        let name = try EvidenceStore.name(name)
        let store = store
        guard let size = store.size(of: name), let handle = FileHandle(forReadingAtPath: store.path(of: name)) else {
            throw APIError(.notFound, "not-found", "the evidence store holds no file with SHA-256 \(name); the unit may not have sent it")
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/octet-stream"
        headers[.contentLength] = String(size)
        headers[.contentDisposition] = "attachment; filename=\"\(name.prefix(16)).bin\""
        headers[.contentSecurityPolicy] = "default-src 'none'; sandbox"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[.cacheControl] = "private, max-age=31536000, immutable"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            defer { try? handle.close() }
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            try await writer.finish(nil)
        })
    }
}
