package dev.aligned.mail;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class RawMessageTest {
    static RawMessage parse(String s) {
        return RawMessage.parse(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void keepsFieldsAsExactBytesWithFoldingAndCase() {
        RawMessage m = parse("SUBJECT :  Hello\r\n\tworld  \r\nFrom: a@b.example\r\n\r\nbody\r\n");
        assertEquals(2, m.header().fields().size());
        HeaderField s = m.header().fields().get(0);
        assertEquals("SUBJECT", s.name());
        assertTrue(s.is("subject"));
        assertEquals("SUBJECT :  Hello\r\n\tworld  ", s.rawText());
        assertEquals("  Hello\r\n\tworld  ", s.value());
        assertEquals(1, s.line());
        assertEquals(3, m.header().fields().get(1).line());
        assertArrayEquals("body\r\n".getBytes(StandardCharsets.US_ASCII), m.body());
        assertFalse(m.header().usesBareLf());
        assertTrue(m.header().complete());
    }

    @Test
    void bareLfMessagesAreReadAndCrlfBytesNormaliseThem() {
        RawMessage m = parse("Subject: a\n b\nFrom: x@y.example\n\nbody\n");
        assertTrue(m.header().usesBareLf());
        assertEquals("Subject: a\n b", m.header().fields().get(0).rawText());
        assertEquals("Subject: a\r\n b", new String(m.header().fields().get(0).crlfBytes(), StandardCharsets.US_ASCII));
        assertEquals("body\n", new String(m.body(), StandardCharsets.US_ASCII));
    }

    @Test
    void mboxFromLineIsSetAside() {
        RawMessage m = parse("From joe@example.com Sat Nov 28 00:00:00 2026\nFrom: joe@example.com\n\nhi\n");
        assertEquals("From joe@example.com Sat Nov 28 00:00:00 2026", m.header().mboxFromLine().orElseThrow());
        assertEquals(List.of("From"), m.header().fields().stream().map(HeaderField::name).toList());
        assertTrue(m.header().problems().isEmpty());
    }

    @Test
    void lineWithoutColonIsReportedAndSkipped() {
        RawMessage m = parse("From: a@b.example\r\nthis is not a header\r\nTo: c@d.example\r\n\r\n");
        assertEquals(List.of("From", "To"), m.header().fields().stream().map(HeaderField::name).toList());
        assertEquals(List.of(new MessageProblem(2, "not a header field (no colon); line ignored")),
                m.header().problems());
    }

    @Test
    void truncatedMessageHasNoBodyAndSaysSo() {
        RawMessage m = parse("From: a@b.example\r\nSubject: cut he");
        assertEquals(2, m.header().fields().size());
        assertEquals("Subject: cut he", m.header().fields().get(1).rawText());
        assertFalse(m.header().complete());
        assertEquals("line 2: the message ends inside the header section (no blank line before a body)",
                m.header().problems().get(0).toString());
        assertEquals(0, m.bodyLength());
    }

    @Test
    void eightBitBytesAreKeptUnchanged() {
        byte[] raw = "Subject: caf\u00e9\r\n\r\n\u00ff\r\n".getBytes(StandardCharsets.ISO_8859_1);
        RawMessage m = RawMessage.parse(raw);
        assertEquals("Subject: caf\u00e9", m.header().fields().get(0).rawText());
        assertEquals((byte) 0xff, m.body()[0]);
    }

    @Test
    void giantHeaderIsCutAtTheLimitAndTheBodyStillFollows() throws Exception {
        String big = "X-Big: " + "a".repeat(5000) + "\r\n";
        byte[] raw = ("From: a@b.example\r\n" + big + "To: x@y.example\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
        StreamedMessage s = HeaderSection.read(new ByteArrayInputStream(raw), new MessageLimits(1000, 100));
        assertTrue(s.header().limitExceeded());
        assertEquals(List.of("From"), s.header().fields().stream().map(HeaderField::name).toList());
        assertEquals("line 2: header section exceeds 1000 bytes; this field and all later fields are ignored",
                s.header().problems().get(0).toString());
        assertEquals("body\r\n", new String(s.body().readAllBytes(), StandardCharsets.US_ASCII));
    }

    @Test
    void tooManyFieldsAreCut() {
        RawMessage m = RawMessage.parse("A: 1\nB: 2\nC: 3\n\n".getBytes(StandardCharsets.US_ASCII), new MessageLimits(1000, 2));
        assertEquals(2, m.header().fields().size());
        assertTrue(m.header().limitExceeded());
    }

    @Test
    void continuationWithoutFieldIsReported() {
        RawMessage m = parse(" orphan\r\nFrom: a@b.example\r\n\r\n");
        assertEquals("line 1: continuation line with no header field before it; ignored",
                m.header().problems().get(0).toString());
        assertEquals(1, m.header().fields().size());
    }

    @Property(tries = 300)
    void neverThrowsOnArbitraryBytesAndKeepsFieldBytes(@ForAll byte[] bytes) {
        RawMessage m = RawMessage.parse(bytes);
        for (HeaderField f : m.header().fields()) {
            assertTrue(f.length() > 0);
            assertTrue(f.colonOffset() > 0);
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<byte[]> messages() {
        net.jqwik.api.Arbitrary<String> piece = net.jqwik.api.Arbitraries.of("From: a@b.example", "Subject: hi",
                "X-Long: " + "v".repeat(70), " folded", "\tfolded", "no colon here", "From mbox line", ": empty",
                "Bad Name: x", "\r\n", "\n", "\r", "", "body text", "DKIM-Signature: v=1; a=rsa-sha256",
                "\u00e9: 8bit");
        return piece.list().ofMaxSize(30).map(ps -> String.join("", ps).getBytes(StandardCharsets.ISO_8859_1));
    }

    @Property(tries = 1000)
    void parsingAnArrayGivesWhatReadingTheSameBytesAsAStreamGives(@ForAll("messages") byte[] bytes,
            @ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 200) int maxHeaderBytes,
            @ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 8) int maxFields) throws Exception {
        // the array path (RawMessage.parse) cuts fields from the array; the stream path copies line by line
        MessageLimits limits = new MessageLimits(maxHeaderBytes, maxFields);
        for (MessageLimits l : List.of(limits, MessageLimits.DEFAULT)) {
            RawMessage fromArray = RawMessage.parse(bytes, l);
            StreamedMessage fromStream = HeaderSection.read(new ByteArrayInputStream(bytes), l);
            HeaderSection a = fromArray.header();
            HeaderSection s = fromStream.header();
            assertEquals(s.fields().size(), a.fields().size());
            for (int i = 0; i < s.fields().size(); i++) {
                assertArrayEquals(s.fields().get(i).raw(), a.fields().get(i).raw());
                assertEquals(s.fields().get(i).name(), a.fields().get(i).name());
                assertEquals(s.fields().get(i).line(), a.fields().get(i).line());
            }
            assertEquals(s.problems().toString(), a.problems().toString());
            assertEquals(s.limitExceeded(), a.limitExceeded());
            assertEquals(s.complete(), a.complete());
            assertEquals(s.mboxFromLine(), a.mboxFromLine());
            assertEquals(s.usesBareLf(), a.usesBareLf());
            assertArrayEquals(fromStream.body().readAllBytes(), fromArray.body());
            java.io.ByteArrayOutputStream written = new java.io.ByteArrayOutputStream();
            fromArray.writeBodyTo(written);
            assertArrayEquals(fromArray.body(), written.toByteArray());
            assertArrayEquals(fromArray.body(), fromArray.bodyStream().readAllBytes());
        }
    }
}
