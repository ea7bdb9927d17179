/// A piece of HTML that is safe by construction: text and attribute values come in only through
/// `text(_:)` and `element`'s attributes, which escape them; markup is written as it is only from a
/// `StaticString`, which no value made at run time can be. So record text (titles, names, clause
/// text, notes, ids) cannot open or end an element or an attribute, whatever it holds.
///
///     HTML.element("td", ["class": "unit", "lang": nil]) {
///         HTML.element("code") { unit.id.rawValue }
///         " "
///         unit.name
///     }
///
/// Inside an `HTMLBuilder` closure a `String` (or an `Int`) is text, an `HTML` is markup, and `if`,
/// `switch` and `for` work as in any result builder.
public struct HTML: Sendable, Equatable, CustomStringConvertible {
    /// The markup, ready to write.
    public private(set) var markup: String

    /// No markup at all.
    public init() { markup = "" }

    private init(markup: String) { self.markup = markup }

    /// The content of a `<script type="application/json">` element: `JSONOut` writes every `<` in a
    /// string as `\u003c`, and nothing else it writes holds one, so no text in the data can end the element.
    init(scriptData json: JSONOut) { markup = String(decoding: json.bytes, as: UTF8.self) }

    /// The markup.
    public var description: String { markup }

    /// Text, with `&`, `<`, `>`, `"` and `'` written as character references.
    public static func text(_ text: String) -> HTML { HTML(markup: escape(text)) }

    /// Markup or text fixed in the source, written as it is: the style sheet, the script, the controls
    /// the script binds to. A `StaticString` is a literal, so nothing read from a ledger can pass here.
    public static func raw(_ fixed: StaticString) -> HTML { HTML(markup: fixed.description) }

    /// `<name attributes>content</name>`. An attribute whose value is nil is left out; values are escaped.
    public static func element(_ name: StaticString, _ attributes: KeyValuePairs<StaticString, String?> = [:],
                               @HTMLBuilder _ content: () -> HTML = { HTML() }) -> HTML {
        var markup = "<" + name.description
        write(attributes, to: &markup)
        markup += ">"
        markup += content().markup
        markup += "</" + name.description + ">"
        return HTML(markup: markup)
    }

    /// A void element, `<name attributes>`, with no content and no end tag (`meta`, `br`, `input`).
    public static func void(_ name: StaticString, _ attributes: KeyValuePairs<StaticString, String?> = [:]) -> HTML {
        var markup = "<" + name.description
        write(attributes, to: &markup)
        return HTML(markup: markup + ">")
    }

    /// A self-closing element, `<name attributes/>`, as SVG writes an empty one (`line`, `circle`).
    public static func selfClosing(_ name: StaticString, _ attributes: KeyValuePairs<StaticString, String?> = [:]) -> HTML {
        var markup = "<" + name.description
        write(attributes, to: &markup)
        return HTML(markup: markup + "/>")
    }

    /// `<br>`.
    public static let lineBreak = void("br")

    /// `a`, then `b`.
    public static func + (a: HTML, b: HTML) -> HTML { HTML(markup: a.markup + b.markup) }

    /// Appends `b` to `a`.
    public static func += (a: inout HTML, b: HTML) { a.markup += b.markup }

    /// Text for element content and attribute values alike: the five characters that could end either.
    public static func escape(_ s: String) -> String {
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

    private static func write(_ attributes: KeyValuePairs<StaticString, String?>, to markup: inout String) {
        for (name, value) in attributes {
            guard let value else { continue }
            markup += " " + name.description + "=\"" + escape(value) + "\""
        }
    }
}

extension Sequence where Element == HTML {
    /// The pieces one after another, `separator` between each two.
    public func joined(separator: HTML = HTML()) -> HTML {
        var out = HTML()
        var first = true
        for piece in self {
            if !first { out += separator }
            out += piece
            first = false
        }
        return out
    }
}

/// Builds `HTML` from a closure's statements: a `String` or an `Int` is text (escaped), an `HTML` is
/// markup, and the pieces are written in order.
@resultBuilder
public enum HTMLBuilder {
    public static func buildExpression(_ html: HTML) -> HTML { html }
    public static func buildExpression(_ text: String) -> HTML { .text(text) }
    public static func buildExpression(_ number: Int) -> HTML { .text(String(number)) }
    public static func buildBlock() -> HTML { HTML() }
    public static func buildPartialBlock(first: HTML) -> HTML { first }
    public static func buildPartialBlock(accumulated: HTML, next: HTML) -> HTML { accumulated + next }
    public static func buildOptional(_ html: HTML?) -> HTML { html ?? HTML() }
    public static func buildEither(first: HTML) -> HTML { first }
    public static func buildEither(second: HTML) -> HTML { second }
    public static func buildArray(_ pieces: [HTML]) -> HTML { pieces.joined() }
}
