import Clibgit2

extension Repository {
    /// The blobs that differ between two trees (`from` nil: the empty tree), recursively, sorted
    /// by path. Renames are not detected: a move is a deletion and an addition.
    public func diff(from oldTree: ObjectID?, to newTree: ObjectID) throws -> [TreeChange] {
        try withTree(newTree) { new in
            if let oldTree {
                return try withTree(oldTree) { old in try diff(old, new) }
            }
            return try diff(nil, new)
        }
    }

    private func diff(_ old: OpaquePointer?, _ new: OpaquePointer) throws -> [TreeChange] {
        var diff: OpaquePointer? = nil
        try check("git_diff_tree_to_tree") { git_diff_tree_to_tree(&diff, handle, old, new, nil) }
        defer { git_diff_free(diff) }
        var changes: [TreeChange] = []
        for index in 0..<git_diff_num_deltas(diff) {
            guard let delta = git_diff_get_delta(diff, index)?.pointee else { continue }
            let path = (delta.new_file.path ?? delta.old_file.path).map { String(cString: $0) } ?? ""
            switch delta.status {
            case GIT_DELTA_ADDED:
                changes.append(TreeChange(path: path, oldBlob: nil, newBlob: ObjectID(delta.new_file.id)))
            case GIT_DELTA_DELETED:
                changes.append(TreeChange(path: path, oldBlob: ObjectID(delta.old_file.id), newBlob: nil))
            case GIT_DELTA_MODIFIED, GIT_DELTA_TYPECHANGE:
                changes.append(TreeChange(path: path, oldBlob: ObjectID(delta.old_file.id), newBlob: ObjectID(delta.new_file.id)))
            default:
                continue
            }
        }
        return changes.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    /// The commits reachable from `tip` but not from `hiding`, oldest first (parents before
    /// children).
    public func walk(from tip: ObjectID, hiding: ObjectID?) throws -> [ObjectID] {
        try withRevisionWalk(from: tip, hiding: hiding) { walker in
            try check("git_revwalk_sorting") {
                git_revwalk_sorting(walker, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_REVERSE.rawValue)
            }
            var commits: [ObjectID] = []
            var oid = git_oid()
            while try checkNext("git_revwalk_next", { git_revwalk_next(&oid, walker) }) {
                commits.append(ObjectID(oid))
            }
            return commits
        }
    }

    /// Lends a revision walk that starts at `tip` and stops at `hiding` and its ancestors.
    func withRevisionWalk<T>(from tip: ObjectID, hiding: ObjectID?, _ body: (OpaquePointer) throws -> T) throws -> T {
        var walker: OpaquePointer? = nil
        try check("git_revwalk_new") { git_revwalk_new(&walker, handle) }
        defer { git_revwalk_free(walker) }
        guard let walker else { throw Repository.missingHandle("git_revwalk_new") }
        var tipOid = tip.oid
        try check("git_revwalk_push") { git_revwalk_push(walker, &tipOid) }
        if let hiding {
            var hiddenOid = hiding.oid
            try check("git_revwalk_hide") { git_revwalk_hide(walker, &hiddenOid) }
        }
        return try body(walker)
    }

    /// Whether `ancestor` is `descendant` or one of its ancestors (as for checking that a
    /// checkpoint is still in the history of head).
    public func isAncestor(_ ancestor: ObjectID, of descendant: ObjectID) throws -> Bool {
        if ancestor == descendant { return true }
        var descendantOid = descendant.oid
        var ancestorOid = ancestor.oid
        let answer = try check("git_graph_descendant_of") {
            git_graph_descendant_of(handle, &descendantOid, &ancestorOid)
        }
        return answer == 1
    }
}
