/// The records a ledger stores, one file each. Every record carries `formatVersion`: 1 for every
/// kind, except that a plan which records the blob of its basis is version 2 (`Plan`).
public let currentFormatVersion = 1

@discardableResult
func readFormatVersion(_ r: inout ObjectReader, accepting versions: ClosedRange<Int> = currentFormatVersion...currentFormatVersion) throws -> Int {
    let v: Int = try r.required("formatVersion")
    guard versions.contains(v) else {
        let known = versions.count == 1 ? "version \(versions.lowerBound)" : "versions \(versions.lowerBound) to \(versions.upperBound)"
        throw ValidationError(r.pointer / "formatVersion", "format version \(v) is not supported; this Luoshi reads \(known) of this record")
    }
    return v
}

/// An organisational unit.
public struct Unit: Sendable, Hashable, JSONCodable {
    public var id: UnitID
    public var name: String
    public var level: String

    public init(id: UnitID, name: String, level: String) { self.id = id; self.name = name; self.level = level }

    public init(json: JSONValue, at pointer: JSONPointer) throws {
        var r = try ObjectReader(json, at: pointer)
        try readFormatVersion(&r)
        try self.init(fields: &r)
        try r.finish()
    }

    /// Reads the fields an event gives (no `formatVersion`).
    public init(fields r: inout ObjectReader) throws {
        id = try r.required("id")
        name = try r.required("name")
        level = try r.required("level")
        try Unit.check(name: name, level: level, at: r.pointer)
    }

    /// The checks of a unit's fields beyond their types.
    static func check(name: String, level: String, at pointer: JSONPointer) throws {
        try nonEmpty(name, pointer / "name")
        try levelCheck(level, pointer / "level")
    }

    public var fields: [String: JSONValue] { ["id": id.json, "name": .string(name), "level": .string(level)] }
    public var json: JSONValue { .object(fields.merging(["formatVersion": .integer(1)]) { a, _ in a }) }
}

func nonEmpty(_ s: String, _ pointer: JSONPointer) throws {
    if s.allSatisfy(\.isWhitespace) { throw ValidationError(pointer, "must not be empty") }
}

/// Checks a name git can put in a commit's author line (an actor's name signs every commit it
/// makes): libgit2 refuses '<', '>' and line breaks, and trims white space and `. , : ; " \ '` from
/// both ends, so a name of only those is empty to it.
public func signatureNameCheck(_ s: String, _ pointer: JSONPointer) throws {
    if s.unicodeScalars.contains(where: { $0 == "<" || $0 == ">" || $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" }) {
        throw ValidationError(pointer, "must not hold '<', '>', a line break or another control character: git cannot put them in a commit's author line")
    }
    let trimmed: Set<Unicode.Scalar> = [".", ",", ":", ";", "\"", "\\", "'"]
    guard s.unicodeScalars.contains(where: { !$0.properties.isWhitespace && !trimmed.contains($0) }) else {
        throw ValidationError(pointer, "must hold more than white space and the punctuation git trims from a name (. , : ; \" \\ ')")
    }
}

/// A level label, as the hierarchy names its levels in any script (province, county, 省, 市, 县, Land,
/// Kreis): 1 to 32 characters, not blank, no control characters, line breaks or bidirectional controls.
func levelCheck(_ s: String, _ pointer: JSONPointer) throws {
    if let problem = levelProblem(s) { throw ValidationError(pointer, problem) }
}

public func levelProblem(_ s: String) -> String? {
    var count = 0
    for scalar in s.unicodeScalars {
        count += 1
        if isLevelRefused(scalar) {
            return "level \"\(s.visiblyEscaped)\" holds \(scalar.describedForPeople); a level is 1 to 32 characters of any script, without control characters, line breaks or bidirectional controls"
        }
    }
    if count == 0 || s.allSatisfy(\.isWhitespace) { return "a level must not be empty or blank" }
    if count > 32 { return "level \"\(s)\" is \(count) characters long; at most 32 are allowed" }
    return nil
}

private func isLevelRefused(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .control, .lineSeparator, .paragraphSeparator: return true
    default: return scalar.isBidiControl
    }
}

/// What an actor may do, over units measured from the actor's own (`Permissions` says which).
public enum Role: String, JSONEnum {
    case admin, issuer, implementer, supervisor, auditor
}

/// A key that was once registered and has been revoked.
public struct RevokedKey: Sendable, Hashable, JSONCodable {
    public var key: String
    public var at: Timestamp
    public var by: ActorID

    public init(key: String, at: Timestamp, by: ActorID) { self.key = key; self.at = at; self.by = by }

    public init(json: JSONValue, at pointer: JSONPointer) throws {
        var r = try ObjectReader(json, at: pointer)
        key = try r.required("key")
        try sshKeyCheck(key, pointer / "key")
        self.at = try r.required("at")
        by = try r.required("by")
        try r.finish()
    }

    public var json: JSONValue { jsonObject(["key": key, "at": at, "by": by]) }
}

/// Checks the text form `ssh-ed25519 AAAA... [comment]` (the key itself is decoded by the ledger).
public func sshKeyCheck(_ key: String, _ pointer: JSONPointer) throws {
    let parts = key.split(separator: " ", omittingEmptySubsequences: true)
    // The key field is base64, counted in bytes: a letter with a combining mark is one Character but
    // two scalars, and no base64 at all.
    func isBase64(_ b: UInt8) -> Bool {
        (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || (0x30...0x39).contains(b) || b == 0x2B || b == 0x2F
    }
    guard parts.count >= 2, parts[0] == "ssh-ed25519", parts[1].hasPrefix("AAAAC3NzaC1lZDI1NTE5"), parts[1].utf8.count == 68,
          parts[1].utf8.allSatisfy(isBase64) else {
        throw ValidationError(pointer, "must be an OpenSSH ed25519 public key, \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5... comment\"")
    }
}

/// The key material of an `ssh-ed25519 AAAA... comment` line, without its comment.
public func sshKeyIdentity(_ key: String) -> String {
    // The usual "type base64 comment", single-spaced, is cut before its second space.
    let utf8 = key.utf8, space = UInt8(ascii: " ")
    if let first = utf8.firstIndex(of: space), first != utf8.startIndex {
        let next = utf8.index(after: first)
        if next != utf8.endIndex, utf8[next] != space {
            return String(key[..<(utf8[next...].firstIndex(of: space) ?? utf8.endIndex)])
        }
    }
    return key.split(separator: " ").prefix(2).joined(separator: " ")
}

/// A person or system that signs changes.
public struct Actor: Sendable, Hashable, JSONCodable {
    public var id: ActorID
    public var name: String
    public var unit: UnitID?
    public var roles: [Role]
    public var keys: [String]
    public var revokedKeys: [RevokedKey]

    public init(id: ActorID, name: String, unit: UnitID?, roles: [Role], keys: [String], revokedKeys: [RevokedKey] = []) {
        self.id = id; self.name = name; self.unit = unit; self.roles = roles; self.keys = keys; self.revokedKeys = revokedKeys
    }

    public init(json: JSONValue, at pointer: JSONPointer) throws {
        var r = try ObjectReader(json, at: pointer)
        try readFormatVersion(&r)
        try self.init(fields: &r)
        revokedKeys = try r.optional("revokedKeys") ?? []
        try r.finish()
    }

    public init(fields r: inout ObjectReader) throws {
        id = try r.required("id")
        name = try r.required("name")
        try signatureNameCheck(name, r.pointer / "name")
        unit = try r.optional("unit")
        roles = try r.required("roles")
        var seen = Set<Role>()
        for (n, role) in roles.enumerated() where !seen.insert(role).inserted {
            throw ValidationError(r.pointer / "roles" / n, "role \"\(role.rawValue)\" appears twice")
        }
        keys = try r.required("keys")
        for (n, k) in keys.enumerated() { try sshKeyCheck(k, r.pointer / "keys" / n) }
        revokedKeys = []
        if unit == nil, let scoped = roles.first(where: { $0 != .admin && $0 != .auditor }) {
            throw ValidationError(r.pointer / "unit", "is required for an actor with role \"\(scoped.rawValue)\"")
        }
    }

    public func has(_ role: Role) -> Bool { roles.contains(role) }

    /// Whether `key` (with or without comment) is one of this actor's current keys.
    public func holds(key: String) -> Bool {
        let wanted = sshKeyIdentity(key)
        return keys.contains { sshKeyIdentity($0) == wanted }
    }

    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "formatVersion": .integer(1), "id": id.json, "name": .string(name),
            "roles": roles.json, "keys": keys.json,
        ]
        if let unit { o["unit"] = unit.json }
        if !revokedKeys.isEmpty { o["revokedKeys"] = revokedKeys.json }
        return .object(o)
    }
}

/// Which units must implement a directive: those in the subtrees of `units` at one of `levels`.
public struct Scope: Sendable, Hashable, JSONCodable {
    public var units: [UnitID]
    public var levels: [String]

    public init(units: [UnitID], levels: [String]) { self.units = units; self.levels = levels }

    public init(json: JSONValue, at pointer: JSONPointer) throws {
        var r = try ObjectReader(json, at: pointer)
        units = try r.required("units")
        if units.isEmpty { throw ValidationError(pointer / "units", "must name at least one unit") }
        levels = try r.required("levels")
        for (n, l) in levels.enumerated() { try levelCheck(l, pointer / "levels" / n) }
        try r.finish()
    }

    public func includes(_ unit: Unit) -> Bool {
        levels.contains(unit.level) && units.contains { unit.id.isWithin($0) }
    }

    public var json: JSONValue { jsonObject(["units": units, "levels": levels]) }
}

/// How often units must report on a directive, as an ISO 8601 duration (`P1M`, `P2W`, `P10D`).
public struct Cadence: Sendable, Hashable, JSONCodable {
    public var every: String
    /// Reports a month this cadence asks of each unit.
    public let reportsPerMonth: Double

    public init(every: String) throws {
        guard let perMonth = Cadence.reportsPerMonth(every) else {
            throw ValidationError(.root, "\"\(every)\" is not an ISO 8601 duration such as P1M, P2W or P10D")
        }
        self.every = every; self.reportsPerMonth = perMonth
    }

    public init(json: JSONValue, at pointer: JSONPointer) throws {
        var r = try ObjectReader(json, at: pointer)
        let every: String = try r.required("every")
        try r.finish()
        do { try self.init(every: every) } catch let e as ValidationError { throw ValidationError(pointer / "every", e.reason) }
    }

    static func reportsPerMonth(_ s: String) -> Double? {
        var chars = Array(s)[...]
        guard chars.popFirst() == "P", !chars.isEmpty else { return nil }
        var days = 0.0
        var number = ""
        var lastUnit = -1
        let units: [Character: (Int, Double)] = ["Y": (0, 365.25), "M": (1, 30.4375), "W": (2, 7), "D": (3, 1)]
        while let c = chars.popFirst() {
            if c.isASCII, c.isNumber { number.append(c); continue }
            guard let (order, length) = units[c], let n = Int(number), order > lastUnit else { return nil }
            days += Double(n) * length
            lastUnit = order
            number = ""
        }
        guard number.isEmpty, days > 0 else { return nil }
        return 30.4375 / days
    }

    public var json: JSONValue { jsonObject(["every": every]) }
}

/// A central decision, with the clauses units must carry out.
public struct Directive: Sendable, Hashable, JSONCodable {
    public var id: DirectiveID
    public var title: String
    public var issuer: UnitID
    public var issued: Day
    /// 1 when issued, raised by the ledger on each amendment.
    public var version: Int
    public var scope: Scope
    public var reporting: Cadence
    public var clauses: [Clause]

    public init(id: DirectiveID, title: String, issuer: UnitID, issued: Day, version: Int, scope: Scope, reporting: Cadence, clauses: [Clause]) {
        self.id = id; self.title = title; self.issuer = issuer; self.issued = issued; self.version = version
        self.scope = scope; self.reporting = reporting; self.clauses = clauses
    }

    public init(json: JSONValue, at pointer: JSONPointer) throws {
        var r = try ObjectReader(json, at: pointer)
        try readFormatVersion(&r)
        try self.init(fields: &r)
        version = try r.required("version")
        if version < 1 { throw ValidationError(pointer / "version", "must be at least 1") }
        try r.finish()
    }

    /// Reads the fields an event gives: no `formatVersion`, no `version` (the ledger sets it).
    public init(fields r: inout ObjectReader) throws {
        id = try r.required("id")
        title = try r.required("title")
        try nonEmpty(title, r.pointer / "title")
        issuer = try r.required("issuer")
        issued = try r.required("issued")
        scope = try r.required("scope")
        reporting = try r.required("reporting")
        clauses = try r.required("clauses", using: Clause.list)
        if clauses.isEmpty { throw ValidationError(r.pointer / "clauses", "must hold at least one clause") }
        if let n = clauses.firstIndex(where: { $0.reason != nil }) {
            throw ValidationError(r.pointer / "clauses" / n / "reason", "a directive's clause gives no reason: a reason explains a plan's departure from its basis")
        }
        version = 1
    }

    public func clause(_ id: ClauseID) -> Clause? { clauses.first { $0.id == id } }

    public var json: JSONValue {
        jsonObject([
            "formatVersion": 1, "id": id, "title": title, "issuer": issuer, "issued": issued, "version": version,
            "scope": scope, "reporting": reporting, "clauses": clauses,
        ])
    }
}

/// What a plan was derived from.
public struct Basis: Sendable, Hashable, JSONCodable {
    public enum Kind: String, JSONEnum { case directive, plan }
    public var kind: Kind
    /// The issuer's unit for a directive, the ancestor's unit for a plan.
    public var unit: UnitID
    /// The directive version the basis carries.
    public var version: Int
    /// The ledger commit at which the basis was read.
    public var commit: String
    /// The git blob id of the basis record (the directive, or the ancestor's plan) at `commit`, so
    /// that a reader finds the basis without looking the path up in that commit's tree. Recorded by
    /// plans of format version 2; nil in a version 1 plan. `luoshi verify` checks it against `commit`.
    public var blob: String?

    public init(kind: Kind, unit: UnitID, version: Int, commit: String, blob: String? = nil) {
        self.kind = kind; self.unit = unit; self.version = version; self.commit = commit; self.blob = blob
    }

    public init(json: JSONValue, at pointer: JSONPointer) throws {
        var r = try ObjectReader(json, at: pointer)
        kind = try r.required("kind")
        unit = try r.required("unit")
        version = try r.required("version")
        commit = try r.required("commit")
        if !isObjectID(commit) { throw ValidationError(pointer / "commit", "must be a 40-digit lower-case hex commit id") }
        blob = try r.optional("blob")
        if let blob, !isObjectID(blob) { throw ValidationError(pointer / "blob", "must be a 40-digit lower-case hex blob id") }
        try r.finish()
    }

    public var json: JSONValue { jsonObject(["kind": kind, "unit": unit, "version": version, "commit": commit, "blob": blob]) }
}

public func isObjectID(_ s: String) -> Bool {
    s.utf8.count == 40 && s.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
}

public func isSHA256(_ s: String) -> Bool {
    s.utf8.count == 64 && s.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
}

/// A supervisor's approval of an exemption.
public struct Approval: Sendable, Hashable, JSONCodable {
    public var by: ActorID
    public var at: Timestamp
    public var note: String?

    public init(by: ActorID, at: Timestamp, note: String?) { self.by = by; self.at = at; self.note = note }

    public init(json: JSONValue, at pointer: JSONPointer) throws {
        var r = try ObjectReader(json, at: pointer)
        by = try r.required("by")
        self.at = try r.required("at")
        note = try r.optional("note")
        try r.finish()
    }

    public var json: JSONValue { jsonObject(["by": by, "at": at, "note": note]) }
}

/// A declared reason for leaving a basis clause out of a plan.
public struct Exemption: Sendable, Hashable, JSONCodable {
    public var clause: ClauseID
    public var reason: String
    public var approval: Approval?

    public init(clause: ClauseID, reason: String, approval: Approval? = nil) {
        self.clause = clause; self.reason = reason; self.approval = approval
    }

    public init(json: JSONValue, at pointer: JSONPointer) throws {
        var r = try ObjectReader(json, at: pointer)
        clause = try r.required("clause")
        reason = try r.required("reason")
        try nonEmpty(reason, pointer / "reason")
        approval = try r.optional("approval")
        try r.finish()
    }

    public var json: JSONValue { jsonObject(["clause": clause, "reason": reason, "approval": approval]) }
}

/// One unit's implementation of one directive.
public struct Plan: Sendable, Hashable, JSONCodable {
    public var directive: DirectiveID
    public var unit: UnitID
    public var basis: Basis
    public var adopted: Timestamp
    public var clauses: [Clause]
    public var exemptions: [Exemption]

    public init(directive: DirectiveID, unit: UnitID, basis: Basis, adopted: Timestamp, clauses: [Clause], exemptions: [Exemption]) {
        self.directive = directive; self.unit = unit; self.basis = basis; self.adopted = adopted
        self.clauses = clauses; self.exemptions = exemptions
    }

    public init(json: JSONValue, at pointer: JSONPointer) throws {
        try self.init(json: json, at: pointer) { r in try r.required("clauses", using: Clause.list) }
    }

    /// Reads a plan whose clauses `clauses` reads, in their place among the members (`PlanDecoder`
    /// hands over a list it decoded before).
    init(json: JSONValue, at pointer: JSONPointer, clauses readClauses: (inout ObjectReader) throws -> [Clause]) throws {
        var r = try ObjectReader(json, at: pointer)
        let version = try readFormatVersion(&r, accepting: 1...Plan.formatVersion)
        directive = try r.required("directive")
        unit = try r.required("unit")
        basis = try r.required("basis")
        switch (version, basis.blob) {
        case (1, .some):
            throw ValidationError(pointer / "basis" / "blob", "a plan of format version 1 records no basis blob; version 2 does")
        case (2, nil), (3, nil):
            throw ValidationError(pointer / "basis" / "blob", "is required in a plan of format version \(version)")
        default: break
        }
        adopted = try r.required("adopted")
        let read = try readClauses(&r)
        clauses = read
        let reasons = read.indices.filter { read[$0].reason != nil }
        if version < 3, let n = reasons.first {
            throw ValidationError(pointer / "clauses" / n / "reason", "a plan of format version \(version) records no reasons; version 3 does")
        }
        if version == 3, reasons.isEmpty {
            throw ValidationError(pointer / "clauses", "a plan of format version 3 gives a reason for at least one clause; without one it is version 2")
        }
        exemptions = try r.required("exemptions")
        try r.finish()
        try Exemption.checkUnique(exemptions, at: pointer / "exemptions")
    }

    public func clause(_ id: ClauseID) -> Clause? { clauses.first { $0.id == id } }
    public func exemption(_ id: ClauseID) -> Exemption? { exemptions.first { $0.clause == id } }

    /// The newest plan format. Version 2 records the blob of the basis (`Basis.blob`); a plan without
    /// it, as every plan written before version 2 was, stays version 1 and is read as before.
    /// Version 3 is a version 2 plan whose clauses give reasons (`Clause.reason`): a plan is written
    /// as version 3 only when one does, so every plan without reasons keeps the bytes, and the
    /// version, it had; a Luoshi that reads only versions 1 and 2 refuses a version 3 plan by name
    /// rather than dropping its reasons.
    public static let formatVersion = 3

    /// The version this plan is written as: the oldest that holds all it records.
    public var writtenVersion: Int {
        basis.blob == nil ? 1 : clauses.contains { $0.reason != nil } ? 3 : 2
    }

    public var json: JSONValue {
        jsonObject([
            "formatVersion": writtenVersion, "directive": directive, "unit": unit, "basis": basis, "adopted": adopted,
            "clauses": clauses, "exemptions": exemptions,
        ])
    }
}

extension Exemption {
    static func checkUnique(_ list: [Exemption], at pointer: JSONPointer) throws {
        var seen = Set<ClauseID>()
        for (n, e) in list.enumerated() where !seen.insert(e.clause).inserted {
            throw ValidationError(pointer / n / "clause", "clause \"\(e.clause)\" is exempted twice")
        }
    }
}
