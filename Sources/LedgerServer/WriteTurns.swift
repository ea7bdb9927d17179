/// Writers through this server take turns. A signed commit names its parent, so of two writes
/// prepared on the same head only the first to land stands, and the other must be prepared and
/// signed again: sixteen offices writing at once would spend most of their time re-signing (a run
/// of 2,000 reports from 16 clients drew 23,516 conflicts, 22 writes a second and a 3.8 s p99).
/// Instead each prepare waits for its turn, first come first served, and is prepared on the head
/// the turn before it left; the turn ends when the write lands or is refused, or after
/// `ServerConfiguration.writeTurn` when its client is slow to sign, so no client can hold the
/// others up for longer than that. Writers outside the server (the CLI, a push) still race, and
/// lose as `409` with a fresh pending.
actor WriteTurns {
    /// One writer's turn, named by its token.
    typealias Turn = UInt64

    private let length: Duration
    private var holder: (turn: Turn, until: ContinuousClock.Instant)?
    private var waiting: [(turn: Turn, resume: CheckedContinuation<Void, Never>)] = []
    private var last: Turn = 0

    init(length: Duration) { self.length = length }

    /// Waits until it is this writer's turn, and returns the turn.
    func take() async -> Turn {
        last += 1
        let turn = last
        if holder == nil {
            grant(turn)
            return turn
        }
        await withCheckedContinuation { waiting.append((turn, $0)) }
        return turn
    }

    /// Gives `turn` a fresh length: a write signed in rounds keeps its turn from one round to the next.
    func renew(_ turn: Turn) {
        guard holder?.turn == turn else { return }
        grant(turn)
    }

    /// Ends `turn` (its write landed or was refused) and hands the next turn on; nothing when it is
    /// not the current one (it ran out already).
    func end(_ turn: Turn) {
        guard holder?.turn == turn else { return }
        handOn()
    }

    private func grant(_ turn: Turn) {
        let until = ContinuousClock.now + length
        holder = (turn, until)
        Task { [length] in
            try? await Task.sleep(for: length)
            self.runOut(turn, until: until)
        }
    }

    private func runOut(_ turn: Turn, until: ContinuousClock.Instant) {
        guard let h = holder, h.turn == turn, h.until == until else { return }
        handOn()
    }

    private func handOn() {
        holder = nil
        guard !waiting.isEmpty else { return }
        let next = waiting.removeFirst()
        grant(next.turn)
        next.resume.resume()
    }
}
