/// How binding a clause is.
public enum Modality: String, JSONEnum {
    case must, should, may
    case mustNot = "must-not"
    case shouldNot = "should-not"

    /// Whether the clause forbids rather than requires.
    public var isProhibition: Bool { self == .mustNot || self == .shouldNot }

    /// Strength within its family (obligations: may < should < must; prohibitions: should-not < must-not).
    public var strength: Int {
        switch self {
        case .may: 0
        case .should, .shouldNot: 1
        case .must, .mustNot: 2
        }
    }
}

/// The comparison a target makes.
public enum TargetOp: String, JSONEnum {
    case atLeast = ">="
    case atMost = "<="
    case equal = "="
}

/// The kind of evidence that proves a clause done.
public enum EvidenceRequirement: String, JSONEnum {
    case outcome, activity, any
}

/// A measurable target of a clause: `documents_cut_pct >= 30 %`.
public struct Target: Sendable, Hashable, JSONCodable {
    public var metric: String
    public var op: TargetOp
    public var value: Double
    public var unit: String?

    public init(metric: String, op: TargetOp, value: Double, unit: String? = nil) {
        self.metric = metric; self.op = op; self.value = value; self.unit = unit
    }

    public init(json: JSONValue, at pointer: JSONPointer) throws {
        var r = try ObjectReader(json, at: pointer)
        metric = try r.required("metric")
        if let problem = Target.metricProblem(metric) { throw ValidationError(pointer / "metric", problem) }
        op = try r.required("op")
        value = try r.required("value")
        unit = try r.optional("unit")
        try r.finish()
    }

    public static func metricProblem(_ m: String) -> String? {
        let b = Array(m.utf8)
        guard let first = b.first, first >= 97, first <= 122,
              b.count <= 64, b.allSatisfy({ isLowerAlnum($0) || $0 == UInt8(ascii: "_") })
        else { return "metric \"\(m)\" must be 1 to 64 characters of a-z, 0-9 and '_', starting with a letter" }
        return nil
    }

    /// Whether `measured` meets this target.
    public func isMet(by measured: Double) -> Bool {
        switch op {
        case .atLeast: measured >= value
        case .atMost: measured <= value
        case .equal: measured == value
        }
    }

    public var json: JSONValue {
        jsonObject(["metric": metric, "op": op, "value": value, "unit": unit])
    }
}

/// One numbered obligation of a directive or plan.
public struct Clause: Sendable, Hashable, JSONCodable {
    public var id: ClauseID
    /// An optional short heading, e.g. an English title for a clause written in Chinese.
    public var title: String?
    public var text: String
    public var modality: Modality
    public var targets: [Target]
    public var deadline: Day?
    public var evidence: EvidenceRequirement
    public var localize: Bool
    /// In a plan: the basis clause this one was renumbered from.
    public var derivedFrom: ClauseID?
    /// In a plan (format version 3): why the unit departs from its basis here, a looser target or a
    /// later deadline, in its own words. The readings do not use it; people do. A directive's
    /// clause has none, and a unit adopting a plan does not inherit its parent's.
    public var reason: String?

    public init(id: ClauseID, title: String? = nil, text: String, modality: Modality, targets: [Target] = [],
                deadline: Day? = nil, evidence: EvidenceRequirement = .any, localize: Bool = false,
                derivedFrom: ClauseID? = nil, reason: String? = nil) {
        self.id = id; self.title = title; self.text = text; self.modality = modality; self.targets = targets
        self.deadline = deadline; self.evidence = evidence; self.localize = localize; self.derivedFrom = derivedFrom
        self.reason = reason
    }

    /// The clause as a plan below sees it when this plan is its basis: clauses line up with their
    /// basis by id, so this plan's own derivation is dropped, and so is its reason, which explains
    /// this plan's departure, not the one below's.
    public var asBasis: Clause {
        var c = self
        c.derivedFrom = nil
        c.reason = nil
        return c
    }

    public init(json: JSONValue, at pointer: JSONPointer) throws {
        var r = try ObjectReader(json, at: pointer)
        id = try r.required("id")
        title = try r.optional("title")
        text = try r.required("text")
        if text.allSatisfy(\.isWhitespace) { throw ValidationError(pointer / "text", "must not be empty") }
        modality = try r.required("modality")
        targets = try r.required("targets")
        deadline = try r.optional("deadline")
        evidence = try r.required("evidence")
        localize = try r.required("localize")
        derivedFrom = try r.optional("derivedFrom")
        reason = try r.optional("reason")
        if let reason, reason.allSatisfy(\.isWhitespace) {
            throw ValidationError(pointer / "reason", "must not be empty; leave it out when the clause gives no reason")
        }
        try r.finish()
        var metrics = Set<String>()
        for (n, t) in targets.enumerated() where !metrics.insert(t.metric).inserted {
            throw ValidationError(pointer / "targets" / n / "metric", "metric \"\(t.metric)\" appears twice in one clause")
        }
    }

    public var json: JSONValue {
        jsonObject([
            "id": id, "title": title, "text": text, "modality": modality, "targets": targets,
            "deadline": deadline, "evidence": evidence, "localize": localize, "derivedFrom": derivedFrom,
            "reason": reason,
        ])
    }

    /// Reads a clause list and rejects duplicate ids, naming the second one.
    public static func list(_ json: JSONValue, at pointer: JSONPointer) throws -> [Clause] {
        let clauses = try [Clause](json: json, at: pointer)
        var seen: [ClauseID: String] = [:]
        for (n, c) in clauses.enumerated() {
            let written = json.arrayValue?[n]["id"]?.stringValue ?? c.id.rawValue
            guard let first = seen.updateValue(written, forKey: c.id) else { continue }
            if first.unicodeScalars.elementsEqual(written.unicodeScalars) {
                throw ValidationError(pointer / n / "id", "clause id \"\(c.id.rawValue.visiblyEscaped)\" appears twice")
            }
            throw ValidationError(pointer / n / "id", "clause id \"\(c.id.rawValue.visiblyEscaped)\" appears twice: \(first.codePoints) and \(written.codePoints) are one id once normalised to Unicode NFC")
        }
        return clauses
    }
}
