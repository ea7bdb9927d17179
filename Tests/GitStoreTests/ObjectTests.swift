import Foundation
import GitStore
import Testing

/// The tree stock git builds for `files` (path → blob), through a throw-away index.
func stockGitTree(_ files: [String: ObjectID], in repositoryPath: String) throws -> String {
    let index = NSTemporaryDirectory() + "gitstore-index-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: index) }
    for (path, blob) in files {
        try git(["update-index", "--add", "--cacheinfo", "100644,\(blob.hex),\(path)"],
                in: repositoryPath, environment: ["GIT_INDEX_FILE": index])
    }
    return try git(["write-tree"], in: repositoryPath, environment: ["GIT_INDEX_FILE": index]).trimmed
}

/// `git ls-tree -r` of `tree` as path → blob id.
func stockGitListing(_ tree: ObjectID, in repositoryPath: String) throws -> [String: String] {
    var listing: [String: String] = [:]
    for line in try git(["ls-tree", "-r", tree.hex], in: repositoryPath).split(separator: "\n") {
        let parts = line.split(separator: "\t", maxSplits: 1)
        let fields = parts[0].split(separator: " ")
        #expect(fields[0] == "100644" && fields[1] == "blob", "unexpected entry \(line)")
        listing[String(parts[1])] = String(fields[2])
    }
    return listing
}

@Suite("Blobs and trees")
struct BlobAndTreeTests {
    @Test("a written blob reads back byte for byte, with the id stock git computes")
    func blobRoundTrip() throws {
        try withNewRepository { (repository, path) throws in
            let bytes: [UInt8] = Array("{\n  \"name\": \"长沙\"\n}\n".utf8) + [0xff, 0x00, 0x80]
            let id = try repository.writeBlob(bytes)
            #expect(try repository.blob(id) == bytes)
            let stockID = try git(["hash-object", "--stdin"], in: path, input: bytes).trimmed
            #expect(id.hex == stockID)
            #expect(try git(["cat-file", "-t", id.hex], in: path).trimmed == "blob")

            let empty = try repository.writeBlob([])
            #expect(try repository.blob(empty) == [])
            #expect(empty.hex == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391")
        }
    }

    @Test("ObjectID.blob hashes content given in parts as git names the joined blob")
    func blobIDOfParts() throws {
        try withNewRepository { (repository, path) throws in
            let bytes = Array("{\n  \"reports\": [\n    1\n  ]\n}\n".utf8)
            let id = try repository.writeBlob(bytes)
            #expect(ObjectID.blob(bytes[...]) == id)
            #expect(ObjectID.blob(bytes[..<7], bytes[7...]) == id)
            #expect(ObjectID.blob(bytes[..<7], [], bytes[7...]) == id)
            #expect(ObjectID.blob(bytes[..<7], bytes[8...]) != id)
            #expect(ObjectID.blob([]).hex == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391")
        }
    }

    @Test("object ids read from hex print back in lower case, and compare by value")
    func objectIDText() throws {
        let upper = try #require(ObjectID(hex: "E69DE29BB2D1D6434B8B29AE775AD8C2E48C5391"))
        #expect(upper.hex == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391")
        #expect(upper == ObjectID(hex: "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"))
        #expect(Set([upper, ObjectID(hex: upper.hex)!]).count == 1)
        #expect(ObjectID(hex: "e69de29bb2d1d6434b8b29ae775ad8c2e48c539") == nil)
        #expect(ObjectID(hex: "g69de29bb2d1d6434b8b29ae775ad8c2e48c5391") == nil)
        #expect(ObjectID(hex: "00000000000000000000000000000000000000ff") != ObjectID(hex: "ff00000000000000000000000000000000000000"))
    }

    @Test("reading a blob that does not exist is a not-found error")
    func missingBlob() throws {
        try withNewRepository { (repository, _) throws in
            let missing = try #require(ObjectID(hex: String(repeating: "ab", count: 20)))
            let error = #expect(throws: GitError.self) { try repository.blob(missing) }
            #expect(error?.code == .notFound)
            #expect(error?.function == "git_blob_lookup")
        }
    }

    @Test("updateTree adds nested paths, replaces and deletes, matching stock git's trees")
    func updateTreeMatchesStockGit() throws {
        try withNewRepository { (repository, path) throws in
            let one = try repository.writeBlob(Array("one\n".utf8))
            let two = try repository.writeBlob(Array("two\n".utf8))
            let three = try repository.writeBlob(Array("three\n".utf8))

            // Add into an empty tree, creating a/ and a/b/.
            let added = try repository.updateTree(base: nil, changes: [
                ("a/b/c.json", one), ("a/d.json", two), ("top.json", three),
            ])
            var expected: [String: ObjectID] = ["a/b/c.json": one, "a/d.json": two, "top.json": three]
            #expect(added.hex == (try stockGitTree(expected, in: path)))
            #expect(try stockGitListing(added, in: path) == expected.mapValues(\.hex))

            // Replace one blob deep down.
            let replaced = try repository.updateTree(base: added, changes: [("a/b/c.json", three)])
            expected["a/b/c.json"] = three
            #expect(replaced.hex == (try stockGitTree(expected, in: path)))
            #expect(replaced != added)

            // Delete the only file of a/b: the directory must vanish too.
            let deleted = try repository.updateTree(base: replaced, changes: [("a/b/c.json", nil)])
            expected["a/b/c.json"] = nil
            #expect(deleted.hex == (try stockGitTree(expected, in: path)))
            #expect(try stockGitListing(deleted, in: path) == expected.mapValues(\.hex))
            let topLevel = try git(["ls-tree", "--name-only", deleted.hex, "a/"], in: path)
            #expect(topLevel.trimmed == "a/d.json", "a/b should be gone")

            // Delete everything: the empty tree.
            let emptied = try repository.updateTree(base: deleted, changes: [("a/d.json", nil), ("top.json", nil)])
            #expect(emptied.hex == "4b825dc642cb6eb9a060e54bf8d69288fbee4904")
            #expect(try repository.updateTree(base: nil, changes: []) == emptied)

            // Deleting something absent is an error, not a silent no-op.
            let error = #expect(throws: GitError.self) {
                try repository.updateTree(base: deleted, changes: [("a/zzz.json", nil)])
            }
            #expect(error?.function == "git_tree_create_updated")
        }
    }

    @Test("when updateTree is given one path twice, the last change wins")
    func updateTreeLastChangeWins() throws {
        try withNewRepository { (repository, path) throws in
            let one = try repository.writeBlob(Array("one\n".utf8))
            let two = try repository.writeBlob(Array("two\n".utf8))
            let tree = try repository.updateTree(base: nil, changes: [("x/y.json", one), ("x/y.json", two)])
            #expect(tree.hex == (try stockGitTree(["x/y.json": two], in: path)))
        }
    }

    @Test("blobs are found by path in a commit and listed under a prefix")
    func blobsByPath() throws {
        try withNewRepository { (repository, _) throws in
            let commit = try repository.makeCommit(parents: [], files: [
                "ledger.json": "{}\n",
                "units/cn/unit.json": "cn\n",
                "units/cn/hunan/unit.json": "hunan\n",
                "units/cn-x/unit.json": "cnx\n",
                "units/cn.json": "dot\n",
                "actors/alice.json": "alice\n",
            ])
            #expect(try repository.blob(at: "units/cn/hunan/unit.json", inCommit: commit) == Array("hunan\n".utf8))
            #expect(try repository.blob(at: "units/cn/missing.json", inCommit: commit) == nil)
            #expect(try repository.blobID(at: "nowhere/unit.json", inCommit: commit) == nil)
            #expect(try repository.blobID(at: "units/cn", inCommit: commit) == nil, "a directory is not a blob")
            #expect(try repository.blobID(at: "ledger.json", inCommit: commit) == (try repository.writeBlob(Array("{}\n".utf8))))

            let all = try repository.listBlobs(inCommit: commit, under: "").map(\.path)
            #expect(all == ["actors/alice.json", "ledger.json", "units/cn-x/unit.json", "units/cn.json",
                            "units/cn/hunan/unit.json", "units/cn/unit.json"])
            let units = try repository.listBlobs(inCommit: commit, under: "units/cn/")
            #expect(units.map(\.path) == ["units/cn/hunan/unit.json", "units/cn/unit.json"])
            #expect(try units.map { try repository.blob($0.id) } == [Array("hunan\n".utf8), Array("cn\n".utf8)])
            #expect(try repository.listBlobs(inCommit: commit, under: "units/cn").map(\.path)
                == ["units/cn-x/unit.json", "units/cn.json", "units/cn/hunan/unit.json", "units/cn/unit.json"])
            #expect(try repository.listBlobs(inCommit: commit, under: "findings/").isEmpty)
            #expect(try repository.listBlobs(inCommit: commit, under: "ledger.json/").isEmpty)
        }
    }
}

@Suite("Commits")
struct CommitTests {
    @Test("an unsigned commit buffer is written as is and reads back with all its fields")
    func unsignedCommitRoundTrip() throws {
        try withNewRepository { (repository, path) throws in
            let first = try repository.makeCommit(parents: [], files: ["a.json": "1\n"])
            let tree = try repository.updateTree(base: try repository.treeID(ofCommit: first),
                                                 changes: [("b.json", try repository.writeBlob(Array("2\n".utf8)))])
            let message = "adopt: plan for 长沙\n\nLuoshi-Action: adopt\n"
            let buffer = try repository.commitBuffer(tree: tree, parents: [first], author: alice, committer: bob, message: message)
            let id = try repository.writeCommitObject(buffer: buffer)

            #expect(id.hex == (try git(["hash-object", "-t", "commit", "--stdin"], in: path, input: buffer).trimmed))
            let info = try repository.commit(id)
            #expect(info.id == id)
            #expect(info.tree == tree)
            #expect(info.parents == [first])
            #expect(info.author == alice)
            #expect(info.committer == bob)
            #expect(info.message == message)
            #expect(info.rawMessage == Array(message.utf8))
            #expect(try git(["show", "-s", "--format=%an <%ae> %at %ai|%cn", id.hex], in: path).trimmed
                == "Alice <alice@ledger> 1700000000 2023-11-15 06:13:20 +0800|Bob")
            #expect(try repository.commit(first).parents.isEmpty)
            #expect(try repository.signedData(of: id) == nil)
        }
    }

    @Test("a signed commit carries a gpgsig header and yields its signature and payload")
    func signedCommit() throws {
        try withNewRepository { (repository, path) throws in
            let tree = try repository.updateTree(base: nil, changes: [("a.json", try repository.writeBlob(Array("1\n".utf8)))])
            let buffer = try repository.commitBuffer(tree: tree, parents: [], author: alice, committer: alice, message: "genesis: ledger\n")
            let id = try repository.writeSignedCommit(buffer: buffer, signature: fakeSignature)

            let shown = try git(["cat-file", "-p", id.hex], in: path)
            #expect(shown.contains("\ngpgsig -----BEGIN SSH SIGNATURE-----\n abc\n -----END SSH SIGNATURE-----\n\ngenesis: ledger\n"))
            let signed = try #require(try repository.signedData(of: id))
            #expect(signed.payload == buffer)
            #expect(signed.signature == "-----BEGIN SSH SIGNATURE-----\nabc\n-----END SSH SIGNATURE-----")
            #expect(try repository.commit(id).message == "genesis: ledger\n")
            // Moves no ref.
            #expect(try repository.resolve("refs/heads/main") == nil)
            try git(["fsck", "--full", "--no-dangling"], in: path)
        }
    }

    @Test("signedData of a commit that does not exist is an error, not nil")
    func signedDataOfMissingCommit() throws {
        try withNewRepository { (repository, _) throws in
            let missing = try #require(ObjectID(hex: String(repeating: "cd", count: 20)))
            let error = #expect(throws: GitError.self) { try repository.signedData(of: missing) }
            #expect(error?.code == .notFound)
        }
    }

    @Test("revParse turns commit-ish specs into commit ids")
    func revParse() throws {
        try withNewRepository { (repository, _) throws in
            let first = try repository.makeCommit(parents: [], files: ["a.json": "1\n"])
            let second = try repository.makeCommit(parents: [first], files: ["a.json": "2\n"])
            try repository.compareAndSwap("refs/heads/main", to: second, expected: nil, logMessage: "test")
            #expect(try repository.revParse("main") == second)
            #expect(try repository.revParse("HEAD") == second)
            #expect(try repository.revParse("main~1") == first)
            #expect(try repository.revParse(String(first.hex.prefix(10))) == first)
            #expect(try repository.revParse(second.hex) == second)
            let error = #expect(throws: GitError.self) { try repository.revParse("no-such-branch") }
            #expect(error?.code == .notFound)
            // A tree is not commit-ish.
            #expect(throws: GitError.self) { try repository.revParse(try repository.treeID(ofCommit: first).hex) }
        }
    }
}
