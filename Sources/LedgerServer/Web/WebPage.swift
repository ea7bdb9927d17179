import HTTPTypes
import Hummingbird
import LedgerModel
import LedgerRender

/// A page of the web UI: rendered on the server, whole without script, in the reader's language,
/// with a policy that lets it load nothing but this server's style sheet and page script.
struct WebPage {
    var language: Language
    var title: String
    var body: HTML
    /// The session's actor, shown in the bar with a way out; nil: a way in.
    var actor: ActorID? = nil

    /// No inline script, no other origin, no frames, no plugins; the page script talks only to this
    /// server, and forms post only here.
    static let securityPolicy = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    /// The page's markup: its head, the bar with the product's name and the language switch, the body.
    var html: HTML {
        let say = { (phrase: Phrase) in phrase.said(in: language) }
        return HTML.raw("<!DOCTYPE html>") + HTML.element("html", ["lang": language.tag]) {
            HTML.element("head") {
                HTML.void("meta", ["charset": "utf-8"])
                HTML.void("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"])
                HTML.element("title") { title + " — " + say(.product) }
                HTML.void("link", ["rel": "stylesheet", "href": WebController.stylesheetPath])
                HTML.element("script", ["src": WebController.scriptPath, "defer": "defer"]) { "" }
            }
            HTML.element("body", ["data-actor": actor?.rawValue]) {
                HTML.element("header", ["class": "bar"]) {
                    HTML.element("a", ["class": "product", "href": "/"]) { say(.product) }
                    HTML.element("nav", ["class": "sections"]) {
                        HTML.element("a", ["href": "/"]) { say(.directives) }
                        HTML.element("a", ["href": "/flags"]) { say(.flags) }
                        HTML.element("a", ["href": "/findings"]) { say(.findings) }
                        HTML.element("a", ["href": "/burden"]) { say(.burden) }
                        HTML.element("a", ["href": "/history"]) { say(.history) }
                        HTML.element("a", ["href": "/admin"]) { say(.admin) }
                    }
                    HTML.element("div", ["class": "who"]) {
                        if let actor {
                            HTML.element("span") { say(.signedInAs) + " " }
                            HTML.element("code") { actor.rawValue }
                            " "
                            HTML.element("button", ["type": "button", "data-luoshi": "sign-out", "data-luoshi-script": "", "hidden": "hidden"]) { say(.signOut) }
                        } else {
                            HTML.element("a", ["href": "/sign-in"]) { say(.signIn) }
                        }
                    }
                    HTML.element("nav", ["class": "languages", "aria-label": say(.language)]) {
                        for other in Language.allCases {
                            if other == language {
                                HTML.element("span", ["aria-current": "true", "lang": other.tag]) { other.nativeName }
                            } else {
                                HTML.element("a", ["href": "?lang=\(other.rawValue)", "lang": other.tag, "hreflang": other.tag]) { other.nativeName }
                            }
                        }
                    }
                }
                HTML.element("main") { body }
                // What the page script says, in this page's language.
                HTML.element("div", ["id": "luoshi-phrases", "hidden": "hidden"]) {
                    for (name, phrase) in Phrase.script { HTML.element("span", ["data-phrase": name]) { say(phrase) } }
                }
            }
        }
    }

    /// The page as a response, with its security headers; `remember` sets the language cookie (the
    /// reader chose it with the switch).
    func response(status: HTTPResponse.Status = .ok, remember: Bool) -> Response {
        var headers = WebPage.headers
        if remember {
            headers[.setCookie] = "\(Language.cookie)=\(language.rawValue); Path=/; Max-Age=31536000; SameSite=Strict"
        }
        return .bytes(Array(html.markup.utf8), contentType: "text/html; charset=utf-8", status: status, headers: headers)
    }

    /// What every page and the style sheet are sent with.
    static var headers: HTTPFields {
        var headers = HTTPFields()
        headers[.contentSecurityPolicy] = securityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        headers[.cacheControl] = "private, no-cache"
        headers[.vary] = "Accept-Language, Cookie"
        return headers
    }
}

extension Language {
    /// The language's name in itself, for the switch.
    var nativeName: String { self == .zh ? "中文" : "English" }
}
