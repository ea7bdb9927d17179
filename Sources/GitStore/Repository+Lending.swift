import Clibgit2

// Lend pointers, return values: each helper looks an object up, hands the borrowed pointer to
// `body` and frees it in a `defer`, so no libgit2 object outlives the call that needed it.
extension Repository {
    func withTree<T>(_ id: git_oid, _ body: (OpaquePointer) throws -> T) throws -> T {
        var oid = id
        var tree: OpaquePointer? = nil
        try check("git_tree_lookup") { git_tree_lookup(&tree, handle, &oid) }
        defer { git_tree_free(tree) }
        guard let tree else { throw Repository.missingHandle("git_tree_lookup") }
        return try body(tree)
    }

    func withTree<T>(_ id: ObjectID, _ body: (OpaquePointer) throws -> T) throws -> T {
        try withTree(id.oid, body)
    }

    func withCommit<T>(_ id: ObjectID, _ body: (OpaquePointer) throws -> T) throws -> T {
        var oid = id.oid
        var commit: OpaquePointer? = nil
        try check("git_commit_lookup") { git_commit_lookup(&commit, handle, &oid) }
        defer { git_commit_free(commit) }
        guard let commit else { throw Repository.missingHandle("git_commit_lookup") }
        return try body(commit)
    }

    /// Lends several commits at once, in order, as the array libgit2's commit creation expects.
    func withCommits<T>(_ ids: [ObjectID], _ body: (inout [OpaquePointer?]) throws -> T) throws -> T {
        var commits: [OpaquePointer?] = []
        commits.reserveCapacity(ids.count)
        defer { commits.forEach { git_commit_free($0) } }
        for id in ids {
            var oid = id.oid
            var commit: OpaquePointer? = nil
            try check("git_commit_lookup") { git_commit_lookup(&commit, handle, &oid) }
            commits.append(commit)
        }
        return try body(&commits)
    }

    /// Lends the repository's current object database.
    func withObjectDatabase<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        var database: OpaquePointer? = nil
        try check("git_repository_odb") { git_repository_odb(&database, handle) }
        defer { git_odb_free(database) }
        guard let database else { throw Repository.missingHandle("git_repository_odb") }
        return try body(database)
    }
}

extension git_buf {
    /// The buffer's bytes, copied.
    var bytes: [UInt8] {
        guard let pointer = ptr, size > 0 else { return [] }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: size) { Array(UnsafeBufferPointer(start: $0, count: size)) }
    }
}
