import LedgerModel

/// The JSON of `luoshi diff` (docs/events.md, "Reading it back"), for the parts Fidelity knows:
/// the clauses, the added clauses and a summary. The caller adds directive, unit, against and flags.
extension ClauseReading: JSONWritable {
    /// `{"id", "basisId", "class", "declared", "approved", "changes", "matchedBy", "similarity"}`;
    /// `id`, `matchedBy` and `similarity` are `null` for an omitted clause. Similarity is rounded to 3 places
    /// so that the output is stable across platforms.
    public var json: JSONValue {
        .object([
            "id": id?.json ?? .null,
            "basisId": basisId.json,
            "class": fidelity.json,
            "declared": .bool(declared),
            "approved": .bool(approved),
            "changes": changes.json,
            "matchedBy": matchedBy?.json ?? .null,
            "similarity": similarity.map { .numeric(($0 * 1000).rounded() / 1000) } ?? .null,
        ])
    }
}

extension PlanDiff: JSONWritable {
    /// `{"clauses": [...], "added": [<clause>...], "summary": {...}}`.
    public var json: JSONValue {
        .object(["clauses": clauses.json, "added": added.json, "summary": summary])
    }

    /// How many basis clauses fell in each class, and how many plan clauses were added:
    /// `{"faithful": 5, "reworded": 1, ..., "added": 0}`, every class present.
    public var summary: JSONValue {
        var counts: [String: JSONValue] = [:]
        for c in FidelityClass.allCases { counts[c.rawValue] = .integer(Int64(clauses.count { $0.fidelity == c })) }
        counts["added"] = .integer(Int64(added.count))
        return .object(counts)
    }
}
