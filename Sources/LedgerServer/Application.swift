import Foundation
public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Ledger
import LedgerModel
public import Logging
import NIOCore

/// The HTTP server of one ledger: reads, two-phase writes, sessions and health, each controller a
/// small value that registers its endpoints. Errors of every kind leave as the one error shape.
public func buildApplication(_ configuration: ServerConfiguration, logger: Logger? = nil) async throws -> some ApplicationProtocol {
    let log: Logger = logger ?? {
        var l = Logger(label: "luoshi.serve")
        l.logLevel = .info
        return l
    }()
    let service: LedgerService
    do { service = try LedgerService(configuration: configuration) } catch let e as LedgerError {
        throw ServerStartError(message: "\(e)")
    }
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: AccessLog(logger: log))
    router.add(middleware: SameOrigin())
    HealthController(service: service).register(on: router)
    SessionController(service: service).register(on: router)
    ReadController(service: service).register(on: router)
    WriteController(service: service).register(on: router)
    EvidenceController(service: service).register(on: router)
    DescriptionController().register(on: router)
    GitController(service: service).register(on: router)
    WebController(service: service).register(on: router)

    let http = HTTP1Channel.Configuration(idleTimeout: .seconds(configuration.requestTimeLimit))
    let server: HTTPServerBuilder
    if let tls = configuration.tls {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(tls.certificate)
            key = try NIOSSLPrivateKey(file: tls.privateKey, format: .pem)
        } catch {
            throw ServerStartError(message: "cannot read the TLS certificate \(tls.certificate) or key \(tls.privateKey): \(error); give PEM files (README: serving over HTTPS)")
        }
        let tlsConfiguration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        server = try .tls(.http1(configuration: http), tlsConfiguration: tlsConfiguration)
    } else {
        server = .http1(configuration: http)
    }
    let app = Application(
        router: router,
        server: server,
        configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: "luoshi"),
        onServerRunning: { channel in
            log.info("serving \(configuration.ledgerPath) on \(configuration.tls == nil ? "http" : "https")://\(channel.localAddress?.description ?? "?")\(configuration.isPublic ? " (public)" : "")\(configuration.readOnly ? " (read-only)" : "")")
        },
        logger: log
    )
    // The ledger is verified from the head verified last time; until it has been, writes are taken
    // (each is checked against head as it lands), and a ledger that does not verify takes none.
    Task.detached {
        await service.verifyAtStart(logger: log)
        await service.warmMatrices(logger: log)
    }
    return app
}

/// Serves `configuration`'s ledger until SIGTERM or SIGINT, which stop it once the requests in
/// flight are answered.
public func serve(_ configuration: ServerConfiguration) async throws {
    try await buildApplication(configuration).runService()
}

/// Why the server could not start: a ledger that is not there, an unreadable certificate.
public struct ServerStartError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension LedgerService {
    func verifyAtStart(logger: Logger) async {
        do {
            let (report, head) = try await handles.with { ledger -> (VerifyReport, String) in
                let head = try ledger.head()
                let report = try ledger.verify(after: ledger.verifiedHead())
                if report.ok { try ledger.recordVerifiedHead(head) }
                return (report, String(describing: head))
            }
            health.withLock { h in
                h.verified = report.ok
                h.commits = report.commits
                h.verifiedHead = head
                h.problems = report.problems.prefix(20).map { "\($0.commit.prefix(12)) \($0.kind.rawValue): \($0.detail)" }
            }
            if report.ok {
                logger.info("verified \(report.commits) new commit(s) up to \(head.prefix(12))")
            } else {
                logger.error("the ledger does not verify (\(report.problems.count) problem(s)); serving it read-only: \(report.problems.first.map { "\($0.kind.rawValue): \($0.detail)" } ?? "")")
            }
        } catch {
            health.withLock { h in h.verified = false; h.problems = ["verification failed: \(error)"] }
            logger.error("verification at start failed: \(error); serving the ledger read-only")
        }
    }
}

/// `GET /healthz`: whether the server is up and what the start-up verification found. 503 when the
/// ledger did not verify (the server then takes no writes).
struct HealthController: Sendable {
    let service: LedgerService

    func register(on router: Router<BasicRequestContext>) {
        router.on(.health) { request, _ in
            _ = try request.query(allowed: [])
            let h = service.health.withLock { $0 }
            let head = try await service.handles.with { String(describing: try $0.head()) }
            let body: JSONValue = .object([
                "ok": .bool(h.verified != false),
                "head": .string(head),
                "verification": .string(h.verified == nil ? "running" : h.verified == true ? "ok" : "failed"),
                "verifiedHead": h.verifiedHead.map { .string($0) } ?? .null,
                "problems": .array(h.problems.map { .string($0) }),
                "writes": .bool(!service.configuration.readOnly && h.verified != false),
            ])
            return Response.json(body, status: h.verified == false ? .serviceUnavailable : .ok)
        }
    }
}

/// One line a request in the log: method, path, status, milliseconds. Every error leaves here as
/// the one error shape, whichever layer threw it.
struct AccessLog: RouterMiddleware {
    typealias Context = BasicRequestContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            let shaped = APIError.from(error)
            if shaped.status.code >= 500 { logger.error("\(request.method) \(request.uri.path): \(error)") }
            response = try shaped.response(from: request, context: context)
        }
        let ms = (ContinuousClock.now - start) / .milliseconds(1)
        logger.info("\(request.method) \(request.uri.path) \(response.status.code) \(String(format: "%.1f", ms))ms")
        return response
    }
}
