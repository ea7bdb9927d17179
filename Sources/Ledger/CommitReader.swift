import Foundation
import GitStore

/// What verify needs of a commit before it looks at the ledger's state: the commit, the key its
/// signature was made with (or why it has none), what it changed and the new contents.
struct CommitRead: Sendable {
    var id: ObjectID
    var info: CommitInfo
    var signature: Result<SSHPublicKey, SignatureProblem>
    /// The changes from its first parent's tree (from nothing for a root commit).
    var changes: [TreeChange]
    /// For each change, the new blob's bytes, or why it could not be read; nil for a deletion,
    /// a symlink or a submodule link.
    var contents: [Result<[UInt8], Unreadable>?]

    /// Why a blob could not be read (a missing or corrupt object).
    struct Unreadable: Error, Sendable { var reason: String }
}

/// Reads commits for verify on other threads, a bounded distance ahead of the checks that
/// consume them in order: checking signatures, diffing trees and reading the changed blobs need
/// no ledger state and are most of verify's work, so they run on every core while the checks
/// that do need the state run on the caller's thread.
///
/// Each thread borrows a handle of its own from the ledger's pool for as long as it reads (a
/// libgit2 handle is used by one thread at a time) and reads every `workers`-th run of commits.
/// An error reading a commit is handed to the consumer at that commit.
final class CommitReader: @unchecked Sendable {
    private let commits: [ObjectID]
    private let condition = NSCondition()
    /// Guarded by `condition`: what was read and not yet taken, by position in `commits`; and the
    /// first position that could not be read, with why (nothing from it on is handed over).
    private var ready: [Int: CommitRead] = [:]
    private var failure: (position: Int, error: any Error)?
    private var taken = 0
    private var stopped = false
    /// Whether the consumer is waiting on `condition`, and how many readers are (to signal only when so).
    private var consumerWaits = false, readersWaiting = 0
    private let ahead: Int

    /// Which changed files' new contents are read (verify reads all; the history index, the actors').
    private let readsContents: @Sendable (String) -> Bool

    /// Starts reading `commits` (oldest first) with handles from `repositories` on `workers` threads
    /// (by default one per core), with the new contents of the changed files `readsContents` names.
    init(repositories: RepositoryPool, commits: [ObjectID], workers: Int = ProcessInfo.processInfo.activeProcessorCount, ahead: Int = 256,
         readsContents: @escaping @Sendable (String) -> Bool = { _ in true }) {
        self.commits = commits
        self.readsContents = readsContents
        self.ahead = max(1, ahead)
        guard !commits.isEmpty else { return }
        let workers = max(1, min(workers, 8))
        // Runs of consecutive commits, so that a thread reads each tree once: a commit's old
        // trees are the new trees of the commit before it (see `Repository.changedBlobs`).
        let run = max(1, min(32, self.ahead / workers))
        for worker in 0..<workers {
            let thread = Thread { [self] in
                let count = commits.count
                read(repositories: repositories, positions: stride(from: worker * run, to: count, by: workers * run).lazy
                    .flatMap { start in start..<min(start + run, count) }, run: run)
            }
            thread.name = "luoshi verify reader \(worker)"
            thread.start()
        }
    }

    /// Stops the threads after the commits they are reading. The threads hold the reader, so a
    /// consumer that gives up before the last commit must call this.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    /// The commit at `position`, waiting for it if need be. Positions are taken in order.
    func read(_ position: Int) throws -> CommitRead {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let failure, position >= failure.position { throw failure.error }
            if let read = ready.removeValue(forKey: position) {
                taken = position + 1
                if readersWaiting > 0 { condition.broadcast() }
                return read
            }
            consumerWaits = true
            condition.wait()
            consumerWaits = false
        }
    }

    /// Reads `positions`, handing each run of `run` commits over at once (one wake of the consumer
    /// a run rather than a commit).
    private func read(repositories: RepositoryPool, positions: some Sequence<Int>, run: Int) {
        do {
            try repositories.read { repository in read(repository, positions: positions, run: run) }
        } catch {
            // No handle could be opened: the consumer gets the error at this thread's first commit.
            publish([(positions.first(where: { _ in true }) ?? 0, .failure(error))])
        }
    }

    private func read(_ repository: Repository, positions: some Sequence<Int>, run: Int) {
        var previous: (id: ObjectID, tree: ObjectID)?
        var batch: [(Int, Result<CommitRead, any Error>)] = []
        for position in positions {
            condition.lock()
            if !stopped && position - taken >= ahead && !batch.isEmpty {
                // About to wait for the consumer, which may be waiting for this batch.
                condition.unlock()
                publish(batch)
                batch.removeAll(keepingCapacity: true)
                condition.lock()
            }
            while !stopped && position - taken >= ahead {
                readersWaiting += 1
                condition.wait()
                readersWaiting -= 1
            }
            let stop = stopped
            condition.unlock()
            if stop { return }
            let id = commits[position]
            let result = Result { () throws -> CommitRead in
                let info = try repository.commit(id)
                var parentTree: ObjectID?
                if let parent = info.parents.first {
                    parentTree = previous?.id == parent ? previous?.tree : try repository.commit(parent).tree
                }
                previous = (id, info.tree)
                let changes = try repository.diff(from: parentTree, to: info.tree)
                return CommitRead(
                    id: id, info: info,
                    signature: signingKey(try repository.signedData(of: id), unsigned: "the commit is not signed"),
                    changes: changes,
                    contents: changes.map { change in
                        guard change.newIsPlainFile, let blob = change.newBlob, readsContents(change.path) else { return nil }
                        return Result { try repository.blob(blob) }.mapError { CommitRead.Unreadable(reason: "\($0)") }
                    })
            }
            batch.append((position, result))
            if case .failure = result {
                publish(batch)
                return
            }
            if (position + 1) % run == 0 || position + 1 == commits.count {
                publish(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { publish(batch) }
    }

    private func publish(_ results: [(Int, Result<CommitRead, any Error>)]) {
        condition.lock()
        for (position, result) in results {
            switch result {
            case .success(let read): ready[position] = read
            case .failure(let error):
                if position < failure?.position ?? .max { failure = (position, error) }
            }
        }
        if consumerWaits { condition.broadcast() }
        condition.unlock()
    }
}
