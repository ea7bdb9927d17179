import Dispatch
import Foundation

/// Work spread over the machine's cores.
enum Parallel {
    /// How many parts to split `count` items into: one per core (at most 8), or one when there are
    /// fewer than `minimum` items, which a second thread would not pay for.
    static func parts(for count: Int, minimum: Int) -> Int {
        count < minimum ? 1 : max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
    }

    /// `body(part)` for each part in `0..<count`, on a thread per core; the results in part order.
    /// The first part's error, if any, is thrown once all have finished.
    static func map<T>(_ count: Int, _ body: @Sendable (Int) throws -> T) throws -> [T] {
        let results = Results<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { part in
            results.set(part, Result { try body(part) })
        }
        return try (0..<count).map { try results.get($0) }
    }

    /// `body` over consecutive parts of `items` (a part per core when there are at least `minimum`
    /// items), the results joined in order.
    /// A part keeps the indices it has in `items`, which may itself be a slice.
    static func inParts<T: Sendable, R>(_ items: ArraySlice<T>, minimum: Int, _ body: @Sendable (ArraySlice<T>) throws -> [R]) throws -> [R] {
        let parts = parts(for: items.count, minimum: minimum)
        let size = (items.count + parts - 1) / parts
        let start = items.startIndex, end = items.endIndex
        return try map(parts) { part in
            try body(items[min(start + part * size, end)..<min(start + (part + 1) * size, end)])
        }.flatMap { $0 }
    }

    /// The same for work that cannot fail.
    static func inParts<T: Sendable, R>(_ items: ArraySlice<T>, minimum: Int, _ body: @Sendable (ArraySlice<T>) -> [R]) -> [R] {
        // `body` throws nothing, so neither does the throwing form.
        try! inParts(items, minimum: minimum) { (part: ArraySlice<T>) throws -> [R] in body(part) }
    }

    /// `body(&state, run)` over consecutive runs of `0..<count`, `size` items each, handed out in order
    /// to a thread per core as each thread becomes free (one thread below `minimum` items). Each
    /// thread makes its own `state` first and keeps it from run to run. The results in run order;
    /// the first run's error, if any, is thrown once all have finished.
    ///
    /// For work whose items cost unevenly: fixed parts leave one core idle while the other finishes.
    static func runs<State, T>(of count: Int, size: Int, minimum: Int, state: @Sendable () throws -> State,
                               _ body: @Sendable (inout State, Range<Int>) throws -> T) throws -> [T] {
        let size = max(1, size)
        let runs = (count + size - 1) / size
        let results = Results<T>(count: runs)
        let next = Counter()
        DispatchQueue.concurrentPerform(iterations: min(parts(for: count, minimum: minimum), max(1, runs))) { _ in
            do {
                var own = try state()
                while let run = next.take(below: runs) {
                    results.set(run, Result { try body(&own, run * size..<min(count, (run + 1) * size)) })
                }
            } catch {
                // Without a state this thread can do nothing: the runs no other thread has taken fail.
                while let run = next.take(below: runs) { results.set(run, .failure(error)) }
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

    /// The results of the parts, filled in from several threads.
    private final class Results<T>: @unchecked Sendable {
        private let lock = NSLock()
        private var results: [Result<T, any Error>?]

        init(count: Int) { results = Array(repeating: nil, count: count) }

        func set(_ part: Int, _ result: Result<T, any Error>) {
            lock.lock(); defer { lock.unlock() }
            results[part] = result
        }

        func get(_ part: Int) throws -> T {
            lock.lock(); defer { lock.unlock() }
            return try results[part]!.get()
        }
    }
}

extension Parallel {
    /// Whether `release` frees what it is handed (`Ledger.leaveReadsToExit`). Set once, before any
    /// work starts.
    nonisolated(unsafe) static var freesReleased = true

    /// Lets go of `value` on another thread. The last release of a view of thousands of units frees
    /// its records one at a time, which takes tens of milliseconds the caller need not wait for.
    /// Unless `freeing`, the value is kept until the process ends, which takes the memory back at once.
    /// Pass a value whose other holders are gone (`consume` it), or they may end up freeing it.
    static func release<T: Sendable>(_ value: consuming T, freeing: Bool = freesReleased) {
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
