import Ledger
import LedgerModel

/// The one actor, among those holding the key in `signer` at head, that `qualifies`: how the
/// commands a single person runs (`report`, `checkpoint`, `witness`) find who is signing.
///
/// `role` names the qualification in messages, singular and plural ("implementer of cn/east",
/// "implementers of cn/east"); when several actors qualify the user names one with --actor.
func signingActor(holding signer: SingleKey, in ledger: Ledger, role: (one: String, many: String),
           where qualifies: (Actor) -> Bool) throws -> ActorID {
    let holders = try ledger.actors(holding: signer.key.publicKey)
    let matching = holders.filter(qualifies)
    guard let first = matching.first else {
        let who = holders.map(\.id.rawValue).joined(separator: ", ")
        throw LedgerError.notPermitted(source: nil, reason: "the key in \(signer.path) belongs to no \(role.one)\(who.isEmpty ? "" : " (it is \(who)'s)")")
    }
    guard matching.count == 1 else {
        throw LedgerError.usage("the key in \(signer.path) belongs to several \(role.many); name one with --actor")
    }
    return first.id
}
