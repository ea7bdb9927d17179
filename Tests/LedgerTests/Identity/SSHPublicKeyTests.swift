import Foundation
import Ledger
import Testing

@Suite("Parsing OpenSSH public keys")
struct SSHPublicKeyTests {
    @Test("parses a .pub line and writes it back without its comment")
    func roundTripsPublicLine() throws {
        let workspace = try IdentityWorkspace()
        try workspace.makeKey("k", comment: "alice@ledger")
        let line = try workspace.read("k.pub")

        let key = try SSHPublicKey(openSSH: line)

        #expect(key.raw.count == 32)
        #expect(key.openSSH + " alice@ledger\n" == line)
        #expect(try SSHPublicKey(openSSH: key.openSSH) == key)
        #expect(try SSHPublicKey(raw: key.raw) == key)
        #expect(Array(key.wireBytes.suffix(32)) == key.raw)
    }

    @Test("refuses an RSA public key")
    func refusesRSA() throws {
        let workspace = try IdentityWorkspace()
        try workspace.makeKey("k", type: "rsa", extra: ["-b", "2048"])
        let line = try workspace.read("k.pub")

        let error = #expect(throws: IdentityError.self) { try SSHPublicKey(openSSH: line) }

        guard case .badPublicKey = error else {
            Issue.record("expected .badPublicKey, got \(String(describing: error))")
            return
        }
    }

    @Test("refuses malformed lines", arguments: [
        "",
        "ssh-ed25519",
        "ssh-ed25519 not*base64",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE",
        // An RSA blob claimed as ed25519.
        "ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAABAQC7",
    ])
    func refusesMalformedLines(line: String) {
        let error = #expect(throws: IdentityError.self) { try SSHPublicKey(openSSH: line) }
        guard case .badPublicKey = error else {
            Issue.record("expected .badPublicKey, got \(String(describing: error))")
            return
        }
    }

    @Test("refuses a raw key that is not 32 bytes")
    func refusesShortRawKey() {
        #expect(throws: IdentityError.badPublicKey(reason: "an ed25519 key is 32 bytes, this one is 31")) {
            try SSHPublicKey(raw: Array(repeating: 7, count: 31))
        }
    }
}
