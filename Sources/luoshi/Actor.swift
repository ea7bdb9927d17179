public import ArgumentParser
import Ledger
import LedgerModel

extension Role: ExpressibleByArgument {}

extension Luoshi {
    struct ActorCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "actor",
            abstract: "Register the people and systems who sign, and revoke their keys (an admin's job).",
            subcommands: [Add.self, RevokeKey.self]
        )

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Register an actor: who may sign what, for which unit, with which key.",
                discussion: """
                    An actor signs every change it makes with its own ed25519 key. Its roles say what it may do, always
                    for its own unit: admin (register units, actors, keys), issuer (issue and amend directives),
                    implementer (adopt, edit the plan, report, rectify findings), supervisor (open and close findings
                    and approve exemptions of units below its own), auditor (checkpoints).

                    --public-key takes the .pub file `ssh-keygen -t ed25519 -f keys/river.lead` made, or the private
                    key file itself (only its public half is read).

                    Example:
                      luoshi actor add river.lead --name "River County Office" --unit cn/north/river --role implementer \\
                        --public-key keys/river.lead.pub --key keys/admin
                    """
            )

            @OptionGroup var options: LedgerOptions
            @Argument(help: "The actor's id: a-z, 0-9, '.', '_' and '-'.") var id: String
            @Option(help: "The actor's name, in any language.") var name: String
            @Option(help: "The actor's unit (required for every role but admin and auditor).") var unit: String?
            @Option(help: "A role: admin, issuer, implementer, supervisor or auditor (repeatable).") var role: [Role] = []
            @Option(name: .customLong("public-key"), help: ArgumentHelp("The actor's key: a .pub file or an OpenSSH private key file (repeatable).", valueName: "file"))
            var publicKeys: [String] = []
            @OptionGroup var write: WriteOptions

            func validate() throws {
                if role.isEmpty { throw ValidationError("give at least one --role") }
                if publicKeys.isEmpty { throw ValidationError("give the actor's key with --public-key FILE") }
            }

            func run() throws {
                try execute {
                    let actorID = try parseID(id, option: "actor id", ActorID.init)!
                    let unitID = try parseID(unit, option: "--unit", UnitID.init)
                    let keys = try publicKeys.map { try publicKey(fromFile: $0, option: "--public-key").openSSH + " " + actorID.rawValue }
                    if unitID == nil, let scoped = role.first(where: { $0 != .admin && $0 != .auditor }) {
                        throw LedgerError.usage("an actor with the role \(scoped.rawValue) acts for a unit; give it with --unit")
                    }
                    let w = try Write(options, write)
                    let admin = try w.actor(for: .registerActor(actorID))
                    if let unitID { try w.ledger.requireUnit(unitID) }
                    let actor = LedgerModel.Actor(id: actorID, name: name, unit: unitID, roles: role, keys: keys)
                    try w.apply(.registerActor(actor), as: admin, name: "actor add")
                }
            }
        }

        struct RevokeKey: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "revoke-key",
                abstract: "Revoke one of an actor's keys: commits it signs from now on are refused.",
                discussion: """
                    What the key signed before stays valid. The actor keeps its other keys; register a new one with
                    a new actor or keep a second key ready.

                    Example:
                      luoshi actor revoke-key river.lead --public-key keys/river.lead.pub --key keys/admin
                    """
            )

            @OptionGroup var options: LedgerOptions
            @Argument(help: "The actor whose key is revoked.") var id: String
            @Option(name: .customLong("public-key"), help: ArgumentHelp("The key to revoke: a .pub file or the private key file.", valueName: "file"))
            var publicKey: String
            @OptionGroup var write: WriteOptions

            func run() throws {
                try execute {
                    let actorID = try parseID(id, option: "actor id", ActorID.init)!
                    let key = try luoshi.publicKey(fromFile: publicKey, option: "--public-key")
                    let w = try Write(options, write)
                    let admin = try w.actor(for: .revokeKey(of: actorID))
                    try w.ledger.requireActor(actorID)
                    try w.apply(.revokeKey(actor: actorID, key: key.openSSH), as: admin, name: "actor revoke-key")
                }
            }
        }
    }
}
