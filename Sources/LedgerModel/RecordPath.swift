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
        // Substrings of `path`, cut by UTF-8 offsets, throughout: a view reads tens of thousands of
        // paths, and the names cut off are ASCII, so no cut falls inside a character.
        guard let slash = path.utf8.firstIndex(of: UInt8(ascii: "/")) else {
            guard path == "ledger.json" else { return nil }
            self = .ledger; return
        }
        let rest = path[path.utf8.index(after: slash)...]
        /// `s` without `suffix`, nil when it does not end so.
        func cutting(_ suffix: StaticString, from s: Substring) -> Substring? {
            let tail = UnsafeBufferPointer(start: suffix.utf8Start, count: suffix.utf8CodeUnitCount)
            guard s.utf8.count >= tail.count else { return nil }
            let cut = s.utf8.index(s.utf8.endIndex, offsetBy: -tail.count)
            guard s.utf8[cut...].elementsEqual(tail) else { return nil }
            return s[..<cut]
        }
        /// `<id>.json` directly under the top folder.
        func flat<T: FlatID>(_: T.Type) -> T? {
            guard let name = cutting(".json", from: rest), !name.utf8.contains(UInt8(ascii: "/")) else { return nil }
            return try? T(String(name))
        }
        func unit(_ raw: Substring?) -> UnitID? {
            guard let raw else { return nil }
            return UnitID.problem(raw) == nil ? UnitID(unchecked: String(raw)) : nil
        }
        // A String of the top folder's name compares faster than the substring.
        switch String(path[..<slash]) {
        case "actors": guard let a = flat(ActorID.self) else { return nil }; self = .actor(a)
        case "findings": guard let f = flat(FindingID.self) else { return nil }; self = .finding(f)
        case "checkpoints": guard let c = flat(CheckpointID.self) else { return nil }; self = .checkpoint(c)
        case "units":
            guard let u = unit(cutting("/unit.json", from: rest)) else { return nil }
            self = .unit(u)
        case "directives":
            guard let slash = rest.utf8.firstIndex(of: UInt8(ascii: "/")),
                  let d = try? DirectiveID(String(rest[..<slash])) else { return nil }
            let inside = rest[rest.utf8.index(after: slash)...]
            if inside == "directive.json" { self = .directive(d); return }
            guard inside.utf8.starts(with: "plans/".utf8) else { return nil }
            let planPath = inside[inside.utf8.index(inside.startIndex, offsetBy: 6)...]
            if let u = unit(cutting("/plan.json", from: planPath)) {
                self = .plan(d, u)
            } else if let u = unit(cutting("/progress.json", from: planPath)) {
                self = .progress(d, u)
            } else {
                return nil
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
