public enum Severity: String, JSONEnum { case minor, major, critical }

/// Where a finding stands in its loop: open → rectified → closed, or back to reopened.
public enum FindingState: String, JSONEnum { case open, rectified, closed, reopened }

public enum Verdict: String, JSONEnum { case verified, reopened }

extension FindingState {
    /// The state a finding is left in by a step taken in `state` (nil: before its first step), or why
    /// the step cannot be taken then. The one loop the write path keeps and verify checks: a finding is
    /// opened once, by its first step; closed only after a rectification since it was opened or
    /// reopened; never rectified after a verified close; held accountable in any state.
    public static func after(_ kind: FindingStep.Kind, verdict: Verdict?, from state: FindingState?) -> Result<FindingState, FindingStepRefusal> {
        guard let state else { return kind == .open ? .success(.open) : .failure(.notOpened(kind)) }
        switch kind {
        case .open: return .failure(.openedAgain)
        case .rectify: return state == .closed ? .failure(.closed) : .success(.rectified)
        case .close:
            switch state {
            case .closed: return .failure(.closedAlready)
            case .open, .reopened: return .failure(.notRectified(since: state))
            case .rectified: return .success(verdict == .reopened ? .reopened : .closed)
            }
        case .holdAccountable: return .success(state)
        }
    }
}

/// Why a step cannot follow the steps a finding has; said after "finding F-1".
public enum FindingStepRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    case notOpened(FindingStep.Kind)
    case openedAgain
    /// A rectification after a verified close.
    case closed
    case closedAlready
    case notRectified(since: FindingState)

    public var description: String {
        switch self {
        case .notOpened(let kind): "starts with a \(kind.rawValue) step; its first step must open it"
        case .openedAgain: "is opened again; a finding is opened once, by its first step"
        case .closed: "is closed; a supervisor must reopen it before it can be rectified again"
        case .closedAlready: "is closed already"
        case .notRectified(let since):
            "has not been rectified since it was \(since == .open ? "opened" : "reopened"); it can be closed only after a rectification"
        }
    }
}

/// One step of a finding's loop, as it was taken.
public struct FindingStep: Sendable, Hashable, JSONCodable {
    public enum Kind: String, JSONEnum {
        case open, rectify, close
        case holdAccountable = "hold-accountable"
    }
    public var kind: Kind
    public var actor: ActorID
    public var at: Timestamp
    public var text: String?
    public var evidence: [Evidence]?
    public var verdict: Verdict?
    public var decision: String?
    public var target: String?

    public init(kind: Kind, actor: ActorID, at: Timestamp, text: String? = nil, evidence: [Evidence]? = nil,
                verdict: Verdict? = nil, decision: String? = nil, target: String? = nil) {
        self.kind = kind; self.actor = actor; self.at = at; self.text = text; self.evidence = evidence
        self.verdict = verdict; self.decision = decision; self.target = target
    }

    public init(json: JSONValue, at pointer: JSONPointer) throws {
        var r = try ObjectReader(json, at: pointer)
        kind = try r.required("kind")
        actor = try r.required("actor")
        self.at = try r.required("at")
        text = try r.optional("text")
        evidence = try r.optional("evidence")
        verdict = try r.optional("verdict")
        decision = try r.optional("decision")
        target = try r.optional("target")
        try r.finish()
    }

    public var json: JSONValue {
        jsonObject([
            "kind": kind, "actor": actor, "at": at, "text": text, "evidence": evidence, "verdict": verdict,
            "decision": decision, "target": target,
        ])
    }
}

/// A supervisor's finding against a unit, with the whole loop it went through.
public struct Finding: Sendable, Hashable, JSONCodable {
    public var id: FindingID
    public var unit: UnitID
    public var directive: DirectiveID?
    public var clause: ClauseID?
    public var text: String
    public var severity: Severity
    public var due: Day
    public var state: FindingState
    public var steps: [FindingStep]

    public init(id: FindingID, unit: UnitID, directive: DirectiveID?, clause: ClauseID?, text: String, severity: Severity,
                due: Day, state: FindingState, steps: [FindingStep]) {
        self.id = id; self.unit = unit; self.directive = directive; self.clause = clause; self.text = text
        self.severity = severity; self.due = due; self.state = state; self.steps = steps
    }

    public init(json: JSONValue, at pointer: JSONPointer) throws {
        var r = try ObjectReader(json, at: pointer)
        try readFormatVersion(&r)
        try self.init(fields: &r)
        state = try r.required("state")
        steps = try r.required("steps")
        if steps.isEmpty { throw ValidationError(pointer / "steps", "must start with the step that opened the finding") }
        try r.finish()
    }

    /// Reads the fields an `open-finding` event gives.
    public init(fields r: inout ObjectReader) throws {
        id = try r.required("id")
        unit = try r.required("unit")
        directive = try r.optional("directive")
        clause = try r.optional("clause")
        if clause != nil && directive == nil {
            throw ValidationError(r.pointer / "directive", "is required when a clause is named")
        }
        text = try r.required("text")
        try nonEmpty(text, r.pointer / "text")
        severity = try r.required("severity")
        due = try r.required("due")
        state = .open
        steps = []
    }

    /// When the latest rectification was made, if the finding is waiting on the supervisor.
    public var opened: FindingStep? { steps.first }
    public var lastRectification: FindingStep? { steps.last { $0.kind == .rectify } }

    public var json: JSONValue {
        jsonObject([
            "formatVersion": 1, "id": id, "unit": unit, "directive": directive, "clause": clause, "text": text,
            "severity": severity, "due": due, "state": state, "steps": steps,
        ])
    }
}

/// An auditor's statement that the ledger was at a commit at a time.
public struct Checkpoint: Sendable, Hashable, JSONCodable {
    public var id: CheckpointID
    /// The commit the checkpoint attests: the head when it was taken.
    public var head: String
    public var by: ActorID
    public var at: Timestamp
    public var note: String?

    public init(id: CheckpointID, head: String, by: ActorID, at: Timestamp, note: String?) {
        self.id = id; self.head = head; self.by = by; self.at = at; self.note = note
    }

    public init(json: JSONValue, at pointer: JSONPointer) throws {
        var r = try ObjectReader(json, at: pointer)
        try readFormatVersion(&r)
        id = try r.required("id")
        head = try r.required("head")
        if !isObjectID(head) { throw ValidationError(pointer / "head", "must be a 40-digit lower-case hex commit id") }
        by = try r.required("by")
        self.at = try r.required("at")
        note = try r.optional("note")
        try r.finish()
    }

    public var json: JSONValue { jsonObject(["formatVersion": 1, "id": id, "head": head, "by": by, "at": at, "note": note]) }
}
