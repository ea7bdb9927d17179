import Fidelity
import Foundation
import Hummingbird
import Ledger
import LedgerModel
import LedgerRender

/// The forms for the rest of the ledger's actions, one event each, signed in the page: a unit adopts
/// a directive; a supervisor approves a declared exemption and holds someone accountable for a
/// finding; an admin registers units and actors, revokes keys and sets the policy. Who may do what
/// is the ledger's to decide when the event is prepared (403 naming the rule); the forms are shown
/// to anyone, as the CLI's commands are.
extension WebController {
    /// `GET /adopt?directive=D&unit=U`: adopt a directive, from the directive itself or the plan of
    /// a unit above (nearest first). The plan starts as its basis word for word; the plan editor
    /// changes it afterwards, where each change is read against the basis.
    func adoptForm(_ request: Request, _ asked: Asked) async throws -> Response {
        let say = asked.say
        let directive = try parseParameter(try asked.required("directive"), "directive", DirectiveID.init)!
        let unit = try parseParameter(try asked.required("unit"), "unit", UnitID.init)!
        let choice = try await service.handles.with { ledger in try ledger.adoptionChoice(directive: directive, unit: unit) }
        let unitHref = "/directives/\(pathPart(directive.rawValue))/units/\(unitPath(unit.rawValue))"
        var body = directiveCrumbs(directive, say: say) {
            HTML.element("a", ["href": "/directives/\(pathPart(directive.rawValue))/matrix?unit=\(queryPart(unit.rawValue))"]) { say(.matrix) }
        }
        body += HTML.element("h1") { say(.adoptDirective) + " · "; HTML.element("code") { unit.rawValue } }
        body += HTML.element("p") { HTML.element("code") { directive.rawValue }; " " + choice.directive.title }
        guard choice.inScope else {
            body += HTML.element("p", ["class": "error"]) { say(.notInScope) }
            return asked.page(say(.adoptDirective), body, status: .unprocessableContent)
        }
        if choice.plan != nil {
            body += HTML.element("p") {
                say(.adoptedAlready) + " "
                HTML.element("a", ["href": unitHref]) { say(.openPlan) }
                " · "
                HTML.element("a", ["href": "/plan?directive=\(queryPart(directive.rawValue))&unit=\(queryPart(unit.rawValue))"]) { say(.editPlan) }
            }
            return asked.page(say(.adoptDirective), body)
        }
        body += HTML.element("p") { say(.adoptIntro) }
        body += HTML.element("p", ["class": "meta"]) { say(.headShown) + " "; HTML.element("code") { String("\(choice.head)".prefix(12)) } }
        body += eventForm(asked, action: "adopt", head: "\(choice.head)", after: unitHref, submit: .adoptDirective) {
            HTML.void("input", ["type": "hidden", "name": "directive", "value": directive.rawValue])
            HTML.void("input", ["type": "hidden", "name": "unit", "value": unit.rawValue])
            HTML.element("fieldset") {
                HTML.element("legend") { say(.adoptFrom) }
                for (n, basis) in choice.bases.enumerated() {
                    HTML.element("label", ["class": "inline"]) {
                        HTML.void("input", ["type": "radio", "name": "from", "value": basis.rawValue, "checked": n == 0 ? "checked" : nil])
                        basis == choice.directive.issuer ? say(.theDirectiveItself) + " (" : say(.thePlanOf) + " "
                        HTML.element("code") { basis.rawValue }
                        basis == choice.directive.issuer ? ")" : ""
                    }
                }
            }
        }
        return asked.page(say(.adoptDirective), body)
    }

    /// `GET /exemptions/approve?directive=D&unit=U&clause=C`: a supervisor approves the exemption a
    /// unit declared for a clause it dropped, with the reason it gave shown.
    func approveExemptionForm(_ request: Request, _ asked: Asked) async throws -> Response {
        let say = asked.say
        let directive = try parseParameter(try asked.required("directive"), "directive", DirectiveID.init)!
        let unit = try parseParameter(try asked.required("unit"), "unit", UnitID.init)!
        let clause = try parseParameter(try asked.required("clause"), "clause", ClauseID.init)!
        let (head, plan) = try await service.handles.with { ledger in
            try ledger.requireExisting(unit: unit, directive: directive)
            let head = try ledger.head()
            return (head, try ledger.record(.plan(directive, unit), at: head).map { try Plan(json: $0, at: .root) })
        }
        guard let plan else { throw LedgerError.notFound("\(unit) has no plan for \(directive)") }
        guard let exemption = plan.exemption(clause) else {
            throw LedgerError.notFound("the plan of \(unit) for \(directive) declares no exemption from clause \(clause)")
        }
        let unitHref = "/directives/\(pathPart(directive.rawValue))/units/\(unitPath(unit.rawValue))"
        var body = HTML.element("p", ["class": "crumbs"]) {
            HTML.element("a", ["href": "/directives/\(pathPart(directive.rawValue))"]) { directive.rawValue }
            " › "
            HTML.element("a", ["href": unitHref]) { unit.rawValue }
        }
        body += HTML.element("h1") { say(.approveExemption) + " · " + say(.clause) + " \(clause)" }
        body += HTML.element("p") { HTML.element("strong") { say(.exemptionReason) }; " " + exemption.reason }
        if let approval = exemption.approval {
            body += HTML.element("p") { say(.approvedBy) + " "; HTML.element("code") { approval.by.rawValue }; " · \(approval.at.utcDay)" }
            return asked.page(say(.approveExemption), body)
        }
        body += HTML.element("p", ["class": "meta"]) { say(.headShown) + " "; HTML.element("code") { String("\(head)".prefix(12)) } }
        body += eventForm(asked, action: "approve-exemption", head: "\(head)", after: unitHref, submit: .approveExemption) {
            HTML.void("input", ["type": "hidden", "name": "directive", "value": directive.rawValue])
            HTML.void("input", ["type": "hidden", "name": "unit", "value": unit.rawValue])
            HTML.void("input", ["type": "hidden", "name": "clause", "value": clause.rawValue])
            HTML.element("label") { say(.note); HTML.element("textarea", ["name": "note", "rows": "3"]) { "" } }
        }
        return asked.page(say(.approveExemption), body)
    }

    /// `GET /findings/hold?finding=F`: a supervisor records who is held accountable for a finding, and how.
    func holdForm(_ request: Request, _ asked: Asked) async throws -> Response {
        let say = asked.say
        let (head, finding) = try await finding(try asked.required("finding"))
        var body = findingFormHeader(finding, head: head, title: .holdAccountable, asked: asked)
        body += eventForm(asked, action: "hold-accountable", head: "\(head)", after: "/findings", submit: .holdAccountable) {
            HTML.void("input", ["type": "hidden", "name": "finding", "value": finding.id.rawValue])
            HTML.element("label") { say(.decision); HTML.element("textarea", ["name": "decision", "rows": "3", "required": "required"]) { "" } }
            HTML.element("label") {
                say(.heldTarget)
                HTML.void("input", ["type": "text", "name": "target", "value": finding.unit.rawValue, "required": "required", "spellcheck": "false"])
            }
        }
        return asked.page(say(.holdAccountable), body)
    }
}

// MARK: - Administration

extension WebController {
    /// `GET /admin`: the actors with their roles and keys (each key with a way to revoke it), the
    /// policy in force, the units by level, and the forms that change them.
    func adminPage(_ request: Request, _ asked: Asked) async throws -> Response {
        let say = asked.say, language = asked.language
        let (actors, units, policy) = try await service.handles.with { ledger in
            (try ledger.actors(), try ledger.units(), try ledger.policy())
        }
        var body = HTML.element("h1") { say(.admin) }
        body += HTML.element("p", ["class": "actions"]) {
            HTML.element("a", ["href": "/admin/unit"]) { say(.registerUnit) }
            " "
            HTML.element("a", ["href": "/admin/actor"]) { say(.registerActor) }
            " "
            HTML.element("a", ["href": "/admin/policy"]) { say(.setPolicy) }
        }
        body += HTML.element("h2") { say(.actors) + " \(actors.count)" }
        body += HTML.element("div", ["class": "scroll"]) {
            HTML.element("table", ["class": "actors"]) {
                HTML.element("thead") {
                    HTML.element("tr") { for p in [Phrase.actorField, .name, .unit, .roles, .publicKeys] { HTML.element("th", ["scope": "col"]) { say(p) } } }
                }
                HTML.element("tbody") {
                    for actor in actors {
                        HTML.element("tr", ["data-actor": actor.id.rawValue]) {
                            HTML.element("th", ["scope": "row"]) { HTML.element("code") { actor.id.rawValue } }
                            HTML.element("td") { actor.name }
                            HTML.element("td") { HTML.element("code") { actor.unit?.rawValue ?? "—" } }
                            HTML.element("td") { actor.roles.map { $0.said(in: language) }.joined(separator: ", ") }
                            HTML.element("td") {
                                HTML.element("ul", ["class": "keys"]) {
                                    for key in actor.keys {
                                        HTML.element("li") {
                                            HTML.element("code") { Self.keyShown(key) }
                                            " "
                                            HTML.element("a", ["href": "/admin/revoke?actor=\(queryPart(actor.id.rawValue))&key=\(queryPart(key))"]) { say(.revokeKey) }
                                        }
                                    }
                                    for revoked in actor.revokedKeys {
                                        HTML.element("li", ["class": "revoked"]) {
                                            HTML.element("del") { HTML.element("code") { Self.keyShown(revoked.key) } }
                                            " " + say(.revokedOn) + " \(revoked.at.utcDay) · "
                                            HTML.element("code") { revoked.by.rawValue }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        body += HTML.element("h2") { say(.policy) }
        body += HTML.element("table", ["class": "policy"]) {
            HTML.element("tbody") {
                for name in Policy.fieldNames {
                    HTML.element("tr") {
                        HTML.element("th", ["scope": "row"]) { HTML.element("code") { name } }
                        HTML.element("td") { Self.policyPhrase(name).map(say) ?? "" }
                        HTML.element("td", ["class": "number"]) { policy.json[name].map { DiffText.render($0) } ?? "" }
                    }
                }
            }
        }
        let levels = Dictionary(grouping: units, by: { $0.level })
        body += HTML.element("h2") { say(.units) + " \(units.count)" }
        body += HTML.element("ul", ["class": "counts"]) {
            for (level, members) in levels.sorted(by: { ($0.value.map(\.id.depth).min() ?? 0, $0.key) < ($1.value.map(\.id.depth).min() ?? 0, $1.key) }) {
                HTML.element("li") { level + " \(members.count)" }
            }
        }
        return asked.page(say(.admin), body)
    }

    /// What each threshold of the policy means, in the reader's language.
    static func policyPhrase(_ name: String) -> Phrase? {
        switch name {
        case "adoptWithinDays": .policyAdoptWithinDays
        case "backdateDays": .policyBackdateDays
        case "rushShare": .policyRushShare
        case "rushWindowDays": .policyRushWindowDays
        case "staleDays": .policyStaleDays
        case "examineWithinDays": .policyExamineWithinDays
        case "maxReportsPerMonth": .policyMaxReportsPerMonth
        case "maxTimeSkewDays": .policyMaxTimeSkewDays
        default: nil
        }
    }

    /// A public key as the admin page shows it: its type and the tail of its base64, enough to tell
    /// keys apart (the whole key is in the link that revokes it).
    static func keyShown(_ key: String) -> String {
        let parts = key.split(separator: " ")
        guard parts.count >= 2 else { return key }
        return "\(parts[0]) …\(parts[1].suffix(16))" + (parts.count > 2 ? " " + parts[2...].joined(separator: " ") : "")
    }

    /// `GET /admin/unit[?parent=P]`: register a unit below an existing one.
    func registerUnitForm(_ request: Request, _ asked: Asked) async throws -> Response {
        let say = asked.say
        let parent = try parseParameter(asked.query["parent"].flatMap { $0.isEmpty ? nil : $0 }, "parent", UnitID.init)
        let head = try await service.handles.with { ledger in
            try ledger.requireExisting(unit: parent)
            return try ledger.head()
        }
        var body = HTML.element("p", ["class": "crumbs"]) { HTML.element("a", ["href": "/admin"]) { say(.admin) } }
        body += HTML.element("h1") { say(.registerUnit) }
        body += HTML.element("p") { say(.registerUnitIntro) }
        body += HTML.element("p", ["class": "meta"]) { say(.headShown) + " "; HTML.element("code") { String("\(head)".prefix(12)) } }
        body += eventForm(asked, action: "register-unit", head: "\(head)", after: "/admin", submit: .registerUnit) {
            HTML.element("label") {
                say(.unitID)
                HTML.void("input", ["type": "text", "name": "unit.id", "value": parent.map { "\($0)/" }, "required": "required", "spellcheck": "false"])
            }
            HTML.element("label") { say(.name); HTML.void("input", ["type": "text", "name": "unit.name", "required": "required"]) }
            HTML.element("label") { say(.level); HTML.void("input", ["type": "text", "name": "unit.level", "required": "required"]) }
        }
        return asked.page(say(.registerUnit), body)
    }

    /// `GET /admin/actor`: register an actor: a unit, roles, and the public keys that sign for it.
    func registerActorForm(_ request: Request, _ asked: Asked) async throws -> Response {
        let say = asked.say, language = asked.language
        let head = try await service.handles.with { ledger in try ledger.head() }
        var body = HTML.element("p", ["class": "crumbs"]) { HTML.element("a", ["href": "/admin"]) { say(.admin) } }
        body += HTML.element("h1") { say(.registerActor) }
        body += HTML.element("p") { say(.registerActorIntro) }
        body += HTML.element("p", ["class": "meta"]) { say(.headShown) + " "; HTML.element("code") { String("\(head)".prefix(12)) } }
        body += eventForm(asked, action: "register-actor", head: "\(head)", after: "/admin", submit: .registerActor) {
            HTML.element("label") { say(.actorField); HTML.void("input", ["type": "text", "name": "actorRecord.id", "required": "required", "spellcheck": "false"]) }
            HTML.element("label") { say(.name); HTML.void("input", ["type": "text", "name": "actorRecord.name", "required": "required"]) }
            HTML.element("label") { say(.unit); HTML.void("input", ["type": "text", "name": "actorRecord.unit", "spellcheck": "false"]) }
            HTML.element("fieldset") {
                HTML.element("legend") { say(.roles) }
                for role in Role.allCases {
                    HTML.element("label", ["class": "inline"]) {
                        HTML.void("input", ["type": "checkbox", "name": "actorRecord.roles", "value": role.rawValue])
                        role.said(in: language)
                    }
                }
            }
            HTML.element("label") {
                say(.publicKeys)
                HTML.element("textarea", ["name": "actorRecord.keys", "rows": "3", "required": "required", "spellcheck": "false",
                                          "placeholder": "ssh-ed25519 AAAA…"]) { "" }
            }
        }
        return asked.page(say(.registerActor), body)
    }

    /// `GET /admin/revoke?actor=A&key=K`: revoke one of an actor's keys. Commits it signed before stay
    /// good; verify refuses what it signs after.
    func revokeKeyForm(_ request: Request, _ asked: Asked) async throws -> Response {
        let say = asked.say
        let actorID = try parseParameter(try asked.required("actor"), "actor", ActorID.init)!
        let key = try asked.required("key")
        let (head, actor) = try await service.handles.with { ledger in
            try ledger.requireExisting(actor: actorID)
            let head = try ledger.head()
            return (head, try ledger.record(.actor(actorID), at: head).map { try Actor(json: $0, at: .root) })
        }
        guard let actor, actor.keys.contains(key) else {
            throw LedgerError.notFound("\(actorID) holds no such key now; /admin lists the keys each actor holds")
        }
        var body = HTML.element("p", ["class": "crumbs"]) { HTML.element("a", ["href": "/admin"]) { say(.admin) } }
        body += HTML.element("h1") { say(.revokeKey) + " · "; HTML.element("code") { actorID.rawValue } }
        body += HTML.element("p") { HTML.element("code", ["class": "key"]) { key } }
        body += HTML.element("p") { say(.revokeIntro) }
        body += HTML.element("p", ["class": "meta"]) { say(.headShown) + " "; HTML.element("code") { String("\(head)".prefix(12)) } }
        body += eventForm(asked, action: "revoke-key", head: "\(head)", after: "/admin", submit: .revokeKey) {
            HTML.void("input", ["type": "hidden", "name": "actorId", "value": actorID.rawValue])
            HTML.void("input", ["type": "hidden", "name": "key", "value": key])
        }
        return asked.page(say(.revokeKey), body)
    }

    /// `GET /admin/policy`: the thresholds the flags are raised by, each prefilled with its value in
    /// force; the page sends only those changed.
    func policyForm(_ request: Request, _ asked: Asked) async throws -> Response {
        let say = asked.say
        let (head, policy) = try await service.handles.with { ledger in (try ledger.head(), try ledger.policy()) }
        var body = HTML.element("p", ["class": "crumbs"]) { HTML.element("a", ["href": "/admin"]) { say(.admin) } }
        body += HTML.element("h1") { say(.setPolicy) }
        body += HTML.element("p") { say(.policyIntro) }
        body += HTML.element("p", ["class": "meta"]) { say(.headShown) + " "; HTML.element("code") { String("\(head)".prefix(12)) } }
        body += eventForm(asked, action: "set-policy", head: "\(head)", after: "/admin", submit: .setPolicy) {
            for name in Policy.fieldNames {
                let value = policy.json[name].map { DiffText.render($0) } ?? ""
                HTML.element("label") {
                    (Self.policyPhrase(name).map(say) ?? "") + " "
                    HTML.element("code") { name }
                    HTML.void("input", ["type": "number", "step": "any", "min": "0", "name": "policy.\(name)", "value": value, "data-was": value])
                }
            }
        }
        return asked.page(say(.setPolicy), body)
    }
}
