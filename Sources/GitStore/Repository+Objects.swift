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
        switch packReader?.blobID(at: path, inCommit: commit) {
        case .blob(let id): return id
        case .absent?: return nil
        case .unreadable?, nil: break
        }
        return try withTree(ofCommit: commit) { tree in
            var entry: OpaquePointer? = nil
            guard try checkFound("git_tree_entry_bypath", { git_tree_entry_bypath(&entry, tree, path) }) else {
                return nil
            }
            defer { git_tree_entry_free(entry) }
            guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB, let id = git_tree_entry_id(entry) else { return nil }
            return ObjectID(id.pointee)
        }
    }

    /// The bytes of the blob at `path` in the tree of commit `inCommit`; nil if absent.
    public func blob(at path: String, inCommit commit: ObjectID) throws -> [UInt8]? {
        guard let id = try blobID(at: path, inCommit: commit) else { return nil }
        return try blob(id)
    }

    /// Every blob in the tree of commit `inCommit` whose full path starts with `prefix`, in git
    /// order (byte order of the full paths, see `collectBlobs`). `""` lists the whole tree, `"units/"` one directory,
    /// recursively.
    public func listBlobs(inCommit commit: ObjectID, under prefix: String) throws -> [(path: String, id: ObjectID)] {
        // Descend to the deepest directory named by the prefix, then filter by the rest of it.
        let directory: String
        if let slash = prefix.lastIndex(of: "/") {
            directory = String(prefix[..<slash])
        } else {
            directory = ""
        }
        if let reader = packReader, let listed = reader.blobs(inCommit: commit, directory: directory) {
            return prefix.hasSuffix("/") || prefix.isEmpty ? listed : listed.filter { $0.path.hasPrefix(prefix) }
        }
        return try withTree(ofCommit: commit) { root in
            var result: [(path: String, id: ObjectID)] = []
            if directory.isEmpty {
                try collectBlobs(in: root, pathPrefix: "", into: &result)
            } else {
                var entry: OpaquePointer? = nil
                guard try checkFound("git_tree_entry_bypath", { git_tree_entry_bypath(&entry, root, directory) }) else {
                    return []
                }
                defer { git_tree_entry_free(entry) }
                guard git_tree_entry_type(entry) == GIT_OBJECT_TREE, let id = git_tree_entry_id(entry) else { return [] }
                try withTree(id.pointee) { subtree in
                    try collectBlobs(in: subtree, pathPrefix: directory + "/", into: &result)
                }
            }
            return prefix.hasSuffix("/") || prefix.isEmpty ? result : result.filter { $0.path.hasPrefix(prefix) }
        }
    }

    /// Appends the blobs under `tree` in git order: depth first, each tree's entries in their stored
    /// order, which git keeps sorted so that this is the byte order of the full paths (a subtree `a`
    /// sorts as `a/`, after `a.json`). Each tree is open only while its entries are copied out.
    private func collectBlobs(in tree: OpaquePointer, pathPrefix: String, into result: inout [(path: String, id: ObjectID)]) throws {
        struct Entry { var name: String; var id: git_oid; var isTree: Bool }
        func entries(_ tree: OpaquePointer) -> [Entry] {
            (0..<git_tree_entrycount(tree)).compactMap { index in
                guard let entry = git_tree_entry_byindex(tree, index),
                      let name = git_tree_entry_name(entry),
                      let id = git_tree_entry_id(entry) else { return nil }
                // Submodule links (GIT_OBJECT_COMMIT) are not ledger records and are skipped.
                switch git_tree_entry_type(entry) {
                case GIT_OBJECT_BLOB: return Entry(name: String(cString: name), id: id.pointee, isTree: false)
                case GIT_OBJECT_TREE: return Entry(name: String(cString: name), id: id.pointee, isTree: true)
                default: return nil
                }
            }
        }
        // A stack of trees being listed: each one's entries, the next to visit, and its path.
        var stack = [(entries: entries(tree), next: 0, prefix: pathPrefix)]
        while let top = stack.indices.last {
            guard stack[top].next < stack[top].entries.count else { stack.removeLast(); continue }
            let entry = stack[top].entries[stack[top].next]
            stack[top].next += 1
            let path = stack[top].prefix + entry.name
            if entry.isTree {
                stack.append((try withTree(entry.id) { entries($0) }, 0, path + "/"))
            } else {
                result.append((path, ObjectID(entry.id)))
            }
        }
    }

    // MARK: Trees

    /// The root tree of commit `ofCommit`.
    public func treeID(ofCommit commit: ObjectID) throws -> ObjectID {
        try withCommit(commit) { commit in
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
