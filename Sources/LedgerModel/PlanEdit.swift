/// What a unit writes when it edits its plan: its own clauses and the exemptions it declares, as
/// `edit-plan` takes them and `luoshi plan edit --file` reads them: `{"clauses": [...], "exemptions": [...]}`.
public struct PlanEdit: Sendable, Hashable, JSONCodable {
    public var clauses: [Clause]
    /// nil: the plan's exemptions stay as they are.
    public var exemptions: [Exemption]?

    public init(clauses: [Clause], exemptions: [Exemption]?) { self.clauses = clauses; self.exemptions = exemptions }

    public init(json: JSONValue, at pointer: JSONPointer) throws {
        var r = try ObjectReader(json, at: pointer)
        clauses = try r.required("clauses", using: Clause.list)
        exemptions = try r.optional("exemptions")
        if let exemptions { try Exemption.checkUnique(exemptions, at: pointer / "exemptions") }
        try r.finish()
    }

    /// The edit a plan is now: its clauses, and its exemptions without their approvals (a supervisor
    /// approves; an approval stands while the reason stays the same).
    public init(plan: Plan) {
        clauses = plan.clauses
        exemptions = plan.exemptions.map { Exemption(clause: $0.clause, reason: $0.reason) }
    }

    public var json: JSONValue { jsonObject(["clauses": clauses, "exemptions": exemptions]) }
}
