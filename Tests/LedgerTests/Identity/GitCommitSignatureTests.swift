import Foundation
import Ledger
import Testing

@Suite("Signed git commits, checked with git verify-commit")
struct GitCommitSignatureTests {
    /// A repository with one unsigned commit by alice@ledger and an allowed-signers file for her key.
    private static func repository() throws -> (IdentityWorkspace, SSHPrivateKey) {
        let workspace = try IdentityWorkspace()
        let key = try SSHPrivateKey(fileAt: try workspace.makeKey("k", comment: "alice"))
        try workspace.write("alice@ledger \(key.publicKey.openSSH)\n", to: "allowed_signers")
        for arguments in [
            ["init", "-q", "repo"],
            ["-C", "repo", "-c", "user.name=Alice", "-c", "user.email=alice@ledger",
             "commit", "-q", "--allow-empty", "-m", "first entry"],
        ] {
            let run = try workspace.run("git", arguments)
            try #require(run.succeeded, "\(run.errorOutput)")
        }
        return (workspace, key)
    }

    /// Inserts `signature` as a `gpgsig` header after the committer line, continuation lines indented.
    private static func signedCommit(_ payload: String, signature: String) throws -> String {
        var lines = payload.components(separatedBy: "\n")
        let committer = try #require(lines.firstIndex { $0.hasPrefix("committer ") })
        let armour = signature.hasSuffix("\n") ? String(signature.dropLast()) : signature
        lines.insert("gpgsig " + armour.replacingOccurrences(of: "\n", with: "\n "), at: committer + 1)
        return lines.joined(separator: "\n")
    }

    private static func writeCommit(_ text: String, in workspace: IdentityWorkspace) throws -> String {
        let run = try workspace.run("git", ["-C", "repo", "hash-object", "-t", "commit", "-w", "--stdin"],
                                    input: Array(text.utf8))
        try #require(run.succeeded, "\(run.errorOutput)")
        return run.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func verifyCommit(_ id: String, in workspace: IdentityWorkspace) throws -> IdentityWorkspace.Run {
        try workspace.run("git", [
            "-C", "repo", "-c", "gpg.format=ssh", "-c", "gpg.ssh.allowedSignersFile=\(workspace.path("allowed_signers"))",
            "verify-commit", id,
        ])
    }

    @Test("a commit signed by Luoshi passes git verify-commit, and fails once its message is changed")
    func verifyCommitAcceptsOurSignature() throws {
        let (workspace, key) = try Self.repository()
        let payload = try workspace.run("git", ["-C", "repo", "cat-file", "commit", "HEAD"]).output
        #expect(payload.contains("committer Alice <alice@ledger>"))

        let signed = try Self.signedCommit(payload, signature: try SSHSignature.sign(Array(payload.utf8), with: key))
        let id = try Self.writeCommit(signed, in: workspace)
        let good = try Self.verifyCommit(id, in: workspace)
        #expect(good.succeeded, "\(good.errorOutput)")
        #expect(good.errorOutput.contains("Good \"git\" signature for alice@ledger"))

        let tampered = signed.replacingOccurrences(of: "first entry", with: "first entrY")
        let tamperedID = try Self.writeCommit(tampered, in: workspace)
        #expect(tamperedID != id)
        #expect(!(try Self.verifyCommit(tamperedID, in: workspace)).succeeded)
    }

    @Test("the signature git commit -S makes with the same key is accepted by SSHSignature.verify")
    func acceptsGitSignature() throws {
        let (workspace, key) = try Self.repository()
        let commit = try workspace.run("git", [
            "-C", "repo", "-c", "user.name=Alice", "-c", "user.email=alice@ledger", "-c", "gpg.format=ssh",
            "-c", "user.signingkey=\(workspace.path("k"))", "commit", "-q", "-S", "--allow-empty", "-m", "second entry",
        ])
        try #require(commit.succeeded, "\(commit.errorOutput)")
        let object = try workspace.run("git", ["-C", "repo", "cat-file", "commit", "HEAD"]).output

        // Split the object into the payload git signed and the armour in its gpgsig header.
        var payloadLines: [String] = []
        var armourLines: [String] = []
        var inSignature = false
        for line in object.components(separatedBy: "\n") {
            if line.hasPrefix("gpgsig ") {
                inSignature = true
                armourLines.append(String(line.dropFirst("gpgsig ".count)))
            } else if inSignature, line.hasPrefix(" ") {
                armourLines.append(String(line.dropFirst()))
            } else {
                inSignature = false
                payloadLines.append(line)
            }
        }
        try #require(!armourLines.isEmpty)
        let payload = Array(payloadLines.joined(separator: "\n").utf8)
        let armour = armourLines.joined(separator: "\n")

        #expect(try SSHSignature.verify(armour, message: payload) == key.publicKey)
        #expect(throws: IdentityError.self) {
            try SSHSignature.verify(armour, message: payload + Array("x".utf8))
        }
    }
}
