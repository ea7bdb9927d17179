import Clibgit2

/// A bulk write in progress: the pack being written and the trees it changed.
final class BulkWrite {
    let pack: PackWriter
    let trees: TreeCache

    init(pack: PackWriter, trees: TreeCache) {
        self.pack = pack
        self.trees = trees
    }
}

extension Repository {
    /// Starts a bulk write: from now on blobs, trees and commits are streamed into one new pack
    /// instead of loose files, and trees are updated in memory, until `finishBulkWrite` puts the
    /// pack in place or `abandonBulkWrite` drops it.
    ///
    /// Objects written during a bulk write cannot be read back until it finishes; callers keep
    /// what they wrote (the ledger keeps the records of a transaction in memory). Move no ref to
    /// an object written in a bulk write before `finishBulkWrite` returns.
    public func beginBulkWrite() throws {
        guard bulkWrite == nil else {
            throw GitError(code: .other(-1), class: 0, message: "a bulk write is already in progress", function: "beginBulkWrite")
        }
        bulkWrite = BulkWrite(pack: try PackWriter(objectsDirectory: path + "/objects"), trees: TreeCache())
    }

    /// Ends a bulk write: completes the pack and its index, moves them into `objects/pack` and
    /// makes them visible to this handle. When it returns the new objects are on disk, so the
    /// caller may move the ref. A bulk write that wrote nothing leaves no pack.
    public func finishBulkWrite() throws {
        guard let bulk = bulkWrite else {
            throw GitError(code: .other(-1), class: 0, message: "no bulk write is in progress", function: "finishBulkWrite")
        }
        bulkWrite = nil
        guard bulk.pack.objectCount > 0 else { bulk.pack.discard(); return }
        do {
            _ = try bulk.pack.finish()
        } catch {
            bulk.pack.discard()
            throw error
        }
        try withObjectDatabase { database in
            _ = try check("git_odb_refresh") { git_odb_refresh(database) }
        }
    }

    /// Ends a bulk write without writing anything: the objects written since `beginBulkWrite`
    /// are dropped. Does nothing if no bulk write is in progress.
    public func abandonBulkWrite() {
        guard let bulk = bulkWrite else { return }
        bulkWrite = nil
        bulk.pack.discard()
    }

    /// The entries of a tree on disk by name, for the bulk writer's tree cache.
    func cachedTreeEntries(_ id: ObjectID) throws -> [String: TreeCache.Entry] {
        Dictionary(try treeEntries(id).map { name, entry in
            (name, TreeCache.Entry(mode: String(entry.mode, radix: 8), id: entry.id, isTree: entry.isTree))
        }, uniquingKeysWith: { _, last in last })
    }
}

/// The working tree of a bulk write, in memory: each commit serialises only the trees on its
/// changed paths, the way `git fast-import` keeps its active branch. Subtrees are read from disk
/// the first time a change reaches them; memory stays the size of what the import touched.
final class TreeCache {
    struct Entry {
        var mode: String
        var id: ObjectID
        var isTree: Bool
    }

    /// One tree: its entries, the subtrees loaded so far, and whether it changed since written.
    final class Node {
        var entries: [String: Entry]
        var children: [String: Node] = [:]
        var dirty = false

        init(entries: [String: Entry]) { self.entries = entries }
    }

    private var root: Node?
    private var rootID: ObjectID?

    /// Applies the changes to `base` and writes every changed tree into `pack`; returns the new root.
    /// `base` is the tree the last update returned, or any tree on disk.
    func update(base: ObjectID?, changes: [(path: String, blob: ObjectID?)], pack: PackWriter, repository: Repository) throws -> ObjectID {
        if root == nil || base != rootID {
            root = Node(entries: try base.map { try repository.cachedTreeEntries($0) } ?? [:])
            rootID = base
        }
        guard let root else { throw GitError(code: .other(-1), class: 0, message: "no tree", function: "updateTree") }
        for change in changes {
            let components = change.path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard !components.contains(where: \.isEmpty) else {
                throw GitError(code: .other(-1), class: 0, message: "invalid path \(change.path) in a tree update", function: "updateTree")
            }
            try apply(components[...], change.blob, to: root, repository: repository)
        }
        let id = try write(root, pack: pack) ?? pack.add(.tree, [])
        rootID = id
        return id
    }

    private func apply(_ components: ArraySlice<String>, _ blob: ObjectID?, to node: Node, repository: Repository) throws {
        let name = components.first!
        node.dirty = true
        if components.count == 1 {
            if let blob {
                node.entries[name] = Entry(mode: "100644", id: blob, isTree: false)
                node.children[name] = nil
            } else if node.entries.removeValue(forKey: name) == nil {
                throw GitError(code: .notFound, class: 0, message: "cannot remove \(name): no such entry", function: "updateTree")
            }
            return
        }
        let child: Node
        if let loaded = node.children[name] {
            child = loaded
        } else if let entry = node.entries[name], entry.isTree {
            child = Node(entries: try repository.cachedTreeEntries(entry.id))
        } else {
            child = Node(entries: [:])
        }
        node.children[name] = child
        try apply(components.dropFirst(), blob, to: child, repository: repository)
    }

    /// Writes the changed trees below and at `node`, bottom up; nil for a tree left empty.
    private func write(_ node: Node, pack: PackWriter) throws -> ObjectID? {
        for (name, child) in node.children where child.dirty {
            if let id = try write(child, pack: pack) {
                node.entries[name] = Entry(mode: "40000", id: id, isTree: true)
            } else {
                node.entries[name] = nil
                node.children[name] = nil
            }
        }
        node.dirty = false
        guard !node.entries.isEmpty else { return nil }
        // git's order: a subtree sorts as if its name ended in '/'.
        let sorted = node.entries.map { (key: Array($0.key.utf8) + ($0.value.isTree ? [0x2F] : []), name: $0.key, entry: $0.value) }
            .sorted { $0.key.lexicographicallyPrecedes($1.key) }
        var content: [UInt8] = []
        for item in sorted {
            content += Array(item.entry.mode.utf8)
            content.append(0x20)
            content += Array(item.name.utf8)
            content.append(0)
            content += item.entry.id.raw
        }
        return try pack.add(.tree, content)
    }
}
