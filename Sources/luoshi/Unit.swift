import ArgumentParser
import Ledger
import LedgerModel

extension Luoshi {
    struct UnitCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unit",
            abstract: "Register organisational units (an admin's job).",
            subcommands: [Add.self]
        )

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Register a unit below one that is registered already.",
                discussion: """
                    A unit's id is its path from the top: cn/north/river is River County in North Province, and its
                    parent cn/north must be registered first. --level is a label a directive's scope names (county,
                    province, 县); the signer is the admin holding --key.

                    Example:
                      luoshi unit add cn/north/river --name "River County" --level county --key keys/admin
                    """
            )

            @OptionGroup var options: LedgerOptions
            @Argument(help: "The unit's id: its parent's id, '/', and a segment of a-z, 0-9 and '-'.") var id: String
            @Option(help: "The unit's name, in any language.") var name: String
            @Option(help: "The unit's level, as directives' scopes name levels (county, province, ...).") var level: String
            @OptionGroup var write: WriteOptions

            func run() throws {
                try execute {
                    let unitID = try parseID(id, option: "unit id", UnitID.init)!
                    let w = try Write(options, write)
                    let admin = try w.actor(for: .registerUnit(unitID))
                    if let parent = unitID.parent { try w.ledger.requireUnit(parent) }
                    try w.apply(.registerUnit(LedgerModel.Unit(id: unitID, name: name, level: level)), as: admin, name: "unit add")
                }
            }
        }
    }
}
