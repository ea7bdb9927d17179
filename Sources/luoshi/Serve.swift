import ArgumentParser
import Dispatch
import Foundation
import Ledger
import LedgerServer

extension Luoshi {
    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the ledger over HTTP: reads, sessions, and writes each client signs with its own key.",
            discussion: """
                The API is under /api/v1/ (schemas/openapi.json, also served at /api/v1/openapi.json). Reads need a
                session unless --public: POST /api/v1/session {"actor"}, sign the challenge with
                `ssh-keygen -Y sign -n luoshi-session -f KEY`, POST the signature to /api/v1/session/ID. Writes are
                two-phase: POST /api/v1/events prepares the commit, the client signs its buffer with
                `ssh-keygen -Y sign -n git -f KEY` and POSTs the signature to /api/v1/events/PENDING/signatures.
                The server never holds a private key. SIGTERM stops it after the requests in flight.

                /git/ serves the ledger over git's smart HTTP through `git http-backend`: `git clone URL/git/` and
                `luoshi clone URL/git/ PATH` (a session, or --public), and pushes from anyone, each judged by the
                receive check (installed at start when missing) before it lands; a push above --max-push is refused.

                Example:
                  luoshi serve --ledger ./ledger
                  luoshi serve --ledger ./ledger --listen 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem
                """
        )

        @Option(name: .long, help: ArgumentHelp("The ledger's folder (default: $LUOSHI_LEDGER, else the current folder).", valueName: "path"))
        var ledger: String?
        @Option(help: ArgumentHelp("Where to listen.", valueName: "host:port")) var listen: String = "127.0.0.1:8420"
        @Option(name: .customLong("tls-cert"), help: ArgumentHelp("A PEM certificate chain: serve HTTPS.", valueName: "file")) var tlsCert: String?
        @Option(name: .customLong("tls-key"), help: ArgumentHelp("The certificate's PEM private key.", valueName: "file")) var tlsKey: String?
        @Flag(help: "Reads (and preparing writes) need no session.") var `public` = false
        @Flag(name: .customLong("read-only"), help: "Prepare no writes.") var readOnly = false
        @Option(name: .customLong("max-body"), help: ArgumentHelp("The largest request body taken, in bytes.", valueName: "bytes"))
        var maxBody: Int = 4 << 20
        @Option(name: .customLong("max-push"), help: ArgumentHelp("The largest push taken through /git/, in bytes.", valueName: "bytes"))
        var maxPush: Int = 256 << 20
        @Option(name: .customLong("max-evidence"), help: ArgumentHelp("The largest evidence file the evidence store takes, in bytes.", valueName: "bytes"))
        var maxEvidence: Int = 64 << 20

        func validate() throws {
            if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("give --tls-cert and --tls-key together") }
            guard parsedListen() != nil else { throw ValidationError("--listen \(listen): give HOST:PORT, e.g. 127.0.0.1:8420") }
            guard maxBody > 0 else { throw ValidationError("--max-body must be positive") }
            guard maxPush > 0 else { throw ValidationError("--max-push must be positive") }
            guard maxEvidence > 0 else { throw ValidationError("--max-evidence must be positive") }
        }

        func parsedListen() -> (String, Int)? {
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port) else { return nil }
            var host = String(listen[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            return host.isEmpty ? nil : (host, port)
        }

        func run() throws {
            try execute {
                let path = ledger ?? ProcessInfo.processInfo.environment["LUOSHI_LEDGER"] ?? FileManager.default.currentDirectoryPath
                _ = try Ledger.open(at: path)
                var configuration = ServerConfiguration(ledgerPath: path)
                (configuration.host, configuration.port) = parsedListen()!
                if let tlsCert, let tlsKey { configuration.tls = .init(certificate: tlsCert, privateKey: tlsKey) }
                configuration.isPublic = `public`
                configuration.readOnly = readOnly
                configuration.maxBodyBytes = maxBody
                configuration.maxPushBytes = maxPush
                configuration.maxEvidenceBytes = maxEvidence
                // Pushes through /git/ are judged by the receive check: it is put in place (or renewed for
                // this luoshi) before the server takes any; a hook that is not Luoshi's is left, and pushes refused.
                switch ReceiveHook.state(ledger: path, executable: thisExecutable) {
                case .installed: break
                case .missing, .stale:
                    try ReceiveHook.install(ledger: path, executable: thisExecutable)
                    FileHandle.standardError.write(Data("luoshi: installed the receive check as \(ReceiveHook.path(ledger: path))\n".utf8))
                case .foreign:
                    FileHandle.standardError.write(Data("luoshi: \(ReceiveHook.path(ledger: path)) is not Luoshi's receive check: /git/ takes no pushes (`luoshi hooks install --force` puts it in place)\n".utf8))
                }
                let outcome = ServeOutcome()
                let done = DispatchSemaphore(value: 0)
                Task {
                    do {
                        try await serve(configuration)
                    } catch {
                        outcome.set("\(error)")
                    }
                    done.signal()
                }
                done.wait()
                if let failure = outcome.get() { throw LedgerError.usage("cannot serve \(path): \(failure)") }
            }
        }
    }
}

/// How the server ended, handed from its task to the command.
private final class ServeOutcome: @unchecked Sendable {
    private var failure: String?
    private let lock = NSLock()
    func set(_ s: String) { lock.lock(); failure = s; lock.unlock() }
    func get() -> String? { lock.lock(); defer { lock.unlock() }; return failure }
}
