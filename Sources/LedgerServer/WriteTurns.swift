import Ledger

/// Writers through this server take turns. A signed commit names its parent, so of two writes
/// prepared on the same head only the first to land stands, and the other must be prepared and
/// signed again: sixteen offices writing at once would spend most of their time re-signing (a run
/// of 2,000 reports from 16 clients drew 23,516 conflicts, 22 writes a second and a 3.8 s p99).
/// Instead each prepare waits for its turn, first come first served, and is prepared on the head
/// the turn before it left; the turn ends when the write lands or is refused, or after
/// `ServerConfiguration.writeTurn` when its client is slow to sign, so no client can hold the
/// others up for longer than that. Writers outside the server (the CLI, a push) still race, and
/// lose as `409` with a fresh pending.
///
/// The writer next in line does not wait idle: once the holder's write is prepared, the next one
/// is checked and prepared on top of it (`Ledger.prepare(_:after:)`) while the holder's client
/// signs, and when the holder lands it only needs its parent filled in (`Ledger.attach(_:after:)`).
/// So a turn costs the holder's signing and landing, not also the next write's checking. When the
/// holder's write does not land, the next one is prepared again on the head.
actor WriteTurns {
    /// One writer's turn, named by its token.
    typealias Turn = UInt64

    /// What a writer gets when its wait ends: the holder's prepared write to prepare on top of (it
    /// is next in line), or nil (it holds the turn: prepare on the head).
    struct Start: Sendable {
        var turn: Turn
        var ahead: PreparedWrite?
    }

    private let length: Duration
    private var holder: (turn: Turn, until: ContinuousClock.Instant, prepared: PreparedWrite?)?
    /// Where the writer next in line is: preparing on top of the holder's write, waiting for the
    /// holder to end, or told how it ended (nil: without landing) before it asked.
    private enum Follower {
        case preparing
        case waiting(CheckedContinuation<WriteResult?, Never>)
        case told(WriteResult?)
    }
    private var next: (turn: Turn, state: Follower)?
    private var waiting: [(turn: Turn, resume: CheckedContinuation<PreparedWrite?, Never>)] = []
    private var last: Turn = 0

    init(length: Duration) { self.length = length }

    /// Waits until this writer holds the turn, or is next in line with the holder's write prepared.
    func take() async -> Start {
        last += 1
        let turn = last
        if holder == nil, next == nil, waiting.isEmpty {
            grant(turn)
            return Start(turn: turn, ahead: nil)
        }
        if let ahead = holder?.prepared, next == nil, waiting.isEmpty {
            next = (turn, .preparing)
            return Start(turn: turn, ahead: ahead)
        }
        let ahead = await withCheckedContinuation { waiting.append((turn, $0)) }
        return Start(turn: turn, ahead: ahead)
    }

    /// The holder's write is prepared: the writer next in line may prepare on top of it. Only an
    /// event's write that moves `main` can be prepared after.
    func prepared(_ turn: Turn, _ write: PreparedWrite) {
        guard let h = holder, h.turn == turn, h.prepared == nil, write.event != nil, !write.isFollowing else { return }
        holder?.prepared = write
        guard next == nil, !waiting.isEmpty else { return }
        let w = waiting.removeFirst()
        next = (w.turn, .preparing)
        w.resume.resume(returning: write)
    }

    /// For the writer next in line: waits until the holder's turn ends and this one's begins, and
    /// returns how the holder's write landed, or nil when it did not land.
    func follow(_ turn: Turn) async -> WriteResult? {
        guard let n = next, n.turn == turn else { return nil }
        if case .told(let landed) = n.state {
            next = nil
            return landed
        }
        return await withCheckedContinuation { next?.state = .waiting($0) }
    }

    /// Gives `turn` a fresh length: a write signed in rounds keeps its turn from one round to the next.
    func renew(_ turn: Turn) {
        guard let h = holder, h.turn == turn else { return }
        holder?.until = deadline(turn)
    }

    /// Ends `turn`: its write landed as `landed`, or was refused (nil). Hands the turn on; nothing
    /// when `turn` does not hold it (it ran out already).
    func end(_ turn: Turn, landed: WriteResult? = nil) {
        guard holder?.turn == turn else { return }
        handOn(landed)
    }

    private func deadline(_ turn: Turn) -> ContinuousClock.Instant {
        let until = ContinuousClock.now + length
        Task { [length] in
            try? await Task.sleep(for: length)
            self.runOut(turn, until: until)
        }
        return until
    }

    private func grant(_ turn: Turn) {
        holder = (turn, deadline(turn), nil)
    }

    private func runOut(_ turn: Turn, until: ContinuousClock.Instant) {
        guard let h = holder, h.turn == turn, h.until == until else { return }
        handOn(nil)
    }

    /// The holder is done: the writer next in line takes the turn and learns how it ended; with none
    /// next, the first waiting takes it and prepares on the head.
    private func handOn(_ landed: WriteResult?) {
        holder = nil
        guard let n = next else {
            grantNextIfFree()
            return
        }
        grant(n.turn)
        if case .waiting(let resume) = n.state {
            next = nil
            resume.resume(returning: landed)
        } else {
            next?.state = .told(landed)
        }
    }

    /// With no holder and nobody next in line, the first waiting writer takes the turn.
    private func grantNextIfFree() {
        guard holder == nil, next == nil, !waiting.isEmpty else { return }
        let w = waiting.removeFirst()
        grant(w.turn)
        w.resume.resume(returning: nil)
    }
}
