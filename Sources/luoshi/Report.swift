import ArgumentParser
import Foundation
import Ledger
import LedgerClient
import LedgerModel
import LedgerRender

extension Luoshi {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report progress on one clause of a unit's plan: the one command a unit needs.",
            discussion: """
                The report is signed with --key; the actor is the implementer of --unit holding that key.
                Evidence files are hashed (sha256) so the same file can be recognised wherever it is claimed.

                Example:
                  luoshi report --unit cn/north --directive D-2019-01 --clause 1 --status done \\
                    --value documents_cut_pct=31 --evidence "outcome:Document register 2019:register.pdf" \\
                    --key keys/north.lead

                With --csv, the reports come from a spreadsheet, one a row (columns unit, directive, clause,
                status, values, note, asOf, evidenceKind, evidenceTitle, evidenceSHA256, in English or Chinese).
                Every row is checked before anything is written; a sheet with problems names each (row,
                column, what to do) and writes nothing (exit 65).
                  luoshi report --csv reports.csv --key keys/north.lead
                """
        )

        @OptionGroup var options: LedgerOptions

        @Option(help: "The reporting unit.") var unit: String?
        @Option(help: "The directive the plan implements.") var directive: String?
        @Option(help: "The clause of the unit's own plan.") var clause: String?
        @Option(help: "not-started, in-progress, done or blocked.") var status: String?
        @Option(help: ArgumentHelp("A spreadsheet of reports, one a row (CSV, UTF-8 or GB18030; README: Reporting from a spreadsheet): every row is checked first, then each becomes a commit.", valueName: "file"))
        var csv: String?
        @Option(name: .customLong("value"), help: ArgumentHelp("A measured value of a target, metric=N (repeatable).", valueName: "metric=N"))
        var values: [String] = []
        @Option(name: .customLong("evidence"), help: ArgumentHelp("Evidence KIND:TITLE:FILE; the file is hashed (repeatable). KIND: outcome, document, meeting, photo, data.", valueName: "kind:title:file"))
        var evidence: [String] = []
        @Option(help: "A note for the supervisor.") var note: String?
        @Option(name: .customLong("reported-for"), help: ArgumentHelp("The day the reported state was true (YYYY-MM-DD; default: today).", valueName: "date"))
        var reportedFor: String?
        @Option(name: .customLong("as-of"), help: .hidden) var asOf: String?
        @Option(help: "The actor id, when the key belongs to more than one implementer of the unit.") var actor: String?
        @Option(help: "The signer's OpenSSH ed25519 private key file.") var key: String
        @ArgumentParser.Flag(name: .customLong("dry-run"), help: "Check everything and print what would be written, but write nothing.")
        var dryRun = false
        @Option(help: ArgumentHelp("Report through `luoshi serve` at this URL instead of a local ledger (with --actor); signed here.", valueName: "url"))
        var remote: String?

        func run() throws {
            try execute {
                let signer = try SingleKey(path: key)
                if let csv { return try reportSheet(csv, signer: signer) }
                let missing = [("--unit", unit), ("--directive", directive), ("--clause", clause), ("--status", status)].filter { $0.1 == nil }.map(\.0)
                guard missing.isEmpty, let status else {
                    throw LedgerError.usage("a report needs \(missing.joined(separator: ", ")) (or --csv FILE for a spreadsheet of reports)")
                }
                guard let unitID = try parseID(unit, option: "--unit", UnitID.init),
                      let directiveID = try parseID(directive, option: "--directive", DirectiveID.init),
                      let clauseID = try parseID(clause, option: "--clause", ClauseID.init) else { return }
                guard let status = ProgressStatus(rawValue: status) else {
                    throw LedgerError.usage("--status \(status): use one of \(ProgressStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                var measured: [String: Double] = [:]
                for v in values {
                    let parts = v.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2, let n = Self.number(parts[1], option: "--value \(v)") else {
                        throw LedgerError.usage("--value \(v): give metric=N with N a JSON number (such as 31, -2.5 or 1e3), e.g. documents_cut_pct=31")
                    }
                    measured[String(parts[0])] = try n.get()
                }
                let items = try evidence.map(Self.evidence)
                let reportedDay = try parseDay(reportedFor ?? asOf, option: reportedFor != nil ? "--reported-for" : "--as-of")
                if let remote {
                    guard let actorID = try parseID(actor, option: "--actor", ActorID.init) else {
                        throw LedgerError.usage("--remote needs --actor: the actor the key signs for (the server checks that it holds the key)")
                    }
                    guard !dryRun else { throw LedgerError.usage("--dry-run checks against a local ledger; it does not go with --remote") }
                    var event: [String: JSONValue] = [
                        "action": .string("report-progress"), "actor": actorID.json, "unit": unitID.json, "directive": directiveID.json,
                        "clause": clauseID.json, "status": .string(status.rawValue),
                        "values": .object(measured.mapValues { $0.rounded() == $0 && abs($0) < 1e15 ? .integer(Int64($0)) : .number($0) }),
                        "evidence": .array(items.map(\.json)),
                    ]
                    if let note { event["note"] = .string(note) }
                    if let reportedDay { event["asOf"] = reportedDay.json }
                    let written = try RemoteLedger(url: remote, key: signer.key, actor: actorID).write(.object(event), source: InputSource(file: "report"))
                    printWrite(commits: written.commits, head: written.head, action: "report-progress", format: options.format)
                    return
                }
                let ledger = try options.open()
                try ledger.requireExisting(unit: unitID, directive: directiveID, clause: clauseID)
                let actorID = try parseID(actor, option: "--actor", ActorID.init) ?? Self.actor(for: signer, unit: unitID, directive: directiveID, in: ledger)
                let event = Event(actor: actorID, at: .now, action: .reportProgress(
                    unit: unitID, directive: directiveID, clause: clauseID, status: status, values: measured,
                    evidence: items, note: note, asOf: reportedDay))
                let result = try ledger.apply([SourcedEvent(event: event, source: InputSource(file: "report"))], signer: signer, dryRun: dryRun)
                switch options.format {
                case .json: printWrite(result, action: "report-progress", format: .json)
                case .text: print(WriteText.render(result, dryRun: dryRun), terminator: "")
                }
            }
        }

        /// `--csv`: every row of the sheet checked (locally against the head; through `--remote`, by the
        /// server as each is prepared), then one commit a row.
        func reportSheet(_ path: String, signer: SingleKey) throws {
            let given = [("--unit", unit), ("--directive", directive), ("--clause", clause), ("--status", status), ("--note", note),
                         ("--reported-for", reportedFor)].filter { $0.1 != nil }.map(\.0) + (values.isEmpty ? [] : ["--value"]) + (evidence.isEmpty ? [] : ["--evidence"])
            guard given.isEmpty else {
                throw LedgerError.usage("--csv takes every report from the sheet; leave out \(given.joined(separator: ", "))")
            }
            let bytes: [UInt8]
            do { bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
                throw LedgerError.usage("cannot read the sheet \(path): \(error.localizedDescription)")
            }
            func refuse(_ sheet: ReportSheet) throws {
                let problems = sheet.problems
                guard !problems.isEmpty else { return }
                for p in problems { FileHandle.standardError.write(Data(("luoshi: \(path): \(p)".terminalSafe + "\n").utf8)) }
                throw LedgerError.invalidInput(source: InputSource(file: path), pointer: nil,
                                               reason: "\(problems.count) problem\(problems.count == 1 ? "" : "s") in the sheet; nothing was written")
            }
            if let remote {
                guard let actorID = try parseID(actor, option: "--actor", ActorID.init) else {
                    throw LedgerError.usage("--remote needs --actor: the actor the key signs for (the server checks that it holds the key)")
                }
                guard !dryRun else { throw LedgerError.usage("--dry-run checks against a local ledger; it does not go with --remote") }
                let sheet = try ReportSheet.read(bytes, actor: actorID, at: .now, file: path)
                try refuse(sheet)
                let client = RemoteLedger(url: remote, key: signer.key, actor: actorID)
                var commits: [String] = [], head: String?
                for row in sheet.rows {
                    // The server dates each report as it is prepared.
                    guard case .object(var members) = row.event!.json else { continue }
                    members["at"] = nil
                    let written = try client.write(.object(members), source: InputSource(file: path, line: row.row))
                    commits += written.commits
                    head = written.head
                }
                printWrite(commits: commits, head: head, action: "report-progress", format: options.format)
                return
            }
            let ledger = try options.open()
            let actorID = try parseID(actor, option: "--actor", ActorID.init) ?? {
                // The signer's actor, as the first readable row's unit knows it.
                let first = try ReportSheet.read(bytes, actor: ActorID(unchecked: "-"), at: .now, file: path).rows.lazy.compactMap(\.event).first
                guard let first, case .reportProgress(let u, let d, _, _, _, _, _, _) = first.action else {
                    return ActorID(unchecked: "-")
                }
                return try Self.actor(for: signer, unit: u, directive: d, in: ledger)
            }()
            let sheet = try ledger.check(try ReportSheet.read(bytes, actor: actorID, at: .now, file: path))
            try refuse(sheet)
            let events = sheet.rows.map { SourcedEvent(event: $0.event!, source: InputSource(file: path, line: $0.row)) }
            let result = try ledger.apply(events, signer: signer, dryRun: dryRun)
            switch options.format {
            case .json: printWrite(result, action: "report-progress", format: .json)
            case .text: print(WriteText.render(result, dryRun: dryRun), terminator: "")
            }
        }

        static func actor(for signer: SingleKey, unit: UnitID, directive: DirectiveID, in ledger: Ledger) throws -> ActorID {
            try signingActor(holding: signer, in: ledger, for: .reportProgress(directive, unit: unit))
        }

        /// A number as JSON writes it, by the parser every record is read with: no `nan`, `inf`,
        /// `0x1p3`, `+5` or `.5`, and nothing the ledger could not keep exactly. Nil when it is no JSON
        /// number at all; a failure when it is one the ledger cannot keep.
        static func number(_ text: Substring, option: String) -> Result<Double, LedgerError>? {
            // A number token alone: the JSON parser would also take white space around it.
            guard !text.contains(where: \.isWhitespace) else { return nil }
            let value: JSONValue
            do { value = try JSONParser.parse(String(text)) } catch {
                // A JSON number the ledger cannot keep says why; anything else is no number at all.
                let notANumber = error.reason.hasPrefix("invalid") || error.reason.hasPrefix("unexpected")
                return notANumber ? nil : .failure(LedgerError.usage("\(option): \(error.reason)"))
            }
            switch value {
            case .integer(let i): return .success(Double(i))
            case .number(let d): return .success(d)
            default: return nil
            }
        }

        static func evidence(_ spec: String) throws -> Evidence {
            try EvidenceFile.evidence(spec)
        }
    }
}
