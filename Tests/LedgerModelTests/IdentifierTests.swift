import LedgerModel
import Testing

@Suite("Identifiers and key identities")
struct IdentifierTests {
    static func problem(_ id: String) -> String? { ActorID.rule.problem(id) }

    @Test("an id's first problem is reported, in a fixed order: empty, length, first character, characters, '..'")
    func flatIDProblems() {
        #expect(Self.problem("north.lead") == nil)
        #expect(Self.problem("a-b_c.9") == nil)
        #expect(Self.problem("") == "actor id must not be empty")
        #expect(Self.problem("-" + String(repeating: "a", count: 64))?.contains("longer than 64") == true)
        #expect(Self.problem("-north")?.contains("must start with lower-case letters or a digit") == true)
        #expect(Self.problem("North")?.contains("must start with") == true)
        #expect(Self.problem("no rth")?.contains("may hold only") == true)
        #expect(Self.problem("北")?.contains("must start with") == true)
        #expect(Self.problem("a..b")?.contains("must not contain \"..\"") == true)
        #expect(Self.problem("a.b.c") == nil)
        #expect(DirectiveID.rule.problem("JF-2019-01") == nil)
    }

    @Test("a key's identity is its type and base64, whatever the comment and spacing")
    func keyIdentity() {
        let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOv"
        #expect(sshKeyIdentity(key) == key)
        #expect(sshKeyIdentity(key + " north.lead@ledger") == key)
        #expect(sshKeyIdentity(key + " two words") == key)
        #expect(sshKeyIdentity("ssh-ed25519  AAAAC3NzaC1lZDI1NTE5AAAAIOv  comment") == key)
        #expect(sshKeyIdentity(" " + key + " comment") == key)
        #expect(sshKeyIdentity("ssh-ed25519") == "ssh-ed25519")
        #expect(sshKeyIdentity("ssh-ed25519 ") == "ssh-ed25519")
        #expect(sshKeyIdentity("") == "")
    }
}
