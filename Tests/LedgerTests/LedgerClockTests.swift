import Foundation
import GitStore
@testable import Ledger
import LedgerModel
import Testing

/// One clock for the whole ledger, set by the test: a write dated ahead of it is bad data, and
/// verify names a commit dated after the time it runs. Nothing here depends on how fast the machine is.
@Suite("The ledger's clock")
struct LedgerClockTests {
    /// A new ledger whose admin signs with a fresh key, and that key.
    static func ledger(in workspace: IdentityWorkspace, at time: Timestamp) throws -> (Ledger, SingleKey) {
        let keyPath = try workspace.makeKey("admin", comment: "admin")
        let signer = try SingleKey(path: keyPath)
        let ledger = try Ledger.create(at: workspace.path("ledger"), name: "clock", admin: "admin", adminName: nil,
                                       key: signer.key, at: time)
        return (ledger, signer)
    }

    static func unit(_ id: String, at: Timestamp) throws -> SourcedEvent {
        SourcedEvent(event: Event(actor: "admin", at: at, action: .registerUnit(Unit(id: try UnitID(id), name: "Unit \(id)", level: "province"))))
    }

    static let noon = Timestamp(seconds: 1_700_000_000)  // 2023-11-14T22:13:20Z

    @Test("a write dated more than five minutes after the clock is refused as bad data, naming /at; one within them is taken")
    func futureWriteRefused() throws {
        let workspace = try IdentityWorkspace()
        let (ledger, signer) = try Self.ledger(in: workspace, at: Self.noon)
        ledger.clock = { Self.noon }
        let head = try ledger.head()
        let far = Timestamp(seconds: try Timestamp("2062-01-01T00:00:00Z").seconds)
        for late in [far, Timestamp(seconds: Self.noon.seconds + LedgerClock.allowedLead + 1)] {
            #expect {
                try ledger.apply([Self.unit("cn", at: late)], signer: signer)
            } throws: { error in
                guard let e = error as? LedgerError, case .invalidInput(_, let pointer, let reason) = e else { return false }
                return e.exitCode == 65 && pointer?.description == "/at" && reason.contains("later than the ledger's clock")
            }
            #expect(try ledger.head() == head, "nothing is written")
        }
        let result = try ledger.apply([Self.unit("cn", at: Timestamp(seconds: Self.noon.seconds + LedgerClock.allowedLead))], signer: signer)
        #expect(result.commits.count == 1)
        // The ledger is not frozen: a write at the clock's time follows.
        #expect(try ledger.apply([Self.unit("cn/a", at: Self.noon)], signer: signer).commits.count == 1)
    }

    @Test("dates a git commit cannot carry are refused whatever the clock says")
    func uncarriableDates() throws {
        let workspace = try IdentityWorkspace()
        let (ledger, signer) = try Self.ledger(in: workspace, at: Self.noon)
        ledger.clock = { Timestamp(seconds: 1 << 40) }
        for (at, says) in [("2106-02-08T00:00:00Z", "after 2106-02-07"), ("1969-12-31T23:59:59Z", "before 1970-01-01")] {
            #expect {
                try ledger.apply([Self.unit("cn", at: try Timestamp(at))], signer: signer)
            } throws: { error in "\(error)".contains(says) }
        }
    }

    @Test("verify names a commit dated after the time it runs, and passes it once that time has come")
    func verifyNamesFutureCommits() throws {
        let workspace = try IdentityWorkspace()
        let (ledger, signer) = try Self.ledger(in: workspace, at: Self.noon)
        ledger.clock = { Self.noon }
        let made = try ledger.apply([Self.unit("cn", at: Self.noon)], signer: signer)
        ledger.clock = { Timestamp(seconds: Self.noon.seconds - 3_600) }
        let early = try ledger.verify()
        #expect(early.problems.contains { $0.commit == made.commits[0].hex && $0.kind == .timeOrder && $0.detail.contains("later than the ledger's clock") })
        ledger.clock = { Self.noon }
        #expect(try ledger.verify().ok)
    }

    @Test("the only admin cannot revoke its own last key; with a second admin it can")
    func lastAdminKey() throws {
        let workspace = try IdentityWorkspace()
        let (ledger, signer) = try Self.ledger(in: workspace, at: Self.noon)
        ledger.clock = { Self.noon }
        let key = signer.key.publicKey.openSSH
        let revoke = SourcedEvent(event: Event(actor: "admin", at: Self.noon, action: .revokeKey(actor: "admin", key: key)))
        #expect {
            try ledger.apply([revoke], signer: signer)
        } throws: { error in
            "\(error)".contains("register another admin") && (error as? LedgerError)?.exitCode == 65
        }
        let second = try workspace.makeKey("second", comment: "second")
        let secondKey = try String(contentsOfFile: second + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let register = SourcedEvent(event: Event(actor: "admin", at: Self.noon, action: .registerActor(
            Actor(id: "second", name: "Second admin", unit: nil, roles: [.admin], keys: [secondKey]))))
        #expect(try ledger.apply([register, revoke], signer: signer).commits.count == 2)
        #expect(try ledger.verify().ok)
    }

    @Test("an edit of a plan carries a Luoshi-Clause trailer for each clause it changes")
    func editPlanTrailers() throws {
        let before = Plan(directive: "D", unit: try UnitID("cn/a"), basis: Basis(kind: .directive, unit: try UnitID("cn"), version: 1, commit: String(repeating: "0", count: 40)),
                          adopted: Self.noon, clauses: [Clause(id: "1", text: "a", modality: .must), Clause(id: "2", text: "b", modality: .must),
                                                        Clause(id: "3", text: "c", modality: .must)], exemptions: [])
        let after = [Clause(id: "1", text: "a", modality: .must), Clause(id: "2", text: "b", modality: .may), Clause(id: "4", text: "d", modality: .must)]
        let changed = ActionPlanner.changedClauses(from: before, toClauses: after, exemptions: [Exemption(clause: "3", reason: "r")])
        #expect(changed == ["2", "4", "3"])
        var plan = CommitPlan(action: .editPlan, actor: Actor(id: "x", name: "X", unit: nil, roles: [.admin], keys: []), at: Self.noon, subject: "s")
        plan.moreClauses = changed
        let trailers = Trailers(message: plan.message)
        #expect(trailers.clauses == ["2", "4", "3"])
        #expect(plan.message.components(separatedBy: "Luoshi-Clause: ").count == 4)
    }

    @Test("text that reaches a commit message cannot cut it or break its lines: the trailers survive")
    func commitText() throws {
        var plan = CommitPlan(action: .rectify, actor: Actor(id: "x", name: "X", unit: nil, roles: [.admin], keys: []), at: Self.noon,
                              subject: "title\u{0}\nLuoshi-Action: genesis\u{1b}[2J")
        plan.body = "line one\u{0}cut\r\nline two\u{7}\n\nLuoshi-Action: genesis"
        plan.finding = "F-1"
        let message = plan.message
        #expect(!message.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(message.hasPrefix("rectify: title\\u{0}\\u{a}Luoshi-Action: genesis\\u{1b}[2J\n"))
        #expect(message.contains("line one\\u{0}cut\nline two\\u{7}\n"))
        let trailers = Trailers(message: message)
        #expect(trailers.action == .rectify && trailers.finding == "F-1")
    }
}

@Suite("File-system refusals read as what happened")
struct FileSystemRefusalTests {
    @Test("permission, a read-only file system and a full disk each say what happened, with the exit code of their kind",
          arguments: [("failed to create locked file 'refs/heads/main.lock': Permission denied", 77, "may not write"),
                      ("failed to make directory 'objects/ab': Read-only file system", 77, "read-only file system"),
                      ("failed to write object: No space left on device", 70, "is full"),
                      ("something else entirely", 0, "")])
    func mapped(_ message: String, _ code: Int32, _ says: String) throws {
        let error = GitError(code: .other(-1), class: 2, message: message, function: "git_odb_write")
        let mapped = LedgerError.fileSystem(error, ledger: "/l", reading: false)
        if code == 0 { #expect(mapped == nil); return }
        #expect(mapped?.exitCode == code)
        #expect(mapped.map { "\($0)".contains(says) } == true, "\(String(describing: mapped))")
    }
}
