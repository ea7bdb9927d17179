import Fidelity
import Ledger
import LedgerModel

/// The self-contained HTML report of one directive: no network, no external script, style or font.
///
/// What is small (the directive, the summary, the ladders) is written as HTML; what grows with the
/// number of units (the matrix, the flags, each unit's diff, timeline and history) is embedded as JSON
/// and drawn a page at a time by a small inline script, so 40,000 units never make a 40,000-row DOM.
/// Record text reaches the page only escaped (HTML) or as JSON drawn with `textContent`.
public enum ReportHTML {
    /// One letter per class, in matrix cells and the embedded data (`-`: the clause is not in the version the plan was built on).
    static let classCode: [FidelityClass: Character] = [
        .faithful: "F", .reworded: "R", .weakened: "W", .strengthened: "S", .mixed: "M", .omitted: "O",
    ]
    static let statusCode: [ProgressStatus: Character] = [.notStarted: "n", .inProgress: "p", .done: "d", .blocked: "b"]

    /// The report as one HTML page.
    public static func render(_ report: DirectiveReport) -> String {
        var data = DataBuilder()
        let json = data.build(report)
        let d = report.directive
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="luoshi report-html">
            <title>\(escape(d.id.rawValue)) — \(escape(d.title))</title>
            <style>\(style)</style>
            </head>
            <body>
            <header>
            <p class="kicker">Luoshi 落实 · directive report · as of <time datetime="\(report.asOf)">\(report.asOf)</time>\(report.under.map { " · under <code>\(escape($0.rawValue))</code>" } ?? "")</p>
            <h1\(lang(d.title))>\(escape(d.title))</h1>
            <p class="meta"><span id="directive-id">\(escape(d.id.rawValue))</span> · version \(d.version) · issued by <code>\(escape(d.issuer.rawValue))</code> on \(d.issued) · scope \(escape(d.scope.units.map(\.rawValue).joined(separator: ", "))) (\(escape(d.scope.levels.joined(separator: ", ")))) · reports every \(escape(d.reporting.every))\(report.commit.map { " · ledger commit <code>\(escape(String($0.prefix(12))))</code>" } ?? "")</p>
            <nav><a href="#summary">Summary</a> <a href="#directive">Directive</a> <a href="#matrix">Matrix</a> <a href="#ladders">Ladders</a> <a href="#flags">Flags</a> <a href="#units">Units</a></nav>
            </header>
            <main>

            """
        html += summary(report)
        html += directiveSection(d)
        html += """
            <section id="matrix">
            <h2>Units × clauses <small>against the directive, through every level; the mark is the progress</small></h2>
            <div class="controls" role="search">
            <label>Unit <input id="q" type="search" placeholder="id or name"></label>
            <label>Level <select id="level"><option value="">all</option></select></label>
            <label>Show <select id="show"><option value="">all units</option><option value="dev">deviating plans</option><option value="own">units that changed their basis</option><option value="flag">flagged units</option><option value="none">not adopted</option></select></label>
            <label>Rows <select id="size"><option>25</option><option selected>50</option><option>200</option></select></label>
            <span class="pager"><button id="prev" type="button">◀</button> <span id="page"></span> <button id="next" type="button">▶</button></span>
            </div>
            <p class="legend">\(legend)</p>
            <div class="scroll"><table id="matrix-table"><thead></thead><tbody></tbody></table></div>
            <noscript><p>The matrix, the flags and the units are drawn by a small script in this file; allow scripts to see them.</p></noscript>
            </section>

            """
        html += ladders(report)
        html += """
            <section id="flags">
            <h2>Flags <small>formalism indicators with the evidence that raised them</small></h2>
            <div class="controls"><label>Kind <select id="flag-kind"><option value="">all kinds</option></select></label>
            <span class="pager"><button id="fprev" type="button">◀</button> <span id="fpage"></span> <button id="fnext" type="button">▶</button></span></div>
            <table id="flags-table"><thead><tr><th>kind</th><th>unit</th><th>clause</th><th>finding</th><th>evidence</th></tr></thead><tbody></tbody></table>
            </section>
            <section id="units">
            <h2>Units <small>each plan side by side with its basis, its progress and its history (the units of the matrix page)</small></h2>
            <div id="unit-list"></div>
            </section>
            </main>
            <footer><p>Written by <code>luoshi report-html</code>. Classes: faithful, reworded, weakened (looser), strengthened (tighter: escalation), mixed, omitted. Signatures: ✓ verified against the key the actor held at the time.</p></footer>
            <script type="application/json" id="report-data">\(json)</script>
            <script>\(script)</script>
            </body>
            </html>

            """
        return html
    }

    // MARK: - Static sections

    static func summary(_ r: DirectiveReport) -> String {
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
        var out = """
            <section id="summary">
            <h2>Summary</h2>
            <div class="cards">
            <div class="card"><b id="adopted-count">\(adopted.count)</b> of <b>\(r.units.count)</b> units in scope adopted</div>
            <div class="card"><b>\(adopted.filter { $0.plan!.behind == 0 }.count)</b> on version \(r.directive.version); <b>\(adopted.filter { $0.plan!.behind > 0 }.count)</b> behind</div>
            <div class="card"><b>\(r.flags.count)</b> flags on <b>\(Set(r.flags.map(\.unit)).count)</b> units</div>
            </div>
            <div class="cols">
            <table class="small"><caption>Adoption by level</caption><thead><tr><th>level</th><th>in scope</th><th>adopted</th><th>on v\(r.directive.version)</th></tr></thead><tbody>
            """
        for l in levels {
            let e = byLevel[l]!
            out += "<tr><td>\(escape(l))</td><td>\(e.scope)</td><td>\(e.adopted)</td><td>\(e.latest)</td></tr>"
        }
        out += "</tbody></table>\n<table class=\"small\"><caption>Clauses against the directive</caption><thead><tr><th>class</th><th>clauses</th></tr></thead><tbody>"
        for c in FidelityClass.allCases where classes[c] != nil {
            out += "<tr><td><span class=\"sw c\(classCode[c]!)\"></span>\(c.rawValue)</td><td>\(classes[c]!)</td></tr>"
        }
        out += "</tbody></table>\n<table class=\"small\" id=\"flag-counts\"><caption>Flags by kind</caption><thead><tr><th>kind</th><th>flags</th><th>units</th></tr></thead><tbody>"
        for k in FlagKind.allCases where kinds[k] != nil {
            out += "<tr data-kind=\"\(k.rawValue)\"><td>\(k.rawValue)</td><td>\(kinds[k]!)</td><td>\(Set(r.flags.filter { $0.kind == k }.map(\.unit)).count)</td></tr>"
        }
        out += "</tbody></table>\n</div>\n"
        // The worst deviations: units ranked by their own looser changes and omissions, then their flags (`luoshi deviations`).
        let byUnit = Dictionary(adopted.map { ($0.unit.id, $0) }, uniquingKeysWith: { a, _ in a })
        let ranked = Deviations.rank(adopted.map { (unit: $0.unit.id, reading: $0.plan!.own) }, flags: r.flags)
            .prefix(10).map { (byUnit[$0.unit]!, $0.score, $0.flags) }
        if !ranked.isEmpty {
            out += "<table id=\"worst\"><caption>The worst deviations: what each unit changed in what it was given</caption><thead><tr><th>unit</th><th>changes of its own</th><th>flags</th></tr></thead><tbody>"
            for (u, _, n) in ranked {
                let own = u.plan!.own
                var items = own.clauses.filter { $0.fidelity != .faithful && $0.fidelity != .reworded }.map { c -> String in
                    let what = c.changes.filter { $0.effect != .neutral && $0.field != "text" }
                        .map { "\($0.field) \(plain($0.from)) → \(plain($0.to))" }.joined(separator: "; ")
                    let tag = c.fidelity == .omitted ? (c.approved ? "omitted (approved)" : c.declared ? "omitted (declared)" : "omitted") : c.fidelity.rawValue
                    return "<span class=\"c\(classCode[c.fidelity]!) tag\">\(escape(c.basisId.rawValue)) \(tag)</span>\(what.isEmpty ? "" : " " + escape(what))"
                }
                items += own.added.map { "<span class=\"cS tag\">+\(escape($0.id.rawValue)) added</span>" }
                out += "<tr><td><a href=\"#u-\(escape(u.unit.id.rawValue))\" class=\"unit-link\"><code>\(escape(u.unit.id.rawValue))</code></a> <span\(lang(u.unit.name))>\(escape(u.unit.name))</span></td><td>\(items.joined(separator: "<br>"))</td><td>\(n)</td></tr>"
            }
            out += "</tbody></table>\n"
        }
        return out + "</section>\n"
    }

    static func directiveSection(_ d: Directive) -> String {
        var out = """
            <section id="directive">
            <h2>The directive <small>version \(d.version)</small></h2>
            <table class="clauses"><thead><tr><th>clause</th><th>text</th><th>modality</th><th>targets</th><th>deadline</th><th>evidence</th></tr></thead><tbody>
            """
        for c in d.clauses {
            let targets = c.targets.map { escape("\($0.metric) \($0.op.rawValue) \(DiffText.fmt($0.value))\($0.unit.map { " \($0)" } ?? "")") }.joined(separator: "<br>")
            out += "<tr><td><b>\(escape(c.id.rawValue))</b></td><td>\(c.title.map { "<div class=\"title\"\(lang($0))>\(escape($0))</div>" } ?? "")<div class=\"text\"\(lang(c.text))>\(escape(c.text))</div>\(c.localize ? "<div class=\"note\">to be localised by each unit</div>" : "")</td><td>\(c.modality.rawValue)</td><td>\(targets)</td><td>\(c.deadline.map { "\($0)" } ?? "—")</td><td>\(c.evidence.rawValue)</td></tr>\n"
        }
        return out + "</tbody></table>\n</section>\n"
    }

    static func ladders(_ r: DirectiveReport) -> String {
        var out = "<section id=\"ladders\">\n<h2>Escalation ladders <small>a clause's target at each level down every chain of plans</small></h2>\n"
        if r.ladders.isEmpty { out += "<p>No clause's target changes down any chain.</p>\n" }
        let levelOf = Dictionary(r.units.map { ($0.unit.id, $0.unit.level) }, uniquingKeysWith: { a, _ in a })
        for ladder in r.ladders { out += svgLadder(ladder, directive: r.directive, levelOf: levelOf) }
        return out + "</section>\n"
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"]

    /// One clause's ladder as an SVG line chart, with the same paths as a table for readers and printers.
    static func svgLadder(_ l: Ladder, directive: Directive, levelOf: [UnitID: String]) -> String {
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
        var svg = "<figure class=\"ladder\" data-clause=\"\(escape(l.clause.rawValue))\">\n<figcaption>Clause \(escape(l.clause.rawValue))\(l.title.map { " — <span\(lang($0))>\(escape($0))</span>" } ?? ""): <code>\(escape(l.metric)) \(escape(l.op.rawValue))</code>\(l.unit.map { " (\(escape($0)))" } ?? "")</figcaption>\n"
        svg += "<svg viewBox=\"0 0 \(Int(w)) \(Int(h))\" width=\"\(Int(w))\" height=\"\(Int(h))\" role=\"img\" aria-label=\"Targets of clause \(escape(l.clause.rawValue)) down the chains of plans\">"
        for i in 0..<hops {
            svg += "<line x1=\"\(x(i))\" y1=\"\(top)\" x2=\"\(x(i))\" y2=\"\(h - bottom)\" class=\"grid\"/><text x=\"\(x(i))\" y=\"\(h - bottom + 18)\" text-anchor=\"middle\" class=\"axis\">\(escape(labels[i]))</text>"
        }
        svg += "<line x1=\"\(left)\" y1=\"\(y(base))\" x2=\"\(w - right)\" y2=\"\(y(base))\" class=\"base\"/><text x=\"\(left - 8)\" y=\"\(y(base) + 4)\" text-anchor=\"end\" class=\"axis\">\(DiffText.fmt(base))</text>"
        // End labels at their line's height, pushed apart where lines end together.
        var labelY: [Int: Double] = [:]
        var lastY = -Double.infinity
        for (n, end) in shown.enumerated().compactMap({ n, p in p.values.last(where: { $0 != nil })?.map { (n, y($0) + 4) } }).sorted(by: { $0.1 < $1.1 }) {
            lastY = max(end, lastY + 14)
            labelY[n] = lastY
        }
        for (n, p) in shown.enumerated() {
            let colour = palette[n % palette.count]
            let points = p.values.enumerated().compactMap { i, v in v.map { (x(i), y($0), $0) } }
            svg += "<g class=\"path\" data-values=\"\(p.values.map { $0.map(DiffText.fmt) ?? "–" }.joined(separator: " "))\"><title>\(escape(p.example.map(\.rawValue).joined(separator: " → "))): \(p.values.map { $0.map(DiffText.fmt) ?? "dropped" }.joined(separator: " → "))\(p.count > 1 ? " (\(p.count) units)" : "")</title>"
            svg += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2.5\" points=\"\(points.map { "\($0.0),\($0.1)" }.joined(separator: " "))\"/>"
            for (px, py, v) in points {
                svg += "<circle cx=\"\(px)\" cy=\"\(py)\" r=\"4\" fill=\"\(colour)\"/><text x=\"\(px + 6)\" y=\"\(py - 6)\" class=\"val\">\(DiffText.fmt(v))</text>"
            }
            if let last = points.last {
                let name = p.example.last?.rawValue ?? ""
                svg += "<text x=\"\(w - right + 12)\" y=\"\(labelY[n] ?? last.1 + 4)\" class=\"end\" fill=\"\(colour)\">\(escape(name))\(p.count > 1 ? " ×\(p.count)" : "")</text>"
            }
            svg += "</g>"
        }
        svg += "</svg>\n<table class=\"small ladder-table\"><tbody>"
        for p in shown {
            svg += "<tr><td class=\"num\">\(p.values.map { $0.map(DiffText.fmt) ?? "–" }.joined(separator: " → "))</td><td>\(escape(p.example.map(\.rawValue).joined(separator: " → ")))\(p.count > 1 ? " and \(p.count - 1) more" : "")</td></tr>"
        }
        if l.paths.count > shown.count { svg += "<tr><td colspan=\"2\">\(l.paths.count - shown.count) more sequences not drawn</td></tr>" }
        return svg + "</tbody></table>\n</figure>\n"
    }

    static var legend: String {
        FidelityClass.allCases.map { "<span class=\"sw c\(classCode[$0]!)\"></span>\(classCode[$0]!) \($0.rawValue)" }.joined(separator: " ")
            + " <span class=\"sw cX\"></span>– not in the version adopted <span class=\"sw cN\"></span>not adopted · progress: ✓ done ◐ in progress ○ not started ✗ blocked"
    }

    // MARK: - Escaping

    /// Text for HTML content and attribute values: the five characters that could end either.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// ` lang="zh"` for text with Chinese characters, so the browser picks a CJK font and line breaking.
    static func lang(_ s: String) -> String { s.unicodeScalars.contains(where: TextDiff.isCJK) ? " lang=\"zh\"" : "" }

    static func plain(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): s
        case .null: "none"
        default: DiffText.render(v)
        }
    }
}

// MARK: - The embedded data

/// JSON written straight into bytes: the data of a 40,000-unit report is tens of megabytes, too much
/// to build as a `JSONValue` tree first. Arrays are written by the caller, items separated with `next()`.
struct JSONOut {
    var bytes: [UInt8] = []
    /// Whether the next item of the current array or object needs a comma before it.
    private var first = true

    mutating func open(_ c: UInt8 = UInt8(ascii: "[")) { next(); bytes.append(c); first = true }
    mutating func close(_ c: UInt8 = UInt8(ascii: "]")) { bytes.append(c); first = false }
    mutating func next() {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
    }
    mutating func key(_ k: String) { next(); string(k, separate: false); bytes.append(UInt8(ascii: ":")); first = true }

    mutating func int(_ i: Int) { next(); bytes.append(contentsOf: String(i).utf8) }
    mutating func bool(_ b: Bool) { next(); bytes.append(contentsOf: (b ? "true" : "false").utf8) }
    mutating func null() { next(); bytes.append(contentsOf: "null".utf8) }
    mutating func optional(_ s: String?) { if let s { string(s) } else { null() } }

    /// A JSON string; "<" is written \u003c so that no text can end the <script> element holding the data.
    mutating func string(_ s: String, separate: Bool = true) {
        if separate { next() }
        bytes.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case UInt8(ascii: "<"): bytes.append(contentsOf: Array("\\u003c".utf8))
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: Array("\\u00".utf8) + [hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

/// The JSON the script draws from: strings interned once (40,000 units repeat the same clause texts),
/// text diffs computed once per pair of texts, units as compact positional rows.
struct DataBuilder {
    var out = JSONOut()
    var strings: [String] = []
    var index: [String: Int] = [:]
    var diffs: [[(Int, Int)]] = []
    var diffIndex: [String: Int] = [:]

    mutating func intern(_ text: String) -> Int {
        if let n = index[text] { return n }
        index[text] = strings.count
        strings.append(text)
        return strings.count - 1
    }

    /// Writes the index of an interned string.
    mutating func s(_ text: String) { out.int(intern(text)) }

    /// The index of the word/character diff of two texts (pieces of op 0 same, 1 removed, 2 added); -1 when equal.
    mutating func diff(_ a: String, _ b: String) -> Int {
        if a == b { return -1 }
        let key = a + "\u{0}" + b
        if let n = diffIndex[key] { return n }
        let pieces = TextDiff.pieces(a, b).map { p -> (Int, Int) in
            switch p {
            case .same(let t): (0, intern(t))
            case .removed(let t): (1, intern(t))
            case .added(let t): (2, intern(t))
            }
        }
        diffIndex[key] = diffs.count
        diffs.append(pieces)
        return diffs.count - 1
    }

    mutating func build(_ r: DirectiveReport) -> String {
        let clauseIds = r.directive.clauses.map(\.id)
        let flagsByUnit = Dictionary(grouping: r.flags, by: \.unit)
        out.open(UInt8(ascii: "{"))
        out.key("directive"); out.string(r.directive.id.rawValue)
        out.key("version"); out.int(r.directive.version)
        out.key("issued"); out.string(r.directive.issued.description)
        out.key("asOf"); out.string(r.asOf.description)
        out.key("clauses"); out.open()
        for c in r.directive.clauses {
            out.open(); out.string(c.id.rawValue); s(c.title ?? ""); s(c.text); out.optional(c.deadline?.description); out.close()
        }
        out.close()
        out.key("units"); out.open()
        for u in r.units { unit(u, flags: flagsByUnit[u.unit.id]?.count ?? 0, clauseIds: clauseIds, versions: r.versionClauses) }
        out.close()
        out.key("flags"); out.open()
        for f in r.flags {
            out.open(); out.string(f.kind.rawValue); out.string(f.unit.rawValue); out.optional(f.clause?.rawValue)
            out.optional(f.finding?.rawValue); s(FlagsText.summary(f.detail)); s(CanonicalJSON.compact(f.detail)); out.close()
        }
        out.close()
        out.key("kinds"); out.open(); for k in FlagKind.allCases { out.string(k.rawValue) }; out.close()
        out.key("diffs"); out.open()
        for d in diffs {
            out.open(); for (op, text) in d { out.open(); out.int(op); out.int(text); out.close() }; out.close()
        }
        out.close()
        out.key("strings"); out.open(); for text in strings { out.string(text) }; out.close()
        out.close(UInt8(ascii: "}"))
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// One row of the matrix: [id, name, level, detail, flags, cells, status, own, done, total, adopted, basis, behind, changed];
    /// for a unit that has not adopted, [id, name, level, null, flags].
    mutating func unit(_ u: UnitReport, flags: Int, clauseIds: [ClauseID], versions: [Int: [ClauseID]]) {
        out.open(); out.string(u.unit.id.rawValue); s(u.unit.name); s(u.unit.level)
        guard let p = u.plan else { out.null(); out.int(flags); out.close(); return }
        detail(p)
        out.int(flags)
        let latest = p.latest
        let ownByPlanId = Dictionary(p.own.clauses.compactMap { c in c.id.map { ($0, c) } }, uniquingKeysWith: { a, _ in a })
        let ownByBasisId = Dictionary(p.own.clauses.map { ($0.basisId, $0) }, uniquingKeysWith: { a, _ in a })
        let versionIds = versions[p.basis.version].map(Set.init)
        var cells = "", status = "", own = ""
        for id in clauseIds {
            // A clause added by a later version than the plan's is not the unit's omission.
            guard versionIds?.contains(id) ?? true, let c = p.cumulative.reading(id) else { cells += "-"; status += "-"; own += "-"; continue }
            cells.append(ReportHTML.classCode[c.fidelity]!)
            status += c.id.flatMap { latest[$0] }.map { String(ReportHTML.statusCode[$0.status]!) } ?? "-"
            // The unit's own reading of this clause: by its plan id, or (omitted) by the basis id.
            let mine = c.id.flatMap { ownByPlanId[$0] } ?? (c.id == nil ? ownByBasisId[c.basisId] : nil)
            own += mine.map { String(ReportHTML.classCode[$0.fidelity]!) } ?? "-"
        }
        out.string(cells); out.string(status); out.string(own)
        let planIds = p.cumulative.clauses.compactMap(\.id) + p.cumulative.added.map(\.id)
        out.int(planIds.filter { latest[$0]?.status == .done }.count); out.int(planIds.count)
        out.string(p.adopted.utcDay.description)
        s(p.basis.kind == .directive ? "directive v\(p.basis.version)" : "\(p.basis.unit) (v\(p.basis.version))")
        out.int(p.behind)
        out.int(p.own.added.count + p.own.clauses.filter { $0.fidelity != .faithful && $0.fidelity != .reworded }.count)
        out.close()
    }

    /// A unit's details, drawn when its section is opened: the side-by-side rows, the reports, the deadlines,
    /// the findings and the history.
    mutating func detail(_ p: PlanReport) {
        out.open(UInt8(ascii: "{"))
        out.key("rows"); out.open()
        for c in p.own.clauses {
            out.open(); out.string(c.basisId.rawValue); out.optional(c.id?.rawValue); out.string(c.fidelity.rawValue)
            out.bool(c.declared); out.bool(c.approved)
            s(c.changes.filter { $0.field != "text" || $0.effect != .neutral }
                .map { "\($0.field): \(ReportHTML.plain($0.from)) → \(ReportHTML.plain($0.to)) (\($0.effect.rawValue))" }.joined(separator: "\n"))
            s(c.basis.text)
            if let plan = c.plan { s(plan.text); out.int(diff(c.basis.text, plan.text)) } else { out.null(); out.int(-1) }
            s(c.basis.title ?? ""); out.optional(c.matchedBy?.rawValue)
            out.close()
        }
        out.close()
        out.key("added"); out.open()
        for c in p.own.added { out.open(); out.string(c.id.rawValue); s(c.text); out.close() }
        out.close()
        out.key("reports"); out.open()
        for r in p.reports {
            out.open(); out.string(r.clause.rawValue); out.string(r.status.rawValue); out.string(r.at.utcDay.description)
            out.optional(r.asOf?.description)
            s(r.values.sorted { $0.key < $1.key }.map { "\($0.key)=\(DiffText.fmt($0.value))" }.joined(separator: " "))
            s(r.evidence.map { "\($0.kind.rawValue): \($0.title)" }.joined(separator: "\n"))
            out.string(r.actor.rawValue); out.close()
        }
        out.close()
        // Deadlines of the plan's own clauses, for the timeline.
        out.key("deadlines"); out.open()
        for c in p.own.clauses.compactMap(\.plan) + p.own.added {
            out.open(); out.string(c.id.rawValue); out.optional(c.deadline?.description); out.close()
        }
        out.close()
        out.key("findings"); out.open()
        for f in p.findings {
            out.open(); out.string(f.id.rawValue); out.string(f.severity.rawValue); s(f.text); out.string(f.due.description)
            out.open()
            for step in f.steps {
                out.open(); out.string(step.kind.rawValue); out.string(step.at.utcDay.description); out.string(step.actor.rawValue)
                s([step.verdict?.rawValue, step.decision, step.text, step.target.map { "→ \($0)" }].compactMap { $0 }.joined(separator: " · "))
                out.close()
            }
            out.close(); out.close()
        }
        out.close()
        out.key("history"); out.open()
        for h in p.history {
            out.open(); out.string(h.time.description); out.string(String(h.commit.prefix(12))); out.string(h.actor)
            out.string(h.action); s(h.subject); out.string(h.signature); out.close()
        }
        out.close()
        out.close(UInt8(ascii: "}"))
    }
}
