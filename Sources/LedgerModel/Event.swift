/// One action of the event format (`docs/events.md`), as a unit, supervisor or admin asks for it.
public enum Action: Sendable, Hashable {
    case registerUnit(Unit)
    case registerActor(Actor)
    case revokeKey(actor: ActorID, key: String)
    case issueDirective(Directive)
    case amendDirective(Directive, note: String?)
    case adopt(unit: UnitID, directive: DirectiveID, from: UnitID, clauses: [Clause]?)
    case editPlan(unit: UnitID, directive: DirectiveID, clauses: [Clause], exemptions: [Exemption]?)
    case reportProgress(unit: UnitID, directive: DirectiveID, clause: ClauseID, status: ProgressStatus,
                        values: [String: Double], evidence: [Evidence], note: String?, asOf: Day?)
    case approveExemption(unit: UnitID, directive: DirectiveID, clause: ClauseID, note: String?)
    case openFinding(Finding)
    case rectify(finding: FindingID, text: String, evidence: [Evidence])
    case closeFinding(finding: FindingID, verdict: Verdict, note: String?)
    case holdAccountable(finding: FindingID, decision: String, target: String)
    case checkpoint(note: String?)
    case setPolicy(JSONValue)

    /// The action's name in events, commit subjects and `Luoshi-Action` trailers.
    public var name: String { ActionName(self).rawValue }
}

/// The names of the actions.
public enum ActionName: String, JSONEnum {
    case registerUnit = "register-unit"
    case registerActor = "register-actor"
    case revokeKey = "revoke-key"
    case issueDirective = "issue-directive"
    case amendDirective = "amend-directive"
    case adopt
    case editPlan = "edit-plan"
    case reportProgress = "report-progress"
    case approveExemption = "approve-exemption"
    case openFinding = "open-finding"
    case rectify
    case closeFinding = "close-finding"
    case holdAccountable = "hold-accountable"
    case checkpoint
    case setPolicy = "set-policy"
    /// The genesis commit, written by `luoshi init`; never an event.
    case genesis

    public init(_ action: Action) {
        switch action {
        case .registerUnit: self = .registerUnit
        case .registerActor: self = .registerActor
        case .revokeKey: self = .revokeKey
        case .issueDirective: self = .issueDirective
        case .amendDirective: self = .amendDirective
        case .adopt: self = .adopt
        case .editPlan: self = .editPlan
        case .reportProgress: self = .reportProgress
        case .approveExemption: self = .approveExemption
        case .openFinding: self = .openFinding
        case .rectify: self = .rectify
        case .closeFinding: self = .closeFinding
        case .holdAccountable: self = .holdAccountable
        case .checkpoint: self = .checkpoint
        case .setPolicy: self = .setPolicy
        }
    }
}

/// An action with who signs it and when.
public struct Event: Sendable, Hashable, JSONReadable {
    public var actor: ActorID
    public var at: Timestamp
    public var action: Action

    public init(actor: ActorID, at: Timestamp, action: Action) {
        self.actor = actor; self.at = at; self.action = action
    }

    public init(json: JSONValue, at pointer: JSONPointer) throws {
        var r = try ObjectReader(json, at: pointer)
        let name: String = try r.required("action")
        guard let kind = ActionName(rawValue: name), kind != .genesis else {
            let known = ActionName.allCases.filter { $0 != .genesis }.map(\.rawValue).joined(separator: ", ")
            throw ValidationError(pointer / "action", "\"\(name)\" is not an action; known actions: \(known)")
        }
        actor = try r.required("actor")
        self.at = try r.required("at")
        action = try Event.readAction(kind, &r)
        try r.finish()
    }

    static func readAction(_ kind: ActionName, _ r: inout ObjectReader) throws -> Action {
        let p = r.pointer
        switch kind {
        case .registerUnit:
            var u = try ObjectReader(try r.required("unit", as: JSONValue.self), at: p / "unit")
            let unit = try Unit(fields: &u)
            try u.finish()
            return .registerUnit(unit)
        case .registerActor:
            var a = try ObjectReader(try r.required("actorRecord", as: JSONValue.self), at: p / "actorRecord")
            let actor = try Actor(fields: &a)
            try a.finish()
            return .registerActor(actor)
        case .revokeKey:
            let key: String = try r.required("key")
            try sshKeyCheck(key, p / "key")
            return .revokeKey(actor: try r.required("actorId"), key: key)
        case .issueDirective, .amendDirective:
            var d = try ObjectReader(try r.required("directive", as: JSONValue.self), at: p / "directive")
            let directive = try Directive(fields: &d)
            try d.finish()
            if kind == .issueDirective { return .issueDirective(directive) }
            return .amendDirective(directive, note: try r.optional("note"))
        case .adopt:
            let clauses: [Clause]? = r.members["clauses"] == nil ? nil : try r.required("clauses", using: Clause.list)
            return .adopt(unit: try r.required("unit"), directive: try r.required("directive"), from: try r.required("from"),
                          clauses: clauses)
        case .editPlan:
            let unit: UnitID = try r.required("unit")
            let directive: DirectiveID = try r.required("directive")
            let clauses = try r.required("clauses", using: Clause.list)
            let exemptions: [Exemption]? = try r.optional("exemptions")
            if let exemptions { try Exemption.checkUnique(exemptions, at: p / "exemptions") }
            return .editPlan(unit: unit, directive: directive, clauses: clauses, exemptions: exemptions)
        case .reportProgress:
            let values: [String: Double] = try r.optional("values") ?? [:]
            try Report.checkMetrics(values, at: p / "values")
            return .reportProgress(
                unit: try r.required("unit"), directive: try r.required("directive"), clause: try r.required("clause"),
                status: try r.required("status"), values: values, evidence: try r.optional("evidence") ?? [],
                note: try r.optional("note"), asOf: try r.optional("asOf"))
        case .approveExemption:
            return .approveExemption(unit: try r.required("unit"), directive: try r.required("directive"),
                                     clause: try r.required("clause"), note: try r.optional("note"))
        case .openFinding:
            var f = try ObjectReader(try r.required("finding", as: JSONValue.self), at: p / "finding")
            let finding = try Finding(fields: &f)
            try f.finish()
            return .openFinding(finding)
        case .rectify:
            let text: String = try r.required("text")
            try nonEmpty(text, p / "text")
            return .rectify(finding: try r.required("finding"), text: text, evidence: try r.optional("evidence") ?? [])
        case .closeFinding:
            return .closeFinding(finding: try r.required("finding"), verdict: try r.required("verdict"), note: try r.optional("note"))
        case .holdAccountable:
            let finding: FindingID = try r.required("finding")
            let decision: String = try r.required("decision")
            try nonEmpty(decision, p / "decision")
            let target: String = try r.required("target")
            if UnitID.problem(target) != nil && ActorID.rule.problem(target) != nil {
                throw ValidationError(p / "target", "\"\(target)\" is neither an actor id nor a unit id")
            }
            return .holdAccountable(finding: finding, decision: decision, target: target)
        case .checkpoint:
            return .checkpoint(note: try r.optional("note"))
        case .setPolicy:
            let policy: JSONValue = try r.required("policy")
            var probe = Policy()
            try probe.merge(policy, at: p / "policy")
            return .setPolicy(policy)
        case .genesis:
            throw ValidationError(p / "action", "genesis is written by `luoshi init`, not by an event")
        }
    }
}

extension JSONValue {
    /// An event's JSON with `at` set to `time` when it has none (and `time` is given).
    public func dated(_ time: Timestamp?) -> JSONValue {
        guard let time, case .object(var members) = self, members["at"] == nil else { return self }
        members["at"] = time.json
        return .object(members)
    }
}

/// An event as read from a JSON Lines file, with the line it came from.
public struct LineEvent: Sendable {
    public var line: Int
    public var event: Event
    /// The line's JSON as read, for a client that sends the event on as it was written.
    public var json: JSONValue
}

/// A problem in an events file: which line, and where in it.
public struct EventFileError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var pointer: JSONPointer?
    public var reason: String

    public var description: String {
        var s = "\(file):\(line)"
        if let pointer { s += ": at \(pointer.tokens.isEmpty ? "the top level" : pointer.description)" }
        return s + ": " + reason
    }
}

public enum EventFile {
    /// Parses JSON Lines: one event a line; blank lines and lines starting with `#` are skipped.
    ///
    /// `atWhenMissing`, for events sent to a server that dates them itself: an event without `at` is
    /// checked as if dated then, and its JSON is kept without it.
    public static func parse(_ bytes: [UInt8], file: String, atWhenMissing: Timestamp? = nil) throws -> [LineEvent] {
        var events: [LineEvent] = []
        var lineNumber = 0
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            lineNumber += 1
            var slice = bytes[start..<end]
            if slice.last == 0x0D { slice = slice.dropLast() }
            let trimmed = slice.drop { $0 == 0x20 || $0 == 0x09 }
            if !trimmed.isEmpty, trimmed.first != UInt8(ascii: "#") {
                let value: JSONValue
                do { value = try JSONParser.parse(Array(slice)) } catch {
                    throw EventFileError(file: file, line: lineNumber, pointer: nil,
                                         reason: "malformed JSON (column \(error.column)): \(error.reason)")
                }
                do {
                    events.append(LineEvent(line: lineNumber, event: try Event(json: value.dated(atWhenMissing), at: .root), json: value))
                } catch let e as ValidationError {
                    throw EventFileError(file: file, line: lineNumber, pointer: e.pointer, reason: e.reason)
                }
            }
            if end >= bytes.count { break }
            start = end + 1
        }
        return events
    }
}
