import Clibgit2

/// The object databases swapped during a bulk write.
struct BulkWrite {
    /// The repository's own database, restored when the bulk write ends.
    let original: OpaquePointer
    /// A database over the same object directory with the in-memory backend on top.
    let inMemory: OpaquePointer
    /// The in-memory backend, owned by `inMemory`.
    let mempack: UnsafeMutablePointer<git_odb_backend>
}

extension Repository {
    /// Starts a bulk write: from now on every object written lands in memory, until
    /// `finishBulkWrite` packs the new ones into a single pack file or `abandonBulkWrite`
    /// drops them. Writing thousands of commits this way costs two files instead of thousands.
    ///
    /// Reads still see everything, in memory and on disk. Move no ref to an object written in
    /// memory before `finishBulkWrite` returns.
    public func beginBulkWrite() throws {
        guard bulkWrite == nil else {
            throw GitError(code: .other(-1), class: 0, message: "a bulk write is already in progress", function: "git_mempack_new")
        }
        // libgit2 cannot remove a backend from a database, so the in-memory backend goes into a
        // second database over the same directory, swapped in now and out at the end.
        var original: OpaquePointer? = nil
        try check("git_repository_odb") { git_repository_odb(&original, handle) }
        guard let original else { throw Repository.missingHandle("git_repository_odb") }
        var inMemory: OpaquePointer? = nil
        var mempack: UnsafeMutablePointer<git_odb_backend>? = nil
        var backendAdded = false
        do {
            let objectsDirectory = path + "/objects"
            try check("git_odb_open") { git_odb_open(&inMemory, objectsDirectory) }
            try check("git_mempack_new") { git_mempack_new(&mempack) }
            // Priority 999 puts the in-memory backend above the loose and pack backends, so
            // writes land there.
            try check("git_odb_add_backend") { git_odb_add_backend(inMemory, mempack, 999) }
            backendAdded = true
            try check("git_repository_set_odb") { git_repository_set_odb(handle, inMemory) }
        } catch {
            // Once added, the backend belongs to the database; free it alone only if adding failed.
            if let mempack, !backendAdded { mempack.pointee.free?(mempack) }
            git_odb_free(inMemory)
            git_odb_free(original)
            throw error
        }
        guard let inMemory, let mempack else { throw Repository.missingHandle("git_mempack_new") }
        bulkWrite = BulkWrite(original: original, inMemory: inMemory, mempack: mempack)
    }

    /// Ends a bulk write: writes one pack of the objects reachable from `tip` but not from
    /// `hiding` (the ref's old value) into `objects/pack`, then drops the in-memory objects.
    /// When it returns the new objects are on disk, so the caller may move the ref. If it throws,
    /// the bulk write is still in progress (its objects readable in memory): retry or abandon it.
    public func finishBulkWrite(tip: ObjectID, hiding: ObjectID?) throws {
        guard let bulk = bulkWrite else {
            throw GitError(code: .other(-1), class: 0, message: "no bulk write is in progress", function: "git_packbuilder_write")
        }
        var builder: OpaquePointer? = nil
        try check("git_packbuilder_new") { git_packbuilder_new(&builder, handle) }
        defer { git_packbuilder_free(builder) }
        try withRevisionWalk(from: tip, hiding: hiding) { walker in
            _ = try check("git_packbuilder_insert_walk") { git_packbuilder_insert_walk(builder, walker) }
        }
        if git_packbuilder_object_count(builder) > 0 {
            let packDirectory = path + "/objects/pack"
            try check("git_packbuilder_write") { git_packbuilder_write(builder, packDirectory, 0, nil, nil) }
        }
        endBulkWrite(bulk)
    }

    /// Ends a bulk write without writing anything: the objects written since
    /// `beginBulkWrite` are dropped. Does nothing if no bulk write is in progress.
    public func abandonBulkWrite() {
        guard let bulk = bulkWrite else { return }
        endBulkWrite(bulk)
    }

    private func endBulkWrite(_ bulk: BulkWrite) {
        // Neither call can fail for valid handles (restoring a database only swaps a pointer,
        // resetting a mempack only frees memory), and there is nothing to undo if one did.
        // (Written as do/catch: `_ = try? check` here crashes the Swift 6.3.1 compiler.)
        let handle = self.handle
        do {
            try check("git_repository_set_odb") { git_repository_set_odb(handle, bulk.original) }
        } catch {}
        do {
            try check("git_mempack_reset") { git_mempack_reset(bulk.mempack) }
        } catch {}
        git_odb_free(bulk.inMemory)
        git_odb_free(bulk.original)
        bulkWrite = nil
    }
}
