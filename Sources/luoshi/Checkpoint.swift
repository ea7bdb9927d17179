import ArgumentParser
import Foundation
import Ledger
import LedgerClient
import LedgerModel

extension Luoshi {
    struct CheckpointCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkpoint",
            abstract: "Attest the ledger's head: a checkpoint commit and a signed tag on it.",
            discussion: """
                The actor is the auditor holding --key. The checkpoint is a commit writing checkpoints/<id>.json
                (naming the head it attests) and an annotated tag refs/tags/checkpoints/<id> on that commit,
                SSH-signed so that `git verify-tag` accepts it with `luoshi export allowed-signers`.

                Prints one line, "<checkpoint-id> <commit>": keep it somewhere the ledger's writers cannot
                reach, and check it later with `luoshi verify --expect-checkpoints FILE`.

                Example:
                  luoshi checkpoint --key keys/auditor --note "mid-year" >> ~/kept-checkpoints
                  git -C ledger -c gpg.format=ssh -c gpg.ssh.allowedSignersFile=$PWD/signers verify-tag checkpoints/cp-20190701-000000
                """
        )

        @OptionGroup var options: LedgerOptions
        @Option(help: "A note kept with the checkpoint and in its tag's message.") var note: String?
        @Option(help: "The actor id, when the key belongs to more than one auditor.") var actor: String?
        @Option(help: "The auditor's OpenSSH ed25519 private key file.") var key: String

        func run() throws {
            try execute {
                let signer = try SingleKey(path: key)
                let ledger = try options.open()
                let actorID = try parseID(actor, option: "--actor", ActorID.init)
                    ?? signingActor(holding: signer, in: ledger, for: .checkpoint)
                let event = Event(actor: actorID, at: .now, action: .checkpoint(note: note))
                let result = try ledger.apply([SourcedEvent(event: event, source: InputSource(file: "checkpoint"))], signer: signer)
                guard let commit = result.commits.last, let ref = result.tags.last else {
                    throw LedgerError.internalFailure("the checkpoint made no commit or tag")
                }
                let id = String(ref.dropFirst(CheckpointTags.prefix.count))
                switch options.format {
                case .json:
                    printJSON(.object(["id": .string(id), "commit": .string("\(commit)"), "tag": .string(ref),
                                       "head": result.head.map { .string("\($0)") } ?? .null]))
                case .text:
                    print("\(id) \(commit)")
                    if stderrIsTerminal {
                        FileHandle.standardError.write(Data("luoshi: signed tag \(ref); keep the line above for `luoshi verify --expect-checkpoints`\n".utf8))
                    }
                }
            }
        }
    }

    struct Witness: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Co-sign an existing checkpoint as a supervisor of the auditor's unit or a unit above it.",
            discussion: """
                Writes a signed annotated tag refs/tags/witnesses/<id>/<actor> pointing at the checkpoint's
                tag: a second signature over the checkpoint, checked by `luoshi verify` and by stock git:
                  git -c gpg.format=ssh -c gpg.ssh.allowedSignersFile=signers verify-tag witnesses/<id>/<actor>

                The witness must be a supervisor registered with this key at the checkpoint commit, in the
                auditor's unit or above it (a top-level unit when the auditor has none), and not the auditor.

                Example:
                  luoshi witness checkpoints/cp-20190701-000000 --key keys/central.inspector
                """
        )

        @OptionGroup var options: LedgerOptions
        @Argument(help: "The checkpoint: its id (cp-...) or tag (checkpoints/cp-...).") var checkpoint: String
        @Option(help: "The actor id, when the key belongs to more than one supervisor.") var actor: String?
        @Option(help: "The witness's OpenSSH ed25519 private key file.") var key: String
        @Option(help: ArgumentHelp("Witness through `luoshi serve` at this URL instead of a local ledger (with --actor); signed here.", valueName: "url"))
        var remote: String?

        func run() throws {
            try execute {
                let signer = try SingleKey(path: key)
                if let remote {
                    guard let actorID = try parseID(actor, option: "--actor", ActorID.init) else {
                        throw LedgerError.usage("--remote needs --actor: the supervisor the key signs for (the server checks that it holds the key)")
                    }
                    let ref = try RemoteLedger(url: remote, key: signer.key, actor: actorID).witness(checkpoint)
                    switch options.format {
                    case .json: printJSON(.object(["ref": .string(ref), "witness": actorID.json]))
                    case .text: print("witness: \(ref)")
                    }
                    return
                }
                let ledger = try options.open()
                let actorID = try parseID(actor, option: "--actor", ActorID.init)
                    ?? signingActor(holding: signer, in: ledger, role: ("supervisor", "supervisors")) { $0.has(.supervisor) }
                let result = try ledger.witness(checkpoint, as: actorID, key: signer.key)
                switch options.format {
                case .json: printJSON(result.json)
                case .text: print("witness: \(result.ref) (\(String(describing: result.tag).prefix(12))) co-signs \(result.checkpoint) at \(String(describing: result.commit).prefix(12))")
                }
            }
        }
    }
}

extension Luoshi.Export {
    struct Checkpoints: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the ledger's checkpoints as lines \"<checkpoint-id> <commit>\", oldest first.",
            discussion: """
                Only checkpoints whose signed tag verifies are listed. Keep the output where the ledger's
                writers cannot change it; `luoshi verify --expect-checkpoints FILE` fails if any is later
                missing or moved. Blank lines and lines starting with # are ignored when it is read back.

                Example:
                  luoshi export checkpoints --out ~/kept-checkpoints
                  luoshi verify --expect-checkpoints ~/kept-checkpoints
                """
        )

        @OptionGroup var options: LedgerOptions
        @Option(help: "Write to this file instead of standard output.") var out: String?

        func run() throws {
            try execute {
                let ledger = try options.open()
                let list = try ledger.checkpointList()
                let text = list.map { $0.line + "\n" }.joined()
                if let out {
                    try writeOutputFile(out, Data(text.utf8), outside: ledger)
                } else {
                    print(text, terminator: "")
                }
            }
        }
    }
}
