import Fidelity
public import Ledger
import LedgerModel

/// The self-contained HTML report of one directive: no network, no external script, style or font.
///
/// What is small (the directive, the summary, the ladders) is written as HTML; what grows with the
/// number of units (the matrix, the flags, each unit's diff, timeline and history) is embedded as JSON
/// and drawn a page at a time by a small inline script, so 40,000 units never make a 40,000-row DOM.
/// Record text reaches the page only through `HTML`, which escapes it, or as JSON drawn with `textContent`.
public enum ReportHTML {
    /// One letter per class, in matrix cells and the embedded data (`-`: the clause is not in the version the plan was built on).
    static let classCode: [FidelityClass: Character] = [
        .faithful: "F", .reworded: "R", .weakened: "W", .strengthened: "S", .mixed: "M", .omitted: "O",
    ]
    static let statusCode: [ProgressStatus: Character] = [.notStarted: "n", .inProgress: "p", .done: "d", .blocked: "b"]

    /// The report as one HTML page, as `luoshi report-html` writes it.
    public static func render(_ report: DirectiveReport) -> String { page(report).markup }

    /// The report as one HTML page.
    public static func page(_ report: DirectiveReport) -> HTML {
        var data = ReportData()
        data.build(report)
        let d = report.directive
        return HTML.raw("<!DOCTYPE html>\n") + HTML.element("html", ["lang": "en"]) {
            "\n"
            HTML.element("head") {
                "\n"
                HTML.void("meta", ["charset": "utf-8"])
                "\n"
                HTML.void("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"])
                "\n"
                HTML.void("meta", ["name": "generator", "content": "luoshi report-html"])
                "\n"
                HTML.element("title") { "\(d.id) — \(d.title)" }
                "\n"
                HTML.element("style") { style }
                "\n"
            }
            "\n"
            HTML.element("body") {
                "\n"
                header(report)
                "\n"
                HTML.element("main") {
                    "\n"
                    summary(report)
                    "\n"
                    directiveSection(d)
                    "\n"
                    matrixSection
                    "\n"
                    ladders(report)
                    "\n"
                    flagsSection
                    "\n"
                    unitsSection
                    "\n"
                }
                "\n"
                footer
                "\n"
                HTML.element("script", ["type": "application/json", "id": "report-data"]) { HTML(scriptData: data.out) }
                "\n"
                HTML.element("script") { script }
                "\n"
            }
            "\n"
        } + .text("\n")
    }

    // MARK: - Static sections

    static func header(_ report: DirectiveReport) -> HTML {
        let d = report.directive
        return HTML.element("header") {
            "\n"
            HTML.element("p", ["class": "kicker"]) {
                "Luoshi 落实 · directive report · as of "
                HTML.element("time", ["datetime": report.asOf.description]) { report.asOf.description }
                if let under = report.under {
                    " · under "
                    HTML.element("code") { under.rawValue }
                }
            }
            "\n"
            HTML.element("h1", ["lang": lang(d.title)]) { d.title }
            "\n"
            HTML.element("p", ["class": "meta"]) {
                HTML.element("span", ["id": "directive-id"]) { d.id.rawValue }
                " · version \(d.version) · issued by "
                HTML.element("code") { d.issuer.rawValue }
                " on \(d.issued) · scope \(d.scope.units.map(\.rawValue).joined(separator: ", ")) (\(d.scope.levels.joined(separator: ", ")))"
                " · reports every \(d.reporting.every)"
                if let commit = report.commit {
                    " · ledger commit "
                    HTML.element("code") { String(commit.prefix(12)) }
                }
            }
            "\n"
            HTML.element("nav") {
                [("#summary", "Summary"), ("#directive", "Directive"), ("#matrix", "Matrix"), ("#ladders", "Ladders"), ("#flags", "Flags"), ("#units", "Units")]
                    .map { href, name in HTML.element("a", ["href": href]) { name } }.joined(separator: .text(" "))
            }
            "\n"
        }
    }

    /// A table with an optional caption, a header row of `columns` and the rows `body` makes.
    static func table(_ attributes: KeyValuePairs<StaticString, String?>, caption: String? = nil, columns: [String],
                      @HTMLBuilder body: () -> HTML) -> HTML {
        HTML.element("table", attributes) {
            if let caption { HTML.element("caption") { caption } }
            HTML.element("thead") { HTML.element("tr") { for c in columns { HTML.element("th") { c } } } }
            HTML.element("tbody", [:], body)
        }
    }

    /// A table cell holding text.
    static func cell(_ text: String) -> HTML { HTML.element("td") { text } }

    /// A class's colour swatch.
    static func swatch(_ code: String) -> HTML { HTML.element("span", ["class": "sw c\(code)"]) }

    static func summary(_ r: DirectiveReport) -> HTML {
        let adopted = r.units.filter { $0.plan != nil }
        var levels: [String] = []
        var byLevel: [String: (scope: Int, adopted: Int, latest: Int)] = [:]
        for u in r.units {
            if byLevel[u.unit.level] == nil { levels.append(u.unit.level) }
            var e = byLevel[u.unit.level] ?? (0, 0, 0)
            e.scope += 1
            if let p = u.plan { e.adopted += 1; if p.behind == 0 { e.latest += 1 } }
            byLevel[u.unit.level] = e
        }
        let order = ["central", "province", "city", "county"]
        levels.sort { (order.firstIndex(of: $0) ?? order.count, $0) < (order.firstIndex(of: $1) ?? order.count, $1) }
        var classes: [FidelityClass: Int] = [:]
        for u in adopted { for c in u.plan!.cumulative.clauses { classes[c.fidelity, default: 0] += 1 } }
        var kinds: [FlagKind: Int] = [:]
        for f in r.flags { kinds[f.kind, default: 0] += 1 }
        // The worst deviations: units ranked by their own looser changes and omissions, then their flags (`luoshi deviations`).
        let byUnit = Dictionary(adopted.map { ($0.unit.id, $0) }, uniquingKeysWith: { a, _ in a })
        let ranked = Deviations.rank(adopted.map { (unit: $0.unit.id, reading: $0.plan!.own) }, flags: r.flags)
            .prefix(10).map { (byUnit[$0.unit]!, $0.flags) }
        return HTML.element("section", ["id": "summary"]) {
            "\n"
            HTML.element("h2") { "Summary" }
            "\n"
            HTML.element("div", ["class": "cards"]) {
                "\n"
                HTML.element("div", ["class": "card"]) {
                    HTML.element("b", ["id": "adopted-count"]) { adopted.count }
                    " of "
                    HTML.element("b") { r.units.count }
                    " units in scope adopted"
                }
                "\n"
                HTML.element("div", ["class": "card"]) {
                    HTML.element("b") { adopted.filter { $0.plan!.behind == 0 }.count }
                    " on version \(r.directive.version); "
                    HTML.element("b") { adopted.filter { $0.plan!.behind > 0 }.count }
                    " behind"
                }
                "\n"
                HTML.element("div", ["class": "card"]) {
                    HTML.element("b") { r.flags.count }
                    " flags on "
                    HTML.element("b") { Set(r.flags.map(\.unit)).count }
                    " units"
                }
                "\n"
            }
            "\n"
            HTML.element("div", ["class": "cols"]) {
                "\n"
                table(["class": "small"], caption: "Adoption by level", columns: ["level", "in scope", "adopted", "on v\(r.directive.version)"]) {
                    for l in levels {
                        let e = byLevel[l]!
                        HTML.element("tr") { cell(l); cell(String(e.scope)); cell(String(e.adopted)); cell(String(e.latest)) }
                    }
                }
                "\n"
                table(["class": "small"], caption: "Clauses against the directive", columns: ["class", "clauses"]) {
                    for c in FidelityClass.allCases where classes[c] != nil {
                        HTML.element("tr") {
                            HTML.element("td") { swatch(String(classCode[c]!)); c.rawValue }
                            cell(String(classes[c]!))
                        }
                    }
                }
                "\n"
                table(["class": "small", "id": "flag-counts"], caption: "Flags by kind", columns: ["kind", "flags", "units"]) {
                    for k in FlagKind.allCases where kinds[k] != nil {
                        HTML.element("tr", ["data-kind": k.rawValue]) {
                            cell(k.rawValue)
                            cell(String(kinds[k]!))
                            cell(String(Set(r.flags.filter { $0.kind == k }.map(\.unit)).count))
                        }
                    }
                }
                "\n"
            }
            "\n"
            if !ranked.isEmpty {
                table(["id": "worst"], caption: "The worst deviations: what each unit changed in what it was given",
                      columns: ["unit", "changes of its own", "flags"]) {
                    for (u, flags) in ranked { worstRow(u, flags: flags) }
                }
                "\n"
            }
        }
    }

    /// One unit among the worst deviations: its id and name, what it changed in its basis, its flags.
    static func worstRow(_ u: UnitReport, flags: Int) -> HTML {
        let own = u.plan!.own
        var items = own.clauses.filter { $0.fidelity != .faithful && $0.fidelity != .reworded }.map { c -> HTML in
            let what = c.changes.filter { $0.effect != .neutral && $0.field != "text" }
                .map { "\($0.field) \(plain($0.from)) → \(plain($0.to))" }.joined(separator: "; ")
            let tag = c.fidelity == .omitted ? (c.approved ? "omitted (approved)" : c.declared ? "omitted (declared)" : "omitted") : c.fidelity.rawValue
            return HTML.element("span", ["class": "c\(classCode[c.fidelity]!) tag"]) { "\(c.basisId) \(tag)" } + .text(what.isEmpty ? "" : " " + what)
        }
        items += own.added.map { a in HTML.element("span", ["class": "cS tag"]) { "+\(a.id) added" } }
        return HTML.element("tr") {
            HTML.element("td") {
                HTML.element("a", ["href": "#u-\(u.unit.id)", "class": "unit-link"]) { HTML.element("code") { u.unit.id.rawValue } }
                " "
                HTML.element("span", ["lang": lang(u.unit.name)]) { u.unit.name }
            }
            HTML.element("td") { items.joined(separator: .lineBreak) }
            cell(String(flags))
        }
    }

    static func directiveSection(_ d: Directive) -> HTML {
        HTML.element("section", ["id": "directive"]) {
            "\n"
            HTML.element("h2") { "The directive "; HTML.element("small") { "version \(d.version)" } }
            "\n"
            table(["class": "clauses"], columns: ["clause", "text", "modality", "targets", "deadline", "evidence"]) {
                for c in d.clauses {
                    HTML.element("tr") {
                        HTML.element("td") { HTML.element("b") { c.id.rawValue } }
                        HTML.element("td") {
                            if let title = c.title { HTML.element("div", ["class": "title", "lang": lang(title)]) { title } }
                            HTML.element("div", ["class": "text", "lang": lang(c.text)]) { c.text }
                            if c.localize { HTML.element("div", ["class": "note"]) { "to be localised by each unit" } }
                        }
                        cell(c.modality.rawValue)
                        HTML.element("td") {
                            c.targets.map { t in HTML.text("\(t.metric) \(t.op.rawValue) \(DiffText.fmt(t.value))\(t.unit.map { " \($0)" } ?? "")") }
                                .joined(separator: .lineBreak)
                        }
                        cell(c.deadline?.description ?? "—")
                        cell(c.evidence.rawValue)
                    }
                    "\n"
                }
            }
            "\n"
        }
    }

    /// The matrix's frame; the script fills it from the embedded data.
    static var matrixSection: HTML {
        HTML.element("section", ["id": "matrix"]) {
            "\n"
            HTML.element("h2") { "Units × clauses "; HTML.element("small") { "against the directive, through every level; the mark is the progress" } }
            "\n"
            matrixControls
            "\n"
            HTML.element("p", ["class": "legend"]) { legend }
            "\n"
            HTML.element("div", ["class": "scroll"]) {
                HTML.element("table", ["id": "matrix-table"]) { HTML.element("thead"); HTML.element("tbody") }
            }
            "\n"
            HTML.element("noscript") {
                HTML.element("p") { "The matrix, the flags and the units are drawn by a small script in this file; allow scripts to see them." }
            }
            "\n"
        }
    }

    static var legend: HTML {
        FidelityClass.allCases.map { c in swatch(String(classCode[c]!)) + .text("\(classCode[c]!) \(c.rawValue)") }.joined(separator: .text(" "))
            + .text(" ") + swatch("X") + .text("– not in the version adopted ") + swatch("N")
            + .text("not adopted · progress: ✓ done ◐ in progress ○ not started ✗ blocked")
    }

    /// The flags' frame; the script fills it.
    static var flagsSection: HTML {
        HTML.element("section", ["id": "flags"]) {
            "\n"
            HTML.element("h2") { "Flags "; HTML.element("small") { "formalism indicators with the evidence that raised them" } }
            "\n"
            flagControls
            "\n"
            table(["id": "flags-table"], columns: ["kind", "unit", "clause", "finding", "evidence"]) {}
            "\n"
        }
    }

    /// The units' frame; the script fills it with the units of the matrix page.
    static var unitsSection: HTML {
        HTML.element("section", ["id": "units"]) {
            "\n"
            HTML.element("h2") {
                "Units "
                HTML.element("small") { "each plan side by side with its basis, its progress and its history (the units of the matrix page)" }
            }
            "\n"
            HTML.element("div", ["id": "unit-list"])
            "\n"
        }
    }

    static var footer: HTML {
        HTML.element("footer") {
            HTML.element("p") {
                "Written by "
                HTML.element("code") { "luoshi report-html" }
                ". Classes: faithful, reworded, weakened (looser), strengthened (tighter: escalation), mixed, omitted."
                " Signatures: ✓ verified against the key the actor held at the time."
            }
        }
    }

    static func ladders(_ r: DirectiveReport) -> HTML {
        let levelOf = Dictionary(r.units.map { ($0.unit.id, $0.unit.level) }, uniquingKeysWith: { a, _ in a })
        return HTML.element("section", ["id": "ladders"]) {
            "\n"
            HTML.element("h2") { "Escalation ladders "; HTML.element("small") { HTML.raw("a clause's target at each level down every chain of plans") } }
            "\n"
            if r.ladders.isEmpty {
                HTML.element("p") { HTML.raw("No clause's target changes down any chain.") }
                "\n"
            }
            for ladder in r.ladders {
                svgLadder(ladder, directive: r.directive, levelOf: levelOf)
                "\n"
            }
        }
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"]

    /// One clause's ladder as an SVG line chart, with the same paths as a table for readers and printers.
    static func svgLadder(_ l: Ladder, directive: Directive, levelOf: [UnitID: String]) -> HTML {
        let base = l.paths.first?.values.first.flatMap { $0 } ?? 0
        // The most departing sequences first; a 40,000-unit ledger may have many.
        let shown = l.paths.sorted { a, b in
            let da = a.values.compactMap { $0 }.map { abs($0 - base) }.max() ?? 0, db = b.values.compactMap { $0 }.map { abs($0 - base) }.max() ?? 0
            return (da, a.count) > (db, b.count)
        }.prefix(palette.count)
        let hops = shown.map(\.values.count).max() ?? 1
        let all = shown.flatMap { $0.values.compactMap { $0 } }
        let lo = min(all.min() ?? 0, base), hi = max(all.max() ?? 1, base)
        let pad = max((hi - lo) * 0.15, 1)
        let w = 640.0, h = 250.0, left = 60.0, right = 230.0, top = 20.0, bottom = 40.0
        func x(_ i: Int) -> Double { hops == 1 ? left : left + Double(i) * (w - left - right) / Double(hops - 1) }
        func y(_ v: Double) -> Double { top + (hi + pad - v) / (hi - lo + 2 * pad) * (h - top - bottom) }
        let labels = (0..<hops).map { i -> String in
            if i == 0 { return "directive" }
            return shown.first { $0.example.count >= i }.flatMap { levelOf[$0.example[i - 1]] } ?? "level \(i)"
        }
        // End labels at their line's height, pushed apart where lines end together.
        var labelY: [Int: Double] = [:]
        var lastY = -Double.infinity
        for (n, end) in shown.enumerated().compactMap({ n, p in p.values.last(where: { $0 != nil })?.map { (n, y($0) + 4) } }).sorted(by: { $0.1 < $1.1 }) {
            lastY = max(end, lastY + 14)
            labelY[n] = lastY
        }
        func values(_ p: LadderPath, dropped: String, separator: String) -> String {
            p.values.map { $0.map(DiffText.fmt) ?? dropped }.joined(separator: separator)
        }
        return HTML.element("figure", ["class": "ladder", "data-clause": l.clause.rawValue]) {
            "\n"
            HTML.element("figcaption") {
                "Clause \(l.clause)"
                if let title = l.title {
                    " — "
                    HTML.element("span", ["lang": lang(title)]) { title }
                }
                ": "
                HTML.element("code") { "\(l.metric) \(l.op.rawValue)" }
                if let unit = l.unit { " (\(unit))" }
            }
            "\n"
            HTML.element("svg", ["viewBox": "0 0 \(Int(w)) \(Int(h))", "width": "\(Int(w))", "height": "\(Int(h))", "role": "img",
                                 "aria-label": "Targets of clause \(l.clause) down the chains of plans"]) {
                for i in 0..<hops {
                    HTML.selfClosing("line", ["x1": "\(x(i))", "y1": "\(top)", "x2": "\(x(i))", "y2": "\(h - bottom)", "class": "grid"])
                    HTML.element("text", ["x": "\(x(i))", "y": "\(h - bottom + 18)", "text-anchor": "middle", "class": "axis"]) { labels[i] }
                }
                HTML.selfClosing("line", ["x1": "\(left)", "y1": "\(y(base))", "x2": "\(w - right)", "y2": "\(y(base))", "class": "base"])
                HTML.element("text", ["x": "\(left - 8)", "y": "\(y(base) + 4)", "text-anchor": "end", "class": "axis"]) { DiffText.fmt(base) }
                for (n, p) in shown.enumerated() {
                    let colour = palette[n % palette.count]
                    let points = p.values.enumerated().compactMap { i, v in v.map { (x(i), y($0), $0) } }
                    HTML.element("g", ["class": "path", "data-values": values(p, dropped: "–", separator: " ")]) {
                        HTML.element("title") {
                            "\(p.example.map(\.rawValue).joined(separator: " → ")): \(values(p, dropped: "dropped", separator: " → "))"
                            if p.count > 1 { " (\(p.count) units)" }
                        }
                        HTML.selfClosing("polyline", ["fill": "none", "stroke": colour, "stroke-width": "2.5",
                                                      "points": points.map { "\($0.0),\($0.1)" }.joined(separator: " ")])
                        for (px, py, v) in points {
                            HTML.selfClosing("circle", ["cx": "\(px)", "cy": "\(py)", "r": "4", "fill": colour])
                            HTML.element("text", ["x": "\(px + 6)", "y": "\(py - 6)", "class": "val"]) { DiffText.fmt(v) }
                        }
                        if let last = points.last {
                            HTML.element("text", ["x": "\(w - right + 12)", "y": "\(labelY[n] ?? last.1 + 4)", "class": "end", "fill": colour]) {
                                p.example.last?.rawValue ?? ""
                                if p.count > 1 { " ×\(p.count)" }
                            }
                        }
                    }
                }
            }
            "\n"
            HTML.element("table", ["class": "small ladder-table"]) {
                HTML.element("tbody") {
                    for p in shown {
                        HTML.element("tr") {
                            HTML.element("td", ["class": "num"]) { values(p, dropped: "–", separator: " → ") }
                            HTML.element("td") {
                                p.example.map(\.rawValue).joined(separator: " → ")
                                if p.count > 1 { " and \(p.count - 1) more" }
                            }
                        }
                    }
                    if l.paths.count > shown.count {
                        HTML.element("tr") { HTML.element("td", ["colspan": "2"]) { "\(l.paths.count - shown.count) more sequences not drawn" } }
                    }
                }
            }
            "\n"
        }
    }

    // MARK: - Helpers

    /// `zh` for text with Chinese characters, so the browser picks a CJK font and line breaking; nil (no attribute) otherwise.
    static func lang(_ s: String) -> String? { s.unicodeScalars.contains(where: TextDiff.isCJK) ? "zh" : nil }

    static func plain(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): s
        case .null: "none"
        default: DiffText.render(v)
        }
    }
}
