import Foundation
import Testing
@testable import LedgerRender

/// The text diff is Myers' in linear space: minimal, in memory that grows with the texts, and with
/// a bound on its work after which it settles for a coarser diff and says so.
@Suite("Text diff")
struct TextDiffTests {
    /// The length of a longest common subsequence, by the quadratic table (small inputs only).
    static func lcs(_ x: [String], _ y: [String]) -> Int {
        var row = [Int](repeating: 0, count: y.count + 1)
        for i in stride(from: x.count - 1, through: 0, by: -1) {
            var next = [Int](repeating: 0, count: y.count + 1)
            for j in stride(from: y.count - 1, through: 0, by: -1) {
                next[j] = x[i] == y[j] ? row[j + 1] + 1 : max(row[j], next[j + 1])
            }
            row = next
        }
        return row[0]
    }

    @Test("a seeded sweep: the pieces rebuild both texts and keep a longest common subsequence")
    func minimalAndFaithful() {
        var state: UInt64 = 13
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        let alphabet = ["必", "须", "可", "以", "a ", "b ", "must ", "may "]
        for _ in 0..<400 {
            let a = (0..<next(30)).map { _ in alphabet[next(alphabet.count)] }.joined()
            let b = (0..<next(30)).map { _ in alphabet[next(alphabet.count)] }.joined()
            let (pieces, coarse) = TextDiff.diff(a, b)
            #expect(!coarse)
            var before = "", after = "", same: [String] = []
            for p in pieces {
                switch p {
                case .same(let s): before += s; after += s; same.append(s)
                case .removed(let s): before += s
                case .added(let s): after += s
                }
            }
            #expect(before == a && after == b, "\(a) | \(b): \(pieces)")
            let kept = TextDiff.tokens(same.joined()).count
            #expect(kept == Self.lcs(TextDiff.tokens(a), TextDiff.tokens(b)), "\(a) | \(b)")
        }
    }

    @Test("a 100 KB Chinese clause edited in a few places diffs finely")
    func longClause() {
        let sentence = "各地必须结合实际精简会议文件，切实减轻基层负担。"
        let a = String(repeating: sentence, count: 4_000)
        var b = a
        b.replace("必须结合实际", with: "可以结合实际", maxReplacements: 3)
        #expect(a.utf8.count > 100_000)
        let (pieces, coarse) = TextDiff.diff(a, b)
        #expect(!coarse)
        #expect(pieces.filter { if case .added = $0 { true } else { false } }.count == 3)
    }

    @Test("past the work limit the diff is coarser and says so")
    func workLimit() {
        let a = (0..<2_000).map { "w\($0) " }.joined(), b = (0..<2_000).map { "w\(($0 * 7) % 2_000) " }.joined()
        let (pieces, coarse) = TextDiff.diff(a, b, workLimit: 10_000)
        #expect(coarse)
        #expect(pieces.contains { if case .removed = $0 { true } else { false } })
        #expect(TextDiff.inline(a, a + "x", colour: false).hasSuffix("{+x+}"))
    }

    @Test("the HTML report's data says so too, with the plan's side of a diff that settled for a coarser one")
    func reportNote() {
        let a = (0..<2_000).map { "w\($0) " }.joined(), b = (0..<2_000).map { "w\(($0 * 7) % 2_000) " }.joined()
        var data = ReportData()
        data.workLimit = 10_000
        let coarse = data.diff(a, b), fine = data.diff("a b c", "a x c")
        #expect(data.diffs[coarse].last.map { $0.0 } == 3)
        #expect(data.diffs[coarse].last.map { data.strings[$0.1] } == TextDiff.coarseNote)
        #expect(!data.diffs[fine].contains { $0.0 == 3 })
    }
}
