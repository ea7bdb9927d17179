import Foundation
import GitStore
import Testing

/// `git count-objects -v` as a dictionary, e.g. `["count": 0, "packs": 1, "in-pack": 3001]`.
func countObjects(in path: String) throws -> [String: Int] {
    var counts: [String: Int] = [:]
    for line in try git(["count-objects", "-v"], in: path).split(separator: "\n") {
        let parts = line.split(separator: ":", maxSplits: 1)
        counts[String(parts[0])] = Int(parts[1].trimmingCharacters(in: .whitespaces))
    }
    return counts
}

/// Writes `count` signed commits on top of `parent`, each changing one of 50 records.
func writeChain(_ repository: Repository, count: Int, on parent: ObjectID?, label: String) throws -> [ObjectID] {
    var commits: [ObjectID] = []
    var tip = parent
    var tree = try parent.map { try repository.treeID(ofCommit: $0) }
    for index in 0..<count {
        let blob = try repository.writeBlob(Array("{\n  \"\(label)\": \(index)\n}\n".utf8))
        tree = try repository.updateTree(base: tree, changes: [("records/\(label)/\(index % 50).json", blob)])
        let buffer = try repository.commitBuffer(
            tree: try #require(tree), parents: tip.map { [$0] } ?? [], author: alice, committer: alice,
            message: "record: \(label) \(index)\n")
        let commit = try repository.writeSignedCommit(buffer: buffer, signature: fakeSignature)
        commits.append(commit)
        tip = commit
    }
    return commits
}

@Suite("Bulk writes")
struct BulkWriteTests {
    @Test("1,000 commits streamed into a pack land on disk as one pack, fsck-clean")
    func thousandCommitsInOnePack() throws {
        try withNewRepository { (repository, path) throws in
            let start = Date()
            try repository.beginBulkWrite()
            let commits = try writeChain(repository, count: 1_000, on: nil, label: "bulk")
            let tip = try #require(commits.last)
            #expect(try countObjects(in: path)["count"] == 0, "nothing may reach disk before the pack")
            #expect(throws: GitError.self, "a bulk write's objects are readable only once it finishes") { try repository.commit(tip) }

            try repository.finishBulkWrite()
            try repository.compareAndSwap("refs/heads/main", to: tip, expected: nil, logMessage: "bulk")
            let seconds = Date().timeIntervalSince(start)
            print("GitStore bulk write: 1,000 signed commits in \(String(format: "%.2f", seconds)) s, \(Int(1_000 / seconds)) commits/s")

            let counts = try countObjects(in: path)
            #expect(counts["count"] == 0)
            #expect(counts["packs"] == 1)
            #expect(counts["in-pack"] == 1_000 * 5, "each commit adds a commit, a blob, the root tree and two subtrees")
            try git(["fsck", "--full", "--strict", "--no-dangling"], in: path)
            #expect(try git(["rev-list", "--count", "main"], in: path).trimmed == "1000")

            // The same handle reads from disk now, and a fresh one sees everything.
            #expect(try repository.commit(commits[500]).parents == [commits[499]])
            let reopened = try Repository.open(at: path)
            #expect(try reopened.walk(from: tip, hiding: nil) == commits)
            #expect(try reopened.blob(at: "records/bulk/49.json", inCommit: tip) == Array("{\n  \"bulk\": 999\n}\n".utf8))
            #expect(try reopened.signedData(of: tip)?.signature.hasPrefix("-----BEGIN SSH SIGNATURE-----") == true)
        }
    }

    @Test("a second bulk write packs only the new objects, and ordinary writes go to disk again")
    func secondBulkWritePacksOnlyNewObjects() throws {
        try withNewRepository { (repository, path) throws in
            try repository.beginBulkWrite()
            let first = try writeChain(repository, count: 100, on: nil, label: "first")
            try repository.finishBulkWrite()
            try repository.compareAndSwap("refs/heads/main", to: first[99], expected: nil, logMessage: "first")
            let afterFirst = try countObjects(in: path)

            try repository.beginBulkWrite()
            let second = try writeChain(repository, count: 10, on: first[99], label: "second")
            try repository.finishBulkWrite()
            try repository.compareAndSwap("refs/heads/main", to: second[9], expected: first[99], logMessage: "second")
            let afterSecond = try countObjects(in: path)
            #expect(afterSecond["packs"] == 2)
            // Each commit: a commit, a blob, the root tree and two subtrees.
            #expect((afterSecond["in-pack"] ?? 0) - (afterFirst["in-pack"] ?? 0) == 10 * 5)
            try git(["fsck", "--full", "--no-dangling"], in: path)

            // With the bulk write over, a new object is an ordinary loose object on disk.
            let loose = try repository.writeBlob(Array("after\n".utf8))
            #expect(try countObjects(in: path)["count"] == 1)
            #expect(try git(["cat-file", "-p", loose.hex], in: path) == "after\n")
        }
    }

    @Test("an abandoned bulk write leaves nothing on disk")
    func abandonLeavesNothing() throws {
        try withNewRepository { (repository, path) throws in
            try repository.beginBulkWrite()
            let commits = try writeChain(repository, count: 20, on: nil, label: "dropped")
            let blob = try repository.writeBlob(Array("dropped\n".utf8))
            repository.abandonBulkWrite()

            let counts = try countObjects(in: path)
            #expect(counts["count"] == 0)
            #expect(counts["packs"] == 0)
            let packFiles = try FileManager.default.contentsOfDirectory(atPath: path + "/objects/pack")
            #expect(packFiles.isEmpty)
            let error = #expect(throws: GitError.self) { try repository.blob(blob) }
            #expect(error?.code == .notFound)
            #expect(throws: GitError.self) { try Repository.open(at: path).commit(commits[0]) }

            // The handle works normally afterwards, and abandoning twice is harmless.
            repository.abandonBulkWrite()
            _ = try repository.writeBlob(Array("kept\n".utf8))
            #expect(try countObjects(in: path)["count"] == 1)
        }
    }

    @Test("bulk writes do not nest, and finishing requires a bulk write in progress")
    func bulkWriteMisuse() throws {
        try withNewRepository { (repository, _) throws in
            #expect(throws: GitError.self) { try repository.finishBulkWrite() }
            try repository.beginBulkWrite()
            #expect(throws: GitError.self) { try repository.beginBulkWrite() }
            try repository.finishBulkWrite()  // nothing written: no pack
            #expect(try countObjects(in: repository.path)["packs"] == 0)
        }
    }

    @Test("a bulk write makes exactly the objects, and so the commit ids, that libgit2 makes one by one")
    func bulkObjectsMatchLibgit2() throws {
        try withNewRepository { (plain, _) throws in
            try withNewRepository { (bulk, path) throws in
                let expected = try writeChain(plain, count: 120, on: nil, label: "same")
                try bulk.beginBulkWrite()
                let written = try writeChain(bulk, count: 120, on: nil, label: "same")
                try bulk.finishBulkWrite()
                #expect(written == expected)
                // Deleting records too: trees shrink and emptied folders vanish, as libgit2 does it.
                let base = try plain.treeID(ofCommit: expected[119])
                let removals: [(path: String, blob: ObjectID?)] = (0..<50).map { ("records/same/\($0).json", nil) }
                    + [("other/kept.json", try plain.writeBlob(Array("1\n".utf8)))]
                let plainTree = try plain.updateTree(base: base, changes: removals)
                try bulk.beginBulkWrite()
                _ = try bulk.writeBlob(Array("1\n".utf8))
                let bulkTree = try bulk.updateTree(base: base, changes: removals)
                try bulk.finishBulkWrite()
                #expect(bulkTree == plainTree)
                try git(["fsck", "--full", "--strict"], in: path)
            }
        }
    }
}
