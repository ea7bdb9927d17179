import Clibgit2
import Foundation

/// A git repository opened through libgit2: blobs, trees, commits, compare-and-swap ref updates,
/// history walks and bulk writes. All libgit2 use in Luoshi goes through this class.
///
/// A libgit2 repository handle must be used by one thread at a time, so `Repository` is
/// deliberately not `Sendable`: share it through an actor or a serial queue, or borrow one per thread
/// from a `RepositoryPool`.
public final class Repository {
    /// The libgit2 handle, owned by this object and freed in `deinit`.
    let handle: OpaquePointer
    /// The state of a bulk write in progress, nil otherwise.
    var bulkWrite: BulkWrite?
    /// The trees the last tree diff read, parsed (see `changedBlobs`).
    var lastTreesRead: TreeEntries = [:]
    /// Whether objects are read only through libgit2, which rehashes each against its id
    /// (`open(at:verifiesObjectHashes:)`).
    public let verifiesObjectHashes: Bool
    /// Reads packed objects directly when this handle does not verify hashes (see `PackReader`);
    /// made on first use.
    lazy var packReader: PackReader? = verifiesObjectHashes ? nil : PackReader(gitDirectory: path)

    private init(handle: OpaquePointer, verifiesObjectHashes: Bool = true) {
        self.handle = handle
        self.verifiesObjectHashes = verifiesObjectHashes
    }

    deinit {
        abandonBulkWrite()
        git_repository_free(handle)
    }

    // MARK: Library set-up

    /// `git_libgit2_init`, run once per process before any other libgit2 call, then the memory
    /// settings. libgit2's defaults let a walk over 100,000 commits grow past a gigabyte: pack
    /// windows (up to 8 GB) stay mapped and resident once read, and its object cache (256 MB,
    /// counted in raw sizes; parsed trees take about twice that) filled with trees read once.
    /// Luoshi reads nearly every object once per command, and keeps what it reads again itself
    /// (see `changedBlobs`), so the cache is off: verify and status ran 20% faster without it,
    /// and import the same.
    ///
    /// libgit2's check that each object it reads hashes to its id
    /// (`GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION`) is left on, as it comes: like every
    /// `git_libgit2_opts` setting it holds for the whole process, so one reader turning it off would
    /// turn it off for every other handle too. Reading without the check is a choice of one handle
    /// instead (`open(at:verifiesObjectHashes:)`), made by which reader reads its packs.
    private static let initializationResult: Int32 = {
        let result = git_libgit2_init()
        guard result >= 0 else { return result }
        _ = luoshi_git_enable_caching(0)
        _ = luoshi_git_set_mwindow_size(packWindowBytes)
        _ = luoshi_git_set_mwindow_mapped_limit(mappedPackBytes)
        return result
    }()

    /// The most pack data libgit2 keeps mapped; least recently used windows are unmapped beyond it.
    static let mappedPackBytes = 64 << 20

    /// How much of a pack one window maps. The limit above can only unmap whole windows that no read
    /// is using, and at libgit2's default of 1 GB a window is the whole pack: walking the commits of
    /// a 100,000-commit ledger kept 93 MB of its packs resident, past the limit, since a pack's
    /// commits lie on nearly every page of it. Windows of 4 MB keep it to the limit.
    static let packWindowBytes = 4 << 20

    /// Initializes libgit2 once; every entry point that creates a handle calls this first.
    static func ensureInitialized() throws {
        // Read the result before `check` runs: it clears libgit2's error state, which must not
        // be touched before `git_libgit2_init`.
        let result = initializationResult
        try check("git_libgit2_init") { result }
    }

    /// Turns libgit2's fsync of objects, packs and refs on or off for the whole process
    /// (off by default: it makes writes about three times slower).
    public static func setFsync(_ on: Bool) {
        // A boolean option cannot fail once the library is initialized, so the result is ignored.
        try? ensureInitialized()
        _ = try? check("git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR)") { luoshi_git_enable_fsync(on ? 1 : 0) }
    }

    // MARK: Creating and opening

    /// Creates a new bare repository at `path` whose `HEAD` names `refs/heads/main`.
    ///
    /// Fails with `.exists` if `path` exists and is not an empty directory; missing parent
    /// directories are created.
    public static func create(at path: String) throws -> Repository {
        try ensureInitialized()
        if let contents = try? FileManager.default.contentsOfDirectory(atPath: path), !contents.isEmpty {
            throw GitError(
                code: .exists, class: 0,
                message: "cannot create a repository at '\(path)': the directory is not empty",
                function: "git_repository_init_ext")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw GitError(
                code: .exists, class: 0,
                message: "cannot create a repository at '\(path)': a file is in the way",
                function: "git_repository_init_ext")
        }
        var options = git_repository_init_options()
        try check("git_repository_init_options_init") {
            git_repository_init_options_init(&options, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION))
        }
        options.flags = GIT_REPOSITORY_INIT_BARE.rawValue
            | GIT_REPOSITORY_INIT_MKPATH.rawValue
            | GIT_REPOSITORY_INIT_NO_REINIT.rawValue
        var repository: OpaquePointer? = nil
        try "main".withCString { head in
            options.initial_head = head
            try check("git_repository_init_ext") { git_repository_init_ext(&repository, path, &options) }
        }
        guard let repository else { throw missingHandle("git_repository_init_ext") }
        return Repository(handle: repository)
    }

    /// Opens the existing repository at `path` (a bare repository, or a work tree containing
    /// `.git`). Never creates one and never searches parent directories: a missing repository
    /// is a `.notFound` error telling the user to run `luoshi init`.
    ///
    /// With `verifiesObjectHashes` false, this handle reads packed trees and blobs straight from the
    /// pack files (`PackReader`) and trusts their ids, as git does (0.26 s instead of 0.44 s for the
    /// 28,573 records of a 10,000-plan ledger); what it reads through libgit2 (loose objects, commits)
    /// is still checked. Other handles are not affected.
    ///
    /// `incomingObjects` is a further object folder read as part of the repository: the quarantine
    /// git keeps a push's objects in while its `pre-receive` hook judges them (`GIT_QUARANTINE_PATH`).
    public static func open(at path: String, verifiesObjectHashes: Bool = true, incomingObjects: String? = nil) throws -> Repository {
        try ensureInitialized()
        var repository: OpaquePointer? = nil
        do {
            try check("git_repository_open_ext") {
                git_repository_open_ext(&repository, path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil)
            }
        } catch let error as GitError where error.code == .notFound {
            throw GitError(
                code: .notFound, class: error.klass,
                message: "no ledger repository at '\(path)' (\(error.message)); run `luoshi init` to create one",
                function: error.function)
        }
        guard let repository else { throw missingHandle("git_repository_open_ext") }
        let opened = Repository(handle: repository, verifiesObjectHashes: verifiesObjectHashes)
        if let incomingObjects {
            try opened.withObjectDatabase { database in
                _ = try check("git_odb_add_disk_alternate") { git_odb_add_disk_alternate(database, incomingObjects) }
            }
        }
        return opened
    }

    /// The git directory, without a trailing slash (for a bare repository, the repository itself).
    public var path: String {
        guard let raw = git_repository_path(handle) else { return "" }
        var path = String(cString: raw)
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path
    }

    static func missingHandle(_ function: String) -> GitError {
        GitError(code: .other(-1), class: 0, message: "libgit2 reported success but returned nothing", function: function)
    }
}

/// A repository handle is used by one thread at a time; share it through an actor.
@available(*, unavailable)
extension Repository: Sendable {}
