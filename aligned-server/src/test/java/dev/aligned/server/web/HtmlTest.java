package dev.aligned.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class HtmlTest {

    @Test
    void textAndAttributeValuesAreEscaped() {
        String html = new Html().el("td", "<script>alert('x')</script> & \"q\"", "title", "\"><img src=x onerror=1>")
                .render();
        assertEquals("<td title=\"&quot;&gt;&lt;img src=x onerror=1&gt;\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
                + " &amp; &quot;q&quot;</td>", html);
    }

    @Test
    void eventHandlerAndStyleAttributesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Html().open("a", "onclick", "x"));
        assertEquals("attribute onclick is not allowed (no inline script or style)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Html().open("div", "style", "color:red"));
        assertThrows(IllegalArgumentException.class, () -> new Html().open("div", "OnMouseOver", "x"));
    }

    @Test
    void urlAttributesMustBeSameOriginPaths() {
        for (String bad : new String[] {"javascript:alert(1)", "//evil.example/", "https://evil.example/", "/\\evil",
                " javascript:x", "data:text/html,x"}) {
            assertThrows(IllegalArgumentException.class, () -> new Html().el("a", "x", "href", bad), bad);
        }
        assertEquals("<a href=\"/reports?org=a%20b&amp;days=7\">x</a>",
                new Html().el("a", "x", "href", "/reports?org=a%20b&days=7").render());
    }

    @Test
    void inlineScriptContentAndBadNamesAreImpossible() {
        assertThrows(IllegalArgumentException.class, () -> new Html().open("script", "type", "module"));
        assertThrows(IllegalArgumentException.class, () -> new Html().open("img src=x"));
        assertThrows(IllegalArgumentException.class, () -> new Html().open("a", "href\" onclick=\"x", "/"));
        assertThrows(IllegalStateException.class, () -> new Html().open("div").render());
    }

    @Test
    void controlCharactersBecomeReplacementCharacters() {
        assertEquals("a\uFFFDb\tc\n", Html.escape("a\u0000b\tc\n"));
    }

    @Property
    void escapedTextNeverContainsMarkup(@ForAll String s) {
        String out = new Html().el("p", s).render();
        String inner = out.substring(3, out.length() - 4);
        assertFalse(inner.contains("<") || inner.contains(">") || inner.contains("\""), inner);
        assertTrue(out.startsWith("<p>") && out.endsWith("</p>"));
    }
}
