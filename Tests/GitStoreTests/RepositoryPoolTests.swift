import Dispatch
import Foundation
@testable import GitStore
import Testing

@Suite("Repository handles lent from a pool")
struct RepositoryPoolTests {
    @Test("a handle given back is lent again, so a run of reads opens one handle")
    func reuse() throws {
        try withNewRepository { (_, path) throws in
            let pool = RepositoryPool(path: path)
            let first = try pool.read { ObjectIdentifier($0) }
            for _ in 0..<10 { #expect(try pool.read { ObjectIdentifier($0) } == first) }
            #expect(pool.counts == (idle: 1, lent: 0, opened: 1))
        }
    }

    @Test("borrowers reading at once each hold a handle of their own")
    func distinctHandles() throws {
        try withNewRepository { (repository, path) throws in
            let blob = try repository.writeBlob(Array("shared\n".utf8))
            let pool = RepositoryPool(path: path, maximumIdle: 2)
            let borrowers = 6
            let together = Barrier(count: borrowers)
            let seen = Collected<ObjectIdentifier>()
            // A thread each (a dispatch queue would run no more at once than there are cores).
            let finished = DispatchGroup()
            for _ in 0..<borrowers {
                finished.enter()
                Thread {
                    try? pool.read { repository in
                        seen.add(ObjectIdentifier(repository))
                        // Every borrower holds its handle until all hold one.
                        together.arriveAndWait()
                        seen.count(read: (try? repository.blob(blob)) == Array("shared\n".utf8))
                    }
                    finished.leave()
                }.start()
            }
            finished.wait()
            #expect(together.allArrived, "the borrowers never all held a handle at once")
            #expect(Set(seen.values).count == borrowers)
            #expect(seen.reads == borrowers)
            // Back in the pool: two kept for the next borrowers, the others freed.
            #expect(pool.counts == (idle: 2, lent: 0, opened: borrowers))
        }
    }

    /// A server answers request after request, several at once: handles are reused from request to
    /// request, never more are open than borrowers at once, and an idle pool keeps at most its limit.
    @Test("a long loop of concurrent reads keeps the handles open bounded", arguments: [2, 8])
    func serverLoop(maximumIdle: Int) throws {
        try withNewRepository { (repository, path) throws in
            let commit = try repository.makeCommit(parents: [], files: ["ledger.json": "{}\n", "units/cn/unit.json": "{\"id\": \"cn\"}\n"])
            let pool = RepositoryPool(path: path, maximumIdle: maximumIdle)
            let workers = 4, requests = 200   // a thread each, as a server's request handlers
            let most = Collected<Int>()
            let finished = DispatchGroup()
            for _ in 0..<workers {
                finished.enter()
                Thread {
                    for _ in 0..<requests {
                        let read = try? pool.read { repository -> Bool in
                            let counts = pool.counts
                            most.add(counts.idle + counts.lent)
                            return try repository.blob(at: "units/cn/unit.json", inCommit: commit) != nil
                        }
                        most.count(read: read == true)
                    }
                    finished.leave()
                }.start()
            }
            finished.wait()
            #expect(most.reads == workers * requests)
            #expect(most.values.max()! <= workers, "more handles open than borrowers at once")
            let counts = pool.counts
            #expect(counts.lent == 0 && counts.idle <= min(maximumIdle, workers))
            // With room for every borrower's handle, no handle is opened twice.
            if maximumIdle >= workers { #expect(counts.opened <= workers) }
        }
    }

    @Test("a handle that cannot be opened is an error of the read, and nothing is lent")
    func missingRepository() throws {
        try withTemporaryDirectory { directory in
            let pool = RepositoryPool(path: directory + "/nowhere")
            let error = #expect(throws: GitError.self) { try pool.read { _ in 1 } }
            #expect(error?.code == .notFound)
            #expect(pool.counts == (idle: 0, lent: 0, opened: 0))
        }
    }
}

/// Threads wait at it until `count` have arrived (or ten seconds pass).
private final class Barrier: @unchecked Sendable {
    private let condition = NSCondition()
    private let count: Int
    private var arrived = 0
    private var timedOut = false

    init(count: Int) { self.count = count }

    func arriveAndWait() {
        condition.lock(); defer { condition.unlock() }
        arrived += 1
        condition.broadcast()
        let deadline = Date().addingTimeInterval(10)
        while arrived < count {
            if !condition.wait(until: deadline) { timedOut = true; return }
        }
    }

    var allArrived: Bool { condition.lock(); defer { condition.unlock() }; return arrived == count && !timedOut }
}

/// Values several threads add, and how many of their reads succeeded.
private final class Collected<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [T] = []
    private var succeeded = 0

    func add(_ value: T) { lock.lock(); collected.append(value); lock.unlock() }

    /// Counts a read when it succeeded.
    func count(read: Bool) { lock.lock(); if read { succeeded += 1 }; lock.unlock() }

    var values: [T] { lock.lock(); defer { lock.unlock() }; return collected }
    var reads: Int { lock.lock(); defer { lock.unlock() }; return succeeded }
}
