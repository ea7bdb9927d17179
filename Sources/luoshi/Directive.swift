import ArgumentParser
import Ledger
import LedgerModel

extension Luoshi {
    struct DirectiveCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "directive",
            abstract: "Issue and amend directives (an issuer's job).",
            subcommands: [Issue.self, Amend.self]
        )

        struct Issue: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Issue a directive from a JSON file: its id, title, issuer, scope, cadence and clauses.",
                discussion: """
                    The file holds one object, as the "directive" of an issue-directive event (docs/events.md):
                      {"id": "D-2020-01", "title": "...", "issuer": "cn", "issued": "2020-01-15",
                       "scope": {"units": ["cn"], "levels": ["province", "county"]}, "reporting": {"every": "P1M"},
                       "clauses": [{"id": "1", "text": "...", "modality": "must", "targets": [], "evidence": "outcome", "localize": false}]}
                    The signer is an issuer of the directive's issuing unit. The ledger sets the version (1).

                    Example:
                      luoshi directive issue D-2020-01.json --key keys/central.office
                    """
            )

            @OptionGroup var options: LedgerOptions
            @Argument(help: "The directive's JSON file; '-' reads standard input.") var file: String
            @OptionGroup var write: WriteOptions

            func run() throws {
                try execute {
                    let directive = try readJSONFile(file, as: DirectiveFields.self).directive
                    let w = try Write(options, write)
                    try w.ledger.requireUnit(directive.issuer)
                    let issuer = try w.actor(for: .issueDirective(directive.id, issuer: directive.issuer))
                    try w.apply(.issueDirective(directive), as: issuer, name: file)
                }
            }
        }

        struct Amend: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Amend a directive: the whole new text, from a JSON file of the same shape as for issue.",
                discussion: """
                    The ledger raises the version by one. Plans built on the old version are then behind: `luoshi diff`
                    and `luoshi status` say so.

                    Example:
                      luoshi directive amend D-2020-01.json --note "clause 3 deadline moved" --key keys/central.office
                    """
            )

            @OptionGroup var options: LedgerOptions
            @Argument(help: "The directive's JSON file; '-' reads standard input.") var file: String
            @Option(help: "Why it was amended, kept in the commit message.") var note: String?
            @OptionGroup var write: WriteOptions

            func run() throws {
                try execute {
                    let directive = try readJSONFile(file, as: DirectiveFields.self).directive
                    let w = try Write(options, write)
                    try w.ledger.requireDirective(directive.id)
                    let issuer = try w.actor(for: .amendDirective(directive.id, issuer: directive.issuer))
                    try w.apply(.amendDirective(directive, note: note), as: issuer, name: file)
                }
            }
        }
    }
}

/// A directive as an issue or amend file gives it: the event's fields, without `formatVersion` or `version`.
struct DirectiveFields: JSONReadable {
    var directive: Directive

    init(json: JSONValue, at pointer: JSONPointer) throws {
        var r = try ObjectReader(json, at: pointer)
        directive = try Directive(fields: &r)
        try r.finish()
    }
}
