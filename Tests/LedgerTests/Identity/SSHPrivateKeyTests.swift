import Foundation
import Ledger
import Testing

@Suite("Reading OpenSSH private keys")
struct SSHPrivateKeyTests {
    @Test("reads an ed25519 key made by ssh-keygen, with its public key, comment and fingerprint")
    func readsKeygenKey() throws {
        let workspace = try IdentityWorkspace()
        let path = try workspace.makeKey("k", comment: "alice")

        let key = try SSHPrivateKey(fileAt: path)

        let publicLine = try workspace.read("k.pub").split(separator: " ")
        #expect(key.publicKey.openSSH == publicLine[0...1].joined(separator: " "))
        #expect(key.comment == "alice")
        let listing = try workspace.run("ssh-keygen", ["-l", "-f", workspace.path("k.pub")])
        #expect(listing.succeeded)
        #expect(key.publicKey.fingerprint == String(listing.output.split(separator: " ")[1]))
    }

    @Test("signs so that the public key verifies, and not another message")
    func signsRawEd25519() throws {
        let workspace = try IdentityWorkspace()
        let key = try SSHPrivateKey(fileAt: try workspace.makeKey("k"))
        let message = Array("ledger entry".utf8)

        let signature = try key.sign(message)

        #expect(signature.count == 64)
        #expect(key.publicKey.isValidSignature(signature, for: message))
        #expect(!key.publicKey.isValidSignature(signature, for: Array("ledger entrY".utf8)))
    }

    @Test("never prints its secret when described")
    func descriptionHidesSecret() throws {
        let workspace = try IdentityWorkspace()
        let key = try SSHPrivateKey(fileAt: try workspace.makeKey("k", comment: "alice"))
        var dumped = ""
        dump(key, to: &dumped)
        #expect("\(key)" == "SSHPrivateKey(\(key.publicKey.fingerprint) alice)")
        #expect(!dumped.contains("seed"))
    }

    @Test("refuses an encrypted key, saying how to make an unencrypted one")
    func refusesEncryptedKey() throws {
        let workspace = try IdentityWorkspace()
        let path = try workspace.makeKey("k", passphrase: "secret")

        let error = #expect(throws: IdentityError.self) { try SSHPrivateKey(fileAt: path) }

        #expect(error == .encrypted(path: path, cipher: "aes256-ctr"))
        #expect(error?.description == "the key file \(path) is encrypted (aes256-ctr); Luoshi needs an "
            + "unencrypted key: make one with `ssh-keygen -t ed25519 -N '' -f \(path)`")
    }

    @Test("refuses RSA and ECDSA keys as not ed25519", arguments: [
        (["-t", "rsa", "-b", "2048"], "ssh-rsa"),
        (["-t", "ecdsa"], "ecdsa-sha2-nistp256"),
        (["-t", "rsa", "-b", "2048", "-m", "PEM"], "ssh-rsa (PEM)"),
    ])
    func refusesOtherKeyTypes(keygenOptions: [String], keyType: String) throws {
        let workspace = try IdentityWorkspace()
        let run = try workspace.run(
            "ssh-keygen", ["-q"] + keygenOptions + ["-N", "", "-C", "alice", "-f", workspace.path("k")])
        try #require(run.succeeded, "\(run.errorOutput)")
        let path = workspace.path("k")

        let error = #expect(throws: IdentityError.self) { try SSHPrivateKey(fileAt: path) }

        #expect(error == .notEd25519(path: path, keyType: keyType))
    }

    @Test("reports a missing file as unreadable")
    func missingFileIsUnreadable() throws {
        let workspace = try IdentityWorkspace()
        let path = workspace.path("keys/nobody")

        let error = #expect(throws: IdentityError.self) { try SSHPrivateKey(fileAt: path) }

        #expect(error == .unreadable(path: path, reason: "no such file"))
        #expect(error?.description.hasPrefix("could not read the key file \(path) (no such file)") == true)
    }

    @Test("reports a directory as unreadable")
    func directoryIsUnreadable() throws {
        let workspace = try IdentityWorkspace()
        let error = #expect(throws: IdentityError.self) { try SSHPrivateKey(fileAt: workspace.directory.path) }
        #expect(error == .unreadable(path: workspace.directory.path, reason: "it is a directory"))
    }

    /// Ways to spoil a good key file, each of which must be reported as damaged.
    enum Damage: String, CaseIterable, CustomTestStringConvertible {
        case truncatedBlob, garbledBase64, flippedSeed, differingCheckIntegers, missingEndLine, plainText,
             publicKeyFile

        var testDescription: String { rawValue }

        /// The reason the error gives, which shows the damage was caught by the intended check.
        var reason: String {
            switch self {
            case .truncatedBlob: "it ends in the middle of a field"
            case .garbledBase64: "its body is not valid base64"
            case .flippedSeed: "its stored public key does not belong to its private key"
            case .differingCheckIntegers: "the check integers of its private section differ"
            case .missingEndLine: "its -----END OPENSSH PRIVATE KEY----- line is missing"
            case .plainText: "it does not start with -----BEGIN OPENSSH PRIVATE KEY-----"
            case .publicKeyFile: "it is a public key; give the private key file, without .pub"
            }
        }

        func apply(toKeyText text: String, publicLine: String) -> String {
            let lines = text.split(separator: "\n").map(String.init)
            var blob = Array(Data(base64Encoded: lines[1..<(lines.count - 1)].joined())!)
            // The 64-byte private key is the only string of length 64 in the file.
            let keyPairStart = (0..<(blob.count - 4)).first { blob[$0..<$0 + 4] == [0, 0, 0, 64] }! + 4
            // Private section: checkint, checkint, string "ssh-ed25519", string pub, string keypair.
            let checkIntStart = keyPairStart - 4 - (4 + 32) - (4 + 11) - 8
            switch self {
            case .truncatedBlob:
                blob = Array(blob.prefix(120))
            case .garbledBase64:
                return text.replacingOccurrences(of: lines[2], with: "!!" + lines[2].dropFirst(2))
            case .flippedSeed:
                blob[keyPairStart] ^= 0x01
            case .differingCheckIntegers:
                blob[checkIntStart + 3] ^= 0x01
            case .missingEndLine:
                return lines.dropLast().joined(separator: "\n")
            case .plainText:
                return "not a key at all\n"
            case .publicKeyFile:
                return publicLine
            }
            let body = Data(blob).base64EncodedString(options: .lineLength64Characters)
            return "\(lines[0])\n\(body)\n\(lines[lines.count - 1])\n"
        }
    }

    @Test("reports a spoiled key file as damaged", arguments: Damage.allCases)
    func spoiledFileIsDamaged(damage: Damage) throws {
        let workspace = try IdentityWorkspace()
        try workspace.makeKey("k")
        let spoiled = damage.apply(toKeyText: try workspace.read("k"), publicLine: try workspace.read("k.pub"))
        try workspace.write(spoiled, to: "spoiled")
        let path = workspace.path("spoiled")

        let error = #expect(throws: IdentityError.self) { try SSHPrivateKey(fileAt: path) }

        #expect(error == .damaged(path: path, reason: damage.reason))
    }

    @Test("names the source given with pem text in its errors")
    func pemSourceInErrors() throws {
        let error = #expect(throws: IdentityError.self) {
            try SSHPrivateKey(pem: "", source: "LUOSHI_KEY")
        }
        #expect(error == .damaged(path: "LUOSHI_KEY", reason: "it is empty"))
    }
}
