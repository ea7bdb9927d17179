import ArgumentParser
import Foundation
import Ledger
import LedgerModel
import LedgerRender

extension Luoshi {
    struct Adopt: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Adopt a directive into the unit's own plan, from the directive or the plan of a unit above.",
            discussion: """
                The plan starts as its basis word for word: the directive itself (--from the issuer) or the plan of
                the unit above (--from that unit). Change it afterwards with `luoshi plan edit`, so the plan's history
                shows what the unit changed. Without --from: the nearest unit above that has a plan, else the
                directive. The signer is an implementer of --unit.

                Example:
                  luoshi adopt --unit cn/north/river --directive D-2019-01 --from cn/north --key keys/river.lead
                """
        )

        @OptionGroup var options: LedgerOptions
        @OptionGroup var plan: PlanOptions
        @Option(help: "Adopt from this unit's plan, or from the issuer's unit for the directive itself.") var from: String?
        @OptionGroup var write: WriteOptions

        func run() throws {
            try execute {
                let (d, u) = try plan.ids()
                let w = try Write(options, write)
                try w.ledger.requireDirective(d)
                try w.ledger.requireUnit(u)
                let source = try parseID(from, option: "--from", UnitID.init) ?? w.ledger.defaultBasis(directive: d, unit: u)
                try w.ledger.requireUnit(source)
                let implementer = try w.actor(for: .adopt(d, unit: u))
                try w.apply(.adopt(unit: u, directive: d, from: source, clauses: nil), as: implementer, name: "adopt")
            }
        }
    }

    struct PlanCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plan",
            abstract: "Change a unit's plan (an implementer's job).",
            subcommands: [Edit.self, Rebase.self]
        )

        struct Edit: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Edit a unit's plan in $EDITOR (or from a file), see how it reads against its basis, and confirm.",
                discussion: """
                    Opens $EDITOR (else $VISUAL, else vi) on the plan's clauses and exemptions as JSON, the shape
                    `{"clauses": [...], "exemptions": [{"clause": "6", "reason": "..."}]}`; lines starting with # are
                    ignored. On saving, the edit is checked and read clause by clause against the plan's basis, with
                    the flags it will raise ("clause 6 omitted (no exemption declared): will raise `selective`"), and
                    you are asked to confirm. An invalid edit reopens the editor with the error at the top; nothing
                    typed is lost. A declined edit is kept in a file, named on the way out.

                    --file F takes the same JSON from a file ('-' for standard input) instead of the editor; with
                    --yes it writes without asking, for scripts.

                    Example:
                      luoshi plan edit --unit cn/north/river --directive D-2019-01 --key keys/river.lead
                      luoshi plan edit --unit cn/north/river --directive D-2019-01 --file plan.json --yes --key keys/river.lead
                    """
            )

            @OptionGroup var options: LedgerOptions
            @OptionGroup var plan: PlanOptions
            @Option(help: ArgumentHelp("Take the edit from this JSON file instead of the editor ('-': standard input).", valueName: "file"))
            var file: String?
            @ArgumentParser.Flag(help: "Write without asking for confirmation.") var yes = false
            @OptionGroup var write: WriteOptions

            func run() throws {
                try execute {
                    let (d, u) = try plan.ids()
                    let w = try Write(options, write)
                    let current = try w.ledger.plan(directive: d, unit: u)
                    let implementer = try w.actor(for: .editPlan(d, unit: u))
                    func check(_ edit: PlanEdit) throws -> PlanReading {
                        // Checked as the write will check it, without writing: a bad edit is caught before confirming.
                        let event = Event(actor: implementer, at: .now, action: .editPlan(unit: u, directive: d, clauses: edit.clauses, exemptions: edit.exemptions))
                        _ = try w.ledger.apply([SourcedEvent(event: event, source: InputSource(file: file ?? "the edited plan"))], signer: w.signer, dryRun: true)
                        return try w.ledger.reading(directive: d, unit: u, edit: edit)
                    }
                    let edit: PlanEdit
                    let reading: PlanReading
                    var kept: String?
                    if let file {
                        edit = try readJSONFile(file, as: PlanEdit.self)
                        reading = try check(edit)
                    } else {
                        let session = try PlanEditorSession(directive: d, unit: u, plan: current)
                        guard let (e, r) = try session.run(check) else {
                            print("no change to the plan of \(u) for \(d); nothing written")
                            return
                        }
                        (edit, reading) = (e, r)
                        kept = session.path
                    }
                    if !yes && !write.dryRun {
                        let prompt = (PlanReadingText.lines(reading, future: true) + ["Write this plan of \(u) for \(d)? [y/N] "]).joined(separator: "\n")
                        FileHandle.standardError.write(Data(prompt.utf8))
                        let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
                        guard answer == "y" || answer == "yes" else {
                            print("nothing written" + (kept.map { "; your edit is kept in \($0)" } ?? ""))
                            return
                        }
                    }
                    try w.apply(.editPlan(unit: u, directive: d, clauses: edit.clauses, exemptions: edit.exemptions), as: implementer, name: file ?? "plan edit") { _ in
                        (PlanReadingText.lines(reading, future: write.dryRun), ["reading": reading.json])
                    }
                    if let kept { try? FileManager.default.removeItem(atPath: kept) }
                }
            }
        }

        struct Rebase: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Bring a plan onto the newest text of its basis (an amended directive, a parent's edited plan).",
                discussion: """
                    A three-way merge, clause by clause, of the basis as the unit adopted it, the basis now, and the
                    unit's plan: what only the basis changed is taken, what only the unit changed is kept, and a clause
                    both changed differently is a conflict. Conflicts are resolved in $EDITOR (the merge is shown with
                    the unit's version of each conflicting clause and the basis's new version in the comments above),
                    or with --ours (keep the unit's) or --theirs (take the basis's) for scripts. The merge is read
                    against the new basis, with the flags it will raise, and written as two commits: the adoption of
                    the new basis (recording its version and commit) and the merged plan. Exemptions of clauses the
                    new basis still has are kept, with their approvals.

                    Example:
                      luoshi plan rebase --unit cn/north/river --directive D-2019-01 --key keys/river.lead
                      luoshi plan rebase --unit cn/north/river --directive D-2019-01 --theirs --yes --key keys/river.lead
                    """
            )

            @OptionGroup var options: LedgerOptions
            @OptionGroup var plan: PlanOptions
            @ArgumentParser.Flag(help: "Resolve every conflict with the unit's own version of the clause.") var ours = false
            @ArgumentParser.Flag(help: "Resolve every conflict with the basis's new version of the clause.") var theirs = false
            @ArgumentParser.Flag(help: "Write without asking for confirmation.") var yes = false
            @OptionGroup var write: WriteOptions

            func validate() throws {
                if ours && theirs { throw ValidationError("choose one of --ours and --theirs") }
            }

            func run() throws {
                try execute {
                    let (d, u) = try plan.ids()
                    let w = try Write(options, write)
                    let rebase = try w.ledger.rebase(directive: d, unit: u)
                    let implementer = try w.actor(for: .adopt(d, unit: u))
                    let basisName = rebase.oldBasis.kind == .directive ? "directive \(d)" : "the plan of \(rebase.from)"
                    guard !rebase.upToDate else {
                        print("the plan of \(u) for \(d) is up to date with its basis (\(basisName), v\(rebase.newVersion)); nothing written")
                        return
                    }
                    let side: PlanRebase.Side? = ours ? .ours : theirs ? .theirs : nil
                    let summary = ["rebase the plan of \(u) for \(d) onto \(basisName) as it is now (v\(rebase.oldBasis.version) → v\(rebase.newVersion)):"]
                        + PlanRebaseText.lines(rebase, side: side)
                    var edit = rebase.merged(taking: side)
                    var reading: PlanReading?
                    var kept: String?
                    if edit == nil {
                        guard !yes else {
                            throw LedgerError.usage("\(rebase.conflicts.count) clause\(rebase.conflicts.count == 1 ? "" : "s") conflict (\(rebase.conflicts.map(\.clause.rawValue).joined(separator: ", "))): resolve them in the editor (without --yes), or choose --ours or --theirs")
                        }
                        FileHandle.standardError.write(Data((summary.joined(separator: "\n") + "\n").utf8))
                        let session = try PlanEditorSession(directive: d, unit: u, edit: rebase.merged(taking: .ours)!,
                                                            header: PlanRebaseText.header(rebase), acceptsUnchanged: true)
                        guard let (e, r) = try session.run({ try w.ledger.reading(of: $0, after: rebase) }) else { return }
                        edit = e
                        reading = r
                        kept = session.path
                    }
                    guard let edit else { return }
                    let after = try reading ?? w.ledger.reading(of: edit, after: rebase)
                    if !yes && !write.dryRun {
                        let prompt = (summary + PlanReadingText.lines(after, future: true) + ["Write this rebase of \(u)'s plan? [y/N] "]).joined(separator: "\n")
                        FileHandle.standardError.write(Data(prompt.utf8))
                        let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
                        guard answer == "y" || answer == "yes" else {
                            print("nothing written" + (kept.map { "; your edit is kept in \($0)" } ?? ""))
                            return
                        }
                    }
                    var events = [Event(actor: implementer, at: .now, action: .adopt(unit: u, directive: d, from: rebase.from, clauses: nil))]
                    if edit.clauses != rebase.newBasisClauses || !(edit.exemptions ?? []).isEmpty {
                        events.append(Event(actor: implementer, at: .now, action: .editPlan(unit: u, directive: d, clauses: edit.clauses, exemptions: edit.exemptions)))
                    }
                    try w.apply(events, name: "plan rebase", lines: summary + PlanReadingText.lines(after, future: write.dryRun),
                                json: ["rebase": rebase.json, "reading": after.json])
                    if let kept { try? FileManager.default.removeItem(atPath: kept) }
                }
            }
        }
    }

    struct Exempt: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Leave one clause of the basis out of the unit's plan, declaring why.",
            discussion: """
                The clause is removed from the plan and the exemption recorded with its reason; until a supervisor
                approves it (`luoshi exemption approve`) the omission raises the `selective` flag, with "declared".
                The signer is an implementer of --unit.

                Example:
                  luoshi exempt --unit cn/north/river --directive D-2019-01 --clause 6 \\
                    --reason "The county has no township statistics office." --key keys/river.lead
                """
        )

        @OptionGroup var options: LedgerOptions
        @OptionGroup var plan: PlanOptions
        @Option(help: "The basis clause to leave out.") var clause: String
        @Option(help: "Why the unit leaves it out, for the supervisor.") var reason: String
        @OptionGroup var write: WriteOptions

        func run() throws {
            try execute {
                let (d, u) = try plan.ids()
                let c = try parseID(clause, option: "--clause", ClauseID.init)!
                let w = try Write(options, write)
                let current = try w.ledger.plan(directive: d, unit: u)
                try w.ledger.requireClause(c, directive: d, unit: u)
                let implementer = try w.actor(for: .editPlan(d, unit: u))
                var edit = PlanEdit(plan: current)
                edit.clauses.removeAll { $0.id == c || $0.derivedFrom == c }
                edit.exemptions = (edit.exemptions ?? []).filter { $0.clause != c } + [Exemption(clause: c, reason: reason)]
                let reading = try w.ledger.reading(directive: d, unit: u, edit: edit)
                try w.apply(.editPlan(unit: u, directive: d, clauses: edit.clauses, exemptions: edit.exemptions), as: implementer, name: "exempt") { _ in
                    (PlanReadingText.lines(reading, future: write.dryRun), ["reading": reading.json])
                }
            }
        }
    }

    struct ExemptionCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "exemption",
            abstract: "Decide on the exemptions units declare (a supervisor's job).",
            subcommands: [Approve.self]
        )

        struct Approve: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Approve a unit's declared exemption from one clause: its omission is then no longer flagged.",
                discussion: """
                    The signer is a supervisor of a unit above --unit. The approval stands while the unit keeps the
                    same reason.

                    Example:
                      luoshi exemption approve --unit cn/north/river --directive D-2019-01 --clause 6 \\
                        --note "Agreed at the March review." --key keys/north.inspector
                    """
            )

            @OptionGroup var options: LedgerOptions
            @OptionGroup var plan: PlanOptions
            @Option(help: "The clause the unit is exempted from.") var clause: String
            @Option(help: "A note kept with the approval.") var note: String?
            @OptionGroup var write: WriteOptions

            func run() throws {
                try execute {
                    let (d, u) = try plan.ids()
                    let c = try parseID(clause, option: "--clause", ClauseID.init)!
                    let w = try Write(options, write)
                    let current = try w.ledger.plan(directive: d, unit: u)
                    guard current.exemption(c) != nil else {
                        let declared = current.exemptions.map(\.clause.rawValue)
                        throw LedgerError.usage(NearestNames.message(.clause, c.rawValue, among: declared, context: " among the exemptions \(u) declares for \(d)")
                                                + (declared.isEmpty ? "; it declares none" : ""))
                    }
                    let supervisor = try w.actor(for: .approveExemption(d, unit: u))
                    try w.apply(.approveExemption(unit: u, directive: d, clause: c, note: note), as: supervisor, name: "exemption approve")
                }
            }
        }
    }
}

/// One `plan edit` in the editor: the file, the text the user wrote, and the loop that reopens it
/// with the error at the top until the edit checks or the user leaves it as it was.
struct PlanEditorSession {
    let path: String
    let original: String

    /// Whether saving the text as it was given is an answer (a rebase's merge accepted) rather than "stop".
    let acceptsUnchanged: Bool

    init(directive: DirectiveID, unit: UnitID, plan: Plan) throws {
        try self.init(directive: directive, unit: unit, edit: PlanEdit(plan: plan), header: """
            # The plan of \(unit) for \(directive): its clauses, and the basis clauses it leaves out with a reason
            # ("exemptions": [{"clause": "6", "reason": "..."}]). Lines starting with # are ignored.
            # Save and close to check the edit and see how it reads against the basis; leave it unchanged to stop.

            """, acceptsUnchanged: false)
    }

    init(directive: DirectiveID, unit: UnitID, edit: PlanEdit, header: String, acceptsUnchanged: Bool) throws {
        let safe = "\(directive)-\(unit)".replacingOccurrences(of: "/", with: "_")
        path = FileManager.default.temporaryDirectory.appendingPathComponent("luoshi-plan-\(safe)-\(UUID().uuidString.prefix(8)).json").path
        original = String(decoding: CanonicalJSON.encode(edit.json), as: UTF8.self)
        self.acceptsUnchanged = acceptsUnchanged
        guard FileManager.default.createFile(atPath: path, contents: Data((header + original).utf8)) else {
            throw LedgerError.usage("cannot write the plan to edit at \(path)")
        }
    }

    /// The text without its comment lines.
    static func body(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.drop { $0 == " " || $0 == "\t" }.hasPrefix("#") }
            .joined(separator: "\n")
    }

    /// Opens the editor until the edit checks: the edit and its reading, or nil when the user changed nothing.
    func run(_ check: (PlanEdit) throws -> PlanReading) throws -> (PlanEdit, PlanReading)? {
        var lastError: String?
        var lastBody: String?
        while true {
            try openEditor()
            guard let data = FileManager.default.contents(atPath: path) else {
                throw LedgerError.usage("the edited plan at \(path) is gone; nothing written")
            }
            let body = Self.body(String(decoding: data, as: UTF8.self))
            if !acceptsUnchanged, body.trimmingCharacters(in: .whitespacesAndNewlines) == original.trimmingCharacters(in: .whitespacesAndNewlines) {
                try? FileManager.default.removeItem(atPath: path)
                return nil
            }
            if let lastError, body == lastBody {
                throw LedgerError.usage("the edit still does not check (\(lastError)); nothing written, and your edit is kept in \(path)")
            }
            let outcome: Result<(PlanEdit, PlanReading), LedgerError>
            do {
                let edit = try Self.parse(body)
                outcome = .success((edit, try check(edit)))
            } catch let e as LedgerError {
                outcome = .failure(e)
            }
            switch outcome {
            case .success(let done):
                return done
            case .failure(let e):
                guard case .invalidInput = e else { throw e }
                lastError = "\(e)"
                lastBody = body
                let header = """
                    # error: \(e)
                    # Correct the plan below and save; leave it unchanged to stop (your text is kept).

                    """
                _ = FileManager.default.createFile(atPath: path, contents: Data((header + body).utf8))
            }
        }
    }

    /// The edit in the text the user saved, or the problem in it, said about "the edited plan".
    static func parse(_ body: String) throws -> PlanEdit {
        let source = InputSource(file: "the edited plan")
        let value: JSONValue
        do { value = try JSONParser.parse(Array(body.utf8)) } catch {
            throw LedgerError.invalidInput(source: InputSource(file: source.file, line: error.line), pointer: nil,
                                           reason: "malformed JSON (column \(error.column)): \(error.reason)")
        }
        do { return try PlanEdit(json: value, at: .root) } catch let e as LedgerModel.ValidationError {
            throw LedgerError.invalidInput(source: source, pointer: e.pointer, reason: e.reason)
        }
    }

    private func openEditor() throws {
        let env = ProcessInfo.processInfo.environment
        let editor = env["EDITOR"].flatMap { $0.isEmpty ? nil : $0 } ?? env["VISUAL"].flatMap { $0.isEmpty ? nil : $0 } ?? "vi"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        // As git runs it: the editor may carry arguments of its own.
        p.arguments = ["-c", "\(editor) \"$@\"", editor, path]
        do { try p.run() } catch { throw LedgerError.usage("cannot start the editor \(editor): \(error)") }
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw LedgerError.usage("the editor \(editor) exited with status \(p.terminationStatus); nothing written, and your edit is kept in \(path)")
        }
    }
}
