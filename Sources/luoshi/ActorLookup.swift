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

/// The one holder of the key in `signer` whom the table (`Permissions`) permits `deed`, named in
/// messages by the rule's holder: "the key ... belongs to no supervisor above cn/east".
func signingActor(holding signer: SingleKey, in ledger: Ledger, for deed: Deed) throws -> ActorID {
    let rule = Permissions.rule(for: deed.action)
    return try signingActor(holding: signer, in: ledger, role: rule.holder(of: deed.unit)) { rule.permits($0, over: deed.unit) }
}
