package dev.aligned.store;

import static dev.aligned.store.testing.TestReports.utf8;
import static dev.aligned.store.testing.TestReports.xml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.report.AggregateReport;
import dev.aligned.report.ReportReader;
import dev.aligned.report.ReportResult;
import dev.aligned.store.testing.TestReports;
import dev.aligned.store.testing.TestReports.Rec;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The store's small pieces: default location, URL handling, content digest, CSV/JSON cells, dates. */
class StoreUnitsTest {

    @Test
    void theShapeIdIsTheFirstSixtyFourBitsOfTheFactsKey() throws Exception {
        AnalysisRollups.Facts f = new AnalysisRollups.Facts("192.0.2.1", "example.com", "none", "pass", "fail", 1, 0,
                "example.com/s1=pass", "example.com=fail", "forwarded");
        String k = f.hash();
        assertEquals(32, k.length());
        byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(String.join("\u0000", "example.com",
                "none", "pass", "fail", "1", "0", "example.com/s1=pass", "example.com=fail", "forwarded")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(java.nio.ByteBuffer.wrap(sha).getLong(), V11__source_shapes.shapeId(k));
        assertEquals(new AnalysisRollups.SourceRow(f, k, 3, 1).shape(), V11__source_shapes.shapeId(k));
        // signed: a key starting with a digit of 8 or more gives a negative id
        assertEquals(-1L, V11__source_shapes.shapeId("ffffffffffffffff0000000000000000"));
        assertEquals(Long.MIN_VALUE, V11__source_shapes.shapeId("80000000000000000000000000000000"));
        assertEquals(0x0123456789abcdefL, V11__source_shapes.shapeId("0123456789ABCDEF"));
        // never written by the store, but an upgrade must not fail on it: its own SHA-256, still deterministic
        assertEquals(V11__source_shapes.shapeId("not hex at all!!"), V11__source_shapes.shapeId("not hex at all!!"));
        assertNotEquals(V11__source_shapes.shapeId("not hex at all!!"), V11__source_shapes.shapeId("short"));
    }

    @Test
    void theDefaultDatabaseFollowsXdgThenTheHomeDirectory() {
        Path home = Path.of("/home/u");
        assertEquals(Path.of("/data/aligned/aligned.db"),
                DataDirectory.defaultDatabaseFile(Map.of("XDG_DATA_HOME", "/data"), "Linux", home));
        assertEquals(Path.of("/home/u/.local/share/aligned/aligned.db"),
                DataDirectory.defaultDatabaseFile(Map.of(), "Linux", home));
        assertEquals(Path.of("/home/u/.local/share/aligned/aligned.db"),
                DataDirectory.defaultDatabaseFile(Map.of("XDG_DATA_HOME", "relative/dir"), "Linux", home),
                "XDG says relative paths are invalid and must be ignored");
        assertEquals(Path.of("/home/u/Library/Application Support/aligned/aligned.db"),
                DataDirectory.defaultDatabaseFile(Map.of(), "Mac OS X", home));
    }

    @Test
    void whatABatchKeepsOfAWrittenInputIsItsBytesAndTheSameInputParsedAgain() throws Exception {
        byte[] xml = utf8(xml("google.com", "r1", "example.com", 1_700_000_000L, 1_700_086_399L,
                java.util.stream.IntStream.range(0, 20).mapToObj(i -> new Rec("192.0.2." + i, 3, "none", "pass", "fail"))
                        .toList()));
        ReportReader reader = ReportReader.create();
        ReportStore.Input in = ReportStore.Input.parsed("r1.xml", xml, b -> reader.read("r1.xml", new ByteArrayInputStream(b)));
        AggregateReport report = (AggregateReport) ((ReportResult.Parsed) in.results().get(0)).report();
        java.lang.ref.WeakReference<AggregateReport> parsed = new java.lang.ref.WeakReference<>(report);
        java.util.function.Supplier<ReportStore.Input> kept = in.again();
        String sha = in.sha256();
        JdbcReportStore.Prepared prepared = in.prepared().get(report);
        String digest = prepared.content();
        in = null;
        report = null;
        prepared = null;
        for (int i = 0; i < 20 && parsed.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertEquals(null, parsed.get(), "the kept supplier must not hold the parsed report");

        ReportStore.Input again = kept.get();
        AggregateReport reparsed = (AggregateReport) ((ReportResult.Parsed) again.results().get(0)).report();
        assertEquals(sha, again.sha256());
        assertEquals(20, again.records());
        assertEquals(digest, again.prepared().get(reparsed).content(), "the same content digest");

        ReportStore.Input whole = ReportStore.Input.of("r1.xml", xml, again.results());
        assertTrue(whole.again().get() == whole, "an input without a parser is kept whole");
    }

    @Test
    void compressedInputIsArchivedInStoredBlocksAndPlainInputIsDeflated() throws Exception {
        byte[] xml = utf8(xml("google.com", "r1", "example.com", 1_700_000_000L, 1_700_086_399L,
                java.util.stream.IntStream.range(0, 50).mapToObj(i -> new Rec("192.0.2." + i, 3, "none", "pass", "fail"))
                        .toList()));
        byte[] gz = TestReports.gzip(xml);
        byte[] zip = {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0};
        assertTrue(JdbcReportStore.alreadyCompressed(gz));
        assertTrue(JdbcReportStore.alreadyCompressed(zip));
        assertTrue(!JdbcReportStore.alreadyCompressed(xml) && !JdbcReportStore.alreadyCompressed(new byte[] {0x1f}));
        for (byte[] in : List.of(xml, gz, zip, new byte[0])) {
            byte[] archived = JdbcReportStore.gzip(in);
            try (var back = new java.util.zip.GZIPInputStream(new ByteArrayInputStream(archived))) {
                assertEquals(java.util.HexFormat.of().formatHex(in),
                        java.util.HexFormat.of().formatHex(back.readAllBytes()), "the archive reads back unchanged");
            }
        }
        // stored blocks: the input plus the gzip header, trailer and 5 bytes a block, not smaller, not re-deflated
        byte[] stored = JdbcReportStore.gzip(gz);
        assertTrue(stored.length > gz.length && stored.length <= gz.length + 18 + 5 * (gz.length / 16_000 + 2),
                stored.length + " bytes for " + gz.length);
        assertTrue(JdbcReportStore.gzip(xml).length < xml.length / 2, "plain XML is still deflated");
    }

    @Test
    void aPathIsASqliteFileAndAJdbcUrlIsKept() {
        assertEquals("jdbc:postgresql://db/aligned", DataDirectory.urlFor("jdbc:postgresql://db/aligned"));
        assertEquals("jdbc:sqlite:" + Path.of("x.db").toAbsolutePath(), DataDirectory.urlFor("x.db"));
    }

    @Test
    void anUnsupportedDatabaseUrlIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReportStore.builder().url("jdbc:mysql://db/aligned"));
        assertEquals("unsupported database URL 'jdbc:mysql://db/aligned': use jdbc:sqlite:FILE or "
                + "jdbc:postgresql://HOST:PORT/DB", e.getMessage());
    }

    private static AggregateReport parse(String xml) {
        ReportResult r = ReportReader.create().read("t.xml", new ByteArrayInputStream(utf8(xml))).get(0);
        return (AggregateReport) ((ReportResult.Parsed) r).report();
    }

    @Test
    void theContentDigestOfAStoredReportNeverChanges() {
        // stored reports are deduplicated by this value: it was computed by the first (unbuffered) encoder, and a
        // faster encoder must give the same; a long org name and 3,000 records cross its 8 KiB buffer every way
        List<Rec> recs = new java.util.ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            recs.add(new Rec("192.0." + (i >> 8) + "." + (i & 0xff), i + 1, i % 3 == 0 ? "none" : "reject",
                    i % 2 == 0 ? "pass" : "fail", "fail"));
        }
        AggregateReport r = parse(xml("org-" + "x".repeat(9000), "pinned-1", "example.com", 100, 200, recs));
        assertEquals("0ff95f4ed644a48a92652ac1ed2ceac9dbcce29ea2731dfa1fe0903974bf08f4", ContentDigest.of(r));
    }

    @Test
    void theContentDigestIsTheSameForTheSameReportInAnyContainerAndDiffersOnAnyValue() {
        List<Rec> recs = List.of(new Rec("192.0.2.1", 5, "none", "pass", "fail"));
        String x = xml("r.example", "1", "example.com", 100, 200, recs);
        String digest = ContentDigest.of(parse(x));
        assertEquals(digest, ContentDigest.of(parse(x.replace("\n", "\r\n").replace("<feedback>", "<feedback>\n  "))),
                "layout is not content");
        ReportResult gz = ReportReader.create().read("t.xml.gz",
                new ByteArrayInputStream(TestReports.gzip(utf8(x)))).get(0);
        assertEquals(digest, ContentDigest.of((AggregateReport) ((ReportResult.Parsed) gz).report()));
        assertNotEquals(digest, ContentDigest.of(parse(xml("r.example", "1", "example.com", 100, 200,
                List.of(new Rec("192.0.2.1", 6, "none", "pass", "fail"))))));
        assertNotEquals(digest, ContentDigest.of(parse(xml("r.example", "1", "example.com", 100, 201, recs))));
        assertNotEquals(digest, ContentDigest.of(parse(xml("r.example", "1", "example.com", 100, 200,
                List.of(new Rec("192.0.2.1", 5, "none", "pass", "pass"))))));
        assertNotEquals(digest, ContentDigest.of(parse(x.replace("<pct>100</pct>", "<pct>50</pct>"))));
    }

    @Test
    void csvCellsAreQuotedAndFormulasDefused() {
        assertEquals("plain", Exporter.csvCell("plain", true));
        assertEquals("\"a,b\"", Exporter.csvCell("a,b", true));
        assertEquals("\"say \"\"hi\"\"\"", Exporter.csvCell("say \"hi\"", true));
        assertEquals("'=1+1", Exporter.csvCell("=1+1", true));
        assertEquals("'@SUM(A1)", Exporter.csvCell("@SUM(A1)", true));
        assertEquals("\"'-2+3,x\"", Exporter.csvCell("-2+3,x", true));
        assertEquals("-5", Exporter.csvCell("-5", false), "numbers are not text");
    }

    @Test
    void jsonStringsEscapeControlAndHtmlCharacters() {
        StringBuilder b = new StringBuilder();
        Exporter.jsonString("a\"b\\c\n\u0001</script>", b);
        assertEquals("\"a\\\"b\\\\c\\n\\u0001\\u003c/script\\u003e\"", b.toString());
    }

    @Test
    void arrivalDatesAreReadAsRfc5322InUtc() {
        long jan1 = java.time.LocalDate.of(2024, 1, 1).toEpochDay();
        assertEquals(Optional.of((int) jan1), JdbcReportStore.epochDay("Mon,  1 Jan 2024 10:00:00 +0000"));
        assertEquals(Optional.of((int) jan1 + 1), JdbcReportStore.epochDay("Mon, 1 Jan 2024 23:30:00 -0100 (CET)"),
                "23:30 at -01:00 is the next day in UTC");
        assertEquals(Optional.empty(), JdbcReportStore.epochDay("yesterday"));
    }

    @Test
    void anInputOverTheSizeLimitIsAFailureNotAnException() {
        Ingestor ingestor = Ingestor.builder(new NoStore()).maxInputBytes(10).build();
        IngestResult r = ingestor.ingest("big.xml", new byte[11]);
        assertEquals(1, r.failures().size());
        assertTrue(r.failures().get(0).error().startsWith("big.xml: input is 11 bytes, more than the 10-byte"),
                r.failures().get(0).error());
        assertEquals(Optional.empty(), r.sha256());
    }

    /** A store that must not be reached. */
    private static final class NoStore implements ReportStore {
        @Override
        public Archived archive(String source, byte[] bytes) {
            throw new AssertionError("not reached");
        }

        @Override
        public StoreResult store(Archived archived, List<ReportResult> results) {
            throw new AssertionError("not reached");
        }

        @Override
        public List<IngestResult> archiveAndStore(java.util.Iterator<Input> inputs) {
            throw new AssertionError("not reached");
        }

        @Override
        public Optional<byte[]> originalBytes(String sha256) {
            throw new AssertionError("not reached");
        }

        @Override
        public List<BlobInfo> unparsed(int max) {
            throw new AssertionError("not reached");
        }

        @Override
        public List<IngestFailure> errors(String sha256) {
            throw new AssertionError("not reached");
        }

        @Override
        public List<DailyRollup> rollups(RollupQuery query) {
            throw new AssertionError("not reached");
        }

        @Override
        public void export(ExportQuery query, java.util.function.Consumer<ExportRow> sink) {
            throw new AssertionError("not reached");
        }

        @Override
        public RetentionResult applyRetention(Retention retention) {
            throw new AssertionError("not reached");
        }

        @Override
        public StoreStats stats() {
            throw new AssertionError("not reached");
        }

        @Override
        public void close() {
        }
    }
}
