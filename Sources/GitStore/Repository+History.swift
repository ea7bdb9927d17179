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
        // What `hiding` hides of a line is the line below where the two meet: when `hiding` is off
        // `tip`'s line (a copy whose history and central's diverged), follow it down to that point
        // rather than to the root.
        var stop = hiding
        if let hiding, hiding != tip, let base = try mergeBase(tip, hiding), base != hiding { stop = base }
        if let line = try line(from: tip, to: stop) { return line }
        return try withRevisionWalk(from: tip, hiding: hiding) { walker in
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

    /// The commits from `tip` back to `hiding` (not included; to the root when nil), oldest first,
    /// when they are one line: each has one parent, the root none, and `hiding` is met on the way.
    /// Nil otherwise (a merge, or a `hiding` that is not on the line), for the revision walk to answer.
    /// A ledger's history is one line; following it holds only the ids, where libgit2's walk keeps
    /// a node and a map entry for every commit until it ends (at 1,000,000 commits, most of the
    /// memory of building the history index).
    private func line(from tip: ObjectID, to hiding: ObjectID?) throws -> [ObjectID]? {
        enum Parent { case none, one(ObjectID), several }
        var commits: [ObjectID] = []
        var id = tip
        while id != hiding {
            commits.append(id)
            let parent = try withCommit(id) { commit -> Parent in
                switch git_commit_parentcount(commit) {
                case 0: return .none
                case 1: return git_commit_parent_id(commit, 0).map { .one(ObjectID($0.pointee)) } ?? .several
                default: return .several
                }
            }
            switch parent {
            case .one(let next): id = next
            case .several: return nil
            case .none:
                guard hiding == nil else { return nil }
                commits.reverse()
                return commits
            }
        }
        commits.reverse()
        return commits
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

    /// The best common ancestor of two commits, or nil when they share no history.
    public func mergeBase(_ one: ObjectID, _ other: ObjectID) throws -> ObjectID? {
        if one == other { return one }
        var base = git_oid(), a = one.oid, b = other.oid
        let found = try check("git_merge_base") {
            let result = git_merge_base(&base, handle, &a, &b)
            return result == GIT_ENOTFOUND.rawValue ? 1 : result
        }
        return found == 0 ? ObjectID(base) : nil
    }
}
