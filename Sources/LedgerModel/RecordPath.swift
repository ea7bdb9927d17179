/// Where each record lives in a ledger's tree, and what a path holds.
public enum RecordPath: Sendable, Hashable, CustomStringConvertible {
    case ledger
    case actor(ActorID)
    case unit(UnitID)
    case directive(DirectiveID)
    case plan(DirectiveID, UnitID)
    case progress(DirectiveID, UnitID)
    case finding(FindingID)
    case checkpoint(CheckpointID)

    public var description: String { path }

    public var path: String {
        switch self {
        case .ledger: "ledger.json"
        case .actor(let a): "actors/\(a).json"
        case .unit(let u): "units/\(u)/unit.json"
        case .directive(let d): "directives/\(d)/directive.json"
        case .plan(let d, let u): "directives/\(d)/plans/\(u)/plan.json"
        case .progress(let d, let u): "directives/\(d)/plans/\(u)/progress.json"
        case .finding(let f): "findings/\(f).json"
        case .checkpoint(let c): "checkpoints/\(c).json"
        }
    }

    /// Reads a path back; nil for a path no record kind lives at.
    public init?(path: String) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        func flat<T: FlatID>(_ name: String, _: T.Type) -> T? {
            guard name.hasSuffix(".json") else { return nil }
            return try? T(String(name.dropLast(5)))
        }
        switch parts.first {
        case "ledger.json" where parts.count == 1: self = .ledger
        case "actors" where parts.count == 2:
            guard let a = flat(parts[1], ActorID.self) else { return nil }
            self = .actor(a)
        case "findings" where parts.count == 2:
            guard let f = flat(parts[1], FindingID.self) else { return nil }
            self = .finding(f)
        case "checkpoints" where parts.count == 2:
            guard let c = flat(parts[1], CheckpointID.self) else { return nil }
            self = .checkpoint(c)
        case "units" where parts.count >= 3 && parts.last == "unit.json":
            guard let u = try? UnitID(parts[1..<(parts.count - 1)].joined(separator: "/")) else { return nil }
            self = .unit(u)
        case "directives" where parts.count == 3 && parts[2] == "directive.json":
            guard let d = try? DirectiveID(parts[1]) else { return nil }
            self = .directive(d)
        case "directives" where parts.count >= 5 && parts[2] == "plans":
            guard let d = try? DirectiveID(parts[1]),
                  let u = try? UnitID(parts[3..<(parts.count - 1)].joined(separator: "/")) else { return nil }
            switch parts.last {
            case "plan.json": self = .plan(d, u)
            case "progress.json": self = .progress(d, u)
            default: return nil
            }
        default: return nil
        }
    }

    /// Checks `value` is a valid record of the kind this path holds, and that its ids agree with the path.
    public func validate(_ value: JSONValue) throws {
        switch self {
        case .ledger: _ = try LedgerInfo(json: value, at: .root)
        case .actor(let a):
            let r = try Actor(json: value, at: .root)
            if r.id != a { throw ValidationError(JSONPointer.root / "id", "is \"\(r.id)\" but the file is \(path)") }
        case .unit(let u):
            let r = try Unit(json: value, at: .root)
            if r.id != u { throw ValidationError(JSONPointer.root / "id", "is \"\(r.id)\" but the file is \(path)") }
        case .directive(let d):
            let r = try Directive(json: value, at: .root)
            if r.id != d { throw ValidationError(JSONPointer.root / "id", "is \"\(r.id)\" but the file is \(path)") }
        case .plan(let d, let u):
            let r = try Plan(json: value, at: .root)
            if r.directive != d { throw ValidationError(JSONPointer.root / "directive", "is \"\(r.directive)\" but the file is \(path)") }
            if r.unit != u { throw ValidationError(JSONPointer.root / "unit", "is \"\(r.unit)\" but the file is \(path)") }
        case .progress(let d, let u):
            let r = try Progress(json: value, at: .root)
            if r.directive != d { throw ValidationError(JSONPointer.root / "directive", "is \"\(r.directive)\" but the file is \(path)") }
            if r.unit != u { throw ValidationError(JSONPointer.root / "unit", "is \"\(r.unit)\" but the file is \(path)") }
        case .finding(let f):
            let r = try Finding(json: value, at: .root)
            if r.id != f { throw ValidationError(JSONPointer.root / "id", "is \"\(r.id)\" but the file is \(path)") }
        case .checkpoint(let c):
            let r = try Checkpoint(json: value, at: .root)
            if r.id != c { throw ValidationError(JSONPointer.root / "id", "is \"\(r.id)\" but the file is \(path)") }
        }
    }

    /// The name of the JSON Schema in `schemas/` that describes this record.
    public var schemaName: String {
        switch self {
        case .ledger: "ledger"
        case .actor: "actor"
        case .unit: "unit"
        case .directive: "directive"
        case .plan: "plan"
        case .progress: "progress"
        case .finding: "finding"
        case .checkpoint: "checkpoint"
        }
    }
}
