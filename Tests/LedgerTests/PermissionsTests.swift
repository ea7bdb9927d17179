import Foundation
import GitStore
@testable import Ledger
import LedgerModel
import Testing

/// A unit id written in the test, known to be valid.
private func unitID(_ id: String) -> UnitID {
    do { return try UnitID(id) } catch { fatalError("\(id): \(error)") }
}

/// Every role in every unit around the one acted on, trying every action: the write path
/// (`Ledger.apply`) and verify, judging the same commit built without the write path's check,
/// must both let it through or both refuse it in the same words, and what they let through must be
/// what docs/events.md says each action's actor is.
@Suite("Permissions: the write path and verify judge every role, action and scope alike", .serialized)
struct PermissionsTests {
    /// Where an actor sits, seen from the unit acted on (`cn/mid`).
    enum Place: String, CaseIterable {
        case own, child, parent, sibling, none

        var unit: UnitID? {
            switch self {
            case .own: unitID("cn/mid")
            case .child: unitID("cn/mid/low")
            case .parent: unitID("cn")
            case .sibling: unitID("cn/side")
            case .none: nil
            }
        }
    }

    /// The roles an actor may hold: each alone, and one pair, so that holding two roles lends neither
    /// the other's reach.
    static let roleSets: [[Role]] = [[.admin], [.issuer], [.implementer], [.supervisor], [.auditor], [.implementer, .supervisor]]

    /// Every actor the fixture registers: each set of roles in each place it may be held (only an
    /// admin and an auditor may have no unit).
    static let actors: [(roles: [Role], place: Place)] = roleSets.flatMap { roles in
        Place.allCases.filter { $0 != .none || roles.allSatisfy { [.admin, .auditor].contains($0) } }.map { (roles, $0) }
    }
    static let genesis = Timestamp(seconds: 1_700_000_000)
    static let target = unitID("cn/mid")

    static func actorID(_ roles: [Role], _ place: Place) -> ActorID {
        ActorID(unchecked: roles.map(\.rawValue).joined(separator: "-") + ".\(place.rawValue)")
    }

    /// Who may take each action, as the "who" column of docs/events.md says, for an actor of `role`
    /// at `place` acting on cn/mid. Written out here, apart from the table, so the table is held to it.
    static func documented(_ action: ActionName, _ roles: [Role], _ place: Place) -> Bool {
        roles.contains { documented(action, $0, place) }
    }

    static func documented(_ action: ActionName, _ role: Role, _ place: Place) -> Bool {
        switch action {
        case .registerUnit, .registerActor, .revokeKey, .setPolicy, .genesis: role == .admin
        case .issueDirective, .amendDirective: role == .issuer && place == .own
        case .adopt, .editPlan, .reportProgress, .rectify: role == .implementer && place == .own
        case .approveExemption, .openFinding, .closeFinding, .holdAccountable: role == .supervisor && place == .parent
        case .checkpoint: role == .auditor
        }
    }

    /// A ledger with a unit, its parent, child and sibling; an actor of every role in each place and
    /// one with no unit; and a plan, an exemption, findings and a directive for every action to act on.
    final class Fixture {
        let workspace: IdentityWorkspace
        let ledger: Ledger
        let keys: KeyDirectory
        var time = PermissionsTests.genesis.seconds
        var newcomerKey = ""

        init() throws {
            workspace = try IdentityWorkspace()
            let admin = try SSHPrivateKey(fileAt: try workspace.makeKey("admin", comment: "admin"))
            ledger = try Ledger.create(at: workspace.path("ledger"), name: "permissions", admin: "admin", adminName: nil,
                                       key: admin, at: PermissionsTests.genesis)
            ledger.clock = { Timestamp(seconds: PermissionsTests.genesis.seconds + 1_000_000) }
            keys = KeyDirectory(directory: workspace.directory.path)
            var events: [Event] = []
            func add(_ actor: ActorID, _ action: Action) {
                time += 60
                events.append(Event(actor: actor, at: Timestamp(seconds: time), action: action))
            }
            for (id, level) in [("cn", "country"), ("cn/mid", "province"), ("cn/mid/low", "city"), ("cn/side", "province")] {
                add("admin", .registerUnit(LedgerModel.Unit(id: try UnitID(id), name: id, level: level)))
            }
            for (roles, place) in PermissionsTests.actors {
                let id = PermissionsTests.actorID(roles, place)
                add("admin", .registerActor(Actor(id: id, name: id.rawValue, unit: place.unit, roles: roles, keys: [try publicKey(id.rawValue)])))
            }
            add("admin", .registerActor(Actor(id: "spare", name: "spare", unit: unitID("cn/side"), roles: [.implementer], keys: [try publicKey("spare")])))
            newcomerKey = try publicKey("newcomer")
            let clauses = [Clause(id: "1", text: "Cut the documents by a third.", modality: .must),
                           Clause(id: "2", text: "Cut the meetings by a third.", modality: .must)]
            func directive(_ id: DirectiveID, issuer: UnitID, scope: UnitID) throws -> Directive {
                Directive(id: id, title: "Directive \(id)", issuer: issuer, issued: try Day("2023-11-01"), version: 1,
                          scope: Scope(units: [scope], levels: ["province", "city"]), reporting: try Cadence(every: "P1M"), clauses: clauses)
            }
            add(PermissionsTests.actorID([.issuer], .parent), .issueDirective(try directive("D-CN", issuer: unitID("cn"), scope: unitID("cn"))))
            add(PermissionsTests.actorID([.issuer], .parent), .issueDirective(try directive("D-NEW", issuer: unitID("cn"), scope: unitID("cn"))))
            add(PermissionsTests.actorID([.issuer], .own), .issueDirective(try directive("D-MID", issuer: unitID("cn/mid"), scope: unitID("cn/mid"))))
            let implementer = PermissionsTests.actorID([.implementer], .own), supervisor = PermissionsTests.actorID([.supervisor], .parent)
            add(implementer, .adopt(unit: PermissionsTests.target, directive: "D-CN", from: unitID("cn"), clauses: nil))
            add(implementer, .editPlan(unit: PermissionsTests.target, directive: "D-CN", clauses: [clauses[0]],
                                       exemptions: [Exemption(clause: "2", reason: "No meetings are held here.")]))
            for id: FindingID in ["F-OPEN", "F-RECT"] {
                add(supervisor, .openFinding(Finding(id: id, unit: PermissionsTests.target, directive: "D-CN", clause: "1", text: "Nothing was cut.",
                                                     severity: .minor, due: try Day("2024-06-30"), state: .open, steps: [])))
            }
            add(implementer, .rectify(finding: "F-RECT", text: "Cut by a third.", evidence: []))
            for place in [Place.own, .none] { add(PermissionsTests.actorID([.auditor], place), .checkpoint(note: "checkpoint by \(place)")) }
            _ = try ledger.apply(events.map { SourcedEvent(event: $0) }, signer: keys)
        }

        /// Makes the key file of `id` in the keys folder; its public half.
        func publicKey(_ id: String) throws -> String {
            let path = try workspace.makeKey(id, comment: id)
            return try String(contentsOfFile: path + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func actor(_ id: ActorID) throws -> Actor {
            try Actor(json: #require(try ledger.record(.actor(id), at: ledger.head())), at: .root)
        }

        /// The event for `action` taken by `actor`, on cn/mid and what the fixture made for it.
        func event(_ action: ActionName, by actor: ActorID, at: Timestamp) throws -> Event {
            let mid = PermissionsTests.target
            let a: Action
            switch action {
            case .registerUnit: a = .registerUnit(LedgerModel.Unit(id: unitID("cn/mid/new"), name: "New", level: "city"))
            case .registerActor:
                a = .registerActor(Actor(id: "newcomer", name: "Newcomer", unit: mid, roles: [.implementer], keys: [newcomerKey]))
            case .revokeKey: a = .revokeKey(actor: "spare", key: try self.actor("spare").keys[0])
            case .setPolicy: a = .setPolicy(.object(["staleDays": .integer(60)]))
            case .issueDirective:
                a = .issueDirective(Directive(id: "D-X", title: "Another", issuer: mid, issued: try Day("2023-12-01"), version: 1,
                                              scope: Scope(units: [mid], levels: ["city"]), reporting: try Cadence(every: "P1M"),
                                              clauses: [Clause(id: "1", text: "Report monthly.", modality: .must)]))
            case .amendDirective:
                var d = try Directive(json: #require(try ledger.record(.directive("D-MID"), at: ledger.head())), at: .root)
                d.title = "Amended"
                a = .amendDirective(d, note: "a new title")
            case .adopt: a = .adopt(unit: mid, directive: "D-NEW", from: unitID("cn"), clauses: nil)
            case .editPlan:
                a = .editPlan(unit: mid, directive: "D-CN", clauses: [Clause(id: "1", text: "Cut the documents by a quarter.", modality: .must)], exemptions: nil)
            case .reportProgress:
                a = .reportProgress(unit: mid, directive: "D-CN", clause: "1", status: .inProgress, values: [:], evidence: [], note: "under way", asOf: nil)
            case .approveExemption: a = .approveExemption(unit: mid, directive: "D-CN", clause: "2", note: "agreed")
            case .openFinding:
                a = .openFinding(Finding(id: "F-NEW", unit: mid, directive: nil, clause: nil, text: "Too many meetings.", severity: .major,
                                         due: try Day("2024-12-31"), state: .open, steps: []))
            case .rectify: a = .rectify(finding: "F-OPEN", text: "Fewer meetings now.", evidence: [])
            case .closeFinding: a = .closeFinding(finding: "F-RECT", verdict: .verified, note: "seen")
            case .holdAccountable: a = .holdAccountable(finding: "F-OPEN", decision: "a warning", target: mid.rawValue)
            case .checkpoint: a = .checkpoint(note: "by \(actor)")
            case .genesis: throw LedgerError.usage("genesis is no event")
            }
            return Event(actor: actor, at: at, action: a)
        }

        /// The commit the write path would make for `event` if the table permitted everything,
        /// signed by the event's actor, on `base`, without moving main.
        func unchecked(_ event: Event, on base: ObjectID) throws -> ObjectID {
            var planner = ActionPlanner(snapshot: Snapshot(repository: ledger.repository, base: base),
                                        previousTime: try ledger.repository.commit(base).committer.time, now: ledger.clock())
            planner.permissions = { _, _ in nil }
            let plans = try planner.plan(event)
            let plan = try #require(plans.first, "\(event.action.name) makes a commit")
            #expect(plans.count == 1, "each event here makes one commit")
            return try ledger.makeCommit(plan, parent: base, parentTree: try ledger.repository.treeID(ofCommit: base), key: try keys.key(for: plan.actor))
        }

        /// What verify finds in `commit`, judged against the state at its parent.
        func verified(_ commit: ObjectID) throws -> [VerifyProblem] {
            var verifier = Verifier(repository: ledger.repository)
            verifier.now = ledger.clock()
            try verifier.start(at: try #require(try ledger.repository.commit(commit).parents.first))
            let reader = CommitReader(repositories: ledger.repositories, commits: [commit], workers: 1)
            defer { reader.stop() }
            try verifier.check(reader.read(0), isFirst: false)
            return verifier.problems
        }
    }

    /// What the write path said: nil when it wrote the event, else the refusal's reason.
    static func written(_ f: Fixture, _ event: Event, base: ObjectID) throws -> (refusal: String?, tree: ObjectID?) {
        do {
            let result = try f.ledger.apply([SourcedEvent(event: event)], signer: f.keys)
            let head = try #require(result.head)
            // Back to the base for the next actor.
            try f.ledger.repository.compareAndSwap(Ledger.mainRef, to: base, expected: head, logMessage: "test: back to the base")
            return (nil, try f.ledger.repository.treeID(ofCommit: head))
        } catch LedgerError.notPermitted(_, let reason) {
            return (reason, nil)
        }
    }

    @Test("every role in its own unit, the unit below, above, beside and none, on every action")
    func everyRoleActionAndScope() throws {
        let f = try Fixture()
        let base = try f.ledger.head()
        let at = Timestamp(seconds: f.time + 3_600)
        let actions = ActionName.allCases.filter { $0 != .genesis }
        var combinations = 0, permitted: [ActionName: Int] = [:]
        for action in actions {
            for (roles, place) in Self.actors {
                combinations += 1
                let actor = Self.actorID(roles, place)
                let event = try f.event(action, by: actor, at: at)
                let label = "\(actor) \(action.rawValue)"
                let forged = try f.unchecked(event, on: base)
                let problems = try f.verified(forged)
                let (refusal, tree) = try Self.written(f, event, base: base)
                #expect((refusal == nil) == Self.documented(action, roles, place), "\(label): the write path says \(refusal ?? "yes")")
                if let refusal {
                    // verify blames the same commit for the same rule, in the same words, and for nothing else.
                    #expect(problems.map(\.kind) == [.notPermitted] && problems.map(\.detail) == [refusal],
                            "\(label): the write path refuses (\(refusal)), verify says \(problems.map { "\($0.kind.rawValue): \($0.detail)" })")
                    let holder = Permissions.rule(for: action).holder(of: Self.target).one
                    #expect(refusal.hasSuffix("only \(holder.first == "s" ? "a" : "an") \(holder) may"), "\(label): \(refusal)")
                } else {
                    permitted[action, default: 0] += 1
                    #expect(problems.isEmpty, "\(label): the write path permits it, verify says \(problems.map { "\($0.kind.rawValue): \($0.detail)" })")
                    // The commit verify judged is the one the write path wrote.
                    #expect(try f.ledger.repository.treeID(ofCommit: forged) == tree, "\(label)")
                }
            }
        }
        #expect(combinations == 15 * 26)
        #expect(Set(permitted.keys) == Set(actions), "every action is permitted to someone")
    }

    @Test("every role in every place as the witness of a checkpoint by an auditor with a unit and by one without")
    func witnesses() throws {
        let f = try Fixture()
        var combinations = 0, permitted = 0
        for (ref, target) in try f.ledger.repository.references(under: CheckpointTags.prefix) {
            var problems: [VerifyProblem] = []
            let checkpoint = try #require(try f.ledger.checkCheckpointTag(ref: ref, target: target, inHistory: { _ in true }, problems: &problems))
            #expect(problems.isEmpty)
            let auditorUnit = checkpoint.auditor.unit
            for (roles, place) in Self.actors {
                combinations += 1
                let id = Self.actorID(roles, place)
                let witness = try f.actor(id)
                let key = try f.keys.key(for: witness)
                let at = Timestamp(seconds: f.time + 3_600)
                var refusal: String?
                do { _ = try f.ledger.witness(checkpoint.id.rawValue, as: id, key: key, at: at) } catch LedgerError.notPermitted(_, let reason) {
                    refusal = reason
                    // The same tag, made without asking: signed by the witness, on the checkpoint's tag.
                    let tagger = GitSignature(name: witness.name, email: "\(id)@ledger", time: at.seconds, offsetMinutes: 0)
                    let buffer = try f.ledger.repository.tagBuffer(target: target, name: "witnesses/\(checkpoint.id)/\(id)", tagger: tagger, message: "witness\n")
                    let tag = try f.ledger.repository.writeTagObject(buffer: buffer + Array(try SSHSignature.sign(buffer, with: key).utf8))
                    try f.ledger.repository.createTagReference(CheckpointTags.witnessRef(checkpoint.id, id), to: tag, logMessage: "test")
                }
                let witnessRef = CheckpointTags.witnessRef(checkpoint.id, id)
                var found: [VerifyProblem] = []
                try f.ledger.checkWitnessTag(ref: witnessRef, target: try #require(try f.ledger.repository.resolve(witnessRef)), tip: f.ledger.head(),
                                             checkpointTags: [checkpoint.id: checkpoint], onlyFrom: nil, problems: &found)
                let label = "\(id) witnessing \(checkpoint.auditor.id)'s \(checkpoint.id)"
                // A supervisor in the auditor's unit or above it; in a top-level unit when the auditor has none.
                let documented = roles.contains(.supervisor) && (auditorUnit == nil ? place == .parent : [.own, .parent].contains(place))
                #expect((refusal == nil) == documented, "\(label): witness says \(refusal ?? "yes")")
                if let refusal {
                    #expect(found.map(\.kind) == [.notPermitted] && found.map(\.detail) == ["\(witnessRef): \(refusal)"], "\(label): verify says \(found.map(\.detail))")
                } else {
                    permitted += 1
                    #expect(found.isEmpty, "\(label): verify says \(found.map(\.detail))")
                }
            }
        }
        #expect(combinations == 2 * 26)
        #expect(permitted == 6)
    }

    @Test("verify refuses an approval the unit's implementer writes into its own plan, in its own name or a supervisor's")
    func selfApprovedExemption() throws {
        let f = try Fixture()
        let base = try f.ledger.head()
        let implementer = Self.actorID([.implementer], .own)
        let path = RecordPath.plan("D-CN", Self.target)
        var plan = try Plan(json: #require(try f.ledger.record(path, at: base)), at: .root)
        let at = Timestamp(seconds: f.time + 3_600)
        for (name, action) in [(implementer, ActionName.editPlan), (Self.actorID([.supervisor], .parent), .approveExemption)] {
            plan.exemptions[0].approval = Approval(by: name, at: at, note: "agreed")
            var commit = CommitPlan(action: action, actor: try f.actor(implementer), at: at, subject: "approve")
            commit.unit = Self.target
            commit.directive = "D-CN"
            try commit.write(path, plan, into: Snapshot(repository: f.ledger.repository, base: base))
            let forged = try f.ledger.makeCommit(commit, parent: base, parentTree: try f.ledger.repository.treeID(ofCommit: base),
                                                 key: try f.keys.key(for: try f.actor(implementer)))
            let problems = try f.verified(forged)
            let refusal = try #require(Permissions.refusal(try f.actor(implementer), .approveExemption("D-CN", unit: Self.target)))
            #expect(problems.contains { $0.kind == .notPermitted && $0.detail == refusal.description }, "\(name): \(problems)")
        }
    }
}
