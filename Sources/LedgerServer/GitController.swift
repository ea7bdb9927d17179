import Dispatch
import Foundation
import Hummingbird
import HTTPTypes
import Ledger
import LedgerModel
import NIOCore

/// `/git/`: the ledger over git's smart HTTP, through stock `git http-backend` (the CGI of the `git`
/// package), so that `git clone`, `git fetch`, `git push`, `luoshi clone` and `luoshi sync` work
/// against `luoshi serve` as against any git server. Reading (clone, fetch) needs what the API's
/// reads need: a session (`Authorization: Bearer`, e.g. `git -c http.extraHeader=…`) or `--public`.
/// Anyone may push: the ledger's receive check (`luoshi verify-push`, its `pre-receive` hook) and the
/// signatures decide what lands, and git's quarantine keeps a refused push's objects out. A push is
/// refused above `ServerConfiguration.maxPushBytes`. Both directions are streamed between the client
/// and git, chunk by chunk, never held whole in memory.
struct GitController: Sendable {
    let service: LedgerService

    /// The three requests of git's smart protocol; the dumb protocol's file reads are not served.
    enum Service: String { case advertise = "info/refs", uploadPack = "git-upload-pack", receivePack = "git-receive-pack" }

    func register(on router: Router<BasicRequestContext>) {
        router.on(.gitGet) { request, context in try await answer(request, context) }
        router.on(.gitPost) { request, context in try await answer(request, context) }
    }

    private func answer(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let rest = context.parameters.getCatchAll().joined(separator: "/")
        guard let which = Service(rawValue: rest) else {
            throw APIError(.notFound, "not-found", "/git/ serves git's smart HTTP only (info/refs, git-upload-pack, git-receive-pack): clone it with `git clone URL/git/` or `luoshi clone URL/git/ PATH`")
        }
        let query = request.uri.query ?? ""
        let pushing = which == .receivePack || (which == .advertise && query.contains("service=git-receive-pack"))
        var user = "anonymous"
        if pushing {
            if service.configuration.readOnly {
                throw APIError(.forbidden, "read-only", "this server is read-only (--read-only): it takes no pushes")
            }
            // Without the receive check a push would land unjudged.
            switch ReceiveHook.state(ledger: service.configuration.ledgerPath, executable: "") {
            case .missing, .foreign:
                throw APIError(.forbidden, "no-receive-check", "this ledger has no Luoshi receive check as its pre-receive hook, so it takes no pushes; `luoshi hooks install` puts it in place")
            case .installed, .stale: break
            }
        } else {
            user = try service.reader(of: request)?.rawValue ?? "anonymous"
        }
        if (which == .advertise) != (request.method == .get) {
            throw APIError(.methodNotAllowed, "method", "\(rest) is \(which == .advertise ? "GET" : "POST") only")
        }
        let limit = pushing ? service.configuration.maxPushBytes : service.configuration.maxFetchRequestBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError(.contentTooLarge, "too-large", "a \(pushing ? "push" : "request") of \(length) bytes is larger than this server takes (\(limit) bytes)")
        }
        let cgi = try CGIProcess.start(environment: environment(request, path: rest, query: query, user: user))
        // The request body goes to git as it arrives, counted against the limit.
        let feeding = Task { try await cgi.feed(request.body, limit: limit) }
        let head: CGIProcess.Head
        do {
            head = try await cgi.readHead()
            // A push is judged once all of it is in: a push over the limit is answered 413, not half taken.
            if pushing { try await feeding.value }
        } catch {
            cgi.stop()
            feeding.cancel()
            if error is CGIProcess.TooLarge {
                throw APIError(.contentTooLarge, "too-large", "the push is larger than this server takes (\(limit) bytes); nothing of it landed")
            }
            throw error
        }
        return Response(status: head.status, headers: head.headers, body: ResponseBody { writer in
            defer { cgi.stop() }
            if !head.rest.isEmpty { try await writer.write(ByteBuffer(bytes: head.rest)) }
            while let chunk = try await cgi.readBody() { try await writer.write(ByteBuffer(bytes: chunk)) }
            _ = try? await feeding.value
            try await writer.finish(nil)
        })
    }

    private func environment(_ request: Request, path: String, query: String, user: String) -> [String: String] {
        let ledger = URL(fileURLWithPath: service.configuration.ledgerPath).standardizedFileURL
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GIT_") }
        env["GIT_PROJECT_ROOT"] = ledger.deletingLastPathComponent().path
        env["PATH_INFO"] = "/\(ledger.lastPathComponent)/\(path)"
        env["GIT_HTTP_EXPORT_ALL"] = "1"
        // Pushes are open to anyone: the receive check decides (http-backend takes them only when told).
        env["GIT_CONFIG_COUNT"] = "1"
        env["GIT_CONFIG_KEY_0"] = "http.receivepack"
        env["GIT_CONFIG_VALUE_0"] = "true"
        env["REQUEST_METHOD"] = request.method.rawValue
        env["QUERY_STRING"] = query
        env["REMOTE_USER"] = user
        env["REMOTE_ADDR"] = "127.0.0.1"
        env["GATEWAY_INTERFACE"] = "CGI/1.1"
        env["SERVER_PROTOCOL"] = "HTTP/1.1"
        if let type = request.headers[.contentType] { env["CONTENT_TYPE"] = type }
        if let length = request.headers[.contentLength] { env["CONTENT_LENGTH"] = length }
        if let encoding = request.headers[.contentEncoding] { env["HTTP_CONTENT_ENCODING"] = encoding }
        if let name = HTTPField.Name("Git-Protocol"), let version = request.headers[name] { env["HTTP_GIT_PROTOCOL"] = version }
        return env
    }
}

/// One run of `git http-backend`: its standard input fed from the request, its standard output read
/// as a CGI answer (headers, then the body), each read and write done off the server's threads.
final class CGIProcess: @unchecked Sendable {
    struct Head {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        /// Body bytes read with the headers.
        var rest: [UInt8]
    }
    struct TooLarge: Error {}

    private let process: Process
    private let input: FileHandle
    private let output: FileHandle
    private static let io = DispatchQueue(label: "luoshi.git-http", attributes: .concurrent)

    private init(process: Process, input: FileHandle, output: FileHandle) {
        self.process = process; self.input = input; self.output = output
    }

    static func start(environment: [String: String]) throws -> CGIProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: GitCommand.executable)
        process.arguments = ["http-backend"]
        process.environment = environment
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.standardError
        do { try process.run() } catch {
            throw APIError(.internalServerError, "internal", "cannot run git http-backend: \(error.localizedDescription)")
        }
        return CGIProcess(process: process, input: stdin.fileHandleForWriting, output: stdout.fileHandleForReading)
    }

    /// Writes the request body to git, chunk by chunk, then closes its input. Throws `TooLarge`
    /// past `limit` bytes (and stops git). When git stops reading before the body ends (a push it
    /// refused part way, as when its disk is full), the rest is read and dropped, so that the client
    /// gets git's answer saying why.
    func feed<Body: AsyncSequence>(_ body: Body, limit: Int) async throws where Body.Element == ByteBuffer {
        var total = 0
        var gitReads = true
        defer { try? input.close() }
        for try await chunk in body {
            total += chunk.readableBytes
            if total > limit { stop(); throw TooLarge() }
            guard gitReads else { continue }
            let bytes = Data(chunk.readableBytesView)
            let handle = input
            gitReads = await withCheckedContinuation { (done: CheckedContinuation<Bool, Never>) in
                CGIProcess.io.async {
                    do { try handle.write(contentsOf: bytes); done.resume(returning: true) } catch { done.resume(returning: false) }
                }
            }
        }
    }

    private var pending: [UInt8] = []

    /// The next bytes git wrote; nil at its end.
    func readBody() async throws -> [UInt8]? {
        if !pending.isEmpty { defer { pending = [] }; return pending }
        let handle = output
        let data: Data = await withCheckedContinuation { done in
            CGIProcess.io.async { done.resume(returning: handle.availableData) }
        }
        return data.isEmpty ? nil : [UInt8](data)
    }

    /// Reads up to the blank line that ends the CGI headers and makes them an HTTP status and fields.
    func readHead() async throws -> Head {
        var bytes: [UInt8] = []
        while true {
            if let end = CGIProcess.headEnd(bytes) {
                let text = String(decoding: bytes[..<end.start], as: UTF8.self)
                var status = HTTPResponse.Status.ok
                var headers = HTTPFields()
                for line in text.split(whereSeparator: \.isNewline) {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    let name = line[..<colon].trimmingCharacters(in: .whitespaces)
                    let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    if name.lowercased() == "status" {
                        if let code = Int(value.prefix(3)) { status = HTTPResponse.Status(code: code, reasonPhrase: String(value.dropFirst(4))) }
                    } else if let field = HTTPField.Name(name) {
                        headers.append(HTTPField(name: field, value: value))
                    }
                }
                return Head(status: status, headers: headers, rest: Array(bytes[end.bodyStart...]))
            }
            guard let more = try await readBody() else {
                throw APIError(.badGateway, "git", "git http-backend ended without an answer")
            }
            bytes += more
            if bytes.count > 64 << 10 { throw APIError(.badGateway, "git", "git http-backend's headers are too long") }
        }
    }

    private static func headEnd(_ b: [UInt8]) -> (start: Int, bodyStart: Int)? {
        var i = 0
        while i < b.count {
            if b[i] == 10 {
                if i + 1 < b.count, b[i + 1] == 10 { return (i, i + 2) }
                if i + 2 < b.count, b[i + 1] == 13, b[i + 2] == 10 { return (i, i + 3) }
            }
            i += 1
        }
        return nil
    }

    /// Ends git if it still runs (a client gone, a push over the limit): its quarantine is dropped.
    func stop() {
        if process.isRunning { process.terminate() }
    }

    deinit { if process.isRunning { process.terminate() } }
}
