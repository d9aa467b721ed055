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
}
