import Clibgit2
import Foundation

extension Repository {
    // MARK: Blobs

    /// Writes `bytes` as a blob (into memory during a bulk write) and returns its id.
    public func writeBlob(_ bytes: [UInt8]) throws -> ObjectID {
        if let bulk = bulkWrite { return try bulk.pack.add(.blob, bytes) }
        var oid = git_oid()
        try bytes.withUnsafeBytes { buffer in
            _ = try check("git_blob_create_from_buffer") {
                git_blob_create_from_buffer(&oid, handle, buffer.baseAddress, buffer.count)
            }
        }
        return ObjectID(oid)
    }

    /// Reads the bytes of the blob `id`; `.notFound` if there is no such object.
    public func blob(_ id: ObjectID) throws -> [UInt8] {
        if let object = packReader?.read(id), object.kind == .blob { return object.bytes }
        var oid = id.oid
        var blob: OpaquePointer? = nil
        try check("git_blob_lookup") { git_blob_lookup(&blob, handle, &oid) }
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let content = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: content, count: size))
    }

    /// The id of the blob at `path` (e.g. `units/cn/unit.json`) in the tree of commit
    /// `inCommit`; nil if nothing, or a directory, is at that path.
    public func blobID(at path: String, inCommit commit: ObjectID) throws -> ObjectID? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !parts.contains(where: \.isEmpty) else { return nil }
        var tree = try treeID(ofCommit: commit)
        for (n, part) in parts.enumerated() {
            guard let entry = try entry(named: part, inTree: tree) else { return nil }
            if n == parts.count - 1 { return entry.isBlob ? entry.id : nil }
            guard entry.isTree else { return nil }
            tree = entry.id
        }
        return nil
    }

    /// The bytes of the blob at `path` in the tree of commit `inCommit`; nil if absent.
    public func blob(at path: String, inCommit commit: ObjectID) throws -> [UInt8]? {
        guard let id = try blobID(at: path, inCommit: commit) else { return nil }
        return try blob(id)
    }

    /// Every blob in the tree of commit `inCommit` whose full path starts with `prefix`, in git
    /// order (byte order of the full paths, see `blobs(under:prefix:)`). `""` lists the whole tree,
    /// `"units/"` one directory, recursively.
    public func listBlobs(inCommit commit: ObjectID, under prefix: String) throws -> [(path: String, id: ObjectID)] {
        // Descend to the deepest directory named by the prefix, then filter by the rest of it.
        let directory = prefix.lastIndex(of: "/").map { String(prefix[..<$0]) } ?? ""
        var tree = try treeID(ofCommit: commit)
        if !directory.isEmpty {
            for part in directory.split(separator: "/", omittingEmptySubsequences: false) {
                guard !part.isEmpty, let entry = try entry(named: part, inTree: tree), entry.isTree else { return [] }
                tree = entry.id
            }
        }
        let result = try blobs(under: tree, prefix: directory.isEmpty ? "" : directory + "/")
        return prefix.hasSuffix("/") || prefix.isEmpty ? result : result.filter { $0.path.hasPrefix(prefix) }
    }

    /// The blobs under folders of commit `commit` (each named with its trailing `/`, as `units/`),
    /// cut into pieces that can be listed apart: subtrees, each with the path its blobs are listed
    /// under (`forEachBlob(inTree:prefix:_:)`), and the blobs met above them. Each folder is opened a
    /// level at a time until it alone holds at least `pieces` subtrees or none is left to open, so
    /// that a folder whose records sit deep is cut as finely as one whose records sit near the top.
    /// Together the pieces hold the blobs `listBlobs(inCommit:under:)` lists for each folder.
    public func listingPieces(inCommit commit: ObjectID, folders: [String], pieces: Int) throws
        -> (subtrees: [(prefix: String, tree: ObjectID)], blobs: [(path: String, id: ObjectID)]) {
        let root = try treeID(ofCommit: commit)
        var subtrees: [(prefix: String, tree: ObjectID)] = []
        var blobs: [(path: String, id: ObjectID)] = []
        folders: for folder in folders {
            precondition(folder.hasSuffix("/") && !folder.dropLast().isEmpty, "a folder is named with its trailing /")
            var tree = root
            for part in folder.dropLast().split(separator: "/", omittingEmptySubsequences: false) {
                guard !part.isEmpty, let entry = try entry(named: part, inTree: tree), entry.isTree else { continue folders }
                tree = entry.id
            }
            var level = [(prefix: folder, tree: tree)]
            while !level.isEmpty && level.count < pieces {
                var next: [(prefix: String, tree: ObjectID)] = []
                for (prefix, tree) in level {
                    for (name, entry) in try treeEntries(tree) {
                        if entry.isTree {
                            next.append((prefix + name + "/", entry.id))
                        } else if entry.isBlob {
                            blobs.append((prefix + name, entry.id))
                        }
                    }
                }
                level = next
            }
            subtrees += level
        }
        return (subtrees, blobs)
    }

    /// `body(path, id)` for every blob under `tree`, its path under `prefix` (which ends in `/`, or
    /// is empty), in git order, each
    /// called as soon as the tree holding the blob is read: a blob read then is often in the bytes
    /// read for its tree (`PackReader`), as writers put a file just before the tree that names it.
    public func forEachBlob(inTree tree: ObjectID, prefix: String, _ body: (String, ObjectID) throws -> Void) throws {
        // A stack of trees being listed: each one's entries, the next to visit, and its path.
        var stack = [(entries: try treeEntries(tree), next: 0, prefix: prefix)]
        while let top = stack.indices.last {
            guard stack[top].next < stack[top].entries.count else { stack.removeLast(); continue }
            let (name, entry) = stack[top].entries[stack[top].next]
            stack[top].next += 1
            let path = stack[top].prefix + name
            if entry.isTree {
                stack.append((try treeEntries(entry.id), 0, path + "/"))
            } else if entry.isBlob {
                try body(path, entry.id)
            }
        }
    }

    /// The blobs under `tree` in git order: depth first, each tree's entries in their stored order,
    /// which git keeps sorted so that this is the byte order of the full paths (a subtree `a` sorts
    /// as `a/`, after `a.json`). Submodule links are not blobs and are skipped.
    private func blobs(under tree: ObjectID, prefix: String) throws -> [(path: String, id: ObjectID)] {
        var result: [(path: String, id: ObjectID)] = []
        try forEachBlob(inTree: tree, prefix: prefix) { result.append(($0, $1)) }
        return result
    }

    // MARK: Trees

    /// One entry of a tree: its object and its file mode (as libgit2 normalises it).
    struct Entry {
        var id: ObjectID
        var mode: UInt32
        var isTree: Bool { mode == GIT_FILEMODE_TREE.rawValue }
        /// A file or a symlink; neither a tree nor a submodule link.
        var isBlob: Bool { !isTree && mode != GIT_FILEMODE_COMMIT.rawValue }
    }

    /// The entries of tree `id` in stored order. Trees, commits' trees and entries by name are read
    /// through `packReader` when there is one (hash checks off), and through libgit2 otherwise or
    /// when the reader cannot read the object.
    func treeEntries(_ id: ObjectID) throws -> [(name: String, entry: Entry)] {
        if let entries = packReader?.tree(id) { return entries }
        return try withTree(id) { tree in
            let count = git_tree_entrycount(tree)
            var out: [(name: String, entry: Entry)] = []
            out.reserveCapacity(count)
            for index in 0..<count {
                guard let e = git_tree_entry_byindex(tree, index), let name = git_tree_entry_name(e), let id = git_tree_entry_id(e) else { continue }
                out.append((String(cString: name), Entry(id: ObjectID(id.pointee), mode: git_tree_entry_filemode(e).rawValue)))
            }
            return out
        }
    }

    /// The entry `name` of tree `id`; nil when the tree has none.
    func entry(named name: Substring, inTree id: ObjectID) throws -> Entry? {
        if let found = packReader?.entry(named: name, inTree: id) { return found }
        return try withTree(id) { tree in
            guard let entry = git_tree_entry_byname(tree, String(name)), let id = git_tree_entry_id(entry) else { return nil }
            return Entry(id: ObjectID(id.pointee), mode: git_tree_entry_filemode(entry).rawValue)
        }
    }

    /// The root tree of commit `ofCommit`.
    public func treeID(ofCommit commit: ObjectID) throws -> ObjectID {
        if let root = packReader?.rootTree(ofCommit: commit) { return root }
        return try withCommit(commit) { commit in
            guard let id = git_commit_tree_id(commit) else { throw Repository.missingHandle("git_commit_tree_id") }
            return ObjectID(id.pointee)
        }
    }

    /// Writes a new tree: `base` (a tree id, nil for the empty tree) with each path set to its
    /// blob (mode 100644), or removed when the blob is nil. Intermediate directories are created
    /// as needed and directories left empty disappear. If a path appears twice, the last change
    /// wins; removing a path that is not there is an error (libgit2 reports it as a generic
    /// failure, code -1).
    public func updateTree(base: ObjectID?, changes: [(path: String, blob: ObjectID?)]) throws -> ObjectID {
        if let bulk = bulkWrite {
            return try bulk.trees.update(base: base, changes: changes, pack: bulk.pack, repository: self)
        }
        // libgit2 leaves duplicate paths undefined, so keep only the last change to each.
        var lastChange: [String: Int] = [:]
        for (index, change) in changes.enumerated() { lastChange[change.path] = index }
        let effective = changes.indices.filter { lastChange[changes[$0].path] == $0 }.map { changes[$0] }

        let paths: [UnsafeMutablePointer<CChar>?] = effective.map { strdup($0.path) }
        defer { paths.forEach { free($0) } }
        var updates: [git_tree_update] = []
        updates.reserveCapacity(effective.count)
        for (index, change) in effective.enumerated() {
            var update = git_tree_update()
            if let blob = change.blob {
                update.action = GIT_TREE_UPDATE_UPSERT
                update.id = blob.oid
            } else {
                update.action = GIT_TREE_UPDATE_REMOVE
            }
            update.filemode = GIT_FILEMODE_BLOB
            update.path = UnsafePointer(paths[index])
            updates.append(update)
        }
        var out = git_oid()
        if let base {
            try withTree(base) { tree in
                _ = try check("git_tree_create_updated") {
                    git_tree_create_updated(&out, handle, tree, updates.count, updates)
                }
            }
        } else {
            try check("git_tree_create_updated") {
                git_tree_create_updated(&out, handle, nil, updates.count, updates)
            }
        }
        return ObjectID(out)
    }

    // MARK: Commits

    /// Reads commit `id`.
    public func commit(_ id: ObjectID) throws -> CommitInfo {
        try withCommit(id) { commit in
            guard let tree = git_commit_tree_id(commit),
                  let author = git_commit_author(commit),
                  let committer = git_commit_committer(commit) else {
                throw Repository.missingHandle("git_commit_lookup")
            }
            var parents: [ObjectID] = []
            for index in 0..<git_commit_parentcount(commit) {
                if let parent = git_commit_parent_id(commit, index) { parents.append(ObjectID(parent.pointee)) }
            }
            // A commit message need not be UTF-8: keep the bytes, decode a lossy copy.
            var raw: [UInt8] = []
            if let message = git_commit_message_raw(commit) {
                raw = Array(UnsafeRawBufferPointer(start: message, count: strlen(message)))
            }
            return CommitInfo(
                id: id, tree: ObjectID(tree.pointee), parents: parents,
                author: GitSignature(author), committer: GitSignature(committer),
                message: String(decoding: raw, as: UTF8.self), rawMessage: raw)
        }
    }

    /// Formats, without writing, the raw commit object for `tree` with `parents`, as it will be
    /// signed. The message is stored exactly as given (end it with a newline).
    public func commitBuffer(tree: ObjectID, parents: [ObjectID], author: GitSignature, committer: GitSignature, message: String) throws -> [UInt8] {
        // A bulk write's trees and commits cannot be looked up yet: format the commit here, as
        // libgit2 does (its test pins the two to the same bytes).
        if bulkWrite != nil {
            var text = "tree \(tree.hex)\n"
            for parent in parents { text += "parent \(parent.hex)\n" }
            text += "author \(try author.header())\ncommitter \(try committer.header())\n\n\(message)"
            return Array(text.utf8)
        }
        return try withTree(tree) { tree in
            try withCommits(parents) { parentCommits in
                try author.withGitSignature { author in
                    try committer.withGitSignature { committer in
                        var buffer = git_buf()
                        defer { git_buf_dispose(&buffer) }
                        try check("git_commit_create_buffer") {
                            git_commit_create_buffer(&buffer, handle, author, committer, nil, message, tree, parentCommits.count, &parentCommits)
                        }
                        return buffer.bytes
                    }
                }
            }
        }
    }

    /// Writes the commit `buffer` (from `commitBuffer`) with `signature` (an armoured SSH or
    /// PGP signature) in its `gpgsig` header and returns the commit id. Moves no ref.
    public func writeSignedCommit(buffer: [UInt8], signature: String) throws -> ObjectID {
        // git stores the armour without its final newline; with it the commit would differ
        // from what `git commit -S` makes.
        var signature = signature
        if signature.hasSuffix("\n") { signature.removeLast() }
        return try writeCommit(buffer: buffer, signature: signature)
    }

    /// Writes the unsigned commit `buffer` as is and returns its id. Moves no ref.
    public func writeCommitObject(buffer: [UInt8]) throws -> ObjectID {
        try writeCommit(buffer: buffer, signature: nil)
    }

    private func writeCommit(buffer: [UInt8], signature: String?) throws -> ObjectID {
        if let bulk = bulkWrite {
            return try bulk.pack.add(.commit, signature.map { Repository.insertSignature($0, into: buffer) } ?? buffer)
        }
        // libgit2 takes the commit as a C string: it must not contain NUL.
        guard !buffer.contains(0) else {
            throw GitError(code: .other(-1), class: 0, message: "a commit buffer must not contain NUL bytes", function: "git_commit_create_with_signature")
        }
        var oid = git_oid()
        let content = buffer + [0]
        try content.withUnsafeBufferPointer { bytes in
            try bytes.withMemoryRebound(to: CChar.self) { text in
                _ = try check("git_commit_create_with_signature") {
                    git_commit_create_with_signature(&oid, handle, text.baseAddress, signature, signature == nil ? nil : "gpgsig")
                }
            }
        }
        return ObjectID(oid)
    }

    /// The `gpgsig` signature of commit `commit` and the bytes it signs (the commit without
    /// that header); nil if the commit is unsigned. `.notFound` if there is no such commit.
    public func signedData(of commit: ObjectID) throws -> (signature: String, payload: [UInt8])? {
        // Look the commit up first so that "no such commit" is not mistaken for "unsigned".
        try withCommit(commit) { _ in }
        var oid = commit.oid
        var signature = git_buf()
        var payload = git_buf()
        defer {
            git_buf_dispose(&signature)
            git_buf_dispose(&payload)
        }
        guard try checkFound("git_commit_extract_signature", {
            git_commit_extract_signature(&signature, &payload, handle, &oid, "gpgsig")
        }) else { return nil }
        return (String(decoding: signature.bytes, as: UTF8.self), payload.bytes)
    }
}

extension Repository {
    /// The commit object `git_commit_create_with_signature` makes: a `gpgsig` header after the
    /// last header line, its continuation lines indented by one space.
    static func insertSignature(_ signature: String, into buffer: [UInt8]) -> [UInt8] {
        // Headers end at the first blank line; the message follows it.
        var end = buffer.count
        for i in 0..<(buffer.count - 1) where buffer[i] == 0x0A && buffer[i + 1] == 0x0A {
            end = i + 1
            break
        }
        var field = Array("gpgsig ".utf8)
        for byte in signature.utf8 {
            field.append(byte)
            if byte == 0x0A { field.append(0x20) }
        }
        field.append(0x0A)
        return Array(buffer[..<end]) + field + Array(buffer[end...])
    }
}
