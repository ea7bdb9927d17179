import Foundation
@testable import GitStore
import Testing

@Suite("Reading packed objects directly")
struct PackReaderTests {
    /// A history whose files change a little each commit, so that `git gc` stores most objects as
    /// deltas; with an empty file, a large one (several reads of the pack) and nested folders.
    static func history(_ repository: Repository, path: String) throws -> [ObjectID] {
        var commits: [ObjectID] = []
        let large = (0..<6000).map { "line \($0): cut documents by at least \($0 % 97)%" }.joined(separator: "\n")
        for n in 0..<40 {
            var files: [String: String?] = [
                "ledger.json": "{\"n\": \(n)}\n",
                "units/cn/unit.json": "{\"id\": \"cn\", \"name\": \"Centre \(n / 10)\"}\n",
                "units/cn/east/unit.json": "{\"id\": \"cn/east\", \"edits\": \(n)}\n",
                "directives/D-1/plans/cn/east/plan.json": String(repeating: "clause text that stays the same\n", count: 50) + "edit \(n)\n",
                "big/large.txt": large + "\nversion \(n)\n",
                "empty.txt": "",
            ]
            if n % 7 == 3 { files["units/cn/east/unit.json"] = .some(nil) }
            commits.append(try repository.makeCommit(parents: commits.suffix(1), files: files))
        }
        try git(["update-ref", "refs/heads/main", commits.last!.hex], in: path)
        return commits
    }

    /// Every object git holds, with its type and content, as `git cat-file --batch` gives them.
    static func everything(_ path: String) throws -> [(id: ObjectID, type: String, bytes: [UInt8])] {
        let ids = try git(["cat-file", "--batch-all-objects", "--batch-check=%(objectname)"], in: path)
        let output = try gitBytes(["cat-file", "--batch"], in: path, input: Array(ids.utf8))
        var objects: [(id: ObjectID, type: String, bytes: [UInt8])] = []
        var i = 0
        while i < output.count {
            let newline = output[i...].firstIndex(of: 0x0A)!
            let header = String(decoding: output[i..<newline], as: UTF8.self).split(separator: " ")
            let size = Int(header[2])!
            objects.append((ObjectID(hex: String(header[0]))!, String(header[1]), Array(output[newline + 1..<newline + 1 + size])))
            i = newline + 1 + size + 1
        }
        return objects
    }

    static let kinds: [PackReader.Kind: String] = [.commit: "commit", .tree: "tree", .blob: "blob", .tag: "tag"]

    /// Packs the repository as `arguments` say, then reads every object and path both ways.
    func readsAsGitDoes(repack arguments: [String], deltas: Bool) throws {
        try withNewRepository { (repository, path) throws in
            let commits = try Self.history(repository, path: path)
            try git(arguments, in: path)
            let packs = try FileManager.default.contentsOfDirectory(atPath: path + "/objects/pack").filter { $0.hasSuffix(".idx") }
            #expect(packs.count == 1)
            let stats = try git(["verify-pack", "-v", "objects/pack/" + packs[0]], in: path)
            #expect(stats.contains("chain length") == deltas, "the pack does not hold the kind of objects the test is about")
            let objects = try Self.everything(path)
            let reader = PackReader(gitDirectory: path)
            #expect(objects.count > 100)
            for object in objects {
                let read = reader.read(object.id)
                #expect(read.map { Self.kinds[$0.kind] } == object.type, "\(object.id)")
                #expect(read?.bytes == object.bytes, "\(object.id) (\(object.type))")
            }
            // Trees read from the packs are the trees libgit2 parses, and paths and listings through a
            // handle that reads the packs agree with one that reads through libgit2.
            let plain = try Repository.open(at: path)
            plain.packReader = nil
            let direct = try Repository.open(at: path)
            direct.packReader = reader
            for tree in objects where tree.type == "tree" {
                let entries = try #require(reader.tree(tree.id), "\(tree.id) could not be read from the pack")
                let expected = try plain.treeEntries(tree.id)
                #expect(entries.map(\.name) == expected.map(\.name) && entries.map(\.entry.id) == expected.map(\.entry.id)
                        && entries.map(\.entry.mode) == expected.map(\.entry.mode), "\(tree.id)")
            }
            let paths = ["ledger.json", "units/cn/east/unit.json", "units/cn", "units/cn/missing.json", "big/large.txt",
                         "empty.txt", "empty.txt/x", "directives/D-1/plans/cn/east/plan.json", "nowhere/x.json", "units//cn"]
            for commit in commits {
                #expect(reader.rootTree(ofCommit: commit) == (try plain.treeID(ofCommit: commit)))
                for p in paths {
                    #expect(try direct.blobID(at: p, inCommit: commit) == (try plain.blobID(at: p, inCommit: commit)), "\(p)")
                }
                for prefix in ["", "units/", "units/cn/", "units/c", "big/large.txt/", "nowhere/"] {
                    let listed = try direct.listBlobs(inCommit: commit, under: prefix)
                    let expected = try plain.listBlobs(inCommit: commit, under: prefix)
                    #expect(listed.map(\.path) == expected.map(\.path) && listed.map(\.id) == expected.map(\.id), "\(prefix)")
                }
            }
        }
    }

    @Test("objects stored whole, as Luoshi writes them, read as git reads them")
    func wholeObjects() throws {
        try readsAsGitDoes(repack: ["repack", "-a", "-d", "-f", "--depth=0", "--window=0"], deltas: false)
    }

    @Test("objects stored as deltas on earlier offsets (OFS_DELTA), chains up to 50 deep, read as git reads them")
    func offsetDeltas() throws {
        try readsAsGitDoes(repack: ["repack", "-a", "-d", "-f", "--depth=50", "--window=250"], deltas: true)
    }

    @Test("objects stored as deltas on named bases (REF_DELTA) read as git reads them")
    func referenceDeltas() throws {
        try readsAsGitDoes(repack: ["-c", "repack.useDeltaBaseOffset=false", "repack", "-a", "-d", "-f", "--depth=50"], deltas: true)
    }

    @Test("objects spread over several packs, as imports leave them, read as git reads them")
    func severalPacks() throws {
        try withNewRepository { (repository, path) throws in
            var commits = try Self.history(repository, path: path)
            try git(["repack", "-a", "-d", "-f", "--depth=50"], in: path)
            for n in 0..<3 {
                commits.append(try repository.makeCommit(parents: commits.suffix(1), files: ["later/\(n).json": "{\"n\": \(n)}\n"]))
                try git(["update-ref", "refs/heads/main", commits.last!.hex], in: path)
                try git(["repack", "-d"], in: path)   // a new pack of the objects not yet packed
            }
            let packs = try FileManager.default.contentsOfDirectory(atPath: path + "/objects/pack").filter { $0.hasSuffix(".pack") }
            #expect(packs.count == 4)
            let reader = PackReader(gitDirectory: path)
            for object in try Self.everything(path) {
                #expect(reader.read(object.id)?.bytes == object.bytes, "\(object.id)")
            }
            let direct = try Repository.open(at: path)
            direct.packReader = reader
            #expect(try direct.listBlobs(inCommit: commits.last!, under: "later/").map(\.path) == ["later/0.json", "later/1.json", "later/2.json"])
        }
    }

    /// The pieces of a listing, each subtree listed apart, hold exactly the blobs the folders hold,
    /// however finely they are cut, through libgit2 and through the pack reader.
    @Test("a listing cut into pieces holds each blob of the folders once", arguments: [1, 2, 3, 8, 1000])
    func listingPieces(pieces: Int) throws {
        try withNewRepository { (repository, path) throws in
            let commits = try Self.history(repository, path: path)
            try git(["repack", "-a", "-d", "-f", "--depth=50"], in: path)
            let direct = try Repository.open(at: path)
            direct.packReader = PackReader(gitDirectory: path)
            for handle in [try Repository.open(at: path), direct] {
                for commit in [commits[3], commits.last!] {
                    let folders = ["units/", "directives/", "big/", "nowhere/", "ledger.json/"]
                    let (subtrees, blobs) = try handle.listingPieces(inCommit: commit, folders: folders, pieces: pieces)
                    var listed = blobs
                    for piece in subtrees { try handle.forEachBlob(inTree: piece.tree, prefix: piece.prefix) { listed.append(($0, $1)) } }
                    let expected = try folders.flatMap { try handle.listBlobs(inCommit: commit, under: $0) }
                    #expect(listed.map(\.path).sorted() == expected.map(\.path).sorted())
                    #expect(Dictionary(uniqueKeysWithValues: listed.map { ($0.path, $0.id) })
                            == Dictionary(uniqueKeysWithValues: expected.map { ($0.path, $0.id) }))
                    #expect(subtrees.allSatisfy { piece in piece.prefix.hasSuffix("/") && folders.contains { piece.prefix.hasPrefix($0) } })
                }
            }
        }
    }

    /// A file read as soon as its folder is listed is often whole in the bytes read for the folder's
    /// tree; whether it is or not, it reads as git reads it, from Luoshi's packs and from git's.
    @Test("files read as their folders are listed read as git reads them, often without reading the pack again")
    func readAsListed() throws {
        for repack in [nil, ["repack", "-a", "-d", "-f", "--depth=50"], ["repack", "-a", "-d", "-f", "--depth=0", "--window=0"]] {
            try withNewRepository { (repository, path) throws in
                // As Luoshi writes: a bulk pack, each commit's blob, then the trees above it.
                try repository.beginBulkWrite()
                let commits = try writeChain(repository, count: 300, on: nil, label: "near")
                try repository.finishBulkWrite()
                try repository.compareAndSwap("refs/heads/main", to: commits.last!, expected: nil, logMessage: "near")
                if let repack { try git(repack, in: path) }
                let reader = PackReader(gitDirectory: path)
                let direct = try Repository.open(at: path)
                direct.packReader = reader
                let plain = try Repository.open(at: path)
                plain.packReader = nil
                for commit in [commits[0], commits[149], commits.last!] {
                    var read: [String: [UInt8]] = [:]
                    try direct.forEachBlob(inTree: try direct.treeID(ofCommit: commit), prefix: "") { path, id in
                        read[path] = try direct.blob(id)
                    }
                    let expected = try plain.listBlobs(inCommit: commit, under: "")
                    #expect(read.count == expected.count)
                    for (path, id) in expected { #expect(read[path] == (try plain.blob(id)), "\(path)") }
                }
                if repack == nil { #expect(reader.nearReads > 0, "no file was read from its folder's bytes") }
            }
        }
    }

    /// Loose objects are zlib streams as git writes them; the reader inflates such a stream in one
    /// call only when it is wholly there, of the size its header says, and intact.
    @Test("a stream is inflated in one call when whole, never when cut short, of another size or damaged")
    func inflatedWhole() throws {
        try withNewRepository { (repository, path) throws in
            var seed: UInt64 = 2019
            let noise = (0..<5000).map { _ -> UInt8 in
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                return UInt8(truncatingIfNeeded: seed >> 33)
            }
            let contents: [[UInt8]] = [[], Array("short\n".utf8), Array(String(repeating: "clause text that stays the same\n", count: 100).utf8), noise]
            let reader = PackReader(gitDirectory: path)
            for content in contents {
                let id = try repository.writeBlob(content)
                let stream = Array(try Data(contentsOf: URL(fileURLWithPath: "\(path)/objects/\(id.hex.prefix(2))/\(id.hex.dropFirst(2))")))
                let object = Array("blob \(content.count)\0".utf8) + content
                #expect(reader.inflateWhole(stream, 0..<stream.count, size: object.count) == object)
                // What follows a stream in a pack is the next object.
                let followed = [0x78, 0x9c] + stream + Array(repeating: 0xff, count: 300)
                #expect(reader.inflateWhole(followed, 2..<followed.count, size: object.count) == object)
                for cut in 0..<stream.count {
                    #expect(reader.inflateWhole(stream, 0..<cut, size: object.count) == nil, "cut at \(cut) of \(stream.count)")
                }
                #expect(reader.inflateWhole(stream, 0..<stream.count, size: object.count + 1) == nil)
                #expect(reader.inflateWhole(stream, 0..<stream.count, size: max(0, object.count - 1)) == nil)
                for position in [2, stream.count / 2, stream.count - 1] {
                    var damaged = stream
                    damaged[position] ^= 0x01
                    #expect(reader.inflateWhole(damaged, 0..<damaged.count, size: object.count) == nil, "byte \(position) flipped")
                }
            }
        }
    }

    @Test("a loose object, an unknown id and a damaged pack are left to libgit2, never read wrong")
    func leftToLibgit2() throws {
        try withNewRepository { (repository, path) throws in
            _ = try Self.history(repository, path: path)
            try git(["repack", "-a", "-d", "-f", "--depth=0", "--window=0"], in: path)
            let loose = try repository.writeBlob(Array("written after the pack\n".utf8))
            #expect(PackReader(gitDirectory: path).read(loose) == nil)
            #expect(PackReader(gitDirectory: path).read(ObjectID(hex: String(repeating: "ab", count: 20))!) == nil)
            // Flip a byte in the middle of the pack: whichever object holds it fails zlib's check.
            let packs = try FileManager.default.contentsOfDirectory(atPath: path + "/objects/pack").filter { $0.hasSuffix(".pack") }
            let packPath = path + "/objects/pack/" + packs[0]
            var data = try Data(contentsOf: URL(fileURLWithPath: packPath))
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: packPath)
            let objects = try Self.everything(path)
            data[data.count / 2] ^= 0xff
            try data.write(to: URL(fileURLWithPath: packPath))
            let reader = PackReader(gitDirectory: path)
            var unreadable = 0
            for object in objects {
                guard let read = reader.read(object.id) else { unreadable += 1; continue }
                #expect(read.bytes == object.bytes, "\(object.id) read wrong from a damaged pack")
            }
            #expect(unreadable >= 1, "no object noticed the damage")
        }
    }
}
