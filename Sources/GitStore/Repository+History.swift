import Clibgit2

extension Repository {
    /// The blobs that differ between two trees (`from` nil: the empty tree), recursively, sorted
    /// by path. Renames are not detected: a move is a deletion and an addition. Only subtrees
    /// whose ids differ are read (Repository+TreeDiff.swift).
    public func diff(from oldTree: ObjectID?, to newTree: ObjectID) throws -> [TreeChange] {
        try changedBlobs(from: oldTree, to: newTree)
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
