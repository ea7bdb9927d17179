import Clibgit2

extension Repository {
    /// The commit (or other object) that `refName` (e.g. `refs/heads/main` or `HEAD`) points
    /// at, following symbolic refs; nil when the ref does not exist or is unborn.
    public func resolve(_ refName: String) throws -> ObjectID? {
        var oid = git_oid()
        guard try checkFound("git_reference_name_to_id", { git_reference_name_to_id(&oid, handle, refName) }) else {
            return nil
        }
        return ObjectID(oid)
    }

    /// Resolves a revision such as `main`, `HEAD~2` or an abbreviated hash to the id of the
    /// commit it names (tags are peeled), as for `--at COMMIT`.
    public func revParse(_ spec: String) throws -> ObjectID {
        var object: OpaquePointer? = nil
        try check("git_revparse_single") { git_revparse_single(&object, handle, spec) }
        defer { git_object_free(object) }
        var commit: OpaquePointer? = nil
        try check("git_object_peel") { git_object_peel(&commit, object, GIT_OBJECT_COMMIT) }
        defer { git_object_free(commit) }
        guard let id = git_object_id(commit) else { throw Repository.missingHandle("git_object_id") }
        return ObjectID(id.pointee)
    }

    /// Points `refName` at `new` only if it still points at `expected` (nil: only if it does
    /// not exist yet). A lost race throws a `GitError` whose code is `.modified` or `.locked`
    /// (or `.exists` when `expected` is nil): re-read the ref and retry.
    public func compareAndSwap(_ refName: String, to new: ObjectID, expected old: ObjectID?, logMessage: String) throws {
        var newOid = new.oid
        var reference: OpaquePointer? = nil
        defer { git_reference_free(reference) }
        if let old {
            var oldOid = old.oid
            do {
                try check("git_reference_create_matching") {
                    git_reference_create_matching(&reference, handle, refName, &newOid, 1, &oldOid, logMessage)
                }
            } catch let error as GitError where error.code == .notFound {
                // The ref vanished since it was read: that is a lost race too.
                throw GitError(code: .modified, class: error.klass, message: error.message, function: error.function)
            }
        } else {
            try check("git_reference_create") {
                git_reference_create(&reference, handle, refName, &newOid, 0, logMessage)
            }
        }
    }
}

extension Repository {
    /// Points `refName` at `new` whatever it pointed at before, creating it if need be: for refs that
    /// are this repository's own bookkeeping (`refs/luoshi/…`), never for `main` or a tag.
    public func setReference(_ refName: String, to new: ObjectID, logMessage: String) throws {
        var newOid = new.oid
        var reference: OpaquePointer? = nil
        defer { git_reference_free(reference) }
        try check("git_reference_create") { git_reference_create(&reference, handle, refName, &newOid, 1, logMessage) }
    }

    /// Removes `refName`; nothing happens when it does not exist.
    public func deleteReference(_ refName: String) throws {
        var reference: OpaquePointer? = nil
        guard try checkFound("git_reference_lookup", { git_reference_lookup(&reference, handle, refName) }) else { return }
        defer { git_reference_free(reference) }
        try check("git_reference_delete") { git_reference_delete(reference) }
    }
}
