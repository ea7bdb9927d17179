import Dispatch
import Foundation
import GitStore

/// Work spread over the machine's cores.
enum Parallel {
    /// The threads work is spread over: one per core, at most 8.
    static var threads: Int { max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8)) }

    /// `body(&state, run)` over consecutive runs of `0..<count`, `size` items each, handed out in order
    /// to a thread per core as each thread becomes free (one thread below `minimum` items). Each
    /// thread makes its own `state` first and keeps it from run to run. The results in run order;
    /// the first run's error, if any, is thrown once all have finished.
    ///
    /// For work whose items cost unevenly: fixed parts leave one core idle while the other finishes.
    static func runs<State, T>(of count: Int, size: Int, minimum: Int, state: @Sendable () throws -> State,
                               _ body: @Sendable (inout State, Range<Int>) throws -> T) throws -> [T] {
        try runs(of: count, size: size, minimum: minimum, eachThread: { work in
            var own = try state()
            work(&own)
        }, body)
    }

    /// The same, each thread borrowing a repository handle of its own from `repositories` for as long
    /// as it works and making its `state` with it (a libgit2 handle is used by one thread at a time).
    static func runs<State, T>(of count: Int, size: Int, minimum: Int, borrowingFrom repositories: RepositoryPool,
                               state: @Sendable (Repository) throws -> State,
                               _ body: @Sendable (inout State, Range<Int>) throws -> T) throws -> [T] {
        try runs(of: count, size: size, minimum: minimum, eachThread: { work in
            try repositories.read { repository in
                var own = try state(repository)
                work(&own)
            }
        }, body)
    }

    /// `eachThread` makes a thread's state and hands it to `work`, which takes runs until none is left.
    private static func runs<State, T>(of count: Int, size: Int, minimum: Int,
                                       eachThread: @Sendable (_ work: (inout State) -> Void) throws -> Void,
                                       _ body: @Sendable (inout State, Range<Int>) throws -> T) throws -> [T] {
        let size = max(1, size)
        let runs = (count + size - 1) / size
        let results = Results<T>(count: runs)
        let next = Counter()
        // `body` is called only while this function runs; the work handed to `eachThread` calls it.
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: count < minimum ? 1 : min(threads, max(1, runs))) { _ in
                do {
                    try eachThread { own in
                        while let run = next.take(below: runs) {
                            results.set(run, Result { try body(&own, run * size..<min(count, (run + 1) * size)) })
                        }
                    }
                } catch {
                    // Without a state this thread can do nothing: the runs no other thread has taken fail.
                    while let run = next.take(below: runs) { results.set(run, .failure(error)) }
                }
            }
        }
        return try (0..<runs).map { try results.get($0) }
    }

    /// The same for work that needs no state of its own and cannot fail.
    static func runs<T>(of count: Int, size: Int, minimum: Int, _ body: @Sendable (Range<Int>) -> T) -> [T] {
        // `body` throws nothing, and the state cannot fail to be made, so neither does the throwing form.
        try! runs(of: count, size: size, minimum: minimum, state: { () }) { (_: inout Void, run: Range<Int>) throws -> T in body(run) }
    }

    /// Hands out 0, 1, 2, ... to whichever thread asks.
    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0

        func take(below limit: Int) -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard value < limit else { return nil }
            value += 1
            return value - 1
        }
    }

    /// The results of the runs, filled in from several threads.
    private final class Results<T>: @unchecked Sendable {
        private let lock = NSLock()
        private var results: [Result<T, any Error>?]

        init(count: Int) { results = Array(repeating: nil, count: count) }

        func set(_ run: Int, _ result: Result<T, any Error>) {
            lock.lock(); defer { lock.unlock() }
            results[run] = result
        }

        func get(_ run: Int) throws -> T {
            lock.lock(); defer { lock.unlock() }
            return try results[run]!.get()
        }
    }
}

extension Parallel {
    /// Lets go of `value` on another thread. The last release of a view of thousands of units frees
    /// its records one at a time, which takes tens of milliseconds the caller need not wait for.
    /// Unless `freeing` (`Ledger.Configuration.freesViews`), the value is kept until the process ends,
    /// which takes the memory back at once. Pass a value whose other holders are gone (`consume` it),
    /// or they may end up freeing it.
    static func release<T: Sendable>(_ value: consuming T, freeing: Bool) {
        let held = Held(consume value)
        if freeing {
            DispatchQueue.global(qos: .utility).async { held.drop() }
        } else {
            _ = Unmanaged.passRetained(held)
        }
    }

    private final class Held<T: Sendable>: @unchecked Sendable {
        private var value: T?
        init(_ value: consuming T) { self.value = consume value }
        /// Called once, by the one thread that holds it.
        func drop() { value = nil }
    }
}

/// A value worked out once, by the first thread that asks for it; a thread that asks meanwhile
/// waits for it.
final class Once<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var made: T?
    private let make: () -> T

    init(_ make: @escaping () -> T) { self.make = make }

    var value: T {
        lock.lock(); defer { lock.unlock() }
        if let made { return made }
        let value = make()
        made = value
        return value
    }
}
