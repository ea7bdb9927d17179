import Foundation
import Testing

/// Attacks on a ledger, each built with stock git and `ssh-keygen` by someone who can write to
/// the repository (Forge.swift), on burden-2019. `luoshi verify` must exit 1 and blame the forged
/// commit for the rule it breaks. Each attack has an honest twin, forged the same way but within
/// the rules, that verify must pass: so a test passes only because verify caught the one thing
/// that differs, not because the forgery is broken in some other way.
@Suite("Attacks: verify names the forged commit and the rule it breaks", .serialized)
struct AttackTests {
    static let directive = "D-2019-01"
    static let northProgress = "directives/D-2019-01/plans/cn/north/progress.json"
    static let northPlan = "directives/D-2019-01/plans/cn/north/plan.json"
    static let eastPlan = "directives/D-2019-01/plans/cn/east/plan.json"
    static let directivePath = "directives/D-2019-01/directive.json"

    /// A report north.lead may add to its own progress: a copy of its last one with a new note.
    static let appendReport = Forge.appendReport

    /// north.lead's own report, as luoshi would commit it, on top of `parent` (`Forge.report`).
    func honestReport(_ f: Forge, on parent: String, signer: String? = "north.lead", keyFile: String? = nil,
                      time: Int? = nil, message: String? = nil) throws -> String {
        try f.report(on: parent, signer: signer, keyFile: keyFile, time: time, message: message)
    }

    /// Verify passes the untouched ledger and the honest twin; then the attack is blamed, and only it.
    func expectOnlyBlamed(_ f: Forge, _ attack: String, _ kind: String, saying detail: String? = nil,
                          sourceLocation: SourceLocation = #_sourceLocation) throws {
        let v = try f.verify()
        #expect(v.blames(attack, kind, saying: detail), "\(v)", sourceLocation: sourceLocation)
        #expect(v.blamed == [attack], "only the forged commit is blamed: \(v)", sourceLocation: sourceLocation)
    }

    /// Puts `commit` on main (as its next commit, compare-and-swap from `head`).
    func land(_ f: Forge, _ commit: String, on head: String) throws { try f.move(to: commit, from: head) }

    // MARK: The forger itself

    @Test("an honest commit forged with git and ssh-keygen passes verify: the forgery is faithful")
    func honestForgery() throws {
        let f = try Forge.burden()
        #expect(try f.verify().ok == true)
        let head = try f.head()
        let honest = try honestReport(f, on: head)
        try land(f, honest, on: head)
        let v = try f.verify()
        #expect(v.status == 0 && v.ok == true, "\(v)")
        #expect(v.commits == Int(try f.git(["rev-list", "--count", "refs/heads/main"])))
        // Stock git agrees the signature is north.lead's.
        let signers = f.scratch.path("allowed")
        try "north.lead@ledger namespaces=\"git\" \(try String(contentsOfFile: f.loaded.keys + "/north.lead.pub", encoding: .utf8))"
            .write(toFile: signers, atomically: true, encoding: .utf8)
        let r = try run("git", ["--git-dir", f.loaded.ledger, "-c", "gpg.format=ssh", "-c", "gpg.ssh.allowedSignersFile=\(signers)", "verify-commit", honest])
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test("no false alarms: verify is clean on every clean scenario")
    func cleanScenarios() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: scenarios.path).filter { $0.hasSuffix(".jsonl") }.sorted()
        #expect(!names.isEmpty)
        for name in names {
            let loaded = try LoadedLedger.load(name)
            let r = try luoshi(["verify", "--ledger", loaded.ledger, "--format", "json"])
            #expect(r.status == 0, "\(name): \(r.stdout)")
            #expect(r.stdout.contains("\"ok\": true") || r.stdout.contains("\"ok\":true"), "\(name): \(r.stdout)")
        }
    }

    // MARK: Signatures

    @Test("an unsigned commit")
    func unsigned() throws {
        let f = try Forge.burden()
        let head = try f.head()
        let attack = try honestReport(f, on: head, signer: nil)
        try land(f, attack, on: head)
        try expectOnlyBlamed(f, attack, "unsigned")
    }

    @Test("a commit signed by a key no actor holds")
    func unregisteredKey() throws {
        let f = try Forge.burden()
        let key = f.scratch.path("stranger")
        try run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key])
        let head = try f.head()
        let attack = try honestReport(f, on: head, keyFile: key)
        try land(f, attack, on: head)
        try expectOnlyBlamed(f, attack, "unknown-key", saying: "not a key of north.lead")
    }

    @Test("a commit in north.lead's name signed with another actor's key")
    func anotherActorsKey() throws {
        let f = try Forge.burden()
        let head = try f.head()
        let attack = try honestReport(f, on: head, signer: "east.lead")
        try land(f, attack, on: head)
        try expectOnlyBlamed(f, attack, "unknown-key", saying: "not a key of north.lead")
    }

    @Test("a commit signed with a key revoked before it")
    func revokedKey() throws {
        let f = try Forge.burden()
        let old = try String(contentsOfFile: f.loaded.keys + "/north.lead.pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let events = f.scratch.path("revoke.jsonl")
        try #"{"action": "revoke-key", "actor": "admin", "at": "2020-06-01T00:00:00Z", "actorId": "north.lead", "key": "\#(old)"}"#
            .appending("\n").write(toFile: events, atomically: true, encoding: .utf8)
        let imported = try luoshi(["import", events, "--ledger", f.loaded.ledger, "--keys", f.loaded.keys])
        try #require(imported.status == 0, "\(imported.stderr)")
        // The revocation itself is honest; the same key signed honestForgery's commit before it.
        let revocation = try f.head()
        #expect(try f.verify().ok == true)
        let attack = try honestReport(f, on: revocation)
        try land(f, attack, on: revocation)
        try expectOnlyBlamed(f, attack, "revoked-key", saying: "revoked")
    }

    // MARK: Roles

    @Test("an implementer editing another unit's plan")
    func otherUnitsPlan() throws {
        let f = try Forge.burden()
        let head = try f.head()
        let edit = "r['clauses'][0]['text'] = 'Nothing needs to be cut.'"
        // Honest twin: east.lead editing its own plan.
        let twin = try f.commit(on: head, set: [Self.eastPlan: try f.edited(try f.record(Self.eastPlan, at: head), edit)], actor: "east.lead",
                                signer: "east.lead", message: ledgerMessage("edit-plan", unit: "cn/east", directive: Self.directive))
        try land(f, twin, on: head)
        #expect(try f.verify().ok == true)
        let attack = try f.commit(on: twin, set: [Self.eastPlan: try f.edited(try f.record(Self.eastPlan, at: twin), "r['clauses'][1]['text'] = 'Nothing at all.'")],
                                  actor: "north.lead", signer: "north.lead", message: ledgerMessage("edit-plan", unit: "cn/east", directive: Self.directive))
        try land(f, attack, on: twin)
        try expectOnlyBlamed(f, attack, "not-permitted", saying: "may not edit the plan of cn/east for D-2019-01: only an implementer of cn/east may")
    }

    @Test("an implementer approving its own plan's exemption, in a supervisor's name")
    func selfApprovedExemption() throws {
        let f = try Forge.burden()
        let head = try f.head()
        let path = "directives/D-2019-01/plans/cn/west/plan.json"
        let exempt = "r['clauses'] = [c for c in r['clauses'] if c['id'] != '4']; r['exemptions'].append({'clause': '4', 'reason': 'No meetings are held here.'})"
        let message = ledgerMessage("edit-plan", unit: "cn/west", directive: Self.directive)
        // Honest twin: west.lead declares the exemption; only a supervisor above cn/west may approve it.
        let twin = try f.commit(on: head, set: [path: try f.edited(try f.record(path, at: head), exempt)], actor: "west.lead", signer: "west.lead", message: message)
        try land(f, twin, on: head)
        #expect(try f.verify().ok == true)
        try f.move(to: head, from: twin)
        let approved = exempt.replacingOccurrences(of: "'reason': 'No meetings are held here.'",
                                                   with: "'reason': 'No meetings are held here.', 'approval': {'by': 'central.inspector', 'at': '2020-01-10T09:00:00Z', 'note': 'Agreed.'}")
        let attack = try f.commit(on: head, set: [path: try f.edited(try f.record(path, at: head), approved)], actor: "west.lead", signer: "west.lead",
                                  message: ledgerMessage("approve-exemption", unit: "cn/west", directive: Self.directive))
        try land(f, attack, on: head)
        try expectOnlyBlamed(f, attack, "not-permitted", saying: "may not approve an exemption of cn/west from D-2019-01: only a supervisor above cn/west may")
    }

    @Test("a plan whose basis.blob names another text than its basis commit holds")
    func forgedBasisBlob() throws {
        let f = try Forge.burden()
        let head = try f.head()
        let plan = try f.record(Self.eastPlan, at: head)
        // Honest twin: east.lead writes its plan back as format version 1, which records no blob.
        let twin = try f.commit(on: head, set: [Self.eastPlan: try f.edited(plan, "r['formatVersion'] = 1; del r['basis']['blob']")],
                                actor: "east.lead", signer: "east.lead", message: ledgerMessage("edit-plan", unit: "cn/east", directive: Self.directive))
        try land(f, twin, on: head)
        #expect(try f.verify().ok == true)
        // The attack: version 2 again, its basis blob swapped for north's plan, so that every reading
        // of east's plan is taken against a text east never adopted.
        let other = try f.git(["rev-parse", "\(head):\(Self.northPlan)"])
        let attack = try f.commit(on: twin, set: [Self.eastPlan: try f.edited(plan, "r['basis']['blob'] = '\(other)'")],
                                  actor: "east.lead", signer: "east.lead", message: ledgerMessage("edit-plan", unit: "cn/east", directive: Self.directive))
        try land(f, attack, on: twin)
        try expectOnlyBlamed(f, attack, "invalid-record", saying: "basis.blob is \(other)")
    }

    @Test("an implementer changing a directive")
    func implementerAmendsDirective() throws {
        let f = try Forge.burden()
        let head = try f.head()
        let text = try f.edited(try f.record(Self.directivePath, at: head), "r['clauses'][0]['text'] = 'Cut documents if convenient.'; r['version'] += 1")
        let message = ledgerMessage("amend-directive", directive: Self.directive)
        let twin = try f.commit(on: head, set: [Self.directivePath: text], actor: "central.office", signer: "central.office", message: message)
        try land(f, twin, on: head)
        #expect(try f.verify().ok == true, "the issuer may amend it")
        try f.move(to: head, from: twin)
        let attack = try f.commit(on: head, set: [Self.directivePath: text], actor: "north.lead", signer: "north.lead", message: message)
        try land(f, attack, on: head)
        try expectOnlyBlamed(f, attack, "not-permitted", saying: "may not amend directive D-2019-01")
    }

    @Test("an implementer registering an actor")
    func implementerRegistersActor() throws {
        let f = try Forge.burden()
        let head = try f.head()
        let text = try f.edited(try f.record("actors/north.lead.json", at: head), "r['id'] = 'north.deputy'; r['name'] = 'A friend'")
        let message = ledgerMessage("register-actor")
        let twin = try f.commit(on: head, set: ["actors/north.deputy.json": text], actor: "admin", signer: "admin", message: message)
        try land(f, twin, on: head)
        #expect(try f.verify().ok == true, "the admin may register it")
        try f.move(to: head, from: twin)
        let attack = try f.commit(on: head, set: ["actors/north.deputy.json": text], actor: "north.lead", signer: "north.lead", message: message)
        try land(f, attack, on: head)
        try expectOnlyBlamed(f, attack, "not-permitted", saying: "may not register actor north.deputy: only an admin may")
    }

    // MARK: Records

    @Test("a record that fails its schema")
    func invalidRecord() throws {
        let f = try Forge.burden()
        let head = try f.head()
        let text = try f.edited(try f.record(Self.northProgress, at: head), "r['reports'].append(dict(r['reports'][-1], status='finished'))")
        let attack = try f.commit(on: head, set: [Self.northProgress: text], actor: "north.lead", signer: "north.lead",
                                  message: ledgerMessage("report-progress", unit: "cn/north", directive: Self.directive, clause: "1"))
        try land(f, attack, on: head)
        try expectOnlyBlamed(f, attack, "invalid-record", saying: "finished")
    }

    @Test("a blob that is not canonical JSON")
    func notCanonical() throws {
        let f = try Forge.burden()
        let head = try f.head()
        let canonical = try f.edited(try f.record(Self.northProgress, at: head), Self.appendReport)
        let compact = try run("python3", ["-c", "import json,sys; sys.stdout.write(json.dumps(json.load(sys.stdin), sort_keys=True, ensure_ascii=False))"], input: canonical).stdout
        #expect(compact != canonical && !compact.isEmpty)
        let attack = try f.commit(on: head, set: [Self.northProgress: compact], actor: "north.lead", signer: "north.lead",
                                  message: ledgerMessage("report-progress", unit: "cn/north", directive: Self.directive, clause: "1"))
        try land(f, attack, on: head)
        try expectOnlyBlamed(f, attack, "not-canonical")
    }

    @Test("a record at a path no record lives at")
    func unknownPath() throws {
        let f = try Forge.burden()
        let head = try f.head()
        let attack = try f.commit(on: head, set: ["notes/backdoor.json": "{}\n"], actor: "admin", signer: "admin",
                                  message: ledgerMessage("set-policy"))
        try land(f, attack, on: head)
        try expectOnlyBlamed(f, attack, "unknown-path", saying: "notes/backdoor.json")
    }

    // MARK: Trailers

    @Test("trailers that say report-progress while the plan changed")
    func trailersHideAPlanChange() throws {
        let f = try Forge.burden()
        let head = try f.head()
        let text = try f.edited(try f.record(Self.northPlan, at: head), "r['clauses'][0]['text'] = 'Cut a little.'")
        let twin = try f.commit(on: head, set: [Self.northPlan: text], actor: "north.lead", signer: "north.lead",
                                message: ledgerMessage("edit-plan", unit: "cn/north", directive: Self.directive))
        try land(f, twin, on: head)
        #expect(try f.verify().ok == true, "edit-plan is the truth")
        try f.move(to: head, from: twin)
        let attack = try f.commit(on: head, set: [Self.northPlan: text], actor: "north.lead", signer: "north.lead",
                                  message: ledgerMessage("report-progress", unit: "cn/north", directive: Self.directive, clause: "1"))
        try land(f, attack, on: head)
        try expectOnlyBlamed(f, attack, "trailers", saying: "Luoshi-Action report-progress")
    }

    @Test("a Luoshi-Unit trailer naming another unit")
    func trailersNameAnotherUnit() throws {
        let f = try Forge.burden()
        let head = try f.head()
        let attack = try honestReport(f, on: head, message: ledgerMessage("report-progress", unit: "cn/east", directive: Self.directive, clause: "1"))
        try land(f, attack, on: head)
        try expectOnlyBlamed(f, attack, "trailers", saying: "Luoshi-Unit says cn/east")
    }

    @Test("a commit without a Luoshi-Action trailer")
    func noTrailers() throws {
        let f = try Forge.burden()
        let head = try f.head()
        let attack = try honestReport(f, on: head, message: "report-progress: no trailers\n")
        try land(f, attack, on: head)
        try expectOnlyBlamed(f, attack, "trailers")
    }

    // MARK: Time

    @Test("a commit dated more than maxTimeSkewDays (7) before its parent")
    func backdated() throws {
        let f = try Forge.burden()
        let head = try f.head()
        let parentTime = try f.time(of: head)
        // Honest twin: six days back is within the policy.
        let twin = try honestReport(f, on: head, time: parentTime - 6 * 86_400)
        try land(f, twin, on: head)
        #expect(try f.verify().ok == true, "six days is within the policy")
        try f.move(to: head, from: twin)
        let attack = try honestReport(f, on: head, time: parentTime - 8 * 86_400)
        try land(f, attack, on: head)
        try expectOnlyBlamed(f, attack, "time-order", saying: "7 days")
    }

    // MARK: History

    @Test("a merge commit smuggling an unauthorized change")
    func smugglingMerge() throws {
        let f = try Forge.burden()
        let head = try f.head()
        // A side branch with north.lead's honest report, merged by north.lead with east's plan changed on the way.
        let side = try honestReport(f, on: head)
        let smuggled = try f.edited(try f.record(Self.eastPlan, at: side), "r['clauses'][0]['text'] = 'Nothing needs to be cut.'")
        let mergeTree = try f.tree(from: side, set: [Self.eastPlan: smuggled])
        let merge = try f.commit(tree: mergeTree, parents: [head, side], actor: "north.lead", signer: "north.lead",
                                 time: try f.time(of: side) + 60, message: ledgerMessage("report-progress", unit: "cn/north", directive: Self.directive, clause: "1"))
        try land(f, merge, on: head)
        let v = try f.verify()
        #expect(v.blames(merge, "merge"), "\(v)")
        #expect(v.blames(merge, "not-permitted", saying: "cn/east"), "\(v)")
        #expect(v.blamed == [merge], "the side commit is honest: \(v)")
    }

    @Test("a deleted record")
    func deletedFinding() throws {
        let f = try Forge.burden()
        let head = try f.head()
        let attack = try f.commit(on: head, remove: ["findings/F-2019-001.json"], actor: "central.inspector", signer: "central.inspector",
                                  message: ledgerMessage("close-finding", finding: "F-2019-001"))
        try land(f, attack, on: head)
        try expectOnlyBlamed(f, attack, "deleted-record", saying: "findings/F-2019-001.json")
    }

    @Test("a deleted checkpoint")
    func deletedCheckpoint() throws {
        let f = try Forge.burden()
        let head = try f.head()
        let checkpoint = try #require(try f.paths(under: "checkpoints", at: head).first)
        let attack = try f.commit(on: head, remove: [checkpoint], actor: "auditor", signer: "auditor", message: ledgerMessage("checkpoint"))
        try land(f, attack, on: head)
        try expectOnlyBlamed(f, attack, "deleted-record", saying: checkpoint)
    }

    @Test("a progress report rewritten instead of appended")
    func rewrittenReport() throws {
        let f = try Forge.burden()
        let head = try f.head()
        let text = try f.edited(try f.record(Self.northProgress, at: head), "r['reports'][0]['status'] = 'done'; r['reports'][0]['note'] = 'all done from the start'")
        let attack = try f.commit(on: head, set: [Self.northProgress: text], actor: "north.lead", signer: "north.lead",
                                  message: ledgerMessage("report-progress", unit: "cn/north", directive: Self.directive, clause: "1"))
        try land(f, attack, on: head)
        try expectOnlyBlamed(f, attack, "rewritten-history", saying: "changed earlier reports")
    }

    // MARK: Progress files checked by what a change adds

    // Verify checks a change to a progress file it has already accepted by the reports the change
    // adds (Progress.AppendPoint), and from a checkpoint it takes the files at the checkpoint as
    // accepted. These attacks are shaped to get past that shortcut: each must still be caught.

    /// north.lead's progress file at `head` with one report appended, edited by `python` afterwards.
    func appended(_ f: Forge, at head: String, then python: String = "") throws -> String {
        try f.edited(try f.record(Self.northProgress, at: head), Self.appendReport + "\n" + python)
    }

    func reportCommit(_ f: Forge, on head: String, _ text: String) throws -> String {
        try f.commit(on: head, set: [Self.northProgress: text], actor: "north.lead", signer: "north.lead",
                     message: ledgerMessage("report-progress", unit: "cn/north", directive: Self.directive, clause: "1"))
    }

    @Test("reports added one after another pass, each checked by what it adds")
    func appendedTwice() throws {
        let f = try Forge.burden()
        let head = try f.head()
        let first = try honestReport(f, on: head)
        let second = try honestReport(f, on: first)
        try land(f, second, on: head)
        let v = try f.verify()
        #expect(v.status == 0 && v.ok == true, "\(v)")
    }

    @Test("a report added while an earlier one is changed")
    func appendedAndRewritten() throws {
        let f = try Forge.burden()
        let head = try f.head()
        let text = try appended(f, at: head, then: "r['reports'][0]['note'] = 'quietly changed'")
        let attack = try reportCommit(f, on: head, text)
        try land(f, attack, on: head)
        try expectOnlyBlamed(f, attack, "rewritten-history", saying: "changed earlier reports")
    }

    @Test("an added report that is not a valid report")
    func appendedInvalid() throws {
        let f = try Forge.burden()
        let head = try f.head()
        let attack = try reportCommit(f, on: head, try appended(f, at: head, then: "r['reports'][-1]['status'] = 'finished'"))
        try land(f, attack, on: head)
        try expectOnlyBlamed(f, attack, "invalid-record", saying: "status")
    }

    @Test("an added report that is not in canonical form")
    func appendedNotCanonical() throws {
        let f = try Forge.burden()
        let head = try f.head()
        let text = try appended(f, at: head)
        let marker = "\"note\": \"forged but honest\""
        let range = try #require(text.range(of: marker, options: .backwards))
        let attack = try reportCommit(f, on: head, text.replacingCharacters(in: range, with: "\"note\":  \"forged but honest\""))
        try land(f, attack, on: head)
        try expectOnlyBlamed(f, attack, "not-canonical")
    }

    @Test("verify --since a checkpoint catches a report added while an earlier one is changed")
    func sinceAppendedAndRewritten() throws {
        let f = try Forge.burden()
        let head = try f.head()
        let checkpoint = try #require(try f.paths(under: "checkpoints", at: head).last)
        let id = String(checkpoint.dropFirst("checkpoints/".count).dropLast(".json".count))
        let honest = try f.verify(["--since", id])
        #expect(honest.status == 0 && honest.ok == true, "\(honest)")
        let text = try appended(f, at: head, then: "r['reports'][0]['status'] = 'done'")
        let attack = try reportCommit(f, on: head, text)
        try land(f, attack, on: head)
        let v = try f.verify(["--since", id])
        #expect(v.blames(attack, "rewritten-history", saying: "changed earlier reports"), "\(v)")
        #expect(v.blamed == [attack], "\(v)")
    }

    @Test("a record whose blob is missing from the repository is named as unreadable, not taken for a symlink")
    func missingBlob() throws {
        let f = try Forge.burden()
        let head = try f.head()
        let commit = try reportCommit(f, on: head, try appended(f, at: head, then: "r['reports'][-1]['note'] = 'this blob goes missing'"))
        try land(f, commit, on: head)
        // The new blob is a loose object (everything before it is packed): delete it.
        let blob = try f.git(["rev-parse", "\(commit):\(Self.northProgress)"])
        try FileManager.default.removeItem(atPath: f.loaded.ledger + "/objects/" + blob.prefix(2) + "/" + blob.dropFirst(2))
        let v = try f.verify()
        #expect(v.blames(commit, "invalid-record", saying: "cannot be read"), "\(v)")
        #expect(v.blamed == [commit], "\(v)")
    }

    @Test("a progress report added in another actor's name")
    func reportInAnotherName() throws {
        let f = try Forge.burden()
        let head = try f.head()
        let text = try f.edited(try f.record(Self.northProgress, at: head), "r['reports'].append(dict(r['reports'][-1], actor='central.inspector', note='verified on site'))")
        let attack = try f.commit(on: head, set: [Self.northProgress: text], actor: "north.lead", signer: "north.lead",
                                  message: ledgerMessage("report-progress", unit: "cn/north", directive: Self.directive, clause: "1"))
        try land(f, attack, on: head)
        try expectOnlyBlamed(f, attack, "not-permitted", saying: "another actor's name")
    }

    @Test("a finding step forged in another actor's name")
    func forgedFindingStep() throws {
        let f = try Forge.burden()
        let head = try f.head()
        let path = "findings/F-2019-001.json"
        let original = try f.record(path, at: head)
        // Honest twin: west.lead rectifies in its own name.
        let rectify = "r['steps'].append({'kind': 'rectify', 'actor': 'west.lead', 'at': '2020-01-10T09:00:00Z', 'text': 'Inspection items cut by half.'}); r['state'] = 'rectified'"
        let twin = try f.commit(on: head, set: [path: try f.edited(original, rectify)], actor: "west.lead", signer: "west.lead",
                                message: ledgerMessage("rectify", finding: "F-2019-001"))
        try land(f, twin, on: head)
        let honest = try f.verify()
        #expect(honest.ok == true, "\(honest)")
        try f.move(to: head, from: twin)
        // The attack: west.lead writes the inspector's verdict that closes it.
        let close = "r['steps'].append({'kind': 'close', 'actor': 'central.inspector', 'at': '2020-01-10T09:00:00Z', 'verdict': 'verified'}); r['state'] = 'closed'"
        let attack = try f.commit(on: head, set: [path: try f.edited(original, close)], actor: "west.lead", signer: "west.lead",
                                  message: ledgerMessage("close-finding", finding: "F-2019-001"))
        try land(f, attack, on: head)
        try expectOnlyBlamed(f, attack, "not-permitted", saying: "in another actor's name")
    }

    @Test("a finding whose recorded state its steps do not bear out")
    func findingStateLies() throws {
        let f = try Forge.burden()
        let head = try f.head()
        let path = "findings/F-2019-001.json"
        // west.lead's rectification is its own to make, but it marks the finding closed, which only the inspector's verdict may do.
        let text = try f.edited(try f.record(path, at: head),
                                "r['steps'].append({'kind': 'rectify', 'actor': 'west.lead', 'at': '2020-01-10T09:00:00Z', 'text': 'Done.'}); r['state'] = 'closed'")
        let attack = try f.commit(on: head, set: [path: text], actor: "west.lead", signer: "west.lead", message: ledgerMessage("rectify", finding: "F-2019-001"))
        try land(f, attack, on: head)
        try expectOnlyBlamed(f, attack, "invalid-record", saying: "state")
    }

    @Test("a checkpoint written in another actor's name")
    func checkpointInAnotherName() throws {
        let f = try Forge.burden()
        let head = try f.head()
        let existing = try #require(try f.paths(under: "checkpoints", at: head).first)
        let record = { (by: String) in
            try f.edited(try f.record(existing, at: head), "r['id'] = 'cp-20200101-000000'; r['head'] = '\(head)'; r['at'] = '2020-01-01T00:00:00Z'; r['by'] = '\(by)'")
        }
        let message = ledgerMessage("checkpoint")
        // Honest twin: the auditor's own checkpoint, with its tag made by stock git.
        let twin = try f.commit(on: head, set: ["checkpoints/cp-20200101-000000.json": try record("auditor")], actor: "auditor", signer: "auditor", message: message)
        try land(f, twin, on: head)
        try f.tag("checkpoints/cp-20200101-000000", on: twin, actor: "auditor", signer: "auditor")
        let honest = try f.verify()
        #expect(honest.ok == true, "\(honest)")
        try f.move(to: head, from: twin)
        try f.git(["tag", "-d", "checkpoints/cp-20200101-000000"])
        let attack = try f.commit(on: head, set: ["checkpoints/cp-20200101-000000.json": try record("central.inspector")], actor: "auditor", signer: "auditor", message: message)
        try land(f, attack, on: head)
        try f.tag("checkpoints/cp-20200101-000000", on: attack, actor: "auditor", signer: "auditor")
        try expectOnlyBlamed(f, attack, "not-permitted", saying: "another actor's name")
    }

    @Test("a revocation undone, then the old key used again")
    func revocationUndone() throws {
        let f = try Forge.burden()
        let actorPath = "actors/north.lead.json"
        let old = try String(contentsOfFile: f.loaded.keys + "/north.lead.pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let events = f.scratch.path("revoke.jsonl")
        try #"{"action": "revoke-key", "actor": "admin", "at": "2020-06-01T00:00:00Z", "actorId": "north.lead", "key": "\#(old)"}"#
            .appending("\n").write(toFile: events, atomically: true, encoding: .utf8)
        try #require(try luoshi(["import", events, "--ledger", f.loaded.ledger, "--keys", f.loaded.keys]).status == 0)
        let revoked = try f.head()
        let before = try f.record(actorPath, at: try f.parent(of: revoked))
        // The admin's key writes the actor record back as it was before the revocation.
        let undo = try f.commit(on: revoked, set: [actorPath: before], actor: "admin", signer: "admin", message: ledgerMessage("register-actor"))
        let reuse = try honestReport(f, on: undo)
        try land(f, reuse, on: revoked)
        let v = try f.verify()
        #expect(v.blames(undo, "rewritten-history", saying: "revoked"), "\(v)")
        #expect(!v.blamed.contains(reuse) || v.blames(reuse, "revoked-key"), "\(v)")
    }

    @Test("a gitlink where a record should be")
    func gitlinkRecord() throws {
        let f = try Forge.burden()
        let head = try f.head()
        let attack = try f.commit(on: head, entries: [("160000", head, "findings/F-2019-009.json")], actor: "central.inspector",
                                  signer: "central.inspector", message: ledgerMessage("open-finding", finding: "F-2019-009"))
        try land(f, attack, on: head)
        try expectOnlyBlamed(f, attack, "invalid-record", saying: "findings/F-2019-009.json")
    }

    @Test("a symlink where a record should be")
    func symlinkRecord() throws {
        let f = try Forge.burden()
        let head = try f.head()
        let target = try f.blob("../actors/admin.json")
        let attack = try f.commit(on: head, entries: [("120000", target, "findings/F-2019-009.json")], actor: "central.inspector",
                                  signer: "central.inspector", message: ledgerMessage("open-finding", finding: "F-2019-009"))
        try land(f, attack, on: head)
        try expectOnlyBlamed(f, attack, "invalid-record", saying: "findings/F-2019-009.json")
    }

    // MARK: History rewritten under a checkpoint
    //
    // Verify from genesis sees one history. It catches a rewrite that keeps the checkpoint record
    // (re-committed on the new history) but not the commit it attests. A rewrite that drops the
    // checkpoint record too, or a ref moved back to before it, leaves a history that is consistent
    // in itself: only the signed checkpoint tags and a checkpoint list kept elsewhere
    // (`verify --expect-checkpoints`) catch those (CheckpointTests).

    /// The checkpoint commit, the commit it attests, and the checkpoint record's path and text.
    func checkpoint(_ f: Forge) throws -> (commit: String, attested: String, path: String, text: String) {
        let commit = try f.last("checkpoint")
        let path = try #require(try f.paths(under: "checkpoints", at: commit).first)
        let text = try f.record(path, at: commit)
        let attested = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])["head"] as? String
        return (commit, try #require(attested), path, text)
    }

    @Test("history reset and re-committed under a checkpoint: the checkpoint survives, what it attests does not")
    func resetAndRecommit() throws {
        let f = try Forge.burden()
        let cp = try checkpoint(f)
        let head = try f.head()
        let base = try f.parent(of: cp.attested)
        // The attested commit is replaced by a different one (north.lead reports something else, honestly
        // signed), then the checkpoint record is committed again by the auditor on the new history.
        let replacement = try honestReport(f, on: base)
        let recommitted = try f.commit(on: replacement, set: [cp.path: cp.text], actor: "auditor", signer: "auditor",
                                       message: try f.message(of: cp.commit))
        try f.move(to: recommitted, from: head)
        let v = try f.verify()
        #expect(v.blames(recommitted, "checkpoint", saying: cp.attested), "\(v)")
        // Honest twin: the same checkpoint record on the history it attests is fine.
        #expect(!v.blamed.contains(replacement), "\(v)")
    }

    @Test("an amended commit under a checkpoint")
    func amendedUnderCheckpoint() throws {
        let f = try Forge.burden()
        let cp = try checkpoint(f)
        let head = try f.head()
        let base = try f.parent(of: cp.attested)
        // `git commit --amend --date` of the attested commit: same tree, parent and message, signed again.
        let tree = try f.git(["rev-parse", cp.attested + "^{tree}"])
        let author = try f.git(["log", "-1", "--format=%ae", cp.attested]).replacingOccurrences(of: "@ledger", with: "")
        let amended = try f.commit(tree: tree, parents: [base], actor: author, signer: author, time: try f.time(of: cp.attested) + 1,
                                   message: try f.message(of: cp.attested))
        #expect(amended != cp.attested)
        let cpTree = try f.git(["rev-parse", cp.commit + "^{tree}"])
        let recommitted = try f.commit(tree: cpTree, parents: [amended], actor: "auditor", signer: "auditor",
                                       time: try f.time(of: cp.commit), message: try f.message(of: cp.commit))
        try f.move(to: recommitted, from: head)
        let v = try f.verify()
        #expect(v.blames(recommitted, "checkpoint", saying: cp.attested), "\(v)")
        #expect(!v.blamed.contains(amended), "the amended commit itself is well signed: \(v)")
    }

    @Test("main force-moved to a fork that carries the checkpoint record")
    func forceMovedRef() throws {
        let f = try Forge.burden()
        let cp = try checkpoint(f)
        let base = try f.parent(of: cp.attested)
        let fork = try honestReport(f, on: base)
        let copied = try f.commit(on: fork, set: [cp.path: cp.text], actor: "auditor", signer: "auditor", message: try f.message(of: cp.commit))
        try f.move(to: copied, from: nil)
        let v = try f.verify()
        #expect(v.blames(copied, "checkpoint", saying: cp.attested), "\(v)")
    }
}
