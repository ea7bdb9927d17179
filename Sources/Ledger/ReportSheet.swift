import Foundation
import LedgerModel

/// A spreadsheet of progress reports, one `report-progress` a row, as an office fills in the
/// template (`ReportSheet.template`): UTF-8 (with or without a byte-order mark) or GB18030, as
/// Chinese Excel saves a CSV; RFC 4180 fields. Its first row names the columns, in English or in
/// Chinese, in any order; `values` holds `metric=N` pairs separated by `;`. Rows are numbered as a
/// spreadsheet numbers them, the header being row 1.
public struct ReportSheet: Sendable {
    /// What one row says and what is wrong with it.
    public struct Row: Sendable {
        public var row: Int
        /// The row's report; nil when a problem keeps it from being one.
        public var event: Event?
        public var problems: [Problem]
    }

    /// One thing to put right: where (row, and the column when it is one cell) and what to do.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        public var row: Int
        public var column: String?
        public var message: String
        public var description: String { "row \(row)\(column.map { ", column \($0)" } ?? ""): \(message)" }
    }

    /// The columns, in the template's order: the name a program uses, and the one in Chinese.
    public static let columns: [(name: String, chinese: String)] = [
        ("unit", "单位"), ("directive", "文件"), ("clause", "条款"), ("status", "状态"), ("values", "指标值"), ("note", "说明"),
        ("asOf", "截至日期"), ("evidenceKind", "佐证类型"), ("evidenceTitle", "佐证名称"), ("evidenceSHA256", "佐证SHA256"),
    ]
    static let required: Set<String> = ["unit", "directive", "clause", "status"]

    public var rows: [Row]
    /// Every problem of every row, in row order.
    public var problems: [Problem] { rows.flatMap(\.problems) }

    /// The template to fill in: the header in the language asked for and one example row.
    public static func template(chinese: Bool) -> String {
        let header = columns.map { chinese ? $0.chinese : $0.name }
        let example = ["cn/north", "D-2019-01", "1", "in-progress", "documents_cut_pct=12", chinese ? "本月压减发文12%" : "12% fewer documents this month",
                       "2019-06-30", "outcome", chinese ? "发文登记簿" : "Document register", String(repeating: "0", count: 64)]
        // No cell of the template holds a comma, a quote or a line break.
        return [header, example].map { $0.joined(separator: ",") + "\r\n" }.joined()
    }

    /// Reads a sheet's bytes into rows, each report signed by `actor` at `at`. A sheet that cannot
    /// be read at all (not text, no header, a column it does not know, a required column missing)
    /// is `LedgerError.invalidInput` naming what to do; a row's own problems are on its row.
    public static func read(_ bytes: [UInt8], actor: ActorID, at: Timestamp, file: String = "sheet") throws -> ReportSheet {
        let source = InputSource(file: file)
        let text = try decode(bytes, source: source)
        let records = try CSVReader.records(text).filter { !$0.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } || $0.count > 1 }
        guard let header = records.first?.map({ $0.trimmingCharacters(in: .whitespaces) }), !header.isEmpty else {
            throw LedgerError.invalidInput(source: source, pointer: nil, reason: "the sheet is empty: its first row names the columns (download the template)")
        }
        var index: [String: Int] = [:]
        for (n, name) in header.enumerated() {
            guard let column = columns.first(where: { $0.name == name || $0.chinese == name }) else {
                throw LedgerError.invalidInput(source: source, pointer: nil, reason: "row 1, column \(n + 1): \"\(name)\" is not a column of the template; the columns are \(columns.map(\.name).joined(separator: ", "))")
            }
            guard index[column.name] == nil else {
                throw LedgerError.invalidInput(source: source, pointer: nil, reason: "row 1: the column \(column.name) is named twice")
            }
            index[column.name] = n
        }
        let missing = required.subtracting(index.keys).sorted()
        guard missing.isEmpty else {
            throw LedgerError.invalidInput(source: source, pointer: nil, reason: "row 1: the sheet has no column \(missing.joined(separator: ", ")); every report needs unit, directive, clause and status")
        }
        var rows: [Row] = []
        for (n, record) in records.enumerated().dropFirst() where !record.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            rows.append(row(n + 1, record, index, actor: actor, at: at))
        }
        if rows.isEmpty {
            throw LedgerError.invalidInput(source: source, pointer: nil, reason: "the sheet has a header and no report: add one row a report under it")
        }
        return ReportSheet(rows: rows)
    }

    /// UTF-8 when the bytes are UTF-8 (a byte-order mark dropped), else GB18030.
    static func decode(_ bytes: [UInt8], source: InputSource) throws -> String {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if let utf8 = String(validating: body, as: UTF8.self) { return utf8 }
        // kCFStringEncodingGB_18030_2000, as Foundation names it on every platform.
        let gb18030 = String.Encoding(rawValue: 0x8000_0632)
        if let text = String(data: Data(body), encoding: gb18030) { return text }
        throw LedgerError.invalidInput(source: source, pointer: nil, reason: "the sheet is neither UTF-8 nor GB18030 text: save it from the spreadsheet as CSV")
    }

    private static func row(_ number: Int, _ record: [String], _ index: [String: Int], actor: ActorID, at: Timestamp) -> Row {
        var problems: [Problem] = []
        func cell(_ name: String) -> String? {
            guard let i = index[name], i < record.count else { return nil }
            let value = record[i].trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : value
        }
        func problem(_ column: String, _ message: String) { problems.append(Problem(row: number, column: column, message: message)) }
        func parsed<T>(_ column: String, _ make: (String) throws -> T) -> T? {
            guard let raw = cell(column) else {
                if required.contains(column) { problem(column, "is empty; every report names its \(column)") }
                return nil
            }
            do { return try make(raw) } catch let e as ValidationError { problem(column, "\"\(raw)\": \(e.reason)") } catch { problem(column, "\"\(raw)\": \(error)") }
            return nil
        }
        let unit = parsed("unit", UnitID.init), directive = parsed("directive", DirectiveID.init), clause = parsed("clause", ClauseID.init)
        let status = parsed("status") { raw -> ProgressStatus in
            guard let s = ProgressStatus(rawValue: raw) else {
                throw ValidationError(.root, "is not a status; use one of \(ProgressStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return s
        }
        var values: [String: Double] = [:]
        if let raw = cell("values") {
            for pair in raw.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) where !pair.isEmpty {
                let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, !parts[0].isEmpty, let n = Double(parts[1]), n.isFinite else {
                    problem("values", "\"\(pair)\" is not metric=N; give pairs such as documents_cut_pct=12, separated by ;")
                    continue
                }
                values[parts[0]] = n
            }
        }
        let asOf = parsed("asOf", Day.init)
        var evidence: [Evidence] = []
        let kind = cell("evidenceKind"), title = cell("evidenceTitle"), hash = cell("evidenceSHA256")
        if kind != nil || title != nil || hash != nil {
            let k = parsed("evidenceKind") { raw -> EvidenceKind in
                guard let k = EvidenceKind(rawValue: raw) else {
                    throw ValidationError(.root, "is not a kind of evidence; use one of \(EvidenceKind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return k
            }
            if kind == nil { problem("evidenceKind", "is empty while the row names evidence; give outcome, document, meeting, photo or data") }
            if title == nil { problem("evidenceTitle", "is empty while the row names evidence; give the document's title") }
            if let hash, hash.count != 64 || !hash.allSatisfy(\.isHexDigit) {
                problem("evidenceSHA256", "\"\(hash)\" is not a SHA-256 (64 hexadecimal digits): `sha256sum FILE` prints it")
            }
            if let k, let title {
                evidence.append(Evidence(kind: k, title: title, sha256: hash?.lowercased(), uri: nil))
            }
        }
        guard problems.isEmpty, let unit, let directive, let clause, let status else { return Row(row: number, event: nil, problems: problems) }
        let event = Event(actor: actor, at: at, action: .reportProgress(unit: unit, directive: directive, clause: clause, status: status,
                                                                        values: values, evidence: evidence, note: cell("note"), asOf: asOf))
        return Row(row: number, event: event, problems: [])
    }
}

extension Ledger {
    /// `sheet` with each row's report checked against the head as `apply` would check it (the
    /// same planner), nothing written: what the ledger refuses is named on its row.
    public func check(_ sheet: ReportSheet) throws -> ReportSheet {
        let head = try repository.resolve(Ledger.mainRef)
        let snapshot = Snapshot(repository: repository, base: head)
        let parentTime = try head.flatMap { id -> Int64? in
            let info = try repository.commit(id)
            return info.parents.isEmpty ? nil : info.committer.time
        }
        var checked = sheet
        for (n, row) in sheet.rows.enumerated() {
            guard let event = row.event else { continue }
            do {
                _ = try ActionPlanner(snapshot: snapshot, previousTime: parentTime, now: clock()).plan(event)
            } catch let e as LedgerError {
                checked.rows[n].problems.append(ReportSheet.Problem(row: row.row, column: e.sheetColumn, message: e.sheetMessage))
                checked.rows[n].event = nil
            }
        }
        return checked
    }
}

extension LedgerError {
    /// The sheet column a refusal is about, when its pointer names an event field that is one.
    var sheetColumn: String? {
        guard case .invalidInput(_, let pointer?, _) = self, let first = pointer.tokens.first else { return nil }
        return ReportSheet.columns.first { $0.name == first }?.name
    }

    /// What the ledger says, without the place (the sheet names the row and column itself).
    var sheetMessage: String {
        switch self {
        case .invalidInput(_, _, let reason): reason
        case .notPermitted(_, let reason): "not permitted: " + reason
        default: description
        }
    }
}

/// RFC 4180 records: fields separated by commas, a field in quotes may hold commas, line breaks and
/// doubled quotes; records end with CRLF or LF.
enum CSVReader {
    static func records(_ text: String) throws -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field = "", quoted = false, wasQuoted = false
        var scalars = Array(text.unicodeScalars)[...]
        func endField() { record.append(field); field = ""; wasQuoted = false }
        while let u = scalars.popFirst() {
            if quoted {
                if u == "\"" {
                    if scalars.first == "\"" { scalars.removeFirst(); field.unicodeScalars.append(u) } else { quoted = false; wasQuoted = true }
                } else {
                    field.unicodeScalars.append(u)
                }
                continue
            }
            switch u {
            case "\"" where field.isEmpty && !wasQuoted: quoted = true
            case ",": endField()
            case "\r" where scalars.first == "\n": continue
            case "\n", "\r": endField(); records.append(record); record = []
            default: field.unicodeScalars.append(u)
            }
        }
        if quoted { throw LedgerError.invalidInput(source: nil, pointer: nil, reason: "a quoted field is never closed: a cell opens a \" it does not close") }
        if !field.isEmpty || !record.isEmpty { endField(); records.append(record) }
        return records
    }
}
