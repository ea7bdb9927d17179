import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerModel
import LedgerServer
import Testing

/// The repository's root folder, found from this file's path.
let repositoryRoot: URL = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
    }
    fatalError("no Package.swift above \(#filePath)")
}()

let luoshiBinary: String = {
    if let b = ProcessInfo.processInfo.environment["LUOSHI_BIN"] { return b }
    for config in ["debug", "release"] {
        let p = repositoryRoot.appendingPathComponent(".build/\(config)/luoshi").path
        if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    fatalError("build luoshi first (swift build)")
}()

struct RunResult {
    var status: Int32
    var stdout: [UInt8]
    var stderr: String
    var text: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs a program to its end; standard error goes to a file so neither stream can block it.
@discardableResult
func run(_ program: String, _ arguments: [String], input: [UInt8]? = nil) throws -> RunResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: program.hasPrefix("/") ? program : "/usr/bin/env")
    p.arguments = program.hasPrefix("/") ? arguments : [program] + arguments
    let errPath = FileManager.default.temporaryDirectory.appendingPathComponent("luoshi-stderr-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: errPath.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errPath) }
    let out = Pipe()
    let inPipe = Pipe()
    p.standardOutput = out
    p.standardError = try FileHandle(forWritingTo: errPath)
    p.standardInput = inPipe
    // Told when it ends (`waitUntilExit` looks only every 50 ms).
    let ended = DispatchSemaphore(value: 0)
    p.terminationHandler = { _ in ended.signal() }
    try p.run()
    if let input { inPipe.fileHandleForWriting.write(Data(input)) }
    try inPipe.fileHandleForWriting.close()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    ended.wait()
    return RunResult(status: p.terminationStatus, stdout: Array(data), stderr: String(decoding: (try? Data(contentsOf: errPath)) ?? Data(), as: UTF8.self))
}

/// A scenario loaded into a fresh ledger (with `scenarios/load.sh`), and a server configuration for it.
final class ServerFixture: @unchecked Sendable {
    let folder: URL
    var ledger: String { folder.appendingPathComponent("ledger").path }
    var keys: String { ledger + ".keys" }
    var configuration: ServerConfiguration

    init(scenario: String = "burden-2019", isPublic: Bool = false) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("luoshi-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let events = scenario == "sample"
            ? repositoryRoot.appendingPathComponent("ledger/events.jsonl").path
            : repositoryRoot.appendingPathComponent("scenarios/\(scenario).jsonl").path
        let r = try run("bash", [repositoryRoot.appendingPathComponent("scenarios/load.sh").path, events, folder.appendingPathComponent("ledger").path, luoshiBinary])
        guard r.status == 0 else { throw FixtureError("load.sh \(scenario) failed: \(r.stderr)") }
        configuration = ServerConfiguration(ledgerPath: folder.appendingPathComponent("ledger").path)
        configuration.isPublic = isPublic
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func key(_ actor: String) -> String { keys + "/" + actor }

    /// The CLI's answer to the same question.
    func cli(_ arguments: [String]) throws -> RunResult { try run(luoshiBinary, arguments + ["--ledger", ledger]) }

    func head() throws -> String {
        String(try run("git", ["--git-dir", ledger, "rev-parse", "refs/heads/main"]).text.dropLast())
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ s: String) { description = s }
}

/// The SSHSIG armour `ssh-keygen -Y sign -n NAMESPACE -f KEY` prints for `bytes`.
func sshSign(_ bytes: [UInt8], key: String, namespace: String = "git") throws -> String {
    let r = try run("ssh-keygen", ["-q", "-Y", "sign", "-n", namespace, "-f", key], input: bytes)
    guard r.status == 0 else { throw FixtureError("ssh-keygen -Y sign failed: \(r.stderr)") }
    return r.text
}

/// JSON of a response body.
func json(_ response: TestResponse) throws -> JSONValue {
    try JSONParser.parse(Array(response.body.readableBytesView))
}

/// JSON written as text in a test.
func jsonText(_ text: String) throws -> JSONValue { try JSONParser.parse(text) }

func body(_ value: JSONValue) -> ByteBuffer { ByteBuffer(bytes: CanonicalJSON.encode(value)) }

func body(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

extension JSONValue {
    subscript(_ key: String) -> JSONValue? {
        if case .object(let m) = self { return m[key] }
        return nil
    }
    subscript(_ index: Int) -> JSONValue? {
        if case .array(let a) = self, a.indices.contains(index) { return a[index] }
        return nil
    }
    var string: String? { if case .string(let s) = self { return s }; return nil }
}

/// The error code of an error answer.
func errorCode(_ response: TestResponse) -> String? {
    (try? json(response))?["error"]?["code"]?.string
}

/// A client's side of the protocol, as a test drives it.
struct APIClient {
    let client: any TestClientProtocol
    var token: String?

    var headers: HTTPFields {
        var h = HTTPFields()
        if let token { h[.authorization] = "Bearer \(token)" }
        return h
    }

    func get(_ uri: String, headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var h = headers
        for f in extra { h.append(f) }
        return try await client.execute(uri: uri, method: .get, headers: h)
    }

    func post(_ uri: String, _ value: JSONValue) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .post, headers: headers, body: body(value))
    }

    func post(_ uri: String, raw: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .post, headers: headers, body: body(raw))
    }

    /// Signs in as `actor` with its key file.
    mutating func signIn(_ actor: String, key: String) async throws {
        let c = try json(try await post("/api/v1/session", .object(["actor": .string(actor)])))
        let sig = try sshSign(Array(c["challenge"]!.string!.utf8), key: key, namespace: "luoshi-session")
        let r = try await post("/api/v1/session/\(c["id"]!.string!)", .object(["signature": .string(sig)]))
        guard r.status == .created else { throw FixtureError("sign-in failed: \(String(buffer: r.body))") }
        token = try json(r)["token"]?.string
    }

    /// The buffer of the one object a pending answer asks to be signed.
    static func buffer(_ answer: JSONValue) -> [UInt8] {
        Array(Data(base64Encoded: answer["commits"]![0]!["buffer"]!.string!)!)
    }

    /// Prepares `event`, signs each round with `key`, and returns the last answer.
    func write(_ event: JSONValue, key: String) async throws -> TestResponse {
        var r = try await post("/api/v1/events", event)
        while r.status == .ok || r.status == .accepted {
            let answer = try json(r)
            let sig = try sshSign(APIClient.buffer(answer), key: key)
            r = try await post("/api/v1/events/\(answer["pending"]!.string!)/signatures", .object(["signatures": .array([.string(sig)])]))
        }
        return r
    }
}

/// `luoshi serve` as its own process on a free loopback port, ready once its start-up verification
/// has passed.
final class LiveServer: @unchecked Sendable {
    let process = Process()
    let port: Int
    let log: URL
    let scheme: String
    /// curl's options to reach it (`--cacert` under TLS).
    let curlOptions: [String]

    init(ledger: String, folder: URL, arguments: [String] = ["--public"], tls: (certificate: String, key: String)? = nil) throws {
        port = Int.random(in: 20_000..<60_000)
        log = folder.appendingPathComponent("serve-\(port).log")
        scheme = tls == nil ? "http" : "https"
        curlOptions = tls.map { ["--cacert", $0.certificate] } ?? []
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: luoshiBinary)
        process.arguments = ["serve", "--ledger", ledger, "--listen", "127.0.0.1:\(port)"] + arguments
            + (tls.map { ["--tls-cert", $0.certificate, "--tls-key", $0.key] } ?? [])
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        for _ in 0..<100 {
            if let r = try? run("curl", ["-sS", "--max-time", "10"] + curlOptions + [url + "/healthz"]), r.status == 0,
               r.text.contains("\"verification\": \"ok\"") { return }
            usleep(100_000)
        }
        process.terminate()
        throw FixtureError("luoshi serve did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
    }

    /// `https://localhost:PORT` under TLS (the name its certificate is for), else `http://127.0.0.1:PORT`.
    var url: String { scheme == "https" ? "https://localhost:\(port)" : "http://127.0.0.1:\(port)" }

    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning { kill9() }
    }
}
