package dev.aligned.dkim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The body canonicaliser ({@link BodyHasher}, which hashes unchanged runs straight from the input and finds
 * them with a SWAR scan or, with the incubator module, the Vector API scan; every case runs on both) against a
 * reference written directly from RFC 6376 sections 3.4.3 and 3.4.4, on random bodies made of the octets that
 * matter: whitespace runs, CR LF, bare LF, bare CR, empty and whitespace-only lines, control and 8-bit octets,
 * and long plain runs that exercise the block-at-a-time scans.
 * The canonical octets themselves are compared (a recording digest), so a failure shows where they differ.
 */
class BodyCanonicalizationPropertyTest {

    /**
     * RFC 6376 3.4.3 (simple) and 3.4.4 (relaxed), one rule at a time, on whole lines. Line breaks are CRLF;
     * as everywhere in Aligned a bare LF is read as CRLF (mail stored with Unix line ends), a bare CR is content.
     */
    static byte[] reference(Canonicalization c, byte[] body) {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        // a bare LF is a line break: make it CRLF
        StringBuilder crlf = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '\n' && (i == 0 || text.charAt(i - 1) != '\r')) {
                crlf.append('\r');
            }
            crlf.append(ch);
        }
        List<String> lines = new ArrayList<>(Arrays.asList(crlf.toString().split("\r\n", -1)));
        // the text after the last CRLF is a last line without a line break (empty if the body ends in CRLF)
        if (lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        if (c == Canonicalization.RELAXED) {
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                StringBuilder out = new StringBuilder();
                boolean inWsp = false;
                for (char ch : line.toCharArray()) {
                    if (ch == ' ' || ch == '\t') {
                        inWsp = true; // "Reduce all sequences of WSP within a line to a single SP"
                        continue;
                    }
                    if (inWsp) {
                        out.append(' ');
                        inWsp = false;
                    }
                    out.append(ch);
                }
                // "Ignore all whitespace at the end of lines": a trailing sequence is simply not written
                lines.set(i, out.toString());
            }
        }
        // "Ignore all empty lines at the end of the message body"
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            out.append(line).append("\r\n");
        }
        if (lines.isEmpty() && c == Canonicalization.SIMPLE) {
            out.append("\r\n"); // simple: an empty body is one CRLF; relaxed: it stays empty (RFC 6376 errata 1384)
        }
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A digest that records what it is given, so tests compare canonical octets rather than hashes. */
    static final class Recorder extends MessageDigest {
        final ByteArrayOutputStream seen = new ByteArrayOutputStream();

        Recorder() {
            super("recorder");
        }

        @Override
        protected void engineUpdate(byte input) {
            seen.write(input);
        }

        @Override
        protected void engineUpdate(byte[] input, int offset, int len) {
            seen.write(input, offset, len);
        }

        @Override
        protected byte[] engineDigest() {
            return seen.toByteArray();
        }

        @Override
        protected void engineReset() {
            seen.reset();
        }
    }

    /**
     * Both scans, each property runs on: the SWAR one and the Vector API one (surefire starts the JVM with the
     * incubator module; {@link #theVectorScanIsOnWhenTheModuleIsThere} fails if it is not).
     */
    static final List<Boolean> VECTOR_OR_SWAR = List.of(false, true);

    static String scan(boolean vector) {
        return vector ? "Vector API scan: " : "SWAR scan: ";
    }

    /** Canonicalises {@code body} fed in the pieces between {@code cuts}, each piece inside a padded array. */
    static Result canonicalise(Canonicalization c, byte[] body, List<Integer> cuts, long limit, long seed,
            boolean vector) {
        Recorder r = new Recorder();
        BodyHasher h = new BodyHasher(c, r, limit, vector);
        Random random = new Random(seed);
        int[] points = cuts.stream().mapToInt(x -> Math.min(x, body.length)).sorted().toArray();
        int from = 0;
        for (int p : points) {
            feed(h, body, from, p, random);
            from = p;
        }
        feed(h, body, from, body.length, random);
        byte[] out = h.finish();
        return new Result(out, h.canonicalLength());
    }

    /** Feeds body[from, to) from a copy surrounded by octets that would change the result if read. */
    private static void feed(BodyHasher h, byte[] body, int from, int to, Random random) {
        int pad = random.nextInt(12);
        byte[] a = new byte[pad + (to - from) + 12];
        byte[] noise = {'\r', '\n', ' ', '\t', 'x'};
        for (int i = 0; i < a.length; i++) {
            a[i] = noise[random.nextInt(noise.length)];
        }
        System.arraycopy(body, from, a, pad, to - from);
        h.update(a, pad, to - from);
    }

    record Result(byte[] canonical, long length) {
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        Arbitrary<String> special = Arbitraries.of(" ", "  ", "\t", " \t ", "\t\t", "\r\n", "\n", "\r", "\r\r\n",
                "\r\n\r\n", "\r\n \r\n", " \r\n", "\t\r\n", "\n\n", "\r\n\r\n\r\n", "\u000c", "\u0000", "\u00a0",
                "\u00ff", "\r ", " \r");
        Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').withChars('\u00e9', '-', '.')
                .ofMinLength(1).ofMaxLength(12);
        Arbitrary<String> plainRun = Combinators.combine(word.list().ofMinSize(1).ofMaxSize(40),
                Arbitraries.of("\r\n", " ", "")).as((ws, end) -> String.join(" ", ws) + end);
        Arbitrary<String> token = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, special),
                net.jqwik.api.Tuple.of(4, word), net.jqwik.api.Tuple.of(2, plainRun));
        return token.list().ofMaxSize(60).map(ts -> String.join("", ts).getBytes(StandardCharsets.ISO_8859_1));
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(0, 3000).list().ofMaxSize(6);
    }

    @Test
    void theVectorScanIsOnWhenTheModuleIsThere() {
        assertEquals(true, BodyHasher.VECTOR_SCAN, "the tests must run with --add-modules jdk.incubator.vector on a"
                + " CPU with 256-bit vectors (surefire's argLine in aligned-core/pom.xml adds the module)");
    }

    @Property(tries = 1500)
    void wholeBodyInOnePieceMatchesTheRfcReference(@ForAll("bodies") byte[] body, @ForAll boolean relaxed) {
        Canonicalization c = relaxed ? Canonicalization.RELAXED : Canonicalization.SIMPLE;
        byte[] expected = reference(c, body);
        for (boolean vector : VECTOR_OR_SWAR) {
            Result got = canonicalise(c, body, List.of(), Long.MAX_VALUE, body.length, vector);
            assertEquals(show(expected), show(got.canonical()), () -> scan(vector) + "body " + show(body));
            assertEquals(expected.length, got.length());
        }
    }

    @Property(tries = 1500)
    void bodySplitAtRandomPointsMatchesTheRfcReference(@ForAll("bodies") byte[] body, @ForAll boolean relaxed,
            @ForAll("cuts") List<Integer> cuts, @ForAll long seed) {
        Canonicalization c = relaxed ? Canonicalization.RELAXED : Canonicalization.SIMPLE;
        byte[] expected = reference(c, body);
        for (boolean vector : VECTOR_OR_SWAR) {
            Result got = canonicalise(c, body, cuts, Long.MAX_VALUE, seed, vector);
            assertEquals(show(expected), show(got.canonical()),
                    () -> scan(vector) + "body " + show(body) + " cut at " + cuts);
            assertEquals(expected.length, got.length());
        }
    }

    @Property(tries = 1000)
    void lengthLimitHashesTheFirstCanonicalOctetsOnly(@ForAll("bodies") byte[] body, @ForAll boolean relaxed,
            @ForAll("cuts") List<Integer> cuts, @ForAll @IntRange(min = 0, max = 4000) int limit) {
        Canonicalization c = relaxed ? Canonicalization.RELAXED : Canonicalization.SIMPLE;
        byte[] expected = reference(c, body);
        for (boolean vector : VECTOR_OR_SWAR) {
            Result got = canonicalise(c, body, cuts, limit, limit, vector);
            assertEquals(show(Arrays.copyOf(expected, Math.min(limit, expected.length))), show(got.canonical()),
                    () -> scan(vector) + "l=" + limit + " body " + show(body));
            assertEquals(expected.length, got.length(), "the canonical length counts past l=");
        }
    }

    @Property(tries = 300)
    void oneOctetAtATimeMatchesTheRfcReference(@ForAll("bodies") byte[] body, @ForAll boolean relaxed) {
        Canonicalization c = relaxed ? Canonicalization.RELAXED : Canonicalization.SIMPLE;
        for (boolean vector : VECTOR_OR_SWAR) {
            Recorder r = new Recorder();
            BodyHasher h = new BodyHasher(c, r, Long.MAX_VALUE, vector);
            for (int i = 0; i < body.length; i++) {
                h.update(body, i, 1);
            }
            assertEquals(show(reference(c, body)), show(h.finish()), () -> scan(vector) + "body " + show(body));
        }
    }

    @Property(tries = 200)
    void sha256OfTheFastPathEqualsSha256OfTheReference(@ForAll("bodies") byte[] body, @ForAll boolean relaxed)
            throws Exception {
        Canonicalization c = relaxed ? Canonicalization.RELAXED : Canonicalization.SIMPLE;
        for (boolean vector : VECTOR_OR_SWAR) {
            BodyHasher h = new BodyHasher(c, BodyHasher.newDigest("SHA-256"), Long.MAX_VALUE, vector);
            h.update(body, 0, body.length);
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(reference(c, body)), h.finish(),
                    scan(vector));
        }
    }

    /**
     * Spots to canonicalise (or that look like it) inserted at every alignment into ordinary text whose lines
     * and empty lines pass unchanged: adjacent whitespace across the eight-, sixteen- and 64-octet blocks of the
     * scans, CR LF straddling two blocks, empty lines followed by content, by whitespace or by a whitespace-only
     * line (which then become trailing or not), whitespace at the very end of a piece; whole and split.
     */
    @Property(tries = 1500)
    void spotsAtEveryAlignmentInOrdinaryTextMatchTheRfcReference(@ForAll @IntRange(min = 0, max = 700) int at,
            @ForAll @IntRange(min = 0, max = 700) int at2, @ForAll("spots") String spot,
            @ForAll("spots") String spot2, @ForAll boolean relaxed, @ForAll("cuts") List<Integer> cuts,
            @ForAll long seed) {
        StringBuilder sb = new StringBuilder();
        String[] lines = {"Quarterly invoice shipment details\r\n", "\r\n", "meeting report attached.\r\n",
            "\r\n\r\n", "a b c d e f g h i j k l m n o p\r\n"};
        for (int n = 0; sb.length() < 600; n++) { // positions past the end insert at the end
            sb.append(lines[n % lines.length]);
        }
        sb.insert(Math.min(at, sb.length()), spot);
        sb.insert(Math.min(at2, sb.length()), spot2);
        byte[] body = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        Canonicalization c = relaxed ? Canonicalization.RELAXED : Canonicalization.SIMPLE;
        byte[] expected = reference(c, body);
        for (boolean vector : VECTOR_OR_SWAR) {
            Result whole = canonicalise(c, body, List.of(), Long.MAX_VALUE, seed, vector);
            assertEquals(show(expected), show(whole.canonical()), () -> scan(vector) + "body " + show(body));
            Result split = canonicalise(c, body, cuts, Long.MAX_VALUE, seed, vector);
            assertEquals(show(expected), show(split.canonical()),
                    () -> scan(vector) + "body " + show(body) + " cut at " + cuts);
            assertEquals(expected.length, split.length());
        }
    }

    /**
     * Every spot at every offset from 0 to 260 (past four 64-octet blocks) of text whose first lines are long
     * and have letters on both sides of almost every offset, so a lone spot (a TAB between letters, a bare LF)
     * falls on each position of the 16- and 64-octet blocks, block ends included; whole and split in two.
     */
    @Test
    void everySpotAtEveryOffsetOfLongLinesMatchesTheRfcReference() {
        String text = "Quarterlyinvoiceshipmentdetailsandmeetingreportattached".repeat(3) + "\r\n"
                + "Thenextlineislongtoosothatthescancrossesseveralblocksbeforeitsend".repeat(2) + "\r\n\r\nend\r\n";
        List<String> spots = List.of("\t", " ", "  ", "\n", "\r", " \r\n", "\t\r\n", "\r\n\r\n", "\n\r", "\r\r\n",
                "\u0001", "\u00e9\u00a0 ", "\r\n \r\n", "\n\n");
        for (String spot : spots) {
            for (int at = 0; at <= 260; at++) {
                byte[] body = (text.substring(0, at) + spot + text.substring(at)).getBytes(StandardCharsets.ISO_8859_1);
                for (Canonicalization c : Canonicalization.values()) {
                    byte[] expected = reference(c, body);
                    for (boolean vector : VECTOR_OR_SWAR) {
                        for (List<Integer> cuts : List.of(List.<Integer>of(), List.of(at / 2 + 1))) {
                            Result got = canonicalise(c, body, cuts, Long.MAX_VALUE, at, vector);
                            assertEquals(show(expected), show(got.canonical()),
                                    () -> scan(vector) + c + " body " + show(body) + " cut at " + cuts);
                        }
                    }
                }
            }
        }
    }

    @Provide
    Arbitrary<String> spots() {
        return Arbitraries.of("", "  ", " \t", "\t", " ", "\n", "\r", " \r\n", "\t\r\n", "\r\n\r\n", "\r\n \r\n",
                "\r\n\r\n  x", "\r\n\r\n\t\r\n", "\n\n", "\r\r\n", "\n\r", "\u0001", "\u00e9\u00a0 ",
                "\r\n\r\n\r\n\r\n");
    }

    static String show(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n")
                .replace("\t", "\\t");
    }
}
