import Foundation
import Testing

/// The short soak: scripts/soak.sh for 20 seconds (8 writers, kill -9 of random writers, readers
/// in loops), which proves at the end that no acknowledged write was lost, fsck and verify are
/// clean. `make soak` runs the long one.
@Suite("Soak: writers killed, readers reading, nothing acknowledged lost")
struct SoakTests {
    @Test("a 20-second soak ends with every acknowledged event in the ledger and fsck and verify clean")
    func shortSoak() throws {
        let script = repositoryRoot.appendingPathComponent("scripts/soak.sh").path
        let started = Date()
        let r = try run("bash", [script, luoshiBinary, "20"])
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        let ok = try #require(lines.last { $0.hasPrefix("soak: ok: ") }, "no success line: \(r.stdout)\n\(r.stderr)")
        // "soak: ok: N events written, M acknowledged and all present, K kills survived, ..."
        let numbers = ok.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        #expect(numbers.count >= 3 && numbers[0] > 0 && numbers[1] > 0 && numbers[1] <= numbers[0], "\(ok)")
        #expect(numbers.count >= 3 && numbers[2] > 0, "at least one writer was killed: \(ok)")
        // How long the load, the last rounds and the checks took is a figure to read, not a pass mark:
        // a shared machine may be slow without anything being wrong.
        print("soak: \(ok.dropFirst("soak: ok: ".count)); \(String(format: "%.1f", Date().timeIntervalSince(started))) s in all")
    }
}
