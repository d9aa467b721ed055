package dev.aligned.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class TagValueListTest {

    @Test
    void keepsTagsInOrderWithTrimmedValuesAndPositions() {
        TagValueList l = TagValueList.parse(" v=1; a = rsa-sha256 ;\r\n\th=from :\r\n to;");
        assertTrue(l.isValid());
        assertEquals(List.of("v", "a", "h"), l.tags().stream().map(TagValueList.Tag::name).toList());
        assertEquals("rsa-sha256", l.value("a").orElseThrow());
        assertEquals("from :\r\n to", l.value("h").orElseThrow());
        TagValueList.Tag a = l.tag("a").orElseThrow();
        assertEquals(6, a.nameOffset());
        assertEquals(10, a.valueStart());
        assertEquals(20, a.valueEnd());
    }

    @Test
    void duplicateTagIsAnErrorAndTheFirstOccurrenceIsKept() {
        TagValueList l = TagValueList.parse("a=1; b=2; a=3");
        assertEquals("column 11: duplicate tag 'a'", l.firstError().orElseThrow());
        assertEquals("1", l.value("a").orElseThrow());
    }

    @Test
    void folderPositionsAreGivenAsLineAndColumn() {
        TagValueList l = TagValueList.parse("a=1;\r\n b=2;\r\n c");
        assertEquals("line 3, column 2: 'c' is not a tag=value pair (no '=')", l.firstError().orElseThrow());
    }

    @Test
    void invalidNamesAndValueCharactersAreReported() {
        assertEquals("column 1: invalid tag name '1a' (must start with a letter)",
                TagValueList.parse("1a=x").firstError().orElseThrow());
        assertEquals("column 1: invalid tag name 'a-b' (character '-')",
                TagValueList.parse("a-b=x").firstError().orElseThrow());
        assertEquals("column 5: missing tag name before '='", TagValueList.parse("a=1;=2").firstError().orElseThrow());
        assertEquals("column 5: character U+00E9 is not allowed in the value of tag 'd'",
                TagValueList.parse("d=ex\u00e9mple.com").firstError().orElseThrow());
        assertEquals("column 3: character U+0000 is not allowed in the value of tag 'k'",
                TagValueList.parse("k=\u0000").firstError().orElseThrow());
    }

    @Test
    void emptyValuesTrailingSemicolonAndEmptySpecsAreAccepted() {
        TagValueList l = TagValueList.parse("p=; ;t=y;");
        assertTrue(l.isValid(), l.errors().toString());
        assertEquals("", l.value("p").orElseThrow());
        assertEquals("y", l.value("t").orElseThrow());
        assertFalse(l.has("x"));
    }

    @Test
    void errorListIsCapped() {
        String many = "x;".repeat(100);
        assertEquals(TagValueList.MAX_ERRORS, TagValueList.parse(many).errors().size());
    }

    @Property(tries = 500)
    void neverThrowsAndOffsetsStayInsideTheText(@ForAll String text) {
        TagValueList l = TagValueList.parse(text);
        for (TagValueList.Tag t : l.tags()) {
            assertTrue(t.valueStart() <= t.valueEnd() && t.valueEnd() <= text.length());
            assertEquals(t.value(), text.substring(t.valueStart(), t.valueEnd()));
        }
        for (TagValueList.Error e : l.errors()) {
            assertTrue(e.offset() >= 0 && e.offset() <= text.length());
        }
    }

    /**
     * The value check (eight octets at a time) against the rule written plainly: the first char of the trimmed
     * value outside VALCHAR and folding whitespace is reported with its offset, whatever the alignment, for
     * 8-bit chars, chars above U+00FF (which become '?' as octets), a real '?' and controls.
     */
    @Property(tries = 2000)
    void valueCheckReportsTheFirstCharNotAllowedAtItsOffset(
            @ForAll @net.jqwik.api.constraints.Chars({'a', 'Z', '0', '+', '/', '=', '?', '~', ' ', '\t', '\r', '\n',
                '\u007f', '\u0080', '\u00e9', '\u0100', '\u20ac', '\u0001', '\u0000'})
            @net.jqwik.api.constraints.StringLength(max = 60) String value,
            @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 9) int pad) {
        String text = " ".repeat(pad) + "bh=x" + value + "x; s=a";
        int expected = -1;
        for (int i = pad + 3; i < text.indexOf(';'); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= 0x21 && c <= 0x7e) || c == ' ' || c == '\t' || c == '\r' || c == '\n';
            if (!ok) {
                expected = i;
                break;
            }
        }
        TagValueList l = TagValueList.parse(text);
        if (expected < 0) {
            assertTrue(l.isValid(), () -> l.errors().toString());
            assertEquals("x" + value + "x", l.value("bh").orElseThrow());
        } else {
            assertEquals(1, l.errors().size());
            assertEquals(expected, l.errors().get(0).offset());
            assertTrue(l.errors().get(0).message().startsWith("character "
                    + TagValueList.describeChar(text.charAt(expected)) + " is not allowed"), l.errors().toString());
            assertFalse(l.has("bh"));
        }
        assertEquals("a", l.value("s").orElseThrow());
    }
}
