public import Fidelity
public import Ledger
public import LedgerModel

/// The JSON document each command prints with `--format json`, built in one call from what the
/// library returned, so a server answers the same bytes as the command line: encode the value with
/// `CanonicalJSON.encode` (`encode(_:)` here), as `luoshi` does.
public enum JSONDocument {
    /// The bytes a command prints for `document`: canonical JSON, keys sorted, with a final newline.
    public static func encode(_ document: JSONValue) -> [UInt8] { CanonicalJSON.encode(document) }

    /// `status`: `{"matrices": [...]}`, already encoded, written as it goes (`StatusMatrix.encodeJSON`): a
    /// matrix of thousands of units is too large to build as one value first.
    public static func status(_ matrices: [StatusMatrix]) -> [UInt8] { StatusMatrix.encodeJSON(matrices) }

    /// `flags`: `{"flags": [...]}`.
    public static func flags(_ flags: [Flag]) -> JSONValue { .object(["flags": .array(flags.map(\.json))]) }

    /// `diff`: the reading of one plan.
    public static func diff(_ report: DiffReport) -> JSONValue { report.json }

    /// `chain`: every hop from the directive down to a unit.
    public static func chain(_ report: ChainReport) -> JSONValue { report.json }

    /// `history`: the events of one plan or one clause of it.
    public static func history(_ story: PlanHistory) -> JSONValue { story.json }

    /// `log`: `{"commits": [...]}`, oldest first.
    public static func log(_ entries: [HistoryEntry]) -> JSONValue { .object(["commits": .array(entries.map(\.json))]) }

    /// `blame`: `{"directive", "unit", "clauses": [...]}`.
    public static func blame(directive: DirectiveID, unit: UnitID, lines: [BlameLine]) -> JSONValue {
        .object(["directive": directive.json, "unit": unit.json, "clauses": .array(lines.map(\.json))])
    }

    /// `verify`: `{"ok", "commits", "problems"}`.
    public static func verify(_ report: VerifyReport) -> JSONValue { report.json }

    /// `show`: the record itself, as stored (`Ledger.record(_:at:)`).
    public static func record(_ record: JSONValue) -> JSONValue { record }

    /// `units`: `{"units": [...]}`.
    public static func units(_ units: [LedgerModel.Unit]) -> JSONValue { .object(["units": .array(units.map(\.json))]) }

    /// `directives`: `{"directives": [...]}`.
    public static func directives(_ directives: [Directive]) -> JSONValue { .object(["directives": .array(directives.map(\.json))]) }

    /// `actors`: `{"actors": [...]}`.
    public static func actors(_ actors: [Actor]) -> JSONValue { .object(["actors": .array(actors.map(\.json))]) }

    /// `findings`: `{"findings": [...]}`.
    public static func findings(_ findings: [Finding]) -> JSONValue { .object(["findings": .array(findings.map(\.json))]) }

    /// `todo`: `{"unit", "items": [...]}`.
    public static func todo(unit: UnitID, items: [TodoItem]) -> JSONValue { .object(["unit": unit.json, "items": .array(items.map(\.json))]) }

    /// `deviations`: `{"directive", "deviations": [...]}`, worst first.
    public static func deviations(directive: DirectiveID, ranked: [Deviation]) -> JSONValue {
        .object(["directive": directive.json, "deviations": .array(ranked.map(\.json))])
    }

    /// What a writing verb did (`adopt`, `plan edit`, `report`, `finding open`, ...): `{"dryRun", "commits",
    /// "head", "changes"}` and the verb's own members (`extra`), which never replace these.
    public static func written(_ result: WriteResult, dryRun: Bool, extra: [String: JSONValue] = [:]) -> JSONValue {
        var o: [String: JSONValue] = [
            "dryRun": .bool(dryRun),
            "commits": .array(result.commits.map { .string("\($0)") }),
            "head": result.head.map { .string("\($0)") } ?? .null,
            "changes": .array(result.changes.map { c in
                .object(["action": .string(c.action.rawValue), "subject": .string(c.subject),
                         "records": .array(c.records.map { .string($0.path) }),
                         "commit": c.commit.map { .string("\($0)") } ?? .null])
            }),
        ]
        o.merge(extra) { a, _ in a }
        return .object(o)
    }
}
