import Dispatch
import Foundation
@testable import Ledger
import Testing

@Suite("Work spread over the cores")
struct ParallelTests {
    private struct Failure: Error, Equatable { var run: Int }

    /// Every item is in exactly one run, the runs come back in order whichever thread took them, and
    /// a thread keeps the state it made from run to run: no more states are made than threads.
    @Test("runs cover each item once, in order", arguments: [(0, 5), (1, 5), (7, 3), (100, 7), (1000, 256), (1000, 1)])
    func runsCoverEachItemOnce(count: Int, size: Int) throws {
        let made = Counted()
        let ranges = try Parallel.runs(of: count, size: size, minimum: 0, state: { made.add() }) { _, run in run }
        #expect(ranges.count == (count + size - 1) / size)
        #expect(ranges.flatMap { Array($0) } == Array(0..<count))
        #expect(ranges.allSatisfy { $0.count == size || $0.upperBound == count })
        #expect(made.value >= 1 && made.value <= Parallel.threads)
    }

    @Test("below the minimum, one thread does every run")
    func belowMinimum() throws {
        let made = Counted()
        let ranges = try Parallel.runs(of: 100, size: 1, minimum: 101, state: { made.add() }) { _, run in run.lowerBound }
        #expect(ranges == Array(0..<100))
        #expect(made.value == 1)
    }

    @Test("a run's error is thrown once all runs have finished")
    func runErrors() {
        let finished = Counted()
        #expect(throws: Failure(run: 3)) {
            _ = try Parallel.runs(of: 100, size: 10, minimum: 0, state: { () }) { _, run in
                defer { finished.add() }
                if run.lowerBound == 30 || run.lowerBound == 70 { throw Failure(run: run.lowerBound / 10) }
                return run.count
            }
        }
        #expect(finished.value == 10)
    }

    @Test("a thread that cannot make its state fails the runs it is left")
    func stateErrors() {
        #expect(throws: Failure(run: -1)) {
            _ = try Parallel.runs(of: 100, size: 10, minimum: 0, state: { () throws -> Int in throw Failure(run: -1) }) { _, run in run.count }
        }
    }

    /// Threads asking at once all get the value of the one call that made it.
    @Test("a value made once is made once, however many threads ask at once")
    func once() throws {
        let calls = Counted()
        let value = Once { () -> [Int] in
            calls.add()
            Thread.sleep(forTimeInterval: 0.05)   // long enough for the other threads to ask meanwhile
            return Array(0..<1000)
        }
        let seen = Parallel.runs(of: 8, size: 1, minimum: 0) { _ in value.value.count }
        #expect(seen == Array(repeating: 1000, count: 8))
        #expect(calls.value == 1)
    }

    /// What `release` is handed is freed on another thread, not the caller's.
    @Test("release frees on another thread")
    func releaseElsewhere() {
        let freed = DispatchSemaphore(value: 0)
        let thread = Counted()
        let caller = pthread_self()
        Parallel.release(Tracked {
            if pthread_equal(pthread_self(), caller) == 0 { thread.add() }
            freed.signal()
        }, freeing: true)
        #expect(freed.wait(timeout: .now() + 10) == .success, "the value was never freed")
        #expect(thread.value == 1, "the value was freed on the caller's thread")
    }
}

extension ParallelTests {
    /// A ledger that leaves its views to the process's end (`Ledger.Configuration.freesViews` off) never frees them.
    @Test("release without freeing keeps the value")
    func releaseWithoutFreeing() {
        let freed = DispatchSemaphore(value: 0)
        Parallel.release(Tracked { freed.signal() }, freeing: false)
        #expect(freed.wait(timeout: .now() + 0.5) == .timedOut, "the value was freed")
    }
}

/// Runs `onFree` when it is freed.
private final class Tracked: @unchecked Sendable {
    let onFree: () -> Void
    init(_ onFree: @escaping () -> Void) { self.onFree = onFree }
    deinit { onFree() }
}

/// A count several threads add to.
private final class Counted: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
