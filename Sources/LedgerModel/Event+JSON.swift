/// An event written back as the event format has it: what `Event(json:at:)` reads, so that an event
/// made by a command (not read from a file) can be kept and read again exactly, as a unit's clone
/// keeps the events it has not yet synced.
extension Event: JSONWritable {
    public var json: JSONValue {
        var members: [String: JSONValue] = ["action": .string(action.name), "actor": actor.json, "at": at.json]
        if case .object(let fields) = Event.fields(of: action) {
            members.merge(fields) { a, _ in a }
        }
        return .object(members)
    }

    static func fields(of action: Action) -> JSONValue {
        switch action {
        case .registerUnit(let unit):
            return .object(["unit": .object(unit.fields)])
        case .registerActor(let actor):
            return .object(["actorRecord": actor.json.removing(["formatVersion", "revokedKeys"])])
        case .revokeKey(let actor, let key):
            return jsonObject(["actorId": actor, "key": key])
        case .issueDirective(let directive):
            return .object(["directive": directive.json.removing(["formatVersion", "version"])])
        case .amendDirective(let directive, let note):
            return jsonObject(["directive": directive.json.removing(["formatVersion", "version"]), "note": note])
        case .adopt(let unit, let directive, let from, let clauses):
            return jsonObject(["unit": unit, "directive": directive, "from": from, "clauses": clauses])
        case .editPlan(let unit, let directive, let clauses, let exemptions):
            return jsonObject(["unit": unit, "directive": directive, "clauses": clauses, "exemptions": exemptions])
        case .reportProgress(let unit, let directive, let clause, let status, let values, let evidence, let note, let asOf):
            return jsonObject(["unit": unit, "directive": directive, "clause": clause, "status": status,
                               "values": values.isEmpty ? nil : values, "evidence": evidence.isEmpty ? nil : evidence,
                               "note": note, "asOf": asOf])
        case .approveExemption(let unit, let directive, let clause, let note):
            return jsonObject(["unit": unit, "directive": directive, "clause": clause, "note": note])
        case .openFinding(let finding):
            return .object(["finding": finding.json.removing(["formatVersion", "state", "steps"])])
        case .rectify(let finding, let text, let evidence):
            return jsonObject(["finding": finding, "text": text, "evidence": evidence.isEmpty ? nil : evidence])
        case .closeFinding(let finding, let verdict, let note):
            return jsonObject(["finding": finding, "verdict": verdict, "note": note])
        case .holdAccountable(let finding, let decision, let target):
            return jsonObject(["finding": finding, "decision": decision, "target": target])
        case .checkpoint(let note):
            return jsonObject(["note": note])
        case .setPolicy(let policy):
            return .object(["policy": policy])
        }
    }
}

extension JSONValue {
    /// An object without the members named; anything else as it is.
    func removing(_ names: Set<String>) -> JSONValue {
        guard case .object(let members) = self else { return self }
        return .object(members.filter { !names.contains($0.key) })
    }
}
