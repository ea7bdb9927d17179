import Foundation
@testable import GitStore
@testable import Ledger
import LedgerModel
import Testing

/// How a ledger handle reads is an option of that handle (`Ledger.Configuration`), not of the
/// process: ledgers open side by side with different options each read as theirs say, and the
/// handles their readings borrow come from the ledger's own pool.
@Suite("Ledger configuration and its pool of handles")
struct LedgerConfigurationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The burden-2019 scenario, every actor signing with the admin's key, its objects in one pack
    /// (so that a handle without hash checks reads them from the pack itself).
    static func scenarioLedger(in workspace: IdentityWorkspace) throws -> String {
        let signer = try SingleKey(path: try workspace.makeKey("admin", comment: "admin"))
        let path = workspace.path("ledger")
        _ = try Ledger.create(at: path, name: "burden", admin: "admin", adminName: nil, key: signer.key,
                              at: try Timestamp("2019-03-01T00:00:00Z"))
        let text = try String(contentsOf: root.appendingPathComponent("scenarios/burden-2019.jsonl"), encoding: .utf8)
            .replacing(/\$\{KEY:[^}]*\}/, with: signer.key.publicKey.openSSH)
        let events = try EventFile.parse(Array(text.utf8), file: "burden-2019.jsonl")
        _ = try Ledger.open(at: path).apply(events.map { SourcedEvent(event: $0.event) }, signer: signer)
        let repack = try workspace.run("git", ["--git-dir", path, "repack", "-a", "-d", "-f", "--depth=0", "--window=0"])
        #expect(repack.succeeded, "\(repack.errorOutput)")
        return path
    }

    @Test("two ledgers open in one process, one checking hashes and one not, read the same records")
    func twoConfigurations() throws {
        let workspace = try IdentityWorkspace()
        let path = try Self.scenarioLedger(in: workspace)
        let checking = try Ledger.open(at: path)
        let trusting = try Ledger.open(at: path, configuration: .oneShotReader)
        #expect(checking.repository.verifiesObjectHashes && checking.repositories.verifiesObjectHashes)
        #expect(!trusting.repository.verifiesObjectHashes && !trusting.repositories.verifiesObjectHashes)
        #expect(checking.configuration.freesViews && !trusting.configuration.freesViews)
        // Interleaved, so that neither could be reading by the other's settings.
        let before = StatusMatrix.encodeJSON(try checking.status())
        let trusted = StatusMatrix.encodeJSON(try trusting.status())
        let after = StatusMatrix.encodeJSON(try checking.status())
        #expect(before.count > 1000)
        #expect(trusted == before && after == before)
        #expect(try trusting.flags() == checking.flags())
        #expect(try trusting.verify().ok && checking.verify().ok)
    }

    @Test("a ledger that checks hashes refuses a damaged packed record, and verify refuses it on a ledger that does not")
    func damagedPack() throws {
        let workspace = try IdentityWorkspace()
        let path = try Self.scenarioLedger(in: workspace)
        let trusting = try Ledger.open(at: path, configuration: .oneShotReader)
        let head = try trusting.head()
        let north = try #require(try trusting.repository.blobID(at: "units/cn/north/unit.json", inCommit: head))
        let east = try #require(try trusting.repository.blobID(at: "units/cn/east/unit.json", inCommit: head))
        let eastBytes = try trusting.repository.blob(east)
        try swapInPackIndex(north, east, gitDirectory: trusting.gitDirectory)

        // Opened after the damage: the trusting handle reads what the pack says, as git does.
        let trustingAfter = try Ledger.open(at: path, configuration: .oneShotReader)
        #expect(try trustingAfter.repository.blob(north) == eastBytes)
        let checking = try Ledger.open(at: path)
        #expect(throws: GitError.self) { try checking.repository.blob(north) }
        #expect(throws: (any Error).self) { try checking.view(at: head) }
        // Verify rehashes every object whatever the ledger's configuration.
        for ledger in [trustingAfter, checking] {
            let report = try ledger.verify()
            #expect(!report.ok)
            #expect(report.problems.contains { $0.kind == .invalidRecord && $0.detail.contains("units/cn/") }, "\(report.problems)")
        }
    }

    /// A server reads a ledger request after request: the handles its readings borrow (a thread per
    /// core for the view, the chains, verify's commit readers) are the same few each time.
    @Test("a ledger's readings borrow the same handles again, and keep no more idle than configured", arguments: [1, 8])
    func handlesReused(maximumIdle: Int) throws {
        let workspace = try IdentityWorkspace()
        let path = try Self.scenarioLedger(in: workspace)
        var configuration = Ledger.Configuration()
        configuration.maximumIdleRepositories = maximumIdle
        let ledger = try Ledger.open(at: path, configuration: configuration)
        let expected = StatusMatrix.encodeJSON(try ledger.status())
        let afterOne = ledger.repositories.counts
        for _ in 0..<20 {
            #expect(StatusMatrix.encodeJSON(try ledger.status()) == expected)
            _ = try ledger.flags()
        }
        _ = try ledger.verify()
        let counts = ledger.repositories.counts
        #expect(counts.lent == 0 && counts.idle <= maximumIdle)
        let cores = max(Parallel.threads, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        if maximumIdle >= cores {
            #expect(afterOne.opened <= cores)
            #expect(counts.opened <= cores, "handles were opened again rather than reused")
        }
    }
}

/// Makes the pack index name each of two objects by the other's offset, as a damaged or forged pack
/// would: each id then leads to the other's bytes. Both must be in the one pack.
func swapInPackIndex(_ a: ObjectID, _ b: ObjectID, gitDirectory: String) throws {
    let folder = gitDirectory + "/objects/pack/"
    let indexes = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".idx") }
    #expect(indexes.count == 1)
    let indexPath = folder + indexes[0]
    var index = Array(try Data(contentsOf: URL(fileURLWithPath: indexPath)))
    // Version 2: 8 header bytes, 256 fan-out counts, the sorted ids, their CRCs, their offsets.
    let count = index[(8 + 255 * 4)..<(8 + 256 * 4)].reduce(0) { $0 << 8 | Int($1) }
    func offsetEntry(_ id: ObjectID) throws -> Int {
        let n = try #require((0..<count).first { n in index[(1032 + 20 * n)..<(1032 + 20 * n + 20)].elementsEqual(id.bytes) })
        return 1032 + 24 * count + 4 * n
    }
    let (p, q) = (try offsetEntry(a), try offsetEntry(b))
    for k in 0..<4 { index.swapAt(p + k, q + k) }
    try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: indexPath)
    try Data(index).write(to: URL(fileURLWithPath: indexPath))
}
