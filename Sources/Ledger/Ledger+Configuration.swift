import GitStore

extension Ledger {
    /// How one ledger handle reads, given to `Ledger.open(at:configuration:)` as GRDB's `Configuration`
    /// is given to a `DatabasePool`. Every option belongs to the handle it was given to: two ledgers
    /// open in one process, each with its own configuration, do not affect each other.
    ///
    /// The default suits a long-running process such as a server: every object is rehashed against its
    /// id as it is read, and what a reading builds is freed once it is done. `oneShotReader` suits a
    /// command that reads once and ends.
    public struct Configuration: Sendable {
        /// Whether every object read is rehashed against its id (libgit2's check). Off, the ledger's
        /// repository handles read packed trees and blobs straight from the pack files and trust
        /// their ids as git does (0.26 s instead of 0.44 s for the 28,573 records of a 10,000-plan
        /// ledger); loose objects and commits are still checked. `verify` checks every object
        /// whatever this says: it is how a ledger's objects are proven sound.
        public var verifiesObjectHashes = true

        /// Whether the view a reading builds (every record of the ledger) is freed once the reading
        /// is done, on another thread while its result is used. Off, it is left for the process's
        /// end, which takes the memory back at once: for a process that ends once its output is
        /// written. A process that lives on must free its views.
        public var freesViews = true

        /// How many repository handles the ledger keeps open between reads, for the next reads to
        /// borrow (see `RepositoryPool`). A reading spreads over a handle per core, at most 8.
        public var maximumIdleRepositories = 8

        /// A push's objects held apart by git while its `pre-receive` hook judges them (the folder
        /// `GIT_QUARANTINE_PATH` names), read by every handle as part of the ledger: how `luoshi
        /// verify-push` sees the commits it judges before they land. Nil for a ledger as it is.
        public var incomingObjects: String?

        /// The default: hashes checked, views freed.
        public init() {}

        /// For a command that reads the ledger once and ends, as `luoshi status` does: objects read
        /// as git reads them, without rehashing, views left for the process's end, and no handle
        /// kept idle, since no later reading would borrow it (an idle handle keeps what it mapped of
        /// the pack index: 20 MB more at the peak of a 10,000-plan status).
        public static var oneShotReader: Configuration {
            var configuration = Configuration()
            configuration.verifiesObjectHashes = false
            configuration.freesViews = false
            configuration.maximumIdleRepositories = 0
            return configuration
        }
    }
}
