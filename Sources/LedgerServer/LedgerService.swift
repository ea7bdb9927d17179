import Foundation
import Hummingbird
import Ledger
import Logging
import LedgerModel
import NIOCore
import NIOPosix

/// A value behind a lock, for the server's shared state.
final class Protected<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) { self.value = value }

    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

/// Open ledger handles, each lent to one borrower at a time. A `Ledger` (and the libgit2 handle under
/// it) is used by one thread at a time: a borrowed handle is in no list until it is given back, and
/// the lock guards the list. Reusing handles keeps each request from reopening the repository and
/// mapping its pack indexes again.
final class LedgerHandles: @unchecked Sendable {
    private let path: String
    private let clock: @Sendable () -> Timestamp
    private var idle: [Ledger] = []
    private let lock = NSLock()
    /// How many handles are kept for reuse; more borrowers than this open their own and close them.
    private let keep = 8

    init(path: String, clock: @escaping @Sendable () -> Timestamp) throws {
        self.path = path
        self.clock = clock
        idle.append(try open())
    }

    private func open() throws -> Ledger {
        // A server checks every object's hash and frees each request's view (the defaults); each of
        // its ledger handles keeps a couple of repository handles for the threads a reading spreads over.
        var configuration = Ledger.Configuration()
        configuration.maximumIdleRepositories = 2
        let ledger = try Ledger.open(at: path, configuration: configuration)
        let clock = self.clock
        ledger.clock = { clock() }
        return ledger
    }

    /// Runs `body` with a handle of its own, on the thread pool: the library's calls block on the disk.
    func with<T: Sendable>(_ body: @escaping @Sendable (Ledger) throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive { [self] in
            let ledger = try borrow()
            defer { giveBack(ledger) }
            return try body(ledger)
        }
    }

    private func borrow() throws -> Ledger {
        lock.lock()
        if let ledger = idle.popLast() { lock.unlock(); return ledger }
        lock.unlock()
        return try open()
    }

    private func giveBack(_ ledger: Ledger) {
        lock.lock()
        defer { lock.unlock() }
        if idle.count < keep { idle.append(ledger) }
    }
}

/// Random tokens: session ids, challenges' nonces, pending ids. `SystemRandomNumberGenerator` reads
/// the kernel's generator (getrandom), which is fit for secrets.
enum Token {
    static func make(bytes: Int = 24) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in
            let b = UInt8.random(in: 0...255, using: &generator)
            return String(b, radix: 16).count == 1 ? "0" + String(b, radix: 16) : String(b, radix: 16)
        }.joined()
    }
}

/// Everything the server keeps between requests: its ledger handles, prepared writes waiting for
/// signatures, sessions, cached answers and its health. None of it is a source of truth: a restart
/// loses pendings and sessions (clients prepare and sign in again), never a landed write.
final class LedgerService: Sendable {
    let configuration: ServerConfiguration
    let handles: LedgerHandles
    let pendings = Protected<[String: Pending]>([:])
    let challenges = Protected<[String: Challenge]>([:])
    let sessions = Protected<[String: Session]>([:])
    let answers = Protected<AnswerCache>(AnswerCache())
    /// Status matrices whole, so that each page of a paged status is a slice, not a new reading.
    let matrices = Protected<MatrixCache>(MatrixCache())
    let health = Protected<Health>(Health())
    /// Landing is one at a time in this process, so concurrent writers queue instead of racing the
    /// compare-and-swap; writers outside it (the CLI, a push) still lose the swap and are re-prepared.
    let landing = NSLock()
    /// Writers through this server take turns at preparing on head (`WriteTurns`).
    let turns: WriteTurns

    struct Pending: Sendable {
        var write: PreparedWrite
        var expires: Timestamp
        /// The event came without `at`: a re-preparation dates it anew.
        var serverDated: Bool
        /// The writer's turn this write was prepared in.
        var turn: WriteTurns.Turn
    }

    struct Challenge: Sendable {
        var actor: ActorID
        var text: String
        var expires: Timestamp
    }

    struct Session: Sendable {
        var actor: ActorID
        var expires: Timestamp
    }

    struct Health: Sendable {
        /// What the start-up verification found; nil while it runs.
        var verified: Bool?
        var problems: [String] = []
        var verifiedHead: String?
        var commits = 0
        var readOnly: Bool { verified != true }
    }

    init(configuration: ServerConfiguration) throws {
        self.configuration = configuration
        turns = WriteTurns(length: configuration.writeTurn)
        self.handles = try LedgerHandles(path: configuration.ledgerPath, clock: configuration.clock)
    }

    var now: Timestamp { configuration.clock() }

    // MARK: Sessions

    /// A new challenge for `actor` to sign: `(id, text)`.
    func challenge(for actor: ActorID) -> (String, String, Timestamp) {
        let id = Token.make()
        let expires = Timestamp(seconds: now.seconds + configuration.challengeLifetime)
        let text = "luoshi session\nactor: \(actor)\nnonce: \(Token.make(bytes: 16))\nexpires: \(expires)\n"
        challenges.withLock { all in
            all = all.filter { $0.value.expires.seconds > now.seconds }
            all[id] = Challenge(actor: actor, text: text, expires: expires)
        }
        return (id, text, expires)
    }

    /// Takes a challenge for answering: single-use, so a second answer finds nothing.
    func takeChallenge(_ id: String) throws -> Challenge {
        try take(id, from: challenges, expires: \.expires, what: "session challenge", again: "ask for a new one with POST /api/v1/session")
    }

    /// Takes `id` out of `store` (so a second use finds nothing): 404 when it is not there, 410 when
    /// it is past its lifetime.
    private func take<T>(_ id: String, from store: Protected<[String: T]>, expires: (T) -> Timestamp, what: String, again: String) throws -> T {
        guard let item = store.withLock({ $0.removeValue(forKey: id) }) else {
            throw APIError(.notFound, "not-found", "there is no \(what) \(id), or it was used already; \(again)")
        }
        guard expires(item).seconds > now.seconds else {
            throw APIError(.gone, "expired", "the \(what) \(id) expired at \(expires(item)); \(again)")
        }
        return item
    }

    func openSession(for actor: ActorID) -> (String, Timestamp) {
        let token = Token.make(bytes: 32)
        let expires = Timestamp(seconds: now.seconds + configuration.sessionLifetime)
        sessions.withLock { all in
            all = all.filter { $0.value.expires.seconds > now.seconds }
            all[token] = Session(actor: actor, expires: expires)
        }
        return (token, expires)
    }

    /// The actor of a live session, nil for an unknown or expired token.
    func actor(ofSession token: String) -> ActorID? {
        sessions.withLock { all in
            guard let s = all[token] else { return nil }
            if s.expires.seconds <= now.seconds { all[token] = nil; return nil }
            return s.actor
        }
    }

    func closeSession(_ token: String) -> Bool { sessions.withLock { $0.removeValue(forKey: token) != nil } }

    // MARK: Pendings

    func keep(_ write: PreparedWrite, serverDated: Bool, turn: WriteTurns.Turn) throws -> (String, Timestamp) {
        let id = Token.make()
        let expires = Timestamp(seconds: now.seconds + configuration.pendingLifetime)
        let limit = configuration.pendingsPerActor
        let t = now.seconds
        try pendings.withLock { all in
            // Expired pendings are kept a while longer, so that using one answers 410 rather than 404.
            all = all.filter { $0.value.expires.seconds + configuration.pendingLifetime > t }
            let open = all.values.filter { $0.write.actor == write.actor && $0.expires.seconds > t }.count
            guard open < limit else {
                throw APIError(.tooManyRequests, "too-many-pendings", "\(write.actor) has \(open) writes prepared and not signed; sign or let them expire (\(configuration.pendingLifetime) s) before preparing more")
            }
            all[id] = Pending(write: write, expires: expires, serverDated: serverDated, turn: turn)
        }
        return (id, expires)
    }

    /// Prepares a write in the writer's own turn (`WriteTurns`), and keeps it for its signatures.
    /// `onHead` prepares it on the head. A writer next in line is prepared meanwhile on top of the
    /// write ahead of it by `after` (an event's write; nil for one that cannot be), and attached to
    /// the commit that write lands as; when that write does not land, or this one cannot be attached,
    /// it is prepared on the head after all. The turn ends at once when the write is refused.
    func prepareInTurn(serverDated: Bool, onHead: @escaping @Sendable (Ledger) throws -> PreparedWrite,
                       after: (@Sendable (Ledger, PreparedWrite) throws -> PreparedWrite)? = nil) async throws -> (PreparedWrite, String, Timestamp) {
        let start = await turns.take()
        do {
            var write: PreparedWrite?
            if let ahead = start.ahead {
                var early: PreparedWrite?
                if let after { early = try? await handles.with { try after($0, ahead) } }
                let landed = await turns.follow(start.turn)
                if let landed, let early {
                    write = try? await handles.with { try $0.attach(early, after: landed) }
                }
            }
            let prepared: PreparedWrite
            if let write { prepared = write } else { prepared = try await handles.with(onHead) }
            let (id, expires) = try keep(prepared, serverDated: serverDated, turn: start.turn)
            await turns.prepared(start.turn, prepared)
            return (prepared, id, expires)
        } catch {
            await turns.end(start.turn)
            throw error
        }
    }

    /// Takes a pending for signing: single-use, so a second use finds nothing.
    func takePending(_ id: String) throws -> Pending {
        try take(id, from: pendings, expires: \.expires, what: "pending write", again: "prepare the event again with POST /api/v1/events")
    }
}

/// Answers to reading questions, kept for the head they were computed at.
struct AnswerCache: Sendable {
    struct Answer: Sendable {
        var head: String
        /// The answer's bytes; a `ByteBuffer` so that each response shares them instead of copying.
        var body: ByteBuffer
        var contentType: String
        /// The same bytes gzipped, once compressed (for clients that accept gzip); nil until then,
        /// and for answers too small to gain from it.
        var gzipped: ByteBuffer?
        /// Whether its compression has been started, so that it is compressed once.
        var compressing = false
    }

    private var entries: [String: Answer] = [:]
    private let limit = 2048

    func answer(_ question: String, head: String) -> Answer? {
        guard let a = entries[question], a.head == head else { return nil }
        return a
    }

    mutating func store(_ question: String, _ answer: Answer) {
        // A new head makes every answer of an older one stale.
        if let any = entries.first?.value, any.head != answer.head { entries.removeAll(keepingCapacity: true) }
        if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
        entries[question] = answer
    }

    /// The bytes of the answer to `question` at `head` for the one caller that is to gzip them: nil
    /// when it is too small, gone, or compressed or being compressed already.
    mutating func claimCompression(_ question: String, head: String) -> ByteBuffer? {
        guard let a = entries[question], a.head == head, a.gzipped == nil, !a.compressing, a.body.readableBytes >= gzipFrom else { return nil }
        entries[question]?.compressing = true
        return a.body
    }

    /// Adds the gzipped bytes of the answer to `question` at `head`, if it is still kept.
    mutating func store(gzipped: ByteBuffer, for question: String, head: String) {
        guard entries[question]?.head == head else { return }
        entries[question]?.gzipped = gzipped
    }
}

extension LedgerService {
    /// Reads every directive's status once, at start, into the matrix cache, so the first reader
    /// of a matrix page or of `status` does not wait for the whole ledger to be read.
    func warmMatrices(logger: Logger) async {
        do {
            let (head, all) = try await handles.with { ledger in (String(describing: try ledger.head()), try ledger.status()) }
            matrices.withLock { cache in
                for matrix in all.prefix(MatrixCache.limit) { cache.store("\(matrix.directive)|||", head: head, [matrix]) }
            }
            logger.info("read the status of \(all.count) directive(s) at \(head.prefix(12))")
        } catch {
            logger.warning("could not read the status at start: \(error)")
        }
    }
}

/// The status matrices of the last few status questions (directive, unit, point in history) at the
/// current head: a client paging through 40,000 units reads the ledger once, not once a page.
struct MatrixCache: Sendable {
    private var head = ""
    private var entries: [(question: String, matrices: [StatusMatrix])] = []
    static let limit = 4

    func matrices(_ question: String, head: String) -> [StatusMatrix]? {
        guard head == self.head else { return nil }
        return entries.first { $0.question == question }?.matrices
    }

    mutating func store(_ question: String, head: String, _ matrices: [StatusMatrix]) {
        if head != self.head { entries.removeAll(); self.head = head }
        entries.removeAll { $0.question == question }
        entries.append((question, matrices))
        if entries.count > Self.limit { entries.removeFirst() }
    }
}
