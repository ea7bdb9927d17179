import LedgerModel

/// The changes between a basis clause and its plan counterpart, and the class they add up to.
///
/// Decisions beyond DESIGN.md, in one place:
/// - **modality across families** (must/should ↔ must-not/should-not, in the field or the text's
///   modal words) is a *reversal*: the original obligation is dropped (looser) and its opposite
///   imposed (tighter), so it is recorded as two changes of the same field, one `looser` and one
///   `tighter`, and the clause reads `mixed` because of them. `may` sits between the families:
///   may → should-not is tighter, must-not → may looser.
/// - The class is only ever the sum of the recorded effects: `fidelity` reads nothing else.
/// - **target op** changes: `>=`/`<=` ↔ `=` compare the values in the direction of the non-`=` op
///   (`>= 30` → `= 20` is looser, `>= 30` → `= 40` tighter; same value: neutral);
///   `>=` ↔ `<=` is neutral. A changed `unit` is neutral.
/// - **evidence**: outcome is the strictest; `activity` ↔ `any` is neutral.
/// - **modal words and numbers in the text** are read only when the texts still say the same thing
///   (similarity ≥ `Fidelity.sameTextThreshold`) and the basis did not ask for localisation.
/// - **title** differences are not read: a heading is not an obligation.
struct ClauseComparison: Sendable, Hashable {
    var changes: [FieldChange] = []

    init(basis b: Clause, plan p: Clause, textSimilarity: Double) {
        compareModality(b, p)
        let readsText = textSimilarity >= Fidelity.sameTextThreshold && !b.localize
        if readsText { compareModalWords(b, p) }
        compareTargets(b, p)
        if readsText { compareTextNumbers(b, p) }
        compareDeadline(b, p)
        compareEvidence(b, p)
        if b.localize != p.localize {
            changes.append(FieldChange(field: "localize", from: .bool(b.localize), to: .bool(p.localize), effect: .neutral))
        }
        if !Fidelity.textEquivalent(b.text, p.text) {
            changes.append(FieldChange(field: "text", from: .string(b.text), to: .string(p.text), effect: .neutral))
        }
        if let hidden = TextSkeleton.hiddenChange(basis: b, plan: p) { changes.append(hidden) }
    }

    /// The class the changes add up to.
    var fidelity: FidelityClass { Self.fidelity(of: changes) }

    /// The class a list of changes adds up to: `weakened` when some are looser and none tighter,
    /// `strengthened` the reverse, `mixed` both, `reworded` neither but something changed.
    static func fidelity(of changes: [FieldChange]) -> FidelityClass {
        let looser = changes.contains { $0.effect == .looser }
        let tighter = changes.contains { $0.effect == .tighter }
        switch (looser, tighter) {
        case (true, true): return .mixed
        case (true, false): return .weakened
        case (false, true): return .strengthened
        case (false, false): return changes.isEmpty ? .faithful : .reworded
        }
    }

    private mutating func record(_ shift: ModalLevel.Shift, field: String, from: String, to: String) {
        let effects: [Effect]
        switch shift {
        case .same: return
        case .looser: effects = [.looser]
        case .tighter: effects = [.tighter]
        case .reversed: effects = [.looser, .tighter]
        }
        for effect in effects { changes.append(FieldChange(field: field, from: .string(from), to: .string(to), effect: effect)) }
    }

    private mutating func compareModality(_ b: Clause, _ p: Clause) {
        guard b.modality != p.modality else { return }
        record(ModalLevel(b.modality).shift(to: ModalLevel(p.modality)), field: "modality",
               from: b.modality.rawValue, to: p.modality.rawValue)
    }

    private mutating func compareModalWords(_ b: Clause, _ p: Clause) {
        // A text with no modal word gives no reading.
        guard let before = ModalWords.governing(in: b.text), let after = ModalWords.governing(in: p.text) else { return }
        record(before.level.shift(to: after.level), field: "text.modal", from: before.word, to: after.word)
    }

    private mutating func compareTargets(_ b: Clause, _ p: Clause) {
        for (i, t) in b.targets.enumerated() {
            guard let u = p.targets.first(where: { $0.metric == t.metric }) else {
                changes.append(FieldChange(field: "targets[\(i)]", from: t.json, to: .null, effect: .looser))
                continue
            }
            if t.op != u.op {
                changes.append(FieldChange(field: "targets[\(i)].op", from: .string(t.op.rawValue), to: .string(u.op.rawValue),
                                           effect: .neutral))
            }
            if t.value != u.value {
                let effect = Self.valueEffect(from: t, to: u)
                changes.append(FieldChange(field: "targets[\(i)].value", from: .numeric(t.value), to: .numeric(u.value), effect: effect))
            }
            if t.unit != u.unit {
                changes.append(FieldChange(field: "targets[\(i)].unit", from: t.unit.map(JSONValue.string) ?? .null,
                                           to: u.unit.map(JSONValue.string) ?? .null, effect: .neutral))
            }
        }
        // Added targets are named by their index in the plan clause.
        for (j, u) in p.targets.enumerated() where !b.targets.contains(where: { $0.metric == u.metric }) {
            changes.append(FieldChange(field: "targets[\(j)]", from: .null, to: u.json, effect: .tighter))
        }
    }

    /// Which way a changed target value moves the obligation.
    static func valueEffect(from t: Target, to u: Target) -> Effect {
        let direction: TargetOp
        switch (t.op, u.op) {
        case (.equal, .equal): return .neutral
        case (.atLeast, .atMost), (.atMost, .atLeast): return .neutral
        case (.equal, let op), (let op, _): direction = op
        }
        return effect(of: direction, from: t.value, to: u.value)
    }

    static func effect(of op: TargetOp, from old: Double, to new: Double) -> Effect {
        if old == new { return .neutral }
        switch op {
        case .atLeast: return new < old ? .looser : .tighter
        case .atMost: return new > old ? .looser : .tighter
        case .equal: return .neutral
        }
    }

    /// Numbers in the text that equal a directional target value of the basis, read with that target's direction.
    /// The numbers both texts share are set aside first; what is left is paired in order when both sides
    /// have as many left over (so "2018" kept while "30%" became "20%" pairs 30 with 20).
    private mutating func compareTextNumbers(_ b: Clause, _ p: Clause) {
        var before = TextNormalizer.numbers(in: b.text)
        var after = TextNormalizer.numbers(in: p.text)
        var k = 0
        while k < before.count {
            if let j = after.firstIndex(of: before[k]) { after.remove(at: j); before.remove(at: k) } else { k += 1 }
        }
        guard !before.isEmpty, before.count == after.count else { return }
        for (old, new) in zip(before, after) {
            guard let target = b.targets.first(where: { $0.value == old && $0.op != .equal }) else { continue }
            changes.append(FieldChange(field: "text.number", from: .numeric(old), to: .numeric(new),
                                       effect: Self.effect(of: target.op, from: old, to: new)))
        }
    }

    private mutating func compareDeadline(_ b: Clause, _ p: Clause) {
        guard b.deadline != p.deadline else { return }
        let effect: Effect
        switch (b.deadline, p.deadline) {
        case (let old?, let new?): effect = new > old ? .looser : .tighter
        case (_?, nil): effect = .looser     // no deadline any more
        default: effect = .tighter           // a deadline imposed
        }
        changes.append(FieldChange(field: "deadline", from: b.deadline?.json ?? .null, to: p.deadline?.json ?? .null, effect: effect))
    }

    private mutating func compareEvidence(_ b: Clause, _ p: Clause) {
        guard b.evidence != p.evidence else { return }
        let effect: Effect = b.evidence == .outcome ? .looser : p.evidence == .outcome ? .tighter : .neutral
        changes.append(FieldChange(field: "evidence", from: .string(b.evidence.rawValue), to: .string(p.evidence.rawValue), effect: effect))
    }
}
