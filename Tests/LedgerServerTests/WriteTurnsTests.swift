import Foundation
@testable import Ledger
import LedgerModel
import Testing
@testable import LedgerServer

/// Writers' turns: first come, first served; a turn passes on when it ends, or when it runs out.
@Suite("luoshi serve: writers' turns")
struct WriteTurnsTests {
    @Test("a second writer waits until the first turn ends, a third until the second's runs out")
    func order() async throws {
        let turns = WriteTurns(length: .seconds(3))
        let first = await turns.take().turn
        let order = Protected<[String]>([])
        let second = Task {
            let t = await turns.take().turn
            order.mutate { $0.append("second") }
            return t
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(order.value.isEmpty, "the second writer waits while the first holds its turn")
        order.mutate { $0.append("first ends") }
        // The second's turn begins after this moment, so it cannot run out before three seconds after it.
        let start = ContinuousClock.now
        await turns.end(first)
        let t2 = await second.value
        #expect(order.value == ["first ends", "second"])
        // The second never ends its turn: the third gets it once it runs out, not before.
        let t3 = await turns.take().turn
        let thirdBegan = ContinuousClock.now
        #expect(thirdBegan - start >= .seconds(3))
        #expect(t3 != t2)
        // Ending a turn that ran out changes nothing: the third still holds its turn.
        await turns.end(t2)
        let fourth = Task {
            _ = await turns.take()
            order.mutate { $0.append("fourth") }
        }
        try await Task.sleep(for: .milliseconds(50))
        // (On a machine so loaded that the third's three seconds passed meanwhile, its turn rightly ran out.)
        if ContinuousClock.now - thirdBegan < .seconds(3) {
            #expect(!order.value.contains("fourth"), "the third still holds its turn")
        }
        await turns.end(t3)
        await fourth.value
        #expect(order.value.last == "fourth")
    }

    @Test("the writer next in line gets the holder's prepared write at once, then the commit it landed as, or nil when it did not land")
    func nextInLine() async throws {
        let fixture = try ServerFixture()
        let ledger = try Ledger.open(at: fixture.ledger)
        var report = try jsonText(WriteTests.report)
        if case .object(var members) = report {
            members["at"] = Timestamp(seconds: Int64(Date().timeIntervalSince1970)).json
            report = .object(members)
        }
        let write = try ledger.prepare(SourcedEvent(event: Event(json: report, at: .root)))
        let head = try #require(write.base)
        let landed = WriteResult(commits: [], head: head, retries: 0, tags: [], changes: [])

        let turns = WriteTurns(length: .seconds(30))
        let first = await turns.take()
        #expect(first.ahead == nil, "the first writer holds the turn and prepares on the head")
        await turns.prepared(first.turn, write)
        let second = await turns.take()
        #expect(second.ahead?.base == head, "the second is next in line, with the first's write to prepare on")
        // A third waits: only one writer is next in line.
        let third = Task { await turns.take() }
        let follow = Task { await turns.follow(second.turn) }
        await turns.end(first.turn, landed: landed)
        #expect(await follow.value?.head == head, "the second learns the commit the first landed as")
        // The second holds the turn now; once its write is prepared the third is next, and when the
        // second ends without landing the third is told so.
        await turns.prepared(second.turn, write)
        let t3 = await third.value
        #expect(t3.ahead != nil)
        await turns.end(second.turn)
        #expect(await turns.follow(t3.turn) == nil, "a holder that did not land leaves the next to prepare on the head")
        await turns.end(t3.turn)
    }

    @Test("a write prepared after another is checked on that write's records, attaches only to the commit it lands as, and is then the write prepared on that head")
    func preparedAfter() throws {
        let fixture = try ServerFixture()
        let ledger = try Ledger.open(at: fixture.ledger)
        let at = Timestamp(seconds: Int64(Date().timeIntervalSince1970)).json
        func event(_ text: String) throws -> SourcedEvent {
            guard case .object(var members) = try jsonText(text) else { throw FixtureError("not an object") }
            members["at"] = at
            return SourcedEvent(event: try Event(json: .object(members), at: .root))
        }
        let south = #"{"action": "report-progress", "actor": "south.lead", "unit": "cn/south", "directive": "D-2019-01", "clause": "1", "status": "in-progress"}"#
        let a = try ledger.prepare(event(WriteTests.report))
        let b = try ledger.prepare(event(south), after: a)
        #expect(b.isFollowing && b.next == nil, "nothing to sign before the write ahead lands")
        // A checkpoint names the head commit, which is not known yet.
        #expect(isConflict { try ledger.prepare(event(#"{"action": "checkpoint", "actor": "auditor"}"#), after: a) })

        let landed = try ledger.land(ledger.addSignature(sshSign(a.next!.buffer, key: fixture.key("north.lead")), to: a))
        // Attached to anything but the commit a landed as (here: the head before it), it is a conflict.
        let stale = WriteResult(commits: [], head: a.base, retries: 0, tags: [], changes: [])
        #expect(isConflict { try ledger.attach(b, after: stale) })
        let attached = try ledger.attach(b, after: landed)
        let onHead = try ledger.prepare(event(south))
        #expect(attached.next?.buffer == onHead.next?.buffer, "the same commit to sign as when prepared on the new head")
        let result = try ledger.land(ledger.addSignature(sshSign(attached.next!.buffer, key: fixture.key("south.lead")), to: attached))
        #expect(try fixture.head() == "\(result.head!)")
        #expect(try fixture.cli(["verify"]).status == 0)
    }

    /// Whether `body` throws `LedgerError.conflict` (prepare again on the head), not any other error.
    func isConflict(_ body: () throws -> Any) -> Bool {
        do { _ = try body() } catch LedgerError.conflict { return true } catch { return false }
        return false
    }
}
