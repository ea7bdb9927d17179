import Foundation
@testable import GitStore
import Testing

@Suite("Hash checks chosen per handle")
struct HashCheckTests {
    /// Two blobs stored whole in one pack, whose index then names each by the other's
    /// offset: each id leads to the other's bytes, as a damaged or forged pack would.
    static func swappedPack(_ repository: Repository, path: String) throws -> (ObjectID, ObjectID) {
        let commit = try repository.makeCommit(parents: [], files: ["a.json": "the first record\n", "b.json": "another record\n"])
        try git(["update-ref", "refs/heads/main", commit.hex], in: path)
        try git(["repack", "-a", "-d", "-f", "--depth=0", "--window=0"], in: path)
        let ids = (try repository.blobID(at: "a.json", inCommit: commit)!, try repository.blobID(at: "b.json", inCommit: commit)!)
        let packs = try FileManager.default.contentsOfDirectory(atPath: path + "/objects/pack").filter { $0.hasSuffix(".idx") }
        let indexPath = path + "/objects/pack/" + packs[0]
        var index = Array(try Data(contentsOf: URL(fileURLWithPath: indexPath)))
        let count = index[(8 + 255 * 4)..<(8 + 256 * 4)].reduce(0) { $0 << 8 | Int($1) }
        func position(_ id: ObjectID) -> Int {
            (0..<count).first { n in index[(8 + 1024 + 20 * n)..<(8 + 1024 + 20 * n + 20)].elementsEqual(id.bytes) }!
        }
        let offsets = 8 + 1024 + 24 * count
        let (p, q) = (offsets + 4 * position(ids.0), offsets + 4 * position(ids.1))
        for k in 0..<4 { index.swapAt(p + k, q + k) }
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: indexPath)
        try Data(index).write(to: URL(fileURLWithPath: indexPath))
        return ids
    }

    @Test("a handle that checks hashes refuses a packed object whose bytes are not its id's, whatever another handle does")
    func packedObject() throws {
        try withNewRepository { (repository, path) throws in
            let (a, b) = try Self.swappedPack(repository, path: path)
            let checkingBefore = try Repository.open(at: path)
            let trusting = try Repository.open(at: path, verifiesObjectHashes: false)
            #expect(!trusting.verifiesObjectHashes && checkingBefore.verifiesObjectHashes)
            // The trusting handle reads what the pack says, as git does without its checks.
            #expect(try trusting.blob(a) == Array("another record\n".utf8))
            #expect(try trusting.blob(b) == Array("the first record\n".utf8))
            // Handles that check, opened before and after it, are not changed by it.
            let checkingAfter = try Repository.open(at: path)
            for checking in [checkingBefore, checkingAfter] {
                for id in [a, b] { #expect(throws: GitError.self, "\(id)") { try checking.blob(id) } }
            }
            let pool = RepositoryPool(path: path)
            #expect(throws: GitError.self) { try pool.read { try $0.blob(a) } }
            #expect(try RepositoryPool(path: path, verifiesObjectHashes: false).read { try $0.blob(a) } == Array("another record\n".utf8))
        }
    }

    /// Loose objects are read by libgit2 on every handle, and libgit2 checks them (its check is left on:
    /// it is one setting for the whole process).
    @Test("a loose object whose bytes are not its id's is refused by every handle")
    func looseObject() throws {
        try withNewRepository { (repository, path) throws in
            let a = try repository.writeBlob(Array("the first record\n".utf8))
            let b = try repository.writeBlob(Array("the other record\n".utf8))
            func file(_ id: ObjectID) -> String { "\(path)/objects/\(id.hex.prefix(2))/\(id.hex.dropFirst(2))" }
            try FileManager.default.removeItem(atPath: file(a))
            try FileManager.default.copyItem(atPath: file(b), toPath: file(a))
            for verifies in [false, true] {
                let handle = try Repository.open(at: path, verifiesObjectHashes: verifies)
                #expect(throws: GitError.self, "verifiesObjectHashes: \(verifies)") { try handle.blob(a) }
                #expect(try handle.blob(b) == Array("the other record\n".utf8))
            }
        }
    }
}
