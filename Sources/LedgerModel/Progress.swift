/// The kinds of evidence; `document` and `meeting` show activity, the rest outcomes.
public enum EvidenceKind: String, JSONEnum {
    case outcome, document, meeting, photo, data

    public var isActivity: Bool { self == .document || self == .meeting }
}

/// Something that backs a claim: a file by its hash, or a link.
public struct Evidence: Sendable, Hashable, JSONCodable {
    public var kind: EvidenceKind
    public var title: String
    public var sha256: String?
    public var uri: String?

    public init(kind: EvidenceKind, title: String, sha256: String? = nil, uri: String? = nil) {
        self.kind = kind; self.title = title; self.sha256 = sha256; self.uri = uri
    }

    public init(json: JSONValue, at pointer: JSONPointer) throws {
        var r = try ObjectReader(json, at: pointer)
        kind = try r.required("kind")
        title = try r.required("title")
        try nonEmpty(title, pointer / "title")
        sha256 = try r.optional("sha256")
        try Evidence.check(sha256: sha256, at: pointer)
        uri = try r.optional("uri")
        try Evidence.check(uri: uri, at: pointer)
        try r.finish()
        try Evidence.checkLinked(sha256: sha256, uri: uri, at: pointer)
    }

    static func check(sha256: String?, at pointer: JSONPointer) throws {
        if let h = sha256, !isSHA256(h) { throw ValidationError(pointer / "sha256", "must be 64 lower-case hex digits") }
    }

    static func check(uri: String?, at pointer: JSONPointer) throws {
        if let u = uri, u.isEmpty || u.contains(where: \.isWhitespace) {
            throw ValidationError(pointer / "uri", "must be a URI without spaces")
        }
    }

    static func checkLinked(sha256: String?, uri: String?, at pointer: JSONPointer) throws {
        if sha256 == nil && uri == nil { throw ValidationError(pointer, "needs a sha256 or a uri (or both)") }
    }

    /// Every check of the general reader, in its order.
    static func check(title: String, sha256: String?, uri: String?, at pointer: JSONPointer) throws {
        try nonEmpty(title, pointer / "title")
        try check(sha256: sha256, at: pointer)
        try check(uri: uri, at: pointer)
        try checkLinked(sha256: sha256, uri: uri, at: pointer)
    }

    public var json: JSONValue { jsonObject(["kind": kind, "title": title, "sha256": sha256, "uri": uri]) }
}

public enum ProgressStatus: String, JSONEnum {
    case notStarted = "not-started"
    case inProgress = "in-progress"
    case done, blocked
}

/// One progress report on one clause of a plan, as the unit made it.
public struct Report: Sendable, Hashable, JSONCodable {
    public var clause: ClauseID
    public var status: ProgressStatus
    public var values: [String: Double]
    public var evidence: [Evidence]
    public var note: String?
    /// When the reported state was true, when the unit says so; otherwise the day it reported.
    public var asOf: Day?
    /// When the report was committed.
    public var at: Timestamp
    public var actor: ActorID

    public init(clause: ClauseID, status: ProgressStatus, values: [String: Double] = [:], evidence: [Evidence] = [],
                note: String? = nil, asOf: Day? = nil, at: Timestamp, actor: ActorID) {
        self.clause = clause; self.status = status; self.values = values; self.evidence = evidence
        self.note = note; self.asOf = asOf; self.at = at; self.actor = actor
    }

    public init(json: JSONValue, at pointer: JSONPointer) throws {
        var r = try ObjectReader(json, at: pointer)
        clause = try r.required("clause")
        status = try r.required("status")
        values = try r.required("values")
        try Report.checkMetrics(values, at: pointer / "values")
        evidence = try r.required("evidence")
        note = try r.optional("note")
        asOf = try r.optional("asOf")
        self.at = try r.required("at")
        actor = try r.required("actor")
        try r.finish()
    }

    static func checkMetrics(_ values: [String: Double], at pointer: JSONPointer) throws {
        for m in values.keys.sorted() {
            if let problem = Target.metricProblem(m) { throw ValidationError(pointer / m, problem) }
        }
    }

    /// The day the reported state was true.
    public var effectiveDay: Day { asOf ?? at.utcDay }

    public var json: JSONValue {
        jsonObject([
            "clause": clause, "status": status, "values": values.mapValues { JSONValue.numeric($0) }, "evidence": evidence,
            "note": note, "asOf": asOf, "at": at, "actor": actor,
        ])
    }
}

/// Every progress report a unit made on its plan, oldest first.
public struct Progress: Sendable, Hashable, JSONCodable {
    public var directive: DirectiveID
    public var unit: UnitID
    public var reports: [Report]

    public init(directive: DirectiveID, unit: UnitID, reports: [Report]) {
        self.directive = directive; self.unit = unit; self.reports = reports
    }

    public init(json: JSONValue, at pointer: JSONPointer) throws {
        var r = try ObjectReader(json, at: pointer)
        try readFormatVersion(&r)
        directive = try r.required("directive")
        unit = try r.required("unit")
        reports = try r.required("reports")
        try r.finish()
    }

    /// The newest report on each clause.
    public var latest: [ClauseID: Report] {
        var out: [ClauseID: Report] = [:]
        for r in reports { out[r.clause] = r }
        return out
    }

    public var json: JSONValue {
        jsonObject(["formatVersion": 1, "directive": directive, "unit": unit, "reports": reports])
    }
}

extension Progress {
    /// Where reports are added to a progress record in canonical form. A progress file only ever
    /// grows by reports, so a reader that has checked one version need only parse what the next
    /// adds: if the old record is canonical and valid, and `new` keeps its bytes before `close`
    /// and its `tail`, and the added part makes a canonical, valid record of its own, then `new`
    /// is canonical and valid too, and its reports are the old ones followed by the added ones.
    ///
    /// In canonical form the reports array is the only array one level down: it opens with
    /// `"reports": [` and closes at the first line after that which is exactly `  ]`.
    public struct AppendPoint: Sendable, Hashable {
        /// The offset just after `"reports": [`.
        public var open: Int
        /// The offset of the `\n  ]` that closes the reports array.
        public var close: Int
        /// The record's bytes from `close` to its end.
        public var tail: [UInt8]
        /// The length of the record.
        public var count: Int { close + tail.count }

        private static let opening = Array("\n  \"reports\": [".utf8), closing = Array("\n  ]".utf8)

        /// The point of a canonical progress record with at least one report; nil for any other bytes.
        public init?(canonical record: [UInt8]) {
            guard let start = Self.firstIndex(of: Self.opening, in: record, from: 0),
                  let close = Self.firstIndex(of: Self.closing, in: record, from: start + Self.opening.count),
                  close > start + Self.opening.count else { return nil }
            self.open = start + Self.opening.count
            self.close = close
            self.tail = Array(record[close...])
        }

        private init(open: Int, close: Int, tail: [UInt8]) {
            self.open = open; self.close = close; self.tail = tail
        }

        /// When `new` is laid out as this point's record with reports added at the end: the canonical
        /// record holding only the added reports, and the point of `new`. The caller must still check
        /// that `new[..<close]` is the old record's own (then the old record is `new[..<close] + tail`).
        public func added(in new: [UInt8]) -> (record: [UInt8], next: AppendPoint)? {
            let addedEnd = new.count - tail.count
            // new = old[..<close] + ",\n    {...},\n    {...}" + tail
            guard addedEnd - close > 2, new[close] == UInt8(ascii: ","), new[close + 1] == UInt8(ascii: "\n"),
                  new[addedEnd...].elementsEqual(tail) else { return nil }
            var record = Array(new[..<open])
            record.reserveCapacity(open + (addedEnd - close) + tail.count)
            record.append(contentsOf: new[(close + 1)..<addedEnd])
            record.append(contentsOf: tail)
            return (record, AppendPoint(open: open, close: addedEnd, tail: tail))
        }

        private static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
            guard let first = needle.first, haystack.count >= needle.count else { return nil }
            var i = start
            let last = haystack.count - needle.count
            while i <= last {
                if haystack[i] == first, haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
                i += 1
            }
            return nil
        }
    }
}
