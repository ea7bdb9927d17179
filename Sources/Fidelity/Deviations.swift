import LedgerModel

/// One unit's own deviation from what it was given, for the ranking supervisors start from.
public struct Deviation: Sendable {
    public var unit: UnitID
    /// 3 for each looser change (weakened, mixed) or omission without an approved exemption, 2 for
    /// each tightening (strengthened) and each added clause.
    public var score: Int
    /// The unit's flags on the directive, overdue ones left out (they say when, not what).
    public var flags: Int
    /// The unit's plan read against its own basis.
    public var reading: PlanDiff

    public init(unit: UnitID, score: Int, flags: Int, reading: PlanDiff) {
        self.unit = unit; self.score = score; self.flags = flags; self.reading = reading
    }

    /// The clauses that deviate: neither faithful nor merely reworded.
    public var clauses: [ClauseReading] { reading.clauses.filter { $0.fidelity != .faithful && $0.fidelity != .reworded } }

    public var json: JSONValue {
        .object([
            "unit": unit.json, "score": .integer(Int64(score)), "flags": .integer(Int64(flags)),
            "clauses": clauses.json, "added": reading.added.json,
        ])
    }
}

public enum Deviations {
    /// How far a plan's own reading deviates (see `Deviation.score`).
    public static func score(_ reading: PlanDiff) -> Int {
        var s = 0
        for c in reading.clauses {
            switch c.fidelity {
            case .weakened, .mixed: s += 3
            case .omitted where !c.approved: s += 3
            case .strengthened: s += 2
            default: break
            }
        }
        return s + 2 * reading.added.count
    }

    /// The worst deviations first: by score, then by the unit's flags, then by unit id; units that
    /// deviate in nothing are left out.
    public static func rank(_ readings: [(unit: UnitID, reading: PlanDiff)], flags: [Flag]) -> [Deviation] {
        var counts: [UnitID: Int] = [:]
        for f in flags where f.kind != .overdue { counts[f.unit, default: 0] += 1 }
        return readings.compactMap { unit, reading -> Deviation? in
            let s = score(reading)
            return s > 0 ? Deviation(unit: unit, score: s, flags: counts[unit] ?? 0, reading: reading) : nil
        }.sorted { ($0.score, $0.flags, $1.unit.rawValue) > ($1.score, $1.flags, $0.unit.rawValue) }
    }
}
