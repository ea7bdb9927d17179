import Foundation
import GitStore
import Testing

@Suite("Creating and opening repositories")
struct RepositoryTests {
    @Test("create makes a bare repository whose HEAD names refs/heads/main")
    func createMakesBareRepository() throws {
        try withNewRepository { (repository, path) throws in
            #expect(try git(["rev-parse", "--is-bare-repository"], in: path).trimmed == "true")
            #expect(try git(["symbolic-ref", "HEAD"], in: path).trimmed == "refs/heads/main")
            #expect(try repository.resolve("refs/heads/main") == nil)
            #expect(try repository.resolve("HEAD") == nil)
            #expect(URL(fileURLWithPath: repository.path).standardizedFileURL.path
                == URL(fileURLWithPath: path).standardizedFileURL.path)
        }
    }

    @Test("create refuses a directory that is not empty")
    func createRefusesNonEmptyDirectory() throws {
        try withTemporaryDirectory { (directory) throws in
            _ = FileManager.default.createFile(atPath: directory + "/notes.txt", contents: Data("x".utf8))
            let error = #expect(throws: GitError.self) { try Repository.create(at: directory) }
            #expect(error?.code == .exists)
            #expect(!FileManager.default.fileExists(atPath: directory + "/HEAD"))
        }
    }

    @Test("create accepts an existing empty directory")
    func createAcceptsEmptyDirectory() throws {
        try withTemporaryDirectory { (directory) throws in
            _ = try Repository.create(at: directory)
            #expect(try git(["rev-parse", "--is-bare-repository"], in: directory).trimmed == "true")
        }
    }

    @Test("opening a missing repository fails and says to run luoshi init")
    func openMissingSaysLuoshiInit() throws {
        try withTemporaryDirectory { (directory) throws in
            let missing = directory + "/nowhere"
            let error = #expect(throws: GitError.self) { try Repository.open(at: missing) }
            #expect(error?.code == .notFound)
            #expect(error?.description.contains("luoshi init") == true)
            #expect(!FileManager.default.fileExists(atPath: missing), "opening must never create")
        }
    }

    @Test("opening an empty directory inside another repository does not find the outer one")
    func openDoesNotSearchUpwards() throws {
        try withNewRepository { (_, path) throws in
            let inner = path + "/objects"
            let error = #expect(throws: GitError.self) { try Repository.open(at: inner) }
            #expect(error?.code == .notFound)
        }
    }

    @Test("open finds a bare repository and a work tree made by stock git")
    func openBareAndNonBare() throws {
        try withTemporaryDirectory { (directory) throws in
            let created = try Repository.create(at: directory + "/bare.git")
            let blob = try created.writeBlob(Array("shared\n".utf8))
            let reopened = try Repository.open(at: directory + "/bare.git")
            #expect(try reopened.blob(blob) == Array("shared\n".utf8))

            let workTree = directory + "/work"
            try FileManager.default.createDirectory(atPath: workTree, withIntermediateDirectories: true)
            try git(["init", "-q", "-b", "main"], in: workTree)
            let nonBare = try Repository.open(at: workTree)
            #expect(nonBare.path.hasSuffix("/work/.git"))
        }
    }
}

@Suite("Object ids")
struct ObjectIDTests {
    @Test("an id accepts 40 hex digits in either case and prints them in lower case")
    func parsesHex() {
        let upper = ObjectID(hex: "4B825DC642CB6EB9A060E54BF8D69288FBEE4904")
        #expect(upper?.hex == "4b825dc642cb6eb9a060e54bf8d69288fbee4904")
        #expect(upper?.description == "4b825dc642cb6eb9a060e54bf8d69288fbee4904")
        #expect(ObjectID(hex: "4b825dc6") == nil)
        #expect(ObjectID(hex: "4b825dc642cb6eb9a060e54bf8d69288fbee490g") == nil)
        #expect(ObjectID(hex: "") == nil)
    }
}
