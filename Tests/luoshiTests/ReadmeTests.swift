import Foundation
import Testing

/// The README is true: every command block in it runs on the sample as shown (scripts/readme.py).
@Suite("The README's commands run as shown on the sample")
struct ReadmeTests {
    @Test("every console transcript prints what the README shows, and every sh block succeeds")
    func transcripts() throws {
        let r = try run("python3", [repositoryRoot.appendingPathComponent("scripts/readme.py").path, luoshiBinary])
        #expect(r.status == 0, "\(r.stderr)")
        let summary = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(summary.hasSuffix("README commands run, 0 failed"), "\(summary)")
        // The sessions of "Doing each job" alone are more than 20 commands.
        #expect((Int(summary.split(separator: " ").first ?? "") ?? 0) >= 30, "\(summary)")
    }
}
