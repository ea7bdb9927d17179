import ArgumentParser
import Ledger
import LedgerModel

extension Luoshi {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a ledger and its genesis commit.",
            discussion: """
                The genesis commit registers the first admin and its public key: the root of trust every later
                signature is checked against. It also installs the receive check as the ledger's pre-receive
                hook (see `luoshi verify-push`), so a push through any git server is judged before it lands.

                Example:
                  ssh-keygen -t ed25519 -N '' -f keys/admin
                  luoshi init ./ledger --admin admin --key keys/admin --name "Burden reduction 2019"
                """
        )

        @Argument(help: "The folder to create the ledger in (must not exist, or be empty).")
        var path: String

        @Option(help: "Id of the first admin (lower-case letters, digits, '.', '_', '-').")
        var admin: String

        @Option(help: "The admin's OpenSSH ed25519 private key file (no passphrase).")
        var key: String

        @Option(help: "The ledger's name (default: the folder's name).")
        var name: String?

        @Option(help: "The admin's display name (default: the admin id).")
        var adminName: String?

        @Option(help: "Output: text or json.")
        var format: OutputFormat = .text

        func run() throws {
            try execute {
                guard let adminID = try parseID(admin, option: "--admin", ActorID.init) else { return }
                let signer = try SingleKey(path: key)
                let ledgerName = name ?? String(path.split(separator: "/").last ?? "ledger")
                let ledger = try Ledger.create(at: path, name: ledgerName, admin: adminID, adminName: adminName, key: signer.key)
                try ReceiveHook.install(ledger: ledger.path, executable: thisExecutable)
                let head = try ledger.head()
                switch format {
                case .json: printJSON(.object(["ledger": .string(path), "head": .string("\(head)"), "admin": adminID.json]))
                case .text: print("created ledger \"\(ledgerName)\" at \(path), genesis \(String(describing: head).prefix(12)), admin \(adminID)")
                }
            }
        }
    }
}
