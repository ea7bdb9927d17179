import Foundation

/// Handles on one repository, lent one borrower at a time: each `read { repository in ... }` has a
/// handle of its own for the length of the call, so threads reading at once never share one.
///
/// A libgit2 handle maps every pack index and keeps its own pack windows, so opening one costs more
/// than many small reads; a handle given back is lent again, and up to `maximumIdle` are kept between
/// reads. A burst of more borrowers than that opens more, and frees those beyond `maximumIdle` as
/// they come back, so a long-running process holds at most `maximumIdle` handles while idle and one
/// per borrower while busy. Like GRDB's `DatabasePool`, the pool is what is shared between threads:
/// `Repository` is not `Sendable`, and a handle must not be kept past the `read` that lent it.
public final class RepositoryPool: @unchecked Sendable {
    /// The repository's path, as given to `Repository.open`.
    public let path: String
    /// Whether the handles lent rehash every object they read (`Repository.open(at:verifiesObjectHashes:)`).
    public let verifiesObjectHashes: Bool
    /// How many handles are kept for the next borrowers once given back.
    public let maximumIdle: Int
    /// A push's quarantined objects, read by every handle as part of the repository (`Repository.open`).
    public let incomingObjects: String?

    /// Guards `idle`, `lent` and `opened`.
    private let lock = NSLock()
    private var idle: [Repository] = []
    private var lent = 0
    private var opened = 0

    /// A pool on the repository at `path`; no handle is opened until the first `read`.
    public init(path: String, verifiesObjectHashes: Bool = true, maximumIdle: Int = 8, incomingObjects: String? = nil) {
        self.path = path
        self.incomingObjects = incomingObjects
        self.verifiesObjectHashes = verifiesObjectHashes
        self.maximumIdle = max(0, maximumIdle)
    }

    /// Lends `body` a handle no one else holds meanwhile: an idle one, or a new one opened as
    /// `Repository.open(at:verifiesObjectHashes:)` opens it. The handle comes back to the pool when
    /// `body` returns or throws; `body` must not keep it.
    public func read<T>(_ body: (Repository) throws -> T) throws -> T {
        let repository = try borrow()
        defer { giveBack(repository) }
        return try body(repository)
    }

    private func borrow() throws -> Repository {
        lock.lock()
        if let repository = idle.popLast() {
            lent += 1
            lock.unlock()
            return repository
        }
        lock.unlock()
        // Opened outside the lock: opening reads the repository's configuration and pack list.
        let repository = try Repository.open(at: path, verifiesObjectHashes: verifiesObjectHashes, incomingObjects: incomingObjects)
        lock.lock()
        lent += 1
        opened += 1
        lock.unlock()
        return repository
    }

    private func giveBack(_ repository: Repository) {
        // What one borrower read is not kept for the next: the trees of its last diff.
        repository.lastTreesRead = [:]
        // A handle left in the middle of a bulk write (by a borrower that threw) is not lent again.
        let reusable = repository.bulkWrite == nil
        lock.lock()
        lent -= 1
        if reusable && idle.count < maximumIdle { idle.append(repository) }
        lock.unlock()
        // A handle not kept is freed when this call returns, outside the lock.
    }

    /// What the pool holds now: handles idle, handles lent, and handles opened since it was made (for tests).
    var counts: (idle: Int, lent: Int, opened: Int) {
        lock.lock(); defer { lock.unlock() }
        return (idle.count, lent, opened)
    }
}
