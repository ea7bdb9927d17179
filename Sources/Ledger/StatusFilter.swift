import Fidelity
import LedgerModel

/// Which units of a status matrix to show: each given condition must hold (the web UI's matrix
/// filters). Empty, it keeps every unit.
public struct StatusFilter: Sendable, Hashable {
    /// The unit's level (`province`, `city`, …).
    public var level: String?
    /// A clause of the unit's plan reads so against its basis.
    public var fidelity: FidelityClass?
    /// The unit raises this flag.
    public var flag: FlagKind?
    /// Part of the unit's id, in any case (`hedong`, `cn/shannan`).
    public var unit: String?

    public init(level: String? = nil, fidelity: FidelityClass? = nil, flag: FlagKind? = nil, unit: String? = nil) {
        self.level = level; self.fidelity = fidelity; self.flag = flag; self.unit = unit
    }

    public var isEmpty: Bool { self == StatusFilter() }

    public func admits(_ row: StatusRow) -> Bool {
        if let level, row.level != level { return false }
        if let fidelity, !row.cells.contains(where: { $0.fidelity == fidelity }) { return false }
        if let flag, (row.flags[flag] ?? 0) == 0 { return false }
        if let unit, !unit.isEmpty, !row.unit.rawValue.lowercased().contains(unit.lowercased()) { return false }
        return true
    }
}

extension StatusMatrix {
    /// The matrix with only the units `filter` admits, in the same order.
    public func filtered(_ filter: StatusFilter) -> StatusMatrix {
        guard !filter.isEmpty else { return self }
        var out = self
        out.rows = rows.filter(filter.admits)
        return out
    }

    /// The levels its units are at, in the order they first appear.
    public var levels: [String] {
        var seen = Set<String>()
        return rows.compactMap(\.level).filter { seen.insert($0).inserted }
    }
}
