/// Reads a record straight from its bytes, member by member, without building a `JSONValue` tree
/// of the whole record first: for the records a view reads by the ten thousand (units and progress
/// files). Each leaf goes through its usual reader (`T(json:at:)`) and each record through the same
/// checks as its general reader, so a record read this way is the value the general path gives.
/// The scanner gives up (nil or false) on anything else: a syntax error, a key seen twice, a member
/// unknown or missing, a value a check refuses. The caller then takes the general path, which says
/// what is wrong and where.
struct RecordScanner {
    private var reader: Reader

    init(_ bytes: [UInt8]) {
        reader = Reader(bytes: bytes)
        reader.skipWhitespace()
    }

    /// Whether `bytes` hold one object and nothing else, each member read by `member` (see `object`).
    static func record(_ bytes: [UInt8], _ member: (inout RecordScanner, String) -> Bool) -> Bool {
        var s = RecordScanner(bytes)
        return s.object(member) && s.atEnd()
    }

    /// Whether nothing but whitespace is left.
    mutating func atEnd() -> Bool {
        reader.skipWhitespace()
        return reader.index == reader.bytes.count
    }

    /// Each member of the object at the cursor, in order: `member` reads the value of `key` and says
    /// whether it could. False if anything else is there, a key seen twice included.
    mutating func object(_ member: (inout RecordScanner, String) -> Bool) -> Bool {
        guard reader.peek == UInt8(ascii: "{") else { return false }
        reader.index += 1
        reader.skipWhitespace()
        if reader.peek == UInt8(ascii: "}") { reader.index += 1; return true }
        // A record's objects have a handful of members: a list is cheaper than a set.
        var seen: [String] = []
        while true {
            reader.skipWhitespace()
            guard reader.peek == UInt8(ascii: "\""), let key = try? reader.string(), !seen.contains(key) else { return false }
            seen.append(key)
            reader.skipWhitespace()
            guard reader.peek == UInt8(ascii: ":") else { return false }
            reader.index += 1
            reader.skipWhitespace()
            guard member(&self, key) else { return false }
            reader.skipWhitespace()
            switch reader.peek {
            case UInt8(ascii: ","): reader.index += 1
            case UInt8(ascii: "}"): reader.index += 1; return true
            default: return false
            }
        }
    }

    /// The items of the array at the cursor, each read by `item`; nil if anything else is there.
    mutating func array<T>(_ item: (inout RecordScanner) -> T?) -> [T]? {
        guard reader.peek == UInt8(ascii: "[") else { return nil }
        reader.index += 1
        var items: [T] = []
        reader.skipWhitespace()
        if reader.peek == UInt8(ascii: "]") { reader.index += 1; return items }
        while true {
            reader.skipWhitespace()
            guard let value = item(&self) else { return nil }
            items.append(value)
            reader.skipWhitespace()
            switch reader.peek {
            case UInt8(ascii: ","): reader.index += 1
            case UInt8(ascii: "]"): reader.index += 1; return items
            default: return nil
            }
        }
    }

    /// The value at the cursor, read as `T` reads it; nil if `T` refuses it.
    mutating func leaf<T: JSONReadable>(_: T.Type = T.self) -> T? {
        guard let value = try? reader.value(depth: 1) else { return nil }
        return try? T(json: value, at: .root)
    }

    /// Reads the value at the cursor into `slot`, as `leaf`; whether it could.
    mutating func read<T: JSONReadable>(_ slot: inout T?) -> Bool {
        slot = leaf()
        return slot != nil
    }
}

extension Unit {
    /// The unit record in `bytes`, when `RecordScanner` can read it; nil: read it the general way.
    public static func scanned(_ bytes: [UInt8]) -> Unit? {
        var version: Int?, id: UnitID?, name: String?, level: String?
        guard RecordScanner.record(bytes, { s, key in
            switch key {
            case "formatVersion": return s.read(&version)
            case "id": return s.read(&id)
            case "level": return s.read(&level)
            case "name": return s.read(&name)
            default: return false
            }
        }), version == currentFormatVersion, let id, let name, let level, (try? Unit.check(name: name, level: level, at: .root)) != nil
        else { return nil }
        return Unit(id: id, name: name, level: level)
    }
}

extension Progress {
    /// The progress record in `bytes`, when `RecordScanner` can read it; nil: read it the general way.
    public static func scanned(_ bytes: [UInt8]) -> Progress? {
        var version: Int?, directive: DirectiveID?, unit: UnitID?, reports: [Report]?
        guard RecordScanner.record(bytes, { s, key in
            switch key {
            case "directive": return s.read(&directive)
            case "formatVersion": return s.read(&version)
            case "reports": reports = s.array(Report.scanned); return reports != nil
            case "unit": return s.read(&unit)
            default: return false
            }
        }), version == currentFormatVersion, let directive, let unit, let reports else { return nil }
        return Progress(directive: directive, unit: unit, reports: reports)
    }
}

extension Report {
    static func scanned(_ s: inout RecordScanner) -> Report? {
        var clause: ClauseID?, status: ProgressStatus?, values: [String: Double]?, evidence: [Evidence]?
        var note: String?, asOf: Day?, at: Timestamp?, actor: ActorID?
        guard s.object({ s, key in
            switch key {
            case "actor": return s.read(&actor)
            case "asOf": return s.read(&asOf)
            case "at": return s.read(&at)
            case "clause": return s.read(&clause)
            case "evidence": evidence = s.array(Evidence.scanned); return evidence != nil
            case "note": return s.read(&note)
            case "status": return s.read(&status)
            case "values":
                var read: [String: Double] = [:]
                guard s.object({ s, metric in
                    var value: Double?
                    guard s.read(&value) else { return false }
                    read[metric] = value
                    return true
                }) else { return false }
                values = read
                return true
            default: return false
            }
        }), let clause, let status, let values, let evidence, let at, let actor,
              (try? Report.checkMetrics(values, at: .root)) != nil else { return nil }
        return Report(clause: clause, status: status, values: values, evidence: evidence, note: note, asOf: asOf, at: at, actor: actor)
    }
}

extension Evidence {
    static func scanned(_ s: inout RecordScanner) -> Evidence? {
        var kind: EvidenceKind?, title: String?, sha256: String?, uri: String?
        guard s.object({ s, key in
            switch key {
            case "kind": return s.read(&kind)
            case "sha256": return s.read(&sha256)
            case "title": return s.read(&title)
            case "uri": return s.read(&uri)
            default: return false
            }
        }), let kind, let title, (try? Evidence.check(title: title, sha256: sha256, uri: uri, at: .root)) != nil else { return nil }
        return Evidence(kind: kind, title: title, sha256: sha256, uri: uri)
    }
}
