import LedgerModel

// MARK: - selective, adapted, escalated, not-localized, hidden-text: a plan read against its own basis

extension Indicators {
    /// The flags of one plan's text, read against the basis the unit adopted (not the directive), so a
    /// unit is only answerable for its own changes.
    static func planFlags(_ context: PlanContext, _ clock: Clock, _ sink: inout FlagSink) {
        let plan = context.plan
        let diff = context.ownDiff
        func flag(_ kind: FlagKind, _ clause: ClauseID, _ detail: @autoclosure () -> JSONValue) {
            sink.raise(kind, plan.unit, plan.directive, clause: clause, detail: detail())
        }
        var against: JSONValue { basisDetail(plan.basis) }
        for reading in diff.clauses {
            switch reading.fidelity {
            case .omitted where !reading.approved:
                flag(.selective, reading.basisId, jsonObject([
                    "basisId": reading.basisId, "declared": reading.declared,
                    "reason": plan.exemption(reading.basisId)?.reason, "basis": against,
                ]))
            case .weakened, .strengthened, .mixed:
                guard let id = reading.id else { break }
                var detail: JSONValue {
                    jsonObject(["basisId": reading.basisId, "class": reading.fidelity, "changes": reading.changes, "basis": against])
                }
                if reading.fidelity != .strengthened { flag(.adapted, id, detail) }
                if reading.fidelity != .weakened { flag(.escalated, id, detail) }
            default:
                break
            }
            if let id = reading.id, let hidden = reading.changes.first(where: { $0.field == "text.hidden" }) {
                flag(.hiddenText, id, jsonObject(["basisId": reading.basisId, "hidden": hidden.to, "basisHidden": hidden.from, "basis": against]))
            }
            if reading.basis.localize, let own = reading.plan, let id = reading.id, sameText(reading, own) {
                flag(.notLocalized, id, jsonObject(["basisId": reading.basisId, "text": own.text, "basis": against]))
            }
        }
        for added in diff.added {
            let hidden = TextSkeleton.hiddenCount(added.text)
            if hidden > 0 { flag(.hiddenText, added.id, jsonObject(["added": true, "hidden": hidden, "basis": against])) }
            flag(.escalated, added.id, jsonObject([
                "added": true, "modality": added.modality, "targets": added.targets, "deadline": added.deadline,
                "basis": against,
            ]))
        }
    }

    private static func basisDetail(_ basis: Basis) -> JSONValue {
        jsonObject(["kind": basis.kind, "unit": basis.unit, "version": basis.version])
    }

    /// Whether the plan left a clause the basis asked to localise saying what the basis says
    /// (equal up to whitespace, punctuation, letter case and full-width/half-width forms).
    private static func sameText(_ reading: ClauseReading, _ own: Clause) -> Bool {
        Fidelity.textEquivalent(own.text, reading.basis.text)
    }
}

extension Indicators {
    /// The flags one plan's own text raises (selective, adapted, escalated, not-localized, hidden-text), sorted:
    /// what an edit of the plan will raise, before it is written.
    public static func planFlags(of context: PlanContext) -> [Flag] {
        var sink = FlagSink(detailed: true)
        planFlags(context, Clock(now: context.plan.adopted, policy: Policy()), &sink)
        return Flag.sorted(sink.flags)
    }
}
