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

    @Test("clause ids are written as documents number them, in any script, and kept in NFC")
    func clauseIDs() throws {
        for id in ["1", "5(2)(a)", "Art-7", "一", "（二）", "第三条", "(", "4.1_b", "धारा", "Ⅲ", "①"] {
            #expect(ClauseID.problem(id) == nil, "\(id)")
            #expect(try ClauseID(id).rawValue == id)
        }
        // Two spellings of é are one id, kept precomposed.
        let decomposed = try ClauseID("e\u{301}")
        #expect(Array(decomposed.rawValue.utf8) == [0xC3, 0xA9])
        #expect(decomposed == (try ClauseID("\u{E9}")))
        #expect(Array(try ClauseID(json: .string("\u{1100}\u{1161}"), at: .root).rawValue.unicodeScalars) == ["\u{AC00}"])
        #expect(ClauseID.problem("") == "clause id must not be empty")
        #expect(ClauseID.problem(String(repeating: "三", count: 32)) == nil)
        #expect(ClauseID.problem(String(repeating: "三", count: 33))?.contains("is 33 characters long; at most 32") == true)
        let refused: [(String, String)] = [
            ("a b", "holds U+0020 (a space)"), ("1\t2", "holds U+0009 (a control character)"),
            ("第\u{200D}三条", "\"第<U+200D>三条\" holds U+200D (an invisible format character)"),
            ("1\u{202E}2", "holds U+202E (a bidirectional control)"), ("第三\u{3000}条", "holds U+3000 (a space)"),
            ("a/b", "holds '/' U+002F"), ("1,2", "holds ',' U+002C"), ("[1]", "holds '[' U+005B"),
        ]
        for (id, problem) in refused {
            let message = try #require(ClauseID.problem(id), "\(id.debugDescription) was accepted")
            #expect(message.contains(problem), "\(message)")
            #expect(message.contains("letters and digits of any script"), "\(message)")
        }
    }

    @Test("levels are labels in any script, without controls, line breaks or bidirectional controls")
    func levels() {
        for level in ["province", "县", "省", "Land", "Kreis", "County Borough", "City"] { #expect(levelProblem(level) == nil, "\(level)") }
        #expect(levelProblem("市\n")?.contains("holds U+000A (a control character)") == true)
        #expect(levelProblem("市\u{2028}")?.contains("holds U+2028 (a line break)") == true)
        #expect(levelProblem("\u{202E}县")?.contains("holds U+202E (a bidirectional control)") == true)
        #expect(levelProblem("") == "a level must not be empty or blank")
        #expect(levelProblem("  ") == "a level must not be empty or blank")
        #expect(levelProblem(String(repeating: "县", count: 33))?.contains("at most 32") == true)
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

    @Test("a public key's field is 68 base64 characters, counted as bytes: a letter with a combining mark is refused")
    func keyField() throws {
        let good = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICfsyuvDnpU18mTg2ArHcz6LEc/MNqtKYVfU1Yh71ePH comment"
        try sshKeyCheck(good, .root)
        // "e" + U+0301 is one Character, so the field still counts 68 Characters; it is 69 scalars and no base64.
        let marked = good.replacingOccurrences(of: "71ePH", with: "71e\u{301}PH")
        #expect(throws: ValidationError.self) { try sshKeyCheck(marked, .root) }
        #expect(throws: ValidationError.self) { try sshKeyCheck(good.replacingOccurrences(of: "71ePH", with: "71éPH"), .root) }
        #expect(throws: ValidationError.self) { try sshKeyCheck(good.replacingOccurrences(of: "71ePH", with: "71-PH"), .root) }
    }
}
