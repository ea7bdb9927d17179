import Foundation
import Testing

/// The bounded fuzz run CI makes: luoshi-fuzz for 45 seconds from the committed seed corpus, then
/// an independent check with validate.py that a sample of what it accepted satisfies schemas/.
/// `make fuzz FUZZ_SECONDS=3600 FUZZ_SEED=7` runs it longer (README: Fuzzing).
@Suite("Fuzzing: no crash, hang or accepted-but-invalid input")
struct FuzzTests {
    static let fuzzer = URL(fileURLWithPath: luoshiBinary).deletingLastPathComponent().appendingPathComponent("luoshi-fuzz").path

    static var schemaCheckerAvailable: Bool {
        (try? run("python3", ["-c", "import jsonschema, referencing, rfc3339_validator, regex"]).status) == 0
    }

    @Test("45 seconds of seeded mutations of the corpus find nothing, and validate.py accepts the sample")
    func boundedRun() throws {
        let folder = try TemporaryFolder()
        var args = ["--seconds", "45", "--seed", "1", "--corpus", "Tests/Fuzz/corpus", "--corpus", "Tests/LedgerModelTests/Fixtures",
                    "--artifacts", folder.path("artifacts"), "--sample", folder.path("sample")]
        let validate = Self.schemaCheckerAvailable
        if validate { args += ["--validate", "scripts/validate.py"] }
        let r = try run(Self.fuzzer, args, cwd: repositoryRoot)
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("luoshi-fuzz: ok"), "\(r.stdout)")
        if validate { #expect(r.stdout.contains("validate.py accepts every one"), "\(r.stdout)") }
        // It did real work: records of every kind accepted along the way. How many inputs it tried in
        // 45 s depends on the machine, so that is printed, not asserted beyond "some".
        let first = r.stdout.split(separator: "\n").first.map(String.init) ?? ""
        let inputs = Int(first.split(separator: " ").dropFirst().first ?? "") ?? 0
        #expect(inputs > 0, "\(first)")
        print("fuzz: \(first)")
        for kind in ["ledger", "actor", "unit", "directive", "plan", "progress", "finding", "checkpoint"] {
            #expect(r.stdout.contains("record \(kind) "), "no \(kind) record accepted: \(r.stdout)")
        }
    }

    @Test("--replay runs saved inputs through every target; a missing file is a usage error")
    func replay() throws {
        let folder = try TemporaryFolder()
        // How a failure found by a long run is examined: the saved input, replayed.
        try Data("directives/D-1/plans/cn/north/plan.json".utf8).write(to: URL(fileURLWithPath: folder.path("path.bin")))
        try Data([0xFF, 0x00, 0x7B]).write(to: URL(fileURLWithPath: folder.path("garbage.bin")))
        let r = try run(Self.fuzzer, ["--artifacts", folder.path("a"), "--replay", folder.path("path.bin"), folder.path("garbage.bin")])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("path.bin: ok") && r.stdout.contains("path true"), "\(r.stdout)")
        let missing = try run(Self.fuzzer, ["--artifacts", folder.path("a"), "--replay", folder.path("none.bin")])
        #expect(missing.status == 64, "\(missing.stdout)\(missing.stderr)")
    }
}
