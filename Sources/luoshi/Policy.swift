import ArgumentParser
import Ledger
import LedgerModel

extension Luoshi {
    struct PolicyCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "policy",
            abstract: "Change the ledger's policy: the thresholds the flags are raised by (an admin's job).",
            subcommands: [Set.self]
        )

        struct Set: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Set policy thresholds, name=value; the others stay as they are.",
                discussion: """
                    Names: adoptWithinDays, backdateDays, rushShare, rushWindowDays, staleDays, examineWithinDays,
                    maxReportsPerMonth, maxTimeSkewDays. `luoshi show ledger` prints the policy now.

                    Example:
                      luoshi policy set staleDays=60 examineWithinDays=21 --key keys/admin
                    """
            )

            @OptionGroup var options: LedgerOptions
            @Argument(help: ArgumentHelp("A threshold and its value (one or more).", valueName: "name=value")) var settings: [String]
            @OptionGroup var write: WriteOptions

            func run() throws {
                try execute {
                    var patch: [String: JSONValue] = [:]
                    for s in settings {
                        let parts = s.split(separator: "=", maxSplits: 1).map(String.init)
                        guard parts.count == 2, let value = try? JSONParser.parse(Array(parts[1].utf8)), value.doubleValue != nil else {
                            throw LedgerError.usage("\(s): give name=value with a number, e.g. staleDays=60")
                        }
                        patch[parts[0]] = value
                    }
                    var probe = Policy()
                    do { try probe.merge(.object(patch), at: .root) } catch let e as LedgerModel.ValidationError {
                        let name = e.pointer.tokens.first ?? ""
                        let known = ["adoptWithinDays", "backdateDays", "rushShare", "rushWindowDays", "staleDays", "examineWithinDays", "maxReportsPerMonth", "maxTimeSkewDays"]
                        let near = NearestNames.nearest(name, among: known)
                        throw LedgerError.usage("\(name): \(e.reason)" + (near.isEmpty || known.contains(name) ? "" : "; did you mean \(near.joined(separator: " or "))?"))
                    }
                    let w = try Write(options, write)
                    let admin = try w.actor(for: .setPolicy)
                    try w.apply(.setPolicy(.object(patch)), as: admin, name: "policy set")
                }
            }
        }
    }
}
