/// An edit script of two sequences by Myers' O(ND) algorithm with linear space: each part is split
/// at its middle snake, found by searching from both ends at once (as diff-match-patch's bisect
/// does), and the parts are worked through with a stack, not recursion, so no text is too long.
struct MyersScript {
    enum Kind { case same, removed, added }
    struct Step { var kind: Kind; var range: Range<Int> }

    let a: [Int], b: [Int]
    /// Steps left before the remaining parts are taken whole.
    var budget: Int
    private(set) var steps: [Step] = []
    private(set) var coarse = false

    init(a: [Int], b: [Int], budget: Int) { self.a = a; self.b = b; self.budget = budget }

    /// A part still to compare, or a run already known to be the same in both.
    private enum Work { case compare(Range<Int>, Range<Int>), same(Range<Int>) }

    mutating func run() {
        var stack: [Work] = [.compare(0..<a.count, 0..<b.count)]
        while let work = stack.popLast() {
            switch work {
            case .same(let r): emit(.same, r)
            case .compare(var x, var y):
                // Common prefix and suffix first: most edits are local.
                while let i = x.first, let j = y.first, a[i] == b[j] { emit(.same, i..<(i + 1)); x = x.dropFirst(); y = y.dropFirst() }
                var suffix = 0
                while suffix < x.count, suffix < y.count, a[x.upperBound - 1 - suffix] == b[y.upperBound - 1 - suffix] { suffix += 1 }
                let tail = (x.upperBound - suffix)..<x.upperBound
                x = x.lowerBound..<(x.upperBound - suffix); y = y.lowerBound..<(y.upperBound - suffix)
                if !tail.isEmpty { stack.append(.same(tail)) }
                if x.isEmpty || y.isEmpty || budget <= 0 {
                    if !x.isEmpty && !y.isEmpty { coarse = true }
                    emit(.removed, x); emit(.added, y)
                    continue
                }
                if let (sx, sy) = middle(x, y) {
                    stack.append(.compare(sx..<x.upperBound, sy..<y.upperBound))
                    stack.append(.compare(x.lowerBound..<sx, y.lowerBound..<sy))
                } else {
                    if budget <= 0 { coarse = true }
                    emit(.removed, x); emit(.added, y)
                }
            }
        }
    }

    private mutating func emit(_ kind: Kind, _ range: Range<Int>) {
        guard !range.isEmpty else { return }
        if let last = steps.last, last.kind == kind, last.range.upperBound == range.lowerBound {
            steps[steps.count - 1].range = last.range.lowerBound..<range.upperBound
        } else {
            steps.append(Step(kind: kind, range: range))
        }
    }

    /// Where a shortest edit script of `x` against `y` crosses its middle: a split point (in `a` and
    /// `b`) such that diffing the two sides apart gives an optimal script; nil when the work budget
    /// runs out first or the parts have nothing in common.
    private mutating func middle(_ x: Range<Int>, _ y: Range<Int>) -> (Int, Int)? {
        let n = x.count, m = y.count
        let maxD = (n + m + 1) / 2, offset = maxD, length = 2 * maxD + 2
        var v1 = [Int](repeating: -1, count: length), v2 = [Int](repeating: -1, count: length)
        v1[offset + 1] = 0; v2[offset + 1] = 0
        let delta = n - m, front = delta % 2 != 0
        var k1start = 0, k1end = 0, k2start = 0, k2end = 0
        for d in 0..<maxD {
            budget -= 2 * d + 2
            if budget <= 0 { return nil }
            var k1 = -d + k1start
            while k1 <= d - k1end {
                let k1o = offset + k1
                var x1 = k1 == -d || (k1 != d && v1[k1o - 1] < v1[k1o + 1]) ? v1[k1o + 1] : v1[k1o - 1] + 1
                var y1 = x1 - k1
                let start1 = x1
                while x1 < n, y1 < m, a[x.lowerBound + x1] == b[y.lowerBound + y1] { x1 += 1; y1 += 1 }
                budget -= x1 - start1
                v1[k1o] = x1
                if x1 > n { k1end += 2 } else if y1 > m { k1start += 2 } else if front {
                    let k2o = offset + delta - k1
                    if k2o >= 0, k2o < length, v2[k2o] != -1, x1 >= n - v2[k2o] {
                        return (x.lowerBound + x1, y.lowerBound + y1)
                    }
                }
                k1 += 2
            }
            var k2 = -d + k2start
            while k2 <= d - k2end {
                let k2o = offset + k2
                var x2 = k2 == -d || (k2 != d && v2[k2o - 1] < v2[k2o + 1]) ? v2[k2o + 1] : v2[k2o - 1] + 1
                var y2 = x2 - k2
                let start2 = x2
                while x2 < n, y2 < m, a[x.upperBound - x2 - 1] == b[y.upperBound - y2 - 1] { x2 += 1; y2 += 1 }
                budget -= x2 - start2
                v2[k2o] = x2
                if x2 > n { k2end += 2 } else if y2 > m { k2start += 2 } else if !front {
                    let k1o = offset + delta - k2
                    if k1o >= 0, k1o < length, v1[k1o] != -1 {
                        let x1 = v1[k1o], y1 = offset + x1 - k1o
                        if x1 >= n - x2 { return (x.lowerBound + x1, y.lowerBound + y1) }
                    }
                }
                k2 += 2
            }
        }
        return nil
    }
}
