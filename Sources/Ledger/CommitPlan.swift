import LedgerModel

/// One commit an action will make: the records it writes, its message and trailers.
struct CommitPlan {
    var action: ActionName
    var actor: Actor
    var at: Timestamp
    var changes: [(path: RecordPath, bytes: [UInt8])] = []
    var subject: String
    var body: String? = nil
    var unit: UnitID? = nil
    var directive: DirectiveID? = nil
    var clause: ClauseID? = nil
    /// Clauses named besides `clause` (an edit of a plan names every clause it changes).
    var moreClauses: [ClauseID] = []
    var finding: FindingID? = nil

    /// Adds `record` at `path` once it passes the reader `verify` applies to that path: every record
    /// a command, an import or a library caller writes goes through the same rules, so nothing is
    /// written that `verify` would refuse.
    ///
    /// `adding`, for a record that only grows (a progress file), is the part this write adds, read in
    /// place of the whole record (whose earlier part was checked when it was written), its pointers
    /// taken as the event's own.
    mutating func write<Record: JSONWritable>(_ path: RecordPath, _ record: Record, into snapshot: Snapshot,
                                              adding part: (any JSONWritable, any JSONReadable.Type)? = nil) throws {
        let value = record.json
        do {
            if let (added, reader) = part { _ = try reader.init(json: added.json, at: .root) } else { try path.validate(value) }
        } catch let e as ValidationError {
            throw LedgerError.invalid(e.pointer, part == nil ? "\(e.reason) (in the \(path.path) this would write)" : e.reason)
        }
        let bytes = CanonicalJSON.encode(value)
        snapshot.write(path, bytes, record)
        changes.append((path, bytes))
    }

    /// `<action>: <summary>`, the body, then the `Luoshi-*` trailers git can parse. Text from records
    /// goes in by `CommitText`'s rule, so it can neither cut the message (a NUL) nor break its lines.
    var message: String {
        var m = "\(action.rawValue): \(CommitText.line(subject))\n"
        if let body, !body.isEmpty { m += "\n" + CommitText.paragraphs(body).trimmingTrailingNewlines + "\n" }
        var trailers = Trailers(action: action, unit: unit, directive: directive, clause: clause, finding: finding)
        trailers.clauses += moreClauses.filter { $0 != clause }
        m += "\n" + trailers.text
        return m
    }
}

/// How text from records goes into a commit message. git keeps a message as a C string, so a NUL
/// would cut it (and its trailers) short; other control characters would reach every terminal that
/// runs `git log`. They are written as `\u{…}` escapes instead, so the message says what the record
/// holds without carrying it raw.
enum CommitText {
    /// One line: the subject. Line breaks are escaped too.
    static func line(_ text: String) -> String { escaped(text, keepingLineBreaks: false) }

    /// Free text for the body: line breaks and tabs stay, with `\r\n` read as a line break.
    static func paragraphs(_ text: String) -> String { escaped(text, keepingLineBreaks: true) }

    private static func escaped(_ text: String, keepingLineBreaks: Bool) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        var scalars = text.unicodeScalars[...]
        while let u = scalars.popFirst() {
            if keepingLineBreaks, u == "\r", scalars.first == "\n" { continue }
            if keepingLineBreaks, u == "\n" || u == "\t" { out.unicodeScalars.append(u); continue }
            if needsEscape(u) { out += "\\u{\(String(u.value, radix: 16))}" } else { out.unicodeScalars.append(u) }
        }
        return out
    }

    private static func needsEscape(_ u: Unicode.Scalar) -> Bool {
        u.properties.generalCategory == .control || u == "\u{2028}" || u == "\u{2029}"
    }
}

/// The `Luoshi-*` trailers of a commit message.
public struct Trailers: Sendable, Hashable {
    public var action: ActionName?
    public var unit: UnitID?
    public var directive: DirectiveID?
    /// The first clause named, if any.
    public var clause: ClauseID? {
        get { clauses.first }
        set { clauses = newValue.map { [$0] } ?? [] }
    }
    /// Every clause named, one `Luoshi-Clause` trailer each (an edit of a plan names each it changes).
    public var clauses: [ClauseID] = []
    public var finding: FindingID?

    public init(action: ActionName?, unit: UnitID? = nil, directive: DirectiveID? = nil, clause: ClauseID? = nil, finding: FindingID? = nil) {
        self.action = action; self.unit = unit; self.directive = directive; self.clause = clause; self.finding = finding
    }

    var text: String {
        var t = ""
        if let action { t += "Luoshi-Action: \(action.rawValue)\n" }
        if let unit { t += "Luoshi-Unit: \(unit)\n" }
        if let directive { t += "Luoshi-Directive: \(directive)\n" }
        for clause in clauses { t += "Luoshi-Clause: \(clause)\n" }
        if let finding { t += "Luoshi-Finding: \(finding)\n" }
        return t
    }

    /// Reads the trailers from the last paragraph of a commit message; unknown values stay nil.
    public init(message: String) {
        // The last paragraph: the last run of lines that are not blank. Read as bytes: verify
        // reads the trailers of every commit.
        let lines = message.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        func isBlank(_ line: Substring.UTF8View) -> Bool {
            if line.allSatisfy({ $0 == 0x20 || (0x09...0x0D).contains($0) }) { return true }
            return line.contains { $0 >= 0x80 } && String(decoding: line, as: UTF8.self).allSatisfy(\.isWhitespace)
        }
        var end = lines.endIndex
        while end > lines.startIndex, isBlank(lines[end - 1]) { end -= 1 }
        var start = end
        while start > lines.startIndex, !isBlank(lines[start - 1]) { start -= 1 }
        for line in lines[start..<end] {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let key = String(decoding: line[..<colon], as: UTF8.self)
            let value = String(decoding: line[line.index(after: colon)...].drop { $0 == UInt8(ascii: " ") }, as: UTF8.self)
            switch key {
            case "Luoshi-Action": action = ActionName(rawValue: value)
            case "Luoshi-Unit": unit = try? UnitID(value)
            case "Luoshi-Directive": directive = try? DirectiveID(value)
            case "Luoshi-Clause": if let c = try? ClauseID(value) { clauses.append(c) }
            case "Luoshi-Finding": finding = try? FindingID(value)
            default: continue
            }
        }
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var s = Substring(self)
        while s.last == "\n" { s = s.dropLast() }
        return String(s)
    }
}
