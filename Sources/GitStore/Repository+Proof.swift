import Clibgit2

/// What a client that signs a commit somewhere else needs to check it before signing: the raw tree
/// objects that lead from the commit's tree to each record it changes. Hashed as git hashes them
/// (`tree <size>\0<bytes>`), they prove that the tree line of the commit names exactly those
/// records, without the client holding the rest of the repository.
extension Repository {
    /// The tree objects on the way from `root` down to the folder of each of `paths`, each once,
    /// root first, as stored (without git's header). A path whose folder is not in the tree ends
    /// the walk there: the client's check then fails, as it should.
    public func treesAlong(_ paths: [String], from root: ObjectID) throws -> [(id: ObjectID, bytes: [UInt8])] {
        var seen: Set<ObjectID> = []
        var out: [(id: ObjectID, bytes: [UInt8])] = []
        func add(_ id: ObjectID) throws {
            guard seen.insert(id).inserted else { return }
            out.append((id, try rawObject(id)))
        }
        try add(root)
        for path in paths {
            var tree = root
            for folder in path.split(separator: "/", omittingEmptySubsequences: false).dropLast() {
                guard let entry = try entry(named: folder, inTree: tree), entry.isTree else { break }
                tree = entry.id
                try add(tree)
            }
        }
        return out
    }

    /// The id git gives an object of `type` (`blob`, `tree`, `commit`, `tag`) whose content is `bytes`.
    public static func objectID(type: String, of bytes: [UInt8]) -> ObjectID {
        ObjectID.hashing(type: type, [bytes[...]])
    }
}
