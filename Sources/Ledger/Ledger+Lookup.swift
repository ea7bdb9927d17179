import GitStore
import LedgerModel

/// The kinds of record a command names by id, for messages and suggestions.
public enum LookupKind: String, Sendable {
    case unit, directive, actor, finding, clause, checkpoint
}

/// The ids nearest to one that does not exist: how a typo becomes "did you mean ...?".
public enum NearestNames {
    /// Up to `limit` of `candidates` closest to `wanted` by edit distance (letters inserted, removed,
    /// changed or two swapped): those at the least distance found, if it is close enough to be a slip
    /// of the hand (a third of the longer name, at least 2 edits), else those that contain `wanted`
    /// (of 3 characters or more).
    public static func nearest(_ wanted: String, among candidates: [String], limit: Int = 3) -> [String] {
        let w = Array(wanted.lowercased())
        var scored: [(distance: Int, name: String)] = []
        for name in Set(candidates) where name != wanted {
            let c = Array(name.lowercased())
            let allowed = max(2, max(w.count, c.count) / 3)
            let d = distance(w, c)
            if d <= allowed || (w.count >= 3 && name.contains(wanted)) {
                scored.append((d, name))
            }
        }
        let sorted = scored.sorted { ($0.distance, $0.name) < ($1.distance, $1.name) }
        guard let best = sorted.first?.distance else { return [] }
        return sorted.filter { $0.distance == best }.prefix(limit).map(\.name)
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], before[j - 2] + 1)
                }
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
    }

    /// "no unit cn/hednog; did you mean cn/hedong?", or what lists them when nothing is near.
    public static func message(_ kind: LookupKind, _ wanted: String, among candidates: [String], context: String = "",
                               listing: String? = nil) -> String {
        let near = nearest(wanted, among: candidates)
        let head = "no \(kind.rawValue) \(wanted)\(context)"
        if near.isEmpty {
            if candidates.isEmpty { return head + (kind == .clause ? "" : "; the ledger has no \(kind.rawValue)s yet") }
            if let listing, candidates.count > 8 { return head + "; `\(listing)` lists them" }
            let sorted = candidates.sorted()
            return head + "; the \(kind.rawValue)s are " + sorted.prefix(8).joined(separator: ", ") + (sorted.count > 8 ? ", ..." : "")
        }
        return head + "; did you mean " + joinedWithOr(near) + "?"
    }

    static func joinedWithOr(_ names: [String]) -> String {
        names.count <= 1 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + names.last!
    }
}

extension Ledger {
    /// The ids of every record of a kind at `commit` (default head). Clauses are not records: see `requireClause`.
    public func ids(of kind: LookupKind, at commit: ObjectID? = nil) throws -> [String] {
        let at = try commit ?? head()
        let folder: String
        switch kind {
        case .unit: folder = "units/"
        case .directive: folder = "directives/"
        case .actor: folder = "actors/"
        case .finding: folder = "findings/"
        case .checkpoint: folder = "checkpoints/"
        case .clause: return []
        }
        return try repository.listBlobs(inCommit: at, under: folder).compactMap { path, _ in
            switch RecordPath(path: path) {
            case .unit(let u) where kind == .unit: u.rawValue
            case .directive(let d) where kind == .directive: d.rawValue
            case .actor(let a) where kind == .actor: a.rawValue
            case .finding(let f) where kind == .finding: f.rawValue
            case .checkpoint(let c) where kind == .checkpoint: c.rawValue
            default: nil
            }
        }
    }

    private func requireRecord(_ kind: LookupKind, _ id: String, _ path: RecordPath, at commit: ObjectID?, listing: String) throws {
        let at = try commit ?? head()
        guard try repository.blobID(at: path.path, inCommit: at) == nil else { return }
        throw LedgerError.notFound(NearestNames.message(kind, id, among: try ids(of: kind, at: at), listing: listing))
    }

    /// Throws a usage error naming the nearest units when `unit` is not registered at `commit` (default head).
    public func requireUnit(_ unit: UnitID, at commit: ObjectID? = nil) throws {
        try requireRecord(.unit, unit.rawValue, .unit(unit), at: commit, listing: "luoshi units")
    }

    /// Throws a usage error naming the nearest directives when `directive` is not issued.
    public func requireDirective(_ directive: DirectiveID, at commit: ObjectID? = nil) throws {
        try requireRecord(.directive, directive.rawValue, .directive(directive), at: commit, listing: "luoshi directives")
    }

    /// Throws a usage error naming the nearest actors when `actor` is not registered.
    public func requireActor(_ actor: ActorID, at commit: ObjectID? = nil) throws {
        try requireRecord(.actor, actor.rawValue, .actor(actor), at: commit, listing: "luoshi actors")
    }

    /// Throws a usage error naming the nearest findings when `finding` does not exist.
    public func requireFinding(_ finding: FindingID, at commit: ObjectID? = nil) throws {
        try requireRecord(.finding, finding.rawValue, .finding(finding), at: commit, listing: "luoshi findings")
    }

    /// Throws a usage error naming the nearest clauses when `clause` is in neither `unit`'s plan for
    /// `directive` nor the directive itself (the unit and directive checked first).
    public func requireClause(_ clause: ClauseID, directive: DirectiveID, unit: UnitID? = nil, at commit: ObjectID? = nil) throws {
        let at = try commit ?? head()
        try requireDirective(directive, at: at)
        if let unit { try requireUnit(unit, at: at) }
        var known: [String] = []
        if let value = try record(.directive(directive), at: at) {
            known += try Directive(json: value, at: .root).clauses.map(\.id.rawValue)
        }
        var context = " in \(directive)"
        if let unit, let value = try record(.plan(directive, unit), at: at) {
            known += try Plan(json: value, at: .root).clauses.map(\.id.rawValue)
            context = " in \(directive) or the plan of \(unit)"
        }
        guard !known.contains(clause.rawValue) else { return }
        throw LedgerError.notFound(NearestNames.message(.clause, clause.rawValue, among: known, context: context))
    }
}

extension Ledger {
    /// Checks the ids a command or filter names against head, so that a typo is a usage error naming
    /// the nearest ids rather than an empty answer. A clause is looked for in the directive (and the
    /// unit's plan) when they are named, else in every directive.
    public func requireExisting(unit: UnitID? = nil, directive: DirectiveID? = nil, clause: ClauseID? = nil,
                                finding: FindingID? = nil, actor: ActorID? = nil) throws {
        let at = try head()
        if let unit { try requireUnit(unit, at: at) }
        if let directive { try requireDirective(directive, at: at) }
        if let finding { try requireFinding(finding, at: at) }
        if let actor { try requireActor(actor, at: at) }
        guard let clause else { return }
        if let directive {
            try requireClause(clause, directive: directive, unit: unit, at: at)
            return
        }
        var known: [String] = []
        for id in try ids(of: .directive, at: at) {
            guard let d = try? DirectiveID(id), let value = try record(.directive(d), at: at) else { continue }
            known += try Directive(json: value, at: .root).clauses.map(\.id.rawValue)
        }
        if !known.contains(clause.rawValue) {
            throw LedgerError.notFound(NearestNames.message(.clause, clause.rawValue, among: known, context: " in any directive"))
        }
    }
}
