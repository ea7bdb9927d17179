import Fidelity
import Foundation
import Hummingbird
import Ledger
import LedgerModel
import LedgerRender

/// The auditors' page: the log with its filters and each commit's signature status, what the server
/// found when it verified the ledger, and the checkpoints with their witnesses.
extension WebController {
    static let historyPageSize = 100

    /// `GET /history[?unit=&directive=&clause=&finding=&actor=&since=&until=&cursor=]`: the log
    /// newest first, 100 commits a page.
    func historyPage(_ request: Request, _ asked: Asked) async throws -> Response {
        let say = asked.say, q = asked.query
        // An empty field of the filter form asks for nothing.
        func given<T>(_ name: String, _ make: (String) throws -> T) throws -> T? {
            try parseParameter(q[name].flatMap { $0.isEmpty ? nil : $0 }, name, make)
        }
        let filter = HistoryFilter(unit: try given("unit", UnitID.init), directive: try given("directive", DirectiveID.init),
                                   clause: try given("clause", ClauseID.init), finding: try given("finding", FindingID.init),
                                   actor: try given("actor", ActorID.init), since: try given("since", Day.init), until: try given("until", Day.init))
        let (head, logged, checkpoints) = try await service.handles.with { ledger in
            try ledger.requireExisting(unit: filter.unit, directive: filter.directive, clause: filter.clause, finding: filter.finding, actor: filter.actor)
            return (try ledger.head(), try historySource(ledger).log(filter), try ledger.checkpointSummaries())
        }
        // Newest first: an auditor reads back from now.
        let entries: [HistoryEntry] = logged.reversed()
        if try asked.wantsCSV() {
            let header = [Phrase.time, .commit, .actorField, .action, .unit, .directive, .clause, .finding, .subject, .signature].map(say)
            let rows = entries.map { e -> [CSV.Cell] in
                let t = e.trailers
                let cells: [String] = [e.time.description, "\(e.commit)", e.actor, t.action?.rawValue ?? "", t.unit?.rawValue ?? "",
                                       t.directive?.rawValue ?? "", t.clauses.map(\.rawValue).joined(separator: " "), t.finding?.rawValue ?? "",
                                       e.subject, say(signaturePhrase(e.signature))]
                return cells.map { CSV.Cell.text($0) }
            }
            return asked.csv(CSV(header: header, rows: rows), name: "history")
        }
        let (page, next) = try PageRequest(limit: Self.historyPageSize, cursor: q["cursor"]).page(entries) { "\($0.commit)" }
        let health = service.health.withLock { $0 }
        var body = HTML.element("p", ["class": "crumbs"]) { HTML.element("a", ["href": "/"]) { say(.allDirectives) } }
        body += HTML.element("h1") { say(.history) }
        body += HTML.element("section", ["class": "verification \(health.verified == false ? "failed" : "ok")"]) {
            HTML.element("h2") { say(.verification) }
            HTML.element("p") {
                switch health.verified {
                case nil: say(.verificationRunning)
                case true?: say(.verificationOK)
                case false?: say(.verificationFailed)
                }
                if let verified = health.verifiedHead { " · " + say(.verifiedUpTo) + " "; HTML.element("code") { String(verified.prefix(12)) } }
                " · " + say(.ledgerHead) + " "
                HTML.element("code") { String("\(head)".prefix(12)) }
            }
            if !health.problems.isEmpty {
                HTML.element("ul", ["class": "problems"]) { for p in health.problems { HTML.element("li") { p } } }
            }
        }
        body += HTML.element("section", ["class": "checkpoints"]) {
            HTML.element("h2") { say(.checkpoints) + " \(checkpoints.count)" }
            if checkpoints.isEmpty { HTML.element("p") { say(.noCheckpoints) } } else {
                HTML.element("div", ["class": "scroll"]) {
                    HTML.element("table") {
                        HTML.element("thead") {
                            HTML.element("tr") { for p in [Phrase.checkpoint, .time, .actorField, .attests, .note, .witnesses] { HTML.element("th", ["scope": "col"]) { say(p) } } }
                        }
                        HTML.element("tbody") {
                            for c in checkpoints {
                                HTML.element("tr", ["data-checkpoint": c.checkpoint.id.rawValue]) {
                                    HTML.element("td") { HTML.element("code") { c.checkpoint.id.rawValue } }
                                    HTML.element("td", ["class": "day"]) { "\(c.checkpoint.at.utcDay)" }
                                    HTML.element("td") { HTML.element("code") { c.checkpoint.by.rawValue } }
                                    HTML.element("td") { HTML.element("code") { String(c.checkpoint.head.prefix(12)) } }
                                    HTML.element("td") { c.checkpoint.note ?? "" }
                                    HTML.element("td") {
                                        c.witnesses.isEmpty ? say(.noWitnesses) : c.witnesses.map(\.rawValue).joined(separator: ", ")
                                        " · "
                                        HTML.element("a", ["href": "/checkpoints/witness?checkpoint=\(queryPart(c.checkpoint.id.rawValue))"]) { say(.witnessCheckpoint) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        body += HTML.element("h2") { say(.log) }
        body += HTML.element("form", ["class": "filters", "method": "get"]) {
            for (name, phrase) in [("unit", Phrase.unit), ("directive", .directive), ("clause", .clause), ("finding", .finding), ("actor", .actorField)] {
                HTML.element("label") { say(phrase); HTML.void("input", ["type": "search", "name": name, "value": q[name] ?? "", "size": "12"]) }
            }
            HTML.element("label") { say(.since); HTML.void("input", ["type": "date", "name": "since", "value": q["since"] ?? ""]) }
            HTML.element("label") { say(.until); HTML.void("input", ["type": "date", "name": "until", "value": q["until"] ?? ""]) }
            HTML.void("input", ["type": "hidden", "name": "lang", "value": asked.language.rawValue])
            HTML.element("button", ["type": "submit"]) { say(.filter) }
        }
        body += HTML.element("p", ["class": "meta"]) {
            "\(entries.count) " + say(.commitsShown) + " · "
            HTML.element("a", ["href": historyLink(q, cursor: nil, csv: true), "download": ""]) { say(.downloadCSV) }
        }
        body += logTable(page, subjects: true, say: say)
        if q["cursor"] != nil || next != nil {
            body += HTML.element("nav", ["class": "pager"]) {
                if q["cursor"] != nil { HTML.element("a", ["href": historyLink(q, cursor: nil, csv: false)]) { say(.firstPage) } }
                if let next { HTML.element("a", ["href": historyLink(q, cursor: next, csv: false), "rel": "next"]) { say(.nextPage) } }
            }
        }
        return asked.page(say(.history), body)
    }

    /// Commits as a table: day, commit, actor, action, (subject,) signature status.
    func logTable(_ entries: [HistoryEntry], subjects: Bool, say: (Phrase) -> String) -> HTML {
        HTML.element("div", ["class": "scroll"]) {
            HTML.element("table", ["class": "log"]) {
                HTML.element("thead") {
                    HTML.element("tr") {
                        for p in [Phrase.time, .commit, .actorField, .action] + (subjects ? [.subject] : []) + [.signature] {
                            HTML.element("th", ["scope": "col"]) { say(p) }
                        }
                    }
                }
                HTML.element("tbody") {
                    for e in entries {
                        HTML.element("tr", ["data-commit": "\(e.commit)"]) {
                            HTML.element("td", ["class": "day"]) { "\(e.time.utcDay)" }
                            HTML.element("td") { HTML.element("code") { String("\(e.commit)".prefix(12)) } }
                            HTML.element("td") { HTML.element("code") { e.actor } }
                            HTML.element("td") { e.trailers.action?.rawValue ?? "—" }
                            if subjects { HTML.element("td") { e.subject } }
                            HTML.element("td", ["class": "signature \(e.signature.rawValue)"]) { say(signaturePhrase(e.signature)) }
                        }
                    }
                }
            }
        }
    }

    private func historyLink(_ q: [String: String], cursor: String?, csv: Bool) -> String {
        var items = q.filter { $0.key != "cursor" && $0.key != "lang" && $0.key != "format" && !$0.value.isEmpty }
        if let cursor { items["cursor"] = cursor }
        if csv { items["format"] = "csv" }
        var components = URLComponents()
        components.queryItems = items.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        return "/history" + (components.queryItems!.isEmpty ? "" : "?" + (components.percentEncodedQuery ?? ""))
    }
}

extension WebController {
    static let burdenPageSize = 100

    /// Reports a month to two places (a weekly report is 4.35 a month), without trailing zeros.
    static func perMonth(_ n: Double) -> String {
        let rounded = (n * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int64(rounded)) : String(format: "%.2f", rounded).replacingOccurrences(of: #"0$"#, with: "", options: .regularExpression)
    }

    /// `GET /burden[?unit=U&over=1&cursor=]`: the reports a month each unit owes, per directive and
    /// in total, against the policy's `maxReportsPerMonth`, heaviest first; `over=1` keeps the units
    /// over it, `unit` the units under one.
    func burdenPage(_ request: Request, _ asked: Asked) async throws -> Response {
        let say = asked.say, q = asked.query
        let unit = try parseParameter(q["unit"].flatMap { $0.isEmpty ? nil : $0 }, "unit", UnitID.init)
        let over = try q["over"].flatMap { $0.isEmpty ? nil : $0 }.map { raw -> Bool in
            guard raw == "1" || raw == "0" else { throw LedgerError.usage("over=\(raw): give 1 for the units over the limit, or leave it out") }
            return raw == "1"
        } ?? false
        let report = try await service.handles.with { ledger in
            try ledger.requireExisting(unit: unit)
            return try ledger.burden()
        }
        let shown = report.units.filter { b in (unit.map { b.unit.isWithin($0) } ?? true) && (!over || b.total > report.limit) }
        func owed(_ b: Burden, _ d: DirectiveID) -> Double? { b.owed.first { $0.directive == d }?.reportsPerMonth }
        if try asked.wantsCSV() {
            let header = [say(.unit), say(.level)] + report.directives.map(\.rawValue) + [say(.reportsPerMonth), say(.limit)]
            let rows = shown.map { b -> [CSV.Cell] in
                let parts: [CSV.Cell] = report.directives.map { d in CSV.Cell.number(owed(b, d).map(Self.perMonth) ?? "") }
                return [CSV.Cell.text(b.unit.rawValue), .text(b.level)] + parts + [.number(Self.perMonth(b.total)), .number(Self.perMonth(report.limit))]
            }
            return asked.csv(CSV(header: header, rows: rows), name: "burden")
        }
        let (page, next) = try PageRequest(limit: Self.burdenPageSize, cursor: q["cursor"]).page(shown) { $0.unit.rawValue }
        let overCount = report.units.filter { $0.total > report.limit }.count
        var body = HTML.element("p", ["class": "crumbs"]) { HTML.element("a", ["href": "/"]) { say(.allDirectives) } }
        body += HTML.element("h1") { say(.burden) }
        body += HTML.element("p") { say(.burdenIntro) }
        body += HTML.element("p", ["class": "meta"]) { say(.limit) + ": \(Self.perMonth(report.limit)) · maxReportsPerMonth" }
        body += HTML.element("ul", ["class": "counts"]) {
            HTML.element("li") { !over ? HTML.element("strong") { say(.allUnits) + " \(report.units.count)" } : HTML.element("a", ["href": "/burden"]) { say(.allUnits) + " \(report.units.count)" } }
            HTML.element("li") { over ? HTML.element("strong") { say(.overLimit) + " \(overCount)" } : HTML.element("a", ["href": "/burden?over=1"]) { say(.overLimit) + " \(overCount)" } }
            HTML.element("li") { HTML.element("a", ["href": "?format=csv" + (over ? "&over=1" : "") + (unit.map { "&unit=\(queryPart($0.rawValue))" } ?? ""), "download": ""]) { say(.downloadCSV) } }
        }
        body += HTML.element("form", ["class": "filters", "method": "get"]) {
            HTML.element("label") { say(.unit); HTML.void("input", ["type": "search", "name": "unit", "value": q["unit"] ?? ""]) }
            if over { HTML.void("input", ["type": "hidden", "name": "over", "value": "1"]) }
            HTML.void("input", ["type": "hidden", "name": "lang", "value": asked.language.rawValue])
            HTML.element("button", ["type": "submit"]) { say(.filter) }
        }
        body += HTML.element("div", ["class": "scroll"]) {
            HTML.element("table", ["class": "burden"]) {
                HTML.element("thead") {
                    HTML.element("tr") {
                        HTML.element("th", ["scope": "col"]) { say(.unit) }
                        HTML.element("th", ["scope": "col"]) { say(.level) }
                        for d in report.directives { HTML.element("th", ["scope": "col", "class": "number"]) { HTML.element("a", ["href": "/directives/\(pathPart(d.rawValue))"]) { d.rawValue } } }
                        HTML.element("th", ["scope": "col", "class": "number"]) { say(.reportsPerMonth) }
                    }
                }
                HTML.element("tbody") {
                    for b in page {
                        HTML.element("tr", ["data-unit": b.unit.rawValue, "class": b.total > report.limit ? "over" : nil]) {
                            HTML.element("th", ["scope": "row"]) { HTML.element("code") { b.unit.rawValue } }
                            HTML.element("td") { b.level }
                            for d in report.directives { HTML.element("td", ["class": "number"]) { owed(b, d).map(Self.perMonth) ?? "—" } }
                            HTML.element("td", ["class": "number total"]) { Self.perMonth(b.total) }
                        }
                    }
                }
            }
        }
        if q["cursor"] != nil || next != nil {
            body += HTML.element("nav", ["class": "pager"]) {
                let kept = (over ? "over=1&" : "") + (unit.map { "unit=\(queryPart($0.rawValue))&" } ?? "")
                if q["cursor"] != nil { HTML.element("a", ["href": "/burden" + (kept.isEmpty ? "" : "?" + kept.dropLast())]) { say(.firstPage) } }
                if let next { HTML.element("a", ["href": "/burden?\(kept)cursor=\(queryPart(next))", "rel": "next"]) { say(.nextPage) } }
            }
        }
        return asked.page(say(.burden), body)
    }
}

extension WebController {
    /// The rest of a unit's page: the ladder of its chain from the directive down, its progress
    /// newest first, its findings with their steps, and its plan's history with signature status.
    func unitSections(unit: UnitID, directive: DirectiveID, chain: ChainReport, progress: LedgerModel.Progress?, findings: [Finding],
                      history: [HistoryEntry], asked: Asked) -> HTML {
        let say = asked.say, language = asked.language
        var body = HTML.element("h2") { say(.ladder) }
        body += HTML.element("ol", ["class": "ladder"]) {
            for (hop, planUnit) in zip(chain.hops, chain.units) {
                HTML.element("li", ["data-unit": planUnit.rawValue]) {
                    if planUnit == unit { HTML.element("code") { planUnit.rawValue } } else {
                        HTML.element("a", ["href": "/directives/\(pathPart(directive.rawValue))/units/\(unitPath(planUnit.rawValue))"]) { HTML.element("code") { planUnit.rawValue } }
                    }
                    " · "
                    FidelityClass.allCases.compactMap { c -> String? in
                        let n = hop.clauses.filter { $0.fidelity == c }.count
                        return n == 0 ? nil : "\(c.said(in: language)) \(n)"
                    }.joined(separator: ", ")
                }
            }
        }
        let reports = (progress?.reports ?? []).reversed()
        body += HTML.element("h2") { say(.progressTimeline) + " \(reports.count)" }
        if reports.isEmpty { body += HTML.element("p") { say(.noReport) } } else {
            body += HTML.element("ol", ["class": "timeline", "reversed": "reversed"]) {
                for r in reports {
                    HTML.element("li") {
                        HTML.element("span", ["class": "day"]) { "\(r.asOf ?? r.at.utcDay)" }
                        " · " + say(.clause) + " \(r.clause) · "
                        HTML.element("strong") { r.status.said(in: language) }
                        if !r.values.isEmpty { " · " + r.values.sorted { $0.key < $1.key }.map { "\($0.key) \(DiffText.fmt($0.value))" }.joined(separator: ", ") }
                        if !r.evidence.isEmpty { " · " + say(.evidence) + ": "; evidenceList(r.evidence, language: language) }
                        if let note = r.note { " — " + note }
                        " · "
                        HTML.element("code") { r.actor.rawValue }
                    }
                }
            }
        }
        body += HTML.element("h2") { say(.findings) + " \(findings.count)" }
        if findings.isEmpty { body += HTML.element("p") { say(.noFindings) } }
        for f in findings {
            body += HTML.element("section", ["class": "finding \(f.state.rawValue)", "data-finding": f.id.rawValue]) {
                HTML.element("h3") { HTML.element("code") { f.id.rawValue }; " · " + f.state.said(in: language) + " · " + say(.due) + " \(f.due)" }
                HTML.element("p") { f.text }
                HTML.element("ol", ["class": "steps"]) {
                    for step in f.steps {
                        HTML.element("li") { HTML.element("code") { step.actor.rawValue }; " · \(step.at.utcDay)" + (step.text.map { " — " + $0 } ?? "") }
                    }
                }
            }
        }
        let recent = history.reversed().prefix(30)
        body += HTML.element("h2") { say(.history) + " \(history.count)" }
        body += logTable(Array(recent), subjects: false, say: say)
        if history.count > recent.count {
            body += HTML.element("p") { HTML.element("a", ["href": "/history?unit=\(queryPart(unit.rawValue))&directive=\(queryPart(directive.rawValue))"]) { say(.wholeHistory) } }
        }
        return body
    }

    /// Evidence items as a claim names them: kind and title as text; a title links the file when the
    /// server's evidence store holds one under the item's SHA-256 (a download, never a page). A URI
    /// the claim gives is never made a link: it is the unit's word, not the server's.
    func evidenceList(_ items: [Evidence], language: Language) -> HTML {
        let store = EvidenceStore(gitDirectory: service.configuration.ledgerPath)
        return HTML.element("span", ["class": "evidence"]) {
            for (n, item) in items.enumerated() {
                if n > 0 { "; " }
                item.kind.said(in: language) + " "
                if let sha = item.sha256, store.contains(sha) {
                    HTML.element("a", ["href": "/api/v1/evidence/\(sha)", "download": "", "data-sha256": sha]) { item.title }
                } else {
                    item.title
                }
            }
        }
    }
}
