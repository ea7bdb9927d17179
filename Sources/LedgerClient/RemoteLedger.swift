import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
public import Ledger
public import LedgerModel

/// A ledger served by `luoshi serve` elsewhere, written to as its own commands write locally: each
/// event is prepared by the server, checked here, signed here with the actor's key, and sent back.
/// The key never leaves this process.
public final class RemoteLedger {
    public let url: String
    private let key: SSHPrivateKey
    private let actor: ActorID
    private var token: String?
    private let session: URLSession

    /// What one event's write did: its commits and the head they left.
    public struct Written: Sendable {
        public var commits: [String]
        public var head: String
    }

    public init(url: String, key: SSHPrivateKey, actor: ActorID) {
        self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.key = key
        self.actor = actor
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 120
        session = URLSession(configuration: configuration)
    }

    /// Writes one event (JSON as `docs/events.md` gives it), signing every object the server asks
    /// for; refusals come back as the library's errors, located at `source`.
    public func write(_ event: JSONValue, source: InputSource) throws -> Written {
        if token == nil { try signIn() }
        var action = ""
        if case .object(let m) = event, case .string(let a)? = m["action"] { action = a }
        return try signRounds(try request("POST", "/api/v1/events", event, source: source), expecting: .action(action), source: source)
    }

    /// Co-signs checkpoint `spec` (`cp-…` or `checkpoints/cp-…`) as this actor, a witness: the
    /// server prepares the tag, which is checked and signed here. Returns the witness ref.
    public func witness(_ spec: String) throws -> String {
        let id = try CheckpointTags.id(named: spec)
        if token == nil { try signIn() }
        let first = try request("POST", "/api/v1/witnesses", .object(["actor": .string(actor.rawValue), "checkpoint": .string(id.rawValue)]), source: nil)
        _ = try signRounds(first, expecting: .witness(id), source: nil)
        return CheckpointTags.witnessRef(id, actor)
    }

    /// What the objects a write asks to be signed must be.
    enum Expected {
        /// The commits of an event with this action (and a checkpoint's tag).
        case action(String)
        /// This actor's witness tag on this checkpoint.
        case witness(CheckpointID)
    }

    /// Signs each object the server's answers ask for, after checking it, until the write lands.
    private func signRounds(_ first: Answer, expecting: Expected, source: InputSource?) throws -> Written {
        var answer = first
        for _ in 0..<64 {
            switch answer.status {
            case 200, 202, 409:
                let (pending, object) = try pendingObject(answer.body, source: source)
                try check(object, expecting: expecting, source: source)
                let signature = try SSHSignature.sign(object.buffer, with: key)
                answer = try request("POST", "/api/v1/events/\(pending)/signatures",
                                     .object(["signatures": .array([.string(signature)])]), source: source)
            case 201:
                guard case .array(let commits)? = answer.body["commits"], case .string(let head)? = answer.body["head"] else {
                    throw LedgerError.internalFailure("\(url) answered 201 without the commits it wrote")
                }
                return Written(commits: commits.compactMap(\.stringValue), head: head)
            default:
                throw refusal(answer, source: source)
            }
        }
        throw LedgerError.conflict("\(url): the ledger's head kept moving; try again")
    }

    // MARK: The session

    private func signIn() throws {
        let challenge = try request("POST", "/api/v1/session", .object(["actor": .string(actor.rawValue)]), source: nil)
        guard challenge.status == 201, case .string(let id)? = challenge.body["id"], case .string(let text)? = challenge.body["challenge"] else {
            throw refusal(challenge, source: nil)
        }
        let signature = try SSHSignature.sign(Array(text.utf8), with: key, namespace: Ledger.sessionNamespace)
        let opened = try request("POST", "/api/v1/session/\(id)", .object(["signature": .string(signature)]), source: nil)
        guard opened.status == 201, case .string(let t)? = opened.body["token"] else { throw refusal(opened, source: nil) }
        token = t
    }

    // MARK: Checking what is signed

    struct Object {
        var buffer: [UInt8]
        var kind: String
        var changes: [(path: String, blob: String, content: [UInt8])]
        var trees: [String: [UInt8]]
    }

    private func pendingObject(_ body: JSONValue, source: InputSource?) throws -> (String, Object) {
        func bytes(_ v: JSONValue?) -> [UInt8]? { v?.stringValue.flatMap { Data(base64Encoded: $0) }.map(Array.init) }
        guard case .string(let pending)? = body["pending"], case .array(let objects)? = body["commits"], objects.count == 1,
              let buffer = bytes(objects[0]["buffer"]) else {
            throw LedgerError.internalFailure("\(url) asked for a signature without one object to sign")
        }
        var object = Object(buffer: buffer, kind: objects[0]["kind"]?.stringValue ?? "commit", changes: [], trees: [:])
        for c in objects[0]["changes"]?.arrayValue ?? [] {
            guard let path = c["path"]?.stringValue, let blob = c["blob"]?.stringValue, let content = bytes(c["content"]) else {
                throw LedgerError.internalFailure("\(url) described a change it would write without its path, blob or content")
            }
            object.changes.append((path, blob, content))
        }
        for t in objects[0]["trees"]?.arrayValue ?? [] {
            guard let id = t["id"]?.stringValue, let raw = bytes(t["object"]) else { continue }
            object.trees[id] = raw
        }
        return (pending, object)
    }

    /// Refuses to sign a commit that is not what was asked for: its trailers must name the action,
    /// every record it writes must hash to the blob its tree names, and the trees must hash up to the
    /// commit's tree line. A tag is the checkpoint's, on the commit signed just before, or the
    /// witness tag asked for, in this actor's name.
    func check(_ object: Object, expecting: Expected, source: InputSource?) throws {
        func refuse(_ why: String) -> LedgerError {
            .internalFailure("\(url) asked to sign a \(object.kind) that \(why); nothing was signed")
        }
        let action: String
        switch expecting {
        case .witness(let id):
            let text = String(decoding: object.buffer, as: UTF8.self)
            guard object.kind == "tag", text.hasPrefix("object "), text.contains("\ntype tag\ntag witnesses/\(id)/\(self.actor)\ntagger "),
                  text.contains(" <\(self.actor)@ledger> ") else {
                throw refuse("is not \(self.actor)'s witness tag on \(id)")
            }
            return
        case .action(let a): action = a
        }
        guard object.kind == "commit" else {
            guard String(decoding: object.buffer, as: UTF8.self).hasPrefix("object "), action == "checkpoint" else {
                throw refuse("is not a checkpoint's tag")
            }
            return
        }
        let text = String(decoding: object.buffer, as: UTF8.self)
        guard text.contains("\nLuoshi-Action: \(action)\n") else { throw refuse("does not name the action \(action)") }
        guard text.hasPrefix("tree "), let end = text.firstIndex(of: "\n") else { throw refuse("has no tree line") }
        let root = String(text[text.index(text.startIndex, offsetBy: 5)..<end])
        for (id, raw) in object.trees where Self.objectID("tree", raw) != id { throw refuse("comes with a tree that does not hash to \(id)") }
        for change in object.changes {
            guard Self.objectID("blob", change.content) == change.blob else { throw refuse("writes \(change.path) with bytes that are not its blob") }
            var tree = root
            let parts = change.path.split(separator: "/").map(String.init)
            for (n, name) in parts.enumerated() {
                guard let raw = object.trees[tree], let entry = Self.entry(named: name, in: raw) else {
                    throw refuse("does not show its tree down to \(change.path)")
                }
                if n == parts.count - 1 {
                    guard entry == change.blob else { throw refuse("does not put \(change.path)'s blob at that path") }
                } else {
                    tree = entry
                }
            }
        }
    }

    static func objectID(_ type: String, _ bytes: [UInt8]) -> String {
        var hasher = Insecure.SHA1()
        hasher.update(data: Array("\(type) \(bytes.count)\0".utf8))
        hasher.update(data: bytes)
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The id a raw tree object gives `name` (`<mode> <name>\0<20 bytes>` entries).
    static func entry(named name: String, in tree: [UInt8]) -> String? {
        var i = 0
        let wanted = Array(name.utf8)
        while i < tree.count {
            guard let space = tree[i...].firstIndex(of: 0x20), let nul = tree[space...].firstIndex(of: 0), nul + 21 <= tree.count else { return nil }
            if Array(tree[(space + 1)..<nul]) == wanted {
                return tree[(nul + 1)..<(nul + 21)].map { String(format: "%02x", $0) }.joined()
            }
            i = nul + 21
        }
        return nil
    }

    // MARK: HTTP

    struct Answer {
        var status: Int
        var body: JSONValue
    }

    private func request(_ method: String, _ path: String, _ body: JSONValue, source: InputSource?) throws -> Answer {
        guard let target = URL(string: url + path) else { throw LedgerError.usage("--remote \(url) is not a URL") }
        var request = URLRequest(url: target)
        request.httpMethod = method
        request.httpBody = Data(CanonicalJSON.encode(body))
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox()
        session.dataTask(with: request) { data, response, error in
            box.result = (data, (response as? HTTPURLResponse)?.statusCode, error)
            done.signal()
        }.resume()
        done.wait()
        let (data, status, error) = box.result
        guard let status, error == nil else {
            throw LedgerError.usage("cannot reach \(url): \(error.map { $0.localizedDescription } ?? "no answer"); is `luoshi serve` running there?")
        }
        let parsed = (try? JSONParser.parse(Array(data ?? Data()))) ?? .null
        return Answer(status: status, body: parsed)
    }

    /// A refusal as the library's error, so the command exits with the code it documents.
    private func refusal(_ answer: Answer, source: InputSource?) -> LedgerError {
        let message = answer.body["error"]?["message"]?.stringValue ?? "HTTP \(answer.status)"
        let code = answer.body["error"]?["code"]?.stringValue
        let pointer = answer.body["error"]?["pointer"]?.stringValue.map { p in
            // RFC 6901: "/a/b~1c" is ["a", "b/c"].
            JSONPointer(p.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
                $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            })
        }
        let said = "\(url) refused it: \(message)"
        switch answer.status {
        case 400 where code == "bad-data": return .invalidInput(source: source, pointer: pointer, reason: message)
        case 401, 403: return .notPermitted(source: source, reason: said)
        case 404: return .notFound(said)
        case 409: return .conflict(said)
        case 400, 413, 429: return .usage(said)
        default: return .internalFailure(said)
        }
    }
}

private final class ResultBox: @unchecked Sendable {
    var result: (Data?, Int?, (any Error)?) = (nil, nil, nil)
}
