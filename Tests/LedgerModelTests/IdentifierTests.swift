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

    @Test("a unit id is lower-case segments of a-z, 0-9 and '-', each starting with a letter or digit, at most 12 deep")
    func unitIDProblems() {
        #expect(UnitID.problem("cn") == nil)
        #expect(UnitID.problem("cn/p00/c-1/k0000") == nil)
        #expect(UnitID.problem(Array(repeating: "a", count: 12).joined(separator: "/")) == nil)
        #expect(UnitID.problem(Array(repeating: "a", count: 13).joined(separator: "/"))?.contains("13 levels deep") == true)
        #expect(UnitID.problem("") == "a unit id must not be empty")
        for empty in ["/cn", "cn/", "cn//east", "/"] {
            #expect(UnitID.problem(empty)?.contains("empty segment") == true, "\(empty)")
        }
        for bad in ["cn/East", "cn/-east", "-cn", "cn/ea st", "cn/東", "cn/e_st", "cn/e.st"] {
            #expect(UnitID.problem(bad)?.contains("must be lower-case segments") == true, "\(bad)")
        }
    }

    @Test("a record's path reads back as the record it names; other paths name none")
    func recordPaths() throws {
        let unit = try UnitID("cn/east-1/k0")
        let paths: [RecordPath] = [
            .ledger, .actor("north.lead"), .unit(unit), .unit(try UnitID("cn")), .directive("JF-2019-01"),
            .plan("JF-2019-01", unit), .progress("JF-2019-01", unit), .finding("F-1"), .checkpoint("2020-01"),
        ]
        for path in paths { #expect(RecordPath(path: path.path) == path, "\(path.path)") }
        let none = [
            "", "ledger.json/x", "notes.txt", "actors/a/b.json", "actors/a.txt", "actors/A.json", "units/unit.json",
            "units//unit.json", "units/cn/unit.txt", "units/Cn/unit.json", "directives/D/plan.json",
            "directives/D/plans/plan.json", "directives/D/plans/cn/notes.json", "directives/D/plans/cn/", "directives/D",
            "directives/D/directive.json/x", "directives/a b/directive.json", "findings/x/y.json", "checkpoints/.json",
            // Not ASCII: a combining mark after a name it follows, a letter outside [a-z0-9].
            "units/é/unit.json", "units/cn/unit.json\u{301}", "directives/D/plans/cn/plan.json\u{301}", "actors/a.json\u{301}",
            "directives/D\u{301}/directive.json", "directives/D/plans/cn/\u{301}/progress.json",
        ]
        for path in none { #expect(RecordPath(path: path) == nil, "\(path)") }
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
