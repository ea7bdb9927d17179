import Fidelity
import Ledger
import LedgerModel

/// The JSON the script draws from: strings interned once (40,000 units repeat the same clause texts),
/// text diffs computed once per pair of texts, units as compact positional rows.
struct ReportData {
    var out = JSONOut()
    var strings: [String] = []
    var index: [String: Int] = [:]
    var diffs: [[(Int, Int)]] = []
    var diffIndex: [String: Int] = [:]
    /// The text diff's bound on its work (`TextDiff.workLimit`).
    var workLimit = TextDiff.workLimit

    mutating func intern(_ text: String) -> Int {
        if let n = index[text] { return n }
        index[text] = strings.count
        strings.append(text)
        return strings.count - 1
    }

    /// Writes the index of an interned string.
    mutating func s(_ text: String) { out.int(intern(text)) }

    /// The index of the word/character diff of two texts (pieces of op 0 same, 1 removed, 2 added,
    /// and 3 a note that the texts were too different to compare finely); -1 when equal.
    mutating func diff(_ a: String, _ b: String) -> Int {
        if a == b { return -1 }
        let key = a + "\u{0}" + b
        if let n = diffIndex[key] { return n }
        let (found, coarse) = TextDiff.diff(a, b, workLimit: workLimit)
        var pieces = found.map { p -> (Int, Int) in
            switch p {
            case .same(let t): (0, intern(t))
            case .removed(let t): (1, intern(t))
            case .added(let t): (2, intern(t))
            }
        }
        if coarse { pieces.append((3, intern(TextDiff.coarseNote))) }
        diffIndex[key] = diffs.count
        diffs.append(pieces)
        return diffs.count - 1
    }

    /// Writes the report's data into `out`.
    mutating func build(_ r: DirectiveReport) {
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
