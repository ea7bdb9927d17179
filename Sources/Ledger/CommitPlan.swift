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
    var finding: FindingID? = nil

    mutating func write<Record: JSONWritable>(_ path: RecordPath, _ record: Record, into snapshot: Snapshot) {
        let bytes = CanonicalJSON.encode(record.json)
        snapshot.write(path, bytes, record)
        changes.append((path, bytes))
    }

    /// `<action>: <summary>`, the body, then the `Luoshi-*` trailers git can parse.
    var message: String {
        var m = "\(action.rawValue): \(subject)\n"
        if let body, !body.isEmpty { m += "\n" + body.trimmingTrailingNewlines + "\n" }
        m += "\n" + Trailers(action: action, unit: unit, directive: directive, clause: clause, finding: finding).text
        return m
    }
}

/// The `Luoshi-*` trailers of a commit message.
public struct Trailers: Sendable, Hashable {
    public var action: ActionName?
    public var unit: UnitID?
    public var directive: DirectiveID?
    public var clause: ClauseID?
    public var finding: FindingID?

    public init(action: ActionName?, unit: UnitID? = nil, directive: DirectiveID? = nil, clause: ClauseID? = nil, finding: FindingID? = nil) {
        self.action = action; self.unit = unit; self.directive = directive; self.clause = clause; self.finding = finding
    }

    var text: String {
        var t = ""
        if let action { t += "Luoshi-Action: \(action.rawValue)\n" }
        if let unit { t += "Luoshi-Unit: \(unit)\n" }
        if let directive { t += "Luoshi-Directive: \(directive)\n" }
        if let clause { t += "Luoshi-Clause: \(clause)\n" }
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
            case "Luoshi-Clause": clause = try? ClauseID(value)
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
