import Foundation
import GitStore
import Testing

@Suite("Compare-and-swap ref updates")
struct ReferenceTests {
    @Test("a ref is created only if absent and moved only from the expected value")
    func compareAndSwap() throws {
        try withNewRepository { (repository, path) throws in
            let first = try repository.makeCommit(parents: [], files: ["a.json": "1\n"])
            let second = try repository.makeCommit(parents: [first], files: ["a.json": "2\n"])
            let third = try repository.makeCommit(parents: [second], files: ["a.json": "3\n"])

            try repository.compareAndSwap("refs/heads/main", to: first, expected: nil, logMessage: "genesis")
            #expect(try repository.resolve("refs/heads/main") == first)
            #expect(try repository.resolve("HEAD") == first)

            let exists = #expect(throws: GitError.self) {
                try repository.compareAndSwap("refs/heads/main", to: second, expected: nil, logMessage: "again")
            }
            #expect(exists?.code == .exists)

            try repository.compareAndSwap("refs/heads/main", to: second, expected: first, logMessage: "advance")
            #expect(try git(["rev-parse", "refs/heads/main"], in: path).trimmed == second.hex)

            let stale = #expect(throws: GitError.self) {
                try repository.compareAndSwap("refs/heads/main", to: third, expected: first, logMessage: "stale")
            }
            #expect(stale?.code == .modified || stale?.code == .locked)
            #expect(try repository.resolve("refs/heads/main") == second, "a lost race must not move the ref")

            let vanished = #expect(throws: GitError.self) {
                try repository.compareAndSwap("refs/heads/other", to: third, expected: first, logMessage: "missing")
            }
            #expect(vanished?.code == .modified)
            #expect(try repository.resolve("refs/heads/other") == nil)
        }
    }

    @Test("a ref moved by another process makes the next swap fail")
    func raceWithStockGit() throws {
        try withNewRepository { (repository, path) throws in
            let first = try repository.makeCommit(parents: [], files: ["a.json": "1\n"])
            let second = try repository.makeCommit(parents: [first], files: ["a.json": "2\n"])
            let third = try repository.makeCommit(parents: [first], files: ["a.json": "3\n"])
            try repository.compareAndSwap("refs/heads/main", to: first, expected: nil, logMessage: "genesis")
            try git(["update-ref", "refs/heads/main", second.hex, first.hex], in: path)
            let error = #expect(throws: GitError.self) {
                try repository.compareAndSwap("refs/heads/main", to: third, expected: first, logMessage: "lost")
            }
            #expect(error?.code == .modified || error?.code == .locked)
            #expect(try repository.resolve("refs/heads/main") == second)
        }
    }

    @Test("a ref that was never written resolves to nil, a malformed name is an error")
    func resolveMissing() throws {
        try withNewRepository { (repository, _) throws in
            #expect(try repository.resolve("refs/heads/nothing") == nil)
            #expect(throws: GitError.self) { try repository.resolve("refs/heads/bad..name") }
        }
    }
}
