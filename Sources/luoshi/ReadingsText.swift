import Fidelity
import Ledger
import LedgerModel

/// Text output of `diff` and `chain`, for supervisors.
enum DiffText {
    static func paint(_ s: String, _ fidelity: FidelityClass, _ colour: Bool) -> String {
        guard colour else { return s }
        let code = switch fidelity {
        case .faithful: "32"
        case .reworded: "36"
        case .weakened, .omitted: "31"
        case .strengthened: "35"
        case .mixed: "33"
        }
        return "\u{1B}[\(code)m\(s)\u{1B}[0m"
    }

    static func render(_ report: DiffReport, colour: Bool) -> String {
        let against = report.against == .directive ? "directive \(report.directive) v\(report.againstVersion)" : "the plan of \(report.againstUnit)"
        var out = "\(report.unit) — plan for \(report.directive), read against \(against)\n"
        if report.behind > 0 {
            out += "  note: the directive has been amended \(report.behind) time\(report.behind == 1 ? "" : "s") since this plan's basis;"
                + " `luoshi plan rebase --unit \(report.unit) --directive \(report.directive)` brings it up\n"
        }
        out += "\n"
        out += renderReading(report.reading, colour: colour, indent: "  ")
        let counts = FidelityClass.allCases.compactMap { c -> String? in
            let n = report.reading.clauses.filter { $0.fidelity == c }.count
            return n == 0 ? nil : "\(n) \(c.rawValue)"
        } + (report.reading.added.isEmpty ? [] : ["\(report.reading.added.count) added"])
        out += "\n  summary: \(counts.joined(separator: ", "))\n"
        if !report.flags.isEmpty {
            out += "  flags: \(report.flags.map { $0.kind.rawValue + ($0.clause.map { " (clause \($0))" } ?? "") }.joined(separator: ", "))\n"
        }
        return out
    }

    static func renderReading(_ reading: PlanDiff, colour: Bool, indent: String) -> String {
        var out = ""
        let width = max(6, reading.clauses.map { label($0).displayWidth }.max() ?? 0)
        for r in reading.clauses {
            let name = label(r).padding(width)
            var line = "\(indent)\(name)  \(paint(r.fidelity.rawValue.padding(12), r.fidelity, colour))"
            if r.fidelity == .omitted {
                line += r.approved ? " exemption declared and approved" : r.declared ? " exemption declared, not approved" : " no exemption declared"
            }
            out += line.trimmingTrailingSpaces + "\n"
            for c in r.changes where c.field != "text" {
                out += "\(indent)    \(c.field): \(render(c.from).terminalSafe) → \(render(c.to).terminalSafe) (\(c.effect.rawValue))\n"
            }
            if let plan = r.plan, plan.text != r.basis.text {
                out += "\(indent)    text: \(TextDiff.inline(r.basis.text.terminalSafe, plan.text.terminalSafe, colour: colour))\n"
            }
        }
        for a in reading.added {
            out += "\(indent)\(("+" + a.id.rawValue).padding(width))  \(paint("added".padding(12), .strengthened, colour))\n"
            out += "\(indent)    text: \(a.text.terminalSafe)\n"
        }
        return out
    }

    static func label(_ r: ClauseReading) -> String {
        guard let id = r.id, id != r.basisId else { return r.basisId.rawValue }
        return "\(r.basisId)→\(id)"
    }

    static func render(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): s
        case .null: "none"
        default: CanonicalJSON.compact(v)
        }
    }

    static func renderChain(_ report: ChainReport, colour: Bool) -> String {
        var out = "Chain of \(report.directive) down to \(report.unit): \(report.units.map(\.rawValue).joined(separator: " → "))\n"
        // The ladder: each target's value at every level, for clauses whose targets move.
        var ladder: [String] = []
        for reading in report.cumulative.clauses {
            for target in reading.basis.targets {
                var steps = [fmt(target.value)]
                for hop in report.hops {
                    guard let r = hop.clauses.first(where: { $0.basis.targets.contains { $0.metric == target.metric } }),
                          let v = r.plan?.targets.first(where: { $0.metric == target.metric })?.value else { continue }
                    steps.append(fmt(v))
                }
                if Set(steps).count > 1 {
                    ladder.append("  clause \(reading.basisId) \(target.metric) \(target.op.rawValue): \(steps.joined(separator: " → "))")
                }
            }
        }
        if !ladder.isEmpty { out += "\nTargets down the chain:\n" + ladder.joined(separator: "\n") + "\n" }
        for (unit, hop) in zip(report.units, report.hops) {
            let changed = hop.clauses.filter { $0.fidelity != .faithful }
            out += "\n\(unit): \(changed.isEmpty && hop.added.isEmpty ? "faithful to its basis" : "\(changed.count) clause\(changed.count == 1 ? "" : "s") changed, \(hop.added.count) added")\n"
            if !changed.isEmpty || !hop.added.isEmpty {
                out += renderReading(PlanDiff(clauses: changed, added: hop.added), colour: colour, indent: "  ")
            }
        }
        out += "\nCumulative, \(report.unit) against the directive:\n"
        out += renderReading(report.cumulative, colour: colour, indent: "  ")
        return out
    }

    /// A value as its record writes it (total: `Int(d)` would trap from 2^63 on).
    static func fmt(_ d: Double) -> String { CanonicalJSON.numberText(d) }
}

/// Text output of `flags`: an aligned table.
enum FlagsText {
    static func render(_ flags: [Flag]) -> String {
        guard !flags.isEmpty else { return "no flags\n" }
        let rows = flags.map { f in
            [f.kind.rawValue, f.unit.rawValue, f.directive?.rawValue ?? "-", f.clause?.rawValue ?? f.finding?.rawValue ?? "-", summary(f.detail)]
        }
        return Table.render(header: ["kind", "unit", "directive", "clause", "detail"], rows: rows) + "\(flags.count) flag\(flags.count == 1 ? "" : "s")\n"
    }

    static func summary(_ detail: JSONValue) -> String {
        guard case .object(let o) = detail else { return DiffText.render(detail) }
        return o.keys.sorted().compactMap { k in
            guard let v = o[k] else { return nil }
            switch v {
            case .array, .object: return nil
            default: return "\(k)=\(DiffText.render(v))"
            }
        }.joined(separator: " ")
    }
}

/// Aligned text tables.
enum Table {
    static func render(header: [String], rows: [[String]]) -> String {
        let rows = rows.map { $0.map(\.terminalSafe) }
        var widths = header.map(\.displayWidth)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count - 1 { widths[i] = max(widths[i], cell.displayWidth) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in i == cells.count - 1 ? c : c.padding(widths[i]) }.joined(separator: "  ").trimmingTrailingSpaces + "\n"
        }
        return line(header) + rows.map(line).joined()
    }
}

extension String {
    /// Columns on a terminal (`DisplayWidth`): East Asian wide characters take two.
    var displayWidth: Int { DisplayWidth.of(self) }

    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - displayWidth)) }

    var trimmingTrailingSpaces: String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
