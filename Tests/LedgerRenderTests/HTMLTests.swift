import LedgerRender
import Testing

/// The HTML builder: text and attribute values are escaped on the way in, markup comes only from
/// elements and literals.
@Suite("HTML builder")
struct HTMLTests {
    static let hostile = "<script>alert('x')</script> & \"q\" </td>"
    static let escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot; &lt;/td&gt;"

    @Test("text escapes &, <, >, \" and ' and leaves everything else as it is")
    func text() {
        #expect(HTML.text(Self.hostile).markup == Self.escaped)
        #expect(HTML.text("减负 · ✓ — plain").markup == "减负 · ✓ — plain")
        #expect(HTML.text("&amp;").markup == "&amp;amp;", "text that looks escaped is escaped again")
        #expect(HTML.text("").markup.isEmpty)
    }

    @Test("attribute values are escaped, nil values left out, the order kept")
    func attributes() {
        let td = HTML.element("td", ["class": Self.hostile, "lang": nil, "data-unit": "cn/east", "title": "a 'b'"]) { "x" }
        #expect(td.markup == "<td class=\"\(Self.escaped)\" data-unit=\"cn/east\" title=\"a &#39;b&#39;\">x</td>")
        #expect(HTML.void("input", ["value": "\"><script>"]).markup == "<input value=\"&quot;&gt;&lt;script&gt;\">")
        #expect(HTML.selfClosing("line", ["x1": "1.5", "class": "grid"]).markup == "<line x1=\"1.5\" class=\"grid\"/>")
        #expect(HTML.element("div").markup == "<div></div>")
    }

    @Test("in a builder a String or an Int is text, HTML is markup, and if, for and switch work")
    func builder() {
        let names = ["a<b", "c&d"]
        let show = true, hide = false
        let html = HTML.element("ul") {
            for name in names { HTML.element("li") { name } }
            if show { HTML.element("li") { 42 } }
            if hide { "never" } else { "</ul>" }
            switch names.count {
            case 2: HTML.lineBreak
            default: "other"
            }
        }
        #expect(html.markup == "<ul><li>a&lt;b</li><li>c&amp;d</li><li>42</li>&lt;/ul&gt;<br></ul>")
    }

    @Test("joined puts the separator between the pieces only; raw writes a literal as it is")
    func joinedAndRaw() {
        let pieces = ["<1>", "2", "3"].map { HTML.text($0) }
        #expect(pieces.joined(separator: .lineBreak).markup == "&lt;1&gt;<br>2<br>3")
        #expect([HTML]().joined(separator: .lineBreak).markup.isEmpty)
        #expect(HTML.raw("<b>fixed</b> it's").markup == "<b>fixed</b> it's")
        #expect((HTML.text("<") + HTML.raw("<i>")).markup == "&lt;<i>")
    }
}
