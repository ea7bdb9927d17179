import Foundation
import Ledger
import Testing

@Suite("SSHSIG signatures, checked against ssh-keygen -Y")
struct SSHSignatureTests {
    /// A workspace holding alice's key `k` and an allowed_signers file naming her.
    private static func aliceWorkspace() throws -> (IdentityWorkspace, SSHPrivateKey) {
        let workspace = try IdentityWorkspace()
        let key = try SSHPrivateKey(fileAt: try workspace.makeKey("k", comment: "alice"))
        try workspace.write("alice \(key.publicKey.openSSH)\n", to: "allowed_signers")
        return (workspace, key)
    }

    private static func keygenVerify(
        in workspace: IdentityWorkspace, signature: String, message: [UInt8], namespace: String
    ) throws -> IdentityWorkspace.Run {
        try workspace.write(signature, to: "message.sig")
        return try workspace.run(
            "ssh-keygen",
            ["-Y", "verify", "-f", workspace.path("allowed_signers"), "-I", "alice", "-n", namespace,
             "-s", workspace.path("message.sig")],
            input: message)
    }

    private static func keygenSign(
        in workspace: IdentityWorkspace, message: [UInt8], namespace: String = "git", options: [String] = []
    ) throws -> String {
        try workspace.write(message, to: "message")
        let run = try workspace.run(
            "ssh-keygen", ["-q", "-Y", "sign", "-f", workspace.path("k"), "-n", namespace] + options
                + [workspace.path("message")])
        try #require(run.succeeded, "\(run.errorOutput)")
        return try workspace.read("message.sig")
    }

    @Test("a signature Luoshi makes is accepted by ssh-keygen -Y verify")
    func keygenAcceptsOurSignature() throws {
        let (workspace, key) = try Self.aliceWorkspace()
        let message = Array("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\nfirst entry\n".utf8)

        let signature = try SSHSignature.sign(message, with: key)

        let run = try Self.keygenVerify(in: workspace, signature: signature, message: message, namespace: "git")
        #expect(run.succeeded, "\(run.output)\(run.errorOutput)")
        #expect(run.output.contains("Good \"git\" signature for alice"))
    }

    @Test("ssh-keygen -Y verify rejects our signature over a tampered message")
    func keygenRejectsTamperedMessage() throws {
        let (workspace, key) = try Self.aliceWorkspace()
        let signature = try SSHSignature.sign(Array("amount: 100\n".utf8), with: key)

        let run = try Self.keygenVerify(
            in: workspace, signature: signature, message: Array("amount: 900\n".utf8), namespace: "git")

        #expect(!run.succeeded)
    }

    @Test("ssh-keygen -Y verify rejects our git signature in namespace file")
    func keygenRejectsOtherNamespace() throws {
        let (workspace, key) = try Self.aliceWorkspace()
        let message = Array("amount: 100\n".utf8)
        let signature = try SSHSignature.sign(message, with: key)

        let run = try Self.keygenVerify(in: workspace, signature: signature, message: message, namespace: "file")

        #expect(!run.succeeded)
    }

    @Test("the armour wraps base64 at 70 columns and ends in a newline")
    func armourShape() throws {
        let (_, key) = try Self.aliceWorkspace()

        let signature = try SSHSignature.sign(Array("x".utf8), with: key, namespace: "file")

        #expect(signature.hasPrefix("-----BEGIN SSH SIGNATURE-----\n"))
        #expect(signature.hasSuffix("\n-----END SSH SIGNATURE-----\n"))
        let body = signature.split(separator: "\n").dropFirst().dropLast()
        #expect(body.dropLast().allSatisfy { $0.count == 70 })
        #expect((1...70).contains(body.last?.count ?? 0))
    }

    @Test("verifies its own signature and returns the signer's key")
    func verifiesOwnSignature() throws {
        let (_, key) = try Self.aliceWorkspace()
        let message = Array("entry".utf8)

        let signer = try SSHSignature.verify(try SSHSignature.sign(message, with: key), message: message)

        #expect(signer == key.publicKey)
    }

    @Test("accepts what ssh-keygen -Y sign writes, with sha512 and with sha256", arguments: [
        [String](), ["-O", "hashalg=sha256"],
    ])
    func acceptsKeygenSignature(options: [String]) throws {
        let (workspace, key) = try Self.aliceWorkspace()
        let message = Array("amount: 100\n".utf8)
        let signature = try Self.keygenSign(in: workspace, message: message, options: options)

        let signer = try SSHSignature.verify(signature, message: message, namespace: "git")

        #expect(signer == key.publicKey)
    }

    @Test("rejects a ssh-keygen signature for a different message")
    func rejectsDifferentMessage() throws {
        let (workspace, _) = try Self.aliceWorkspace()
        let signature = try Self.keygenSign(in: workspace, message: Array("amount: 100\n".utf8))

        let error = #expect(throws: IdentityError.self) {
            try SSHSignature.verify(signature, message: Array("amount: 900\n".utf8))
        }

        guard case .badSignature = error else {
            Issue.record("expected .badSignature, got \(String(describing: error))")
            return
        }
    }

    @Test("rejects a ssh-keygen signature made for another namespace")
    func rejectsDifferentNamespace() throws {
        let (workspace, _) = try Self.aliceWorkspace()
        let message = Array("amount: 100\n".utf8)
        let signature = try Self.keygenSign(in: workspace, message: message, namespace: "file")

        #expect(throws: IdentityError.wrongNamespace(expected: "git", found: "file")) {
            try SSHSignature.verify(signature, message: message)
        }
    }

    @Test("rejects a hash algorithm other than sha256 and sha512")
    func rejectsUnsupportedHash() throws {
        let (_, key) = try Self.aliceWorkspace()
        let message = Array("entry".utf8)
        let signature = try SSHSignature.sign(message, with: key)
        let lines = signature.split(separator: "\n").map(String.init)
        var blob = Array(Data(base64Encoded: lines[1..<(lines.count - 1)].joined())!)
        let sha512 = Array("sha512".utf8)
        let at = try #require((0...(blob.count - sha512.count)).first { Array(blob[$0..<$0 + 6]) == sha512 })
        blob.replaceSubrange(at..<at + 6, with: Array("sha384".utf8))
        let altered = "\(lines[0])\n\(Data(blob).base64EncodedString())\n\(lines[lines.count - 1])\n"

        #expect(throws: IdentityError.unsupportedHashAlgorithm("sha384")) {
            try SSHSignature.verify(altered, message: message)
        }
    }

    @Test("rejects text that is not armoured", arguments: [
        "",
        "hello\n",
        "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n",
        "-----BEGIN SSH SIGNATURE-----\n-----END SSH SIGNATURE-----\n",
        "-----BEGIN SSH SIGNATURE-----\n***\n-----END SSH SIGNATURE-----\n",
    ])
    func rejectsBadArmour(text: String) {
        let error = #expect(throws: IdentityError.self) { try SSHSignature.verify(text, message: []) }
        guard case .badArmour = error else {
            Issue.record("expected .badArmour, got \(String(describing: error))")
            return
        }
    }

    @Test("rejects a blob that is cut short")
    func rejectsTruncatedBlob() throws {
        let text = "-----BEGIN SSH SIGNATURE-----\n\(Data("SSHSIG\0\0\0\u{1}".utf8).base64EncodedString())\n"
            + "-----END SSH SIGNATURE-----\n"
        #expect(throws: IdentityError.badSignature(reason: "its blob ends in the middle of a field")) {
            try SSHSignature.verify(text, message: [])
        }
    }

    @Test("refuses to sign with an empty namespace")
    func refusesEmptyNamespace() throws {
        let (_, key) = try Self.aliceWorkspace()
        #expect(throws: IdentityError.emptyNamespace) {
            try SSHSignature.sign([], with: key, namespace: "")
        }
    }
}
