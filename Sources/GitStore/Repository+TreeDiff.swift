import Clibgit2

extension Repository {
    /// The blobs that differ between two trees, found by walking only the subtrees whose ids
    /// differ: the cost is the size of the change, not of the tree. (`git_diff_tree_to_tree`
    /// visits every entry of both trees, which made verify's cost per commit grow with the ledger.)
    ///
    /// Same answer as libgit2's tree diff without rename detection: an entry whose id or mode
    /// changed is a modification (a blob replaced by a tree, or the reverse, is a deletion plus
    /// additions), and non-blob, non-tree entries (submodule links) are reported like blobs.
    ///
    /// The trees read for one call are kept until the next: walking history, each commit's old
    /// trees are the new trees of the commit before, and are not read or parsed twice.
    func changedBlobs(from oldTree: ObjectID?, to newTree: ObjectID) throws -> [TreeChange] {
        var changes: [TreeChange] = []
        var read = TreeEntries()
        try compare(oldTree, newTree, prefix: "", into: &changes, reading: &read)
        lastTreesRead = read
        return changes.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    /// Parsed trees by id.
    typealias TreeEntries = [ObjectID: [(name: String, entry: Entry)]]

    private func entries(of tree: ObjectID?, reading read: inout TreeEntries) throws -> [(name: String, entry: Entry)] {
        guard let tree else { return [] }
        let entries = try read[tree] ?? lastTreesRead[tree] ?? treeEntries(tree)
        read[tree] = entries
        return entries
    }

    private func compare(_ old: ObjectID?, _ new: ObjectID?, prefix: String, into changes: inout [TreeChange], reading read: inout TreeEntries) throws {
        let oldEntries = try entries(of: old, reading: &read)
        var oldByName: [String: Entry] = [:]
        for (name, e) in oldEntries { oldByName[name] = e }
        for (name, n) in try entries(of: new, reading: &read) {
            let path = prefix + name
            let o = oldByName.removeValue(forKey: name)
            if let o, o.id == n.id, o.mode == n.mode { continue }
            switch (o, n.isTree) {
            case (let o?, true) where o.isTree:
                try compare(o.id, n.id, prefix: path + "/", into: &changes, reading: &read)
            case (let o?, true):
                changes.append(TreeChange(path: path, oldBlob: o.id, newBlob: nil))
                try compare(nil, n.id, prefix: path + "/", into: &changes, reading: &read)
            case (let o?, false) where o.isTree:
                try compare(o.id, nil, prefix: path + "/", into: &changes, reading: &read)
                changes.append(TreeChange(path: path, oldBlob: nil, newBlob: n.id))
            case (let o?, false):
                changes.append(TreeChange(path: path, oldBlob: o.id, newBlob: n.id))
            case (nil, true):
                try compare(nil, n.id, prefix: path + "/", into: &changes, reading: &read)
            case (nil, false):
                changes.append(TreeChange(path: path, oldBlob: nil, newBlob: n.id))
            }
        }
        for (name, o) in oldEntries where oldByName[name] != nil {
            if o.isTree {
                try compare(o.id, nil, prefix: prefix + name + "/", into: &changes, reading: &read)
            } else {
                changes.append(TreeChange(path: prefix + name, oldBlob: o.id, newBlob: nil))
            }
        }
    }
}
