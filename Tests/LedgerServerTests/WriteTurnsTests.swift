import Testing
@testable import LedgerServer

/// Writers' turns: first come, first served; a turn passes on when it ends, or when it runs out.
@Suite("luoshi serve: writers' turns")
struct WriteTurnsTests {
    @Test("a second writer waits until the first turn ends, a third until the second's runs out")
    func order() async throws {
        let turns = WriteTurns(length: .milliseconds(300))
        let first = await turns.take()
        let order = Protected<[String]>([])
        let second = Task {
            let t = await turns.take()
            order.mutate { $0.append("second") }
            return t
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(order.value.isEmpty, "the second writer waits while the first holds its turn")
        order.mutate { $0.append("first ends") }
        await turns.end(first)
        let t2 = await second.value
        #expect(order.value == ["first ends", "second"])
        // The second never ends its turn: the third gets it once it runs out, not before.
        let start = ContinuousClock.now
        let t3 = await turns.take()
        #expect(ContinuousClock.now - start >= .milliseconds(150))
        #expect(t3 != t2)
        // Ending a turn that ran out changes nothing: the third still holds its turn.
        await turns.end(t2)
        let fourth = Task {
            _ = await turns.take()
            order.mutate { $0.append("fourth") }
        }
        try await Task.sleep(for: .milliseconds(50))
        #expect(!order.value.contains("fourth"), "the third still holds its turn")
        await turns.end(t3)
        await fourth.value
        #expect(order.value.last == "fourth")
    }
}
