/// Thresholds of the formalism indicators and of verification, stored in `ledger.json`.
public struct Policy: Sendable, Hashable, JSONCodable {
    /// Days after issue by which every unit in scope should have a plan (`not-adopted`).
    public var adoptWithinDays = 30
    /// Days `asOf` may precede the report's commit before it reads as `backdated`.
    public var backdateDays = 14
    /// Share of a unit's reports committed just before deadlines that reads as `deadline-rush`.
    public var rushShare = 0.6
    /// Days before a deadline that count as the rush window.
    public var rushWindowDays = 7
    /// Days without a report, and plan age, after which an unfinished plan is `stale`.
    public var staleDays = 90
    /// Days a supervisor has to examine a rectification before the loop reads as open.
    public var examineWithinDays = 30
    /// Reports a month a unit may owe, summed over directives, before `burden` is flagged.
    public var maxReportsPerMonth = 8.0
    /// Days a commit's time may precede its parent's (late, offline work) before verify objects.
    public var maxTimeSkewDays = 7

    public init() {}

    public static let fieldNames = [
        "adoptWithinDays", "backdateDays", "rushShare", "rushWindowDays", "staleDays", "examineWithinDays",
        "maxReportsPerMonth", "maxTimeSkewDays",
    ]

    public init(json: JSONValue, at pointer: JSONPointer) throws {
        self.init()
        try merge(json, at: pointer)
    }

    /// Overrides the thresholds `json` names, leaving the others as they are.
    public mutating func merge(_ json: JSONValue, at pointer: JSONPointer) throws {
        var r = try ObjectReader(json, at: pointer)
        func days(_ key: String, _ field: inout Int) throws {
            guard let v: Int = try r.optional(key) else { return }
            guard (0...36_500).contains(v) else { throw ValidationError(pointer / key, "must be a number of days from 0 to 36500") }
            field = v
        }
        try days("adoptWithinDays", &adoptWithinDays)
        try days("backdateDays", &backdateDays)
        try days("rushWindowDays", &rushWindowDays)
        try days("staleDays", &staleDays)
        try days("examineWithinDays", &examineWithinDays)
        try days("maxTimeSkewDays", &maxTimeSkewDays)
        if let v: Double = try r.optional("rushShare") {
            guard v > 0, v <= 1 else { throw ValidationError(pointer / "rushShare", "must be a share above 0 and at most 1") }
            rushShare = v
        }
        if let v: Double = try r.optional("maxReportsPerMonth") {
            guard v >= 0 else { throw ValidationError(pointer / "maxReportsPerMonth", "must not be negative") }
            maxReportsPerMonth = v
        }
        try r.finish()
    }

    public var json: JSONValue {
        jsonObject([
            "adoptWithinDays": adoptWithinDays, "backdateDays": backdateDays, "rushShare": rushShare,
            "rushWindowDays": rushWindowDays, "staleDays": staleDays, "examineWithinDays": examineWithinDays,
            "maxReportsPerMonth": maxReportsPerMonth, "maxTimeSkewDays": maxTimeSkewDays,
        ])
    }
}

/// `ledger.json`: the ledger's name, format and policy.
public struct LedgerInfo: Sendable, Hashable, JSONCodable {
    public var name: String
    public var policy: Policy

    public init(name: String, policy: Policy = Policy()) { self.name = name; self.policy = policy }

    public init(json: JSONValue, at pointer: JSONPointer) throws {
        var r = try ObjectReader(json, at: pointer)
        try readFormatVersion(&r)
        name = try r.required("name")
        try nonEmpty(name, pointer / "name")
        policy = try r.required("policy")
        try r.finish()
    }

    public var json: JSONValue { jsonObject(["formatVersion": 1, "name": name, "policy": policy]) }
}
