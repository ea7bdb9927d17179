import Fidelity
import GitStore
import LedgerModel

extension Ledger {
    /// What `diff` would answer for a unit's plan once `event`, an `edit-plan`, had landed on the
    /// head: each clause's reading against the basis with its changes and their effects, and the
    /// flags the unit would carry. The event is checked and prepared exactly as a write prepares it
    /// (the same planner, so a preview refuses what the write would refuse, with the same error),
    /// and read by the same code `diff` reads a landed plan with. Nothing moves: the prepared
    /// commit is written unreferenced, like the objects of a write that is never signed, and left
    /// to git's garbage collection.
    public func preview(_ event: Event) throws -> DiffReport {
        guard case .editPlan(let unit, let directive, _, _) = event.action else {
            throw LedgerError.invalidInput(source: nil, pointer: JSONPointer.root / "action",
                                           reason: "a preview reads an edit-plan event, not \(event.action.name)")
        }
        let write = try prepare(SourcedEvent(event: event))
        guard let object = write.next, object.kind == .commit else {
            throw LedgerError.internalFailure("the edit-plan event prepared no commit")
        }
        let commit = try repository.writeCommitObject(buffer: object.buffer)
        return try diff(directive: directive, unit: unit, at: "\(commit)")
    }
}
