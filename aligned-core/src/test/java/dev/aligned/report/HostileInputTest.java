package dev.aligned.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Input written to hurt: each is refused or handled within {@link ReportLimits}, with a clear message. */
class HostileInputTest {
    private final ReportReader reader = ReportReader.create();
    private static final byte[] SMALL = LenientParserTest.report("", "", LenientParserTest.ROW)
            .getBytes(StandardCharsets.UTF_8);

    private ReportResult.Failed onlyFailure(String source, byte[] input) {
        List<ReportResult> r = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> reader.read(source, new ByteArrayInputStream(input)));
        assertEquals(1, r.size(), r::toString);
        return assertInstanceOf(ReportResult.Failed.class, r.get(0), () -> r.get(0).toString());
    }

    @Test
    void externalEntityIsRefused() throws IOException {
        Path secret = Files.createTempFile("secret", ".txt");
        Files.writeString(secret, "TOP-SECRET");
        String xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE feedback [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>\n"
                + "<feedback><report_metadata><org_name>&xxe;</org_name></report_metadata></feedback>";
        ReportResult.Failed f = onlyFailure("xxe.xml", xml.getBytes(StandardCharsets.UTF_8));
        assertTrue(f.error().startsWith("xxe.xml: line 2:"), f.error());
        assertTrue(f.error().contains("DOCTYPE declarations are refused"), f.error());
        assertFalse(f.error().contains("TOP-SECRET"));
        Files.delete(secret);
    }

    @Test
    void billionLaughsIsRefusedQuickly() {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
        for (int i = 1; i <= 9; i++) {
            sb.append("<!ENTITY lol").append(i).append(" \"");
            for (int k = 0; k < 10; k++) {
                sb.append("&lol").append(i == 1 ? "" : Integer.toString(i - 1)).append(';');
            }
            sb.append("\">\n");
        }
        sb.append("]>\n<feedback><report_metadata><org_name>&lol9;</org_name></report_metadata></feedback>");
        ReportResult.Failed f = onlyFailure("lol.xml", sb.toString().getBytes(StandardCharsets.UTF_8));
        assertTrue(f.error().contains("DOCTYPE declarations are refused (they enable entity expansion and external "
                + "entity attacks); DMARC reports never need one"), f.error());
    }

    @Test
    void undeclaredEntityReferenceIsAnError() {
        ReportResult.Failed f = onlyFailure("e.xml", "<feedback><report_metadata><org_name>&foo;</org_name>"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals("e.xml: line 1:43: entity reference &foo; refused (no DTD entities are allowed)", f.error());
    }

    static byte[] bombText(int megabytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] zeros = new byte[1 << 20];
        java.util.Arrays.fill(zeros, (byte) ' ');
        try (GZIPOutputStream gz = new GZIPOutputStream(out) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            gz.write("<feedback>".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < megabytes; i++) {
                gz.write(zeros);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    @Test
    void gzipBombIsRefusedByCompressionRatio() {
        byte[] bomb = bombText(24);
        assertTrue(bomb.length < 200_000, "bomb size " + bomb.length);
        ReportResult.Failed f = onlyFailure("bomb.xml.gz", bomb);
        assertTrue(f.error().startsWith("bomb.xml.gz: compression ratio above 500:1 ("), f.error());
        assertTrue(f.error().endsWith("ReportLimits.maxCompressionRatio); refused as a decompression bomb"), f.error());
    }

    @Test
    void oversizedGzipIsRefusedByInflatedSize() throws IOException {
        ReportReader small = ReportReader.withLimits(ReportLimits.defaults().withMaxInflatedBytes(100_000));
        byte[] gz = CorpusTest.gzip(new SyntheticReportStream(1000).readAllBytes());
        List<ReportResult> r = small.read("big.xml.gz", new ByteArrayInputStream(gz));
        ReportResult.Failed f = assertInstanceOf(ReportResult.Failed.class, r.get(0));
        assertEquals("big.xml.gz: inflates to more than 100000 bytes (ReportLimits.maxInflatedBytes); refused as a "
                + "decompression bomb", f.error());
    }

    static byte[] zip(int entries, java.util.function.IntFunction<byte[]> content, String suffix) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.setLevel(Deflater.BEST_COMPRESSION);
            for (int i = 0; i < entries; i++) {
                z.putNextEntry(new ZipEntry("r" + i + suffix));
                z.write(content.apply(i));
                z.closeEntry();
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    @Test
    void zipBombIsRefused() {
        byte[] big = new byte[24 << 20];
        java.util.Arrays.fill(big, (byte) ' ');
        byte[] head = "<feedback>".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, big, 0, head.length);
        byte[] zip = zip(1, i -> big, ".xml");
        ReportResult.Failed f = onlyFailure("bomb.zip", zip);
        assertTrue(f.error().startsWith("bomb.zip!r0.xml: compression ratio above 500:1"), f.error());
    }

    @Test
    void nestedArchivesAreRefused() {
        byte[] inner = zip(1, i -> SMALL, ".xml");
        ReportResult.Failed f = onlyFailure("outer.zip", zip(1, i -> inner, ".zip"));
        assertEquals("outer.zip!r0.zip: nested archive (zip inside an archive) refused: reports are never sent that "
                + "way, decompression bombs are", f.error());
        byte[] gzOfZip;
        try {
            gzOfZip = CorpusTest.gzip(inner);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        ReportResult.Failed g = onlyFailure("x.gz", gzOfZip);
        assertTrue(g.error().contains("nested archive (zip inside an archive) refused"), g.error());
    }

    @Test
    void tenThousandZipEntriesStopAtTheLimit() {
        byte[] zip = zip(10_000, i -> SMALL, ".xml");
        List<ReportResult> r = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> reader.read("many.zip", new ByteArrayInputStream(zip)));
        assertEquals(101, r.size());
        assertTrue(r.subList(0, 100).stream().allMatch(x -> x instanceof ReportResult.Parsed));
        assertEquals(new ReportResult.Failed("many.zip", "many.zip: zip archive has more than 100 entries "
                + "(ReportLimits.maxZipEntries); the rest was not read"), r.get(100));
    }

    @Test
    void deepNestingIsRefused() {
        String xml = "<feedback><report_metadata><org_name>" + "<a>".repeat(100_000);
        ReportResult.Failed f = onlyFailure("deep.xml", xml.getBytes(StandardCharsets.UTF_8));
        assertTrue(f.error().startsWith("deep.xml: line 1:"), f.error());
        assertTrue(f.error().endsWith("elements nested deeper than 32 levels (ReportLimits.maxDepth)"), f.error());
    }

    @Test
    void mimeMessageWithTenThousandPartsIsRefused() {
        StringBuilder sb = new StringBuilder("From: a@b.example\r\nSubject: parts\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"x\"\r\n\r\n");
        for (int i = 0; i < 10_000; i++) {
            sb.append("--x\r\nContent-Type: text/plain\r\n\r\npart ").append(i).append("\r\n");
        }
        sb.append("--x--\r\n");
        ReportResult.Failed f = onlyFailure("parts.eml", sb.toString().getBytes(StandardCharsets.US_ASCII));
        assertEquals("parts.eml: message has more than 1000 MIME parts (ReportLimits.maxMimeParts)", f.error());
    }

    @Test
    void deeplyNestedMimeIsRefused() {
        StringBuilder sb = new StringBuilder("From: a@b.example\r\nMIME-Version: 1.0\r\n");
        for (int i = 0; i < 50; i++) {
            sb.append("Content-Type: multipart/mixed; boundary=\"b").append(i).append("\"\r\n\r\n--b").append(i)
                    .append("\r\n");
        }
        sb.append("Content-Type: text/plain\r\n\r\nhi\r\n");
        ReportResult.Failed f = onlyFailure("nest.eml", sb.toString().getBytes(StandardCharsets.US_ASCII));
        assertEquals("nest.eml: MIME parts nested deeper than 10 levels (ReportLimits.maxMimeDepth)", f.error());
    }

    @Test
    void tooManyRecordsWhenMaterialisingIsRefused() throws IOException {
        ReportReader limited = ReportReader.withLimits(ReportLimits.defaults().withMaxRecords(500));
        List<ReportResult> r = limited.read("many.xml", new SyntheticReportStream(501));
        ReportResult.Failed f = assertInstanceOf(ReportResult.Failed.class, r.get(0));
        assertTrue(f.error().endsWith("more than 500 records (ReportLimits.maxRecords); stream the report or raise "
                + "the limit"), f.error());
    }

    @Test
    void twoHundredMegabyteReportStreamsThroughTheSink() {
        long size = 200L << 20;
        SyntheticReportStream in = SyntheticReportStream.ofSize(size);
        long expected = size / 700;
        long[] seen = new long[2];
        ReportResult r = assertTimeoutPreemptively(Duration.ofSeconds(40), () -> ReportReader.withLimits(
                ReportLimits.defaults().withMaxRecords(Long.MAX_VALUE)).readAggregate("big.xml", in, rec -> {
                    seen[0]++;
                    seen[1] += rec.row().count();
                }));
        ReportResult.Parsed p = assertInstanceOf(ReportResult.Parsed.class, r, r::toString);
        assertEquals(List.of(), p.warnings());
        AggregateReport a = (AggregateReport) p.report();
        assertEquals("synthetic.example", a.metadata().orgName());
        assertEquals(List.of(), a.records(), "streamed records are not kept");
        assertEquals(expected, seen[0]);
        long messages = 0;
        for (long i = 0; i < expected; i++) {
            messages += 1 + i % 97;
        }
        assertEquals(messages, seen[1]);
    }

    @Test
    void reportLargerThanTheHeapParsesInAChildJvmWith24Megabytes() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx24m", "-cp", System.getProperty("java.class.path"),
                StreamLargeReportMain.class.getName(), "40").redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        assertEquals(0, p.waitFor(), out);
        assertEquals("records=" + ((40L << 20) / 700), out.replaceAll(" messages=.*", ""));
    }
}
