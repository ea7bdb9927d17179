import Foundation
import GitStore
import Testing

@Suite("Diffs and history")
struct HistoryTests {
    @Test("diff lists added, modified and deleted blobs, sorted by path")
    func diffTrees() throws {
        try withNewRepository { (repository, _) throws in
            let before = try repository.makeCommit(parents: [], files: [
                "units/cn/unit.json": "cn\n", "units/cn/hunan/unit.json": "hunan\n", "ledger.json": "{}\n",
            ])
            let after = try repository.makeCommit(parents: [before], files: [
                "units/cn/hunan/unit.json": "hunan 2\n", "ledger.json": nil, "findings/f1.json": "f1\n",
            ])
            let old = try repository.treeID(ofCommit: before)
            let new = try repository.treeID(ofCommit: after)
            let blob = { (text: String) throws -> ObjectID in try repository.writeBlob(Array(text.utf8)) }

            let changes = try repository.diff(from: old, to: new)
            #expect(changes == [
                TreeChange(path: "findings/f1.json", oldBlob: nil, newBlob: try blob("f1\n")),
                TreeChange(path: "ledger.json", oldBlob: try blob("{}\n"), newBlob: nil),
                TreeChange(path: "units/cn/hunan/unit.json", oldBlob: try blob("hunan\n"), newBlob: try blob("hunan 2\n")),
            ])
            #expect(try repository.diff(from: new, to: new).isEmpty)
            let fromEmpty = try repository.diff(from: nil, to: old)
            #expect(fromEmpty.map(\.path) == ["ledger.json", "units/cn/hunan/unit.json", "units/cn/unit.json"])
            #expect(fromEmpty.allSatisfy { $0.oldBlob == nil && $0.newBlob != nil })
        }
    }

    @Test("a move is a deletion and an addition, not a rename")
    func noRenameDetection() throws {
        try withNewRepository { (repository, _) throws in
            let before = try repository.makeCommit(parents: [], files: ["a/x.json": "same\n"])
            let after = try repository.makeCommit(parents: [before], files: ["a/x.json": nil, "b/x.json": "same\n"])
            let changes = try repository.diff(from: try repository.treeID(ofCommit: before), to: try repository.treeID(ofCommit: after))
            #expect(changes.map(\.path) == ["a/x.json", "b/x.json"])
            #expect(changes[0].newBlob == nil && changes[1].oldBlob == nil)
        }
    }

    @Test("walk lists commits oldest first and stops at the hidden commit")
    func walkOldestFirst() throws {
        try withNewRepository { (repository, _) throws in
            var chain: [ObjectID] = []
            for index in 0..<5 {
                chain.append(try repository.makeCommit(parents: Array(chain.suffix(1)), files: ["n.json": "\(index)\n"]))
            }
            #expect(try repository.walk(from: chain[4], hiding: nil) == chain)
            #expect(try repository.walk(from: chain[4], hiding: chain[1]) == Array(chain[2...]))
            #expect(try repository.walk(from: chain[4], hiding: chain[4]).isEmpty)
            // Hiding a commit off the line hides its ancestors on it; hiding a descendant hides all.
            let cousin = try repository.makeCommit(parents: [chain[1]], files: ["n.json": "cousin\n"])
            #expect(try repository.walk(from: chain[4], hiding: cousin) == Array(chain[2...]))
            #expect(try repository.walk(from: chain[2], hiding: chain[4]).isEmpty)
        }
    }

    @Test("walk puts every parent before its children across a merge")
    func walkAcrossMerge() throws {
        try withNewRepository { (repository, path) throws in
            let root = try repository.makeCommit(parents: [], files: ["r.json": "r\n"])
            let left = try repository.makeCommit(parents: [root], files: ["l.json": "l\n"])
            let left2 = try repository.makeCommit(parents: [left], files: ["l.json": "l2\n"])
            let right = try repository.makeCommit(parents: [root], files: ["x.json": "x\n"])
            let merge = try repository.makeCommit(parents: [left2, right], files: ["m.json": "m\n"])
            let order = try repository.walk(from: merge, hiding: nil)
            #expect(Set(order) == [root, left, left2, right, merge])
            #expect(order.count == 5)
            for commit in order {
                let position = try #require(order.firstIndex(of: commit))
                for parent in try repository.commit(commit).parents {
                    #expect(try #require(order.firstIndex(of: parent)) < position)
                }
            }
            let stock = try git(["rev-list", merge.hex, "^\(left.hex)"], in: path).split(separator: "\n").map(String.init)
            #expect(Set(try repository.walk(from: merge, hiding: left).map(\.hex)) == Set(stock))
        }
    }

    @Test("isAncestor holds for ancestors and the commit itself, not for descendants or cousins")
    func ancestry() throws {
        try withNewRepository { (repository, _) throws in
            let root = try repository.makeCommit(parents: [], files: ["r.json": "r\n"])
            let a = try repository.makeCommit(parents: [root], files: ["a.json": "a\n"])
            let b = try repository.makeCommit(parents: [a], files: ["b.json": "b\n"])
            let cousin = try repository.makeCommit(parents: [root], files: ["c.json": "c\n"])
            #expect(try repository.isAncestor(root, of: b))
            #expect(try repository.isAncestor(a, of: b))
            #expect(try repository.isAncestor(b, of: b))
            #expect(try !repository.isAncestor(b, of: a))
            #expect(try !repository.isAncestor(cousin, of: b))
            #expect(try !repository.isAncestor(b, of: cousin))
        }
    }
}
