package dev.aligned.store;

import static dev.aligned.store.testing.TestReports.email;
import static dev.aligned.store.testing.TestReports.gzip;
import static dev.aligned.store.testing.TestReports.utf8;
import static dev.aligned.store.testing.TestReports.xml;
import static dev.aligned.store.testing.TestReports.zip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.store.testing.MutableClock;
import dev.aligned.store.testing.TestReports.Rec;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link ReportStore} database must have; run against SQLite files and a real PostgreSQL by
 * the subclasses.
 */
abstract class ReportStoreContract {
    /** 2024-06-13T00:00:00Z and the end of that day. */
    static final long BEGIN = 1718236800L;
    static final long END = BEGIN + 86399;

    MutableClock clock;
    ReportStore store;
    Ingestor ingestor;
    private final List<ReportStore> opened = new ArrayList<>();

    /** A JDBC URL of a new, empty database. */
    abstract String newDatabaseUrl() throws Exception;

    private String url;

    @BeforeEach
    void open() throws Exception {
        url = newDatabaseUrl();
        clock = new MutableClock(Instant.parse("2024-06-14T08:00:00Z"));
        store = reopen();
        ingestor = Ingestor.builder(store).build();
    }

    ReportStore reopen() {
        ReportStore s = ReportStore.builder().url(url).clock(clock).build();
        opened.add(s);
        return s;
    }

    @AfterEach
    void close() {
        opened.forEach(ReportStore::close);
    }

    static Path corpus(String relative) {
        try {
            return Path.of(ReportStoreContract.class.getResource("/corpora/reports/" + relative).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] bytes(String relative) throws IOException {
        return Files.readAllBytes(corpus(relative));
    }

    @Test
    void storesAReportWithItsRecordsAndAuthResults() throws IOException {
        IngestResult r = ingestor.ingest(corpus("parsedmarc/extract_report/nice-input.xml"));
        assertEquals(1, r.newReports(), r.toString());
        assertFalse(r.alreadyArchived());
        StoreStats s = store.stats();
        assertEquals(1, s.blobs());
        assertEquals(1, s.reports());
        assertEquals(r.records(), s.records());
        assertTrue(s.records() > 0);
        List<ExportRow> rows = new ArrayList<>();
        store.export(ExportQuery.all(), rows::add);
        assertEquals(s.records(), rows.size());
        ExportRow first = rows.get(0);
        assertEquals("example.com", first.domain());
        assertEquals("google.com", first.orgName());
        assertEquals("11038226378739404135", first.reportId());
        assertEquals("209.85.220.69", first.sourceIp());
        assertEquals(Instant.ofEpochSecond(BEGIN), first.begin().orElseThrow());
        assertEquals("example.com=pass", first.spfResults());
    }

    @Test
    void ingestAllPipelinesFilesWithTheOutcomesOfIngestingThemOneByOneAndInOrder(@TempDir Path dir)
            throws IOException {
        Path nice = corpus("parsedmarc/extract_report/nice-input.xml");
        Path copy = Files.copy(nice, dir.resolve("copy.xml"));
        Path gz = corpus("parsedmarc/extract_report/nice-input.xml.gz");
        Path junk = Files.writeString(dir.resolve("junk.xml"), "<feedback><report_metadata>");
        Path missing = dir.resolve("missing.xml");
        List<Path> files = List.of(nice, copy, gz, junk, missing);
        List<IngestResult> piped = new ArrayList<>();
        ingestor.ingestAll(files, piped::add);

        assertEquals(files.stream().map(Path::toString).toList(), piped.stream().map(IngestResult::source).toList());
        assertEquals(1, piped.get(0).newReports());
        assertTrue(piped.get(1).alreadyArchived(), "the same bytes under another name");
        assertEquals(1, piped.get(1).duplicates());
        assertEquals(1, piped.get(2).duplicates(), "the same report gzipped");
        assertEquals(1, piped.get(3).failures().size());
        assertTrue(piped.get(4).failures().get(0).error().contains("cannot read file"), piped.get(4).toString());
        assertEquals(1, store.stats().reports());
        assertEquals(3, store.stats().blobs(), "the xml, the gzip and the junk (a missing file is not archived)");
        assertEquals(1, store.stats().unparsedBlobs(), "only the junk, recorded as failed: nothing left received");

        // the same files again, one by one: the same outcomes as the pipeline's second pass
        List<IngestResult> again = new ArrayList<>();
        ingestor.ingestAll(files, again::add);
        for (int i = 0; i < files.size(); i++) {
            assertEquals(ingestor.ingest(files.get(i)).outcomes().size(), again.get(i).outcomes().size(),
                    files.get(i).toString());
        }
    }

    @Test
    void theSameBytesTwiceAreArchivedAndStoredOnce() throws IOException {
        byte[] b = bytes("parsedmarc/extract_report/nice-input.xml");
        IngestResult first = ingestor.ingest("inbox/1.xml", b);
        IngestResult second = ingestor.ingest("upload/other-name.xml", b);
        assertEquals(1, first.newReports());
        assertTrue(second.alreadyArchived());
        assertEquals(0, second.newReports());
        assertEquals(1, second.duplicates());
        assertEquals(first.sha256(), second.sha256());
        StoreStats s = store.stats();
        assertEquals(1, s.blobs());
        assertEquals(1, s.reports());
        assertEquals(2, s.attempts(), "each route is recorded as an ingestion attempt");
    }

    @Test
    void theSameReportAsXmlGzipZipAndEmailIsStoredOnce() throws IOException {
        String[] routes = {"nice-input.xml", "nice-input.xml.gz", "nice-input.xml.zip"};
        long fresh = 0;
        long dups = 0;
        for (String f : routes) {
            IngestResult r = ingestor.ingest(corpus("parsedmarc/extract_report/" + f));
            fresh += r.newReports();
            dups += r.duplicates();
            assertTrue(r.failures().isEmpty(), r.toString());
        }
        byte[] mail = email("google.com!example.com!1718236800!1718323199.xml.gz", "application/gzip",
                bytes("parsedmarc/extract_report/nice-input.xml.gz"));
        IngestResult viaMail = ingestor.ingest("Maildir/new/1718400000.M1.host", mail);
        fresh += viaMail.newReports();
        dups += viaMail.duplicates();
        assertEquals(1, fresh);
        assertEquals(3, dups);
        StoreStats s = store.stats();
        assertEquals(4, s.blobs(), "every distinct input is archived");
        assertEquals(1, s.reports());
        assertEquals(0, s.flaggedReports());
    }

    @Test
    void differentContentUnderAReusedIdForTheSamePeriodIsKeptFlaggedAndNotCountedTwice() {
        String a = xml("reporter.example", "r-1", "example.com", BEGIN, END,
                List.of(new Rec("192.0.2.1", 10, "none", "pass", "pass")));
        String b = xml("reporter.example", "r-1", "example.com", BEGIN, END,
                List.of(new Rec("192.0.2.1", 15, "none", "pass", "pass")));
        IngestResult first = ingestor.ingest("a.xml", utf8(a));
        IngestResult second = ingestor.ingest("b.xml", utf8(b));
        assertInstanceOf(ReportOutcome.New.class, first.outcomes().get(0));
        ReportOutcome.Conflict c = assertInstanceOf(ReportOutcome.Conflict.class, second.outcomes().get(0));
        assertFalse(c.countedInRollups());
        assertEquals(1, second.newReports(), "a conflicting report is kept");
        StoreStats s = store.stats();
        assertEquals(2, s.reports());
        assertEquals(1, s.flaggedReports());
        assertEquals(10, messages(store.rollups(RollupQuery.domain("example.com"))));
        List<ExportRow> rows = new ArrayList<>();
        store.export(ExportQuery.all(), rows::add);
        assertEquals(List.of(false, true), rows.stream().map(ExportRow::flagged).toList());
    }

    @Test
    void aReusedIdForAnotherPeriodIsFlaggedButCounted() {
        ingestor.ingest("a.xml", utf8(xml("reporter.example", "same", "example.com", BEGIN, END,
                List.of(new Rec("192.0.2.1", 10, "none", "pass", "pass")))));
        IngestResult next = ingestor.ingest("b.xml", utf8(xml("reporter.example", "same", "example.com",
                BEGIN + 86400, END + 86400, List.of(new Rec("192.0.2.1", 4, "none", "pass", "pass")))));
        ReportOutcome.Conflict c = assertInstanceOf(ReportOutcome.Conflict.class, next.outcomes().get(0));
        assertTrue(c.countedInRollups());
        assertEquals(14, messages(store.rollups(RollupQuery.all())));
    }

    @Test
    void theSameReportIdFromAnotherReporterOrDomainIsNotAConflict() {
        List<Rec> recs = List.of(new Rec("192.0.2.1", 1, "none", "pass", "pass"));
        ingestor.ingest("a.xml", utf8(xml("one.example", "42", "example.com", BEGIN, END, recs)));
        ingestor.ingest("b.xml", utf8(xml("two.example", "42", "example.com", BEGIN, END, recs)));
        ingestor.ingest("c.xml", utf8(xml("one.example", "42", "example.org", BEGIN, END, recs)));
        StoreStats s = store.stats();
        assertEquals(3, s.reports());
        assertEquals(0, s.flaggedReports());
    }

    @Test
    void rollupsSumRecordCountsNotRows() {
        ingestor.ingest("a.xml", utf8(xml("reporter.example", "r-1", "Example.COM", BEGIN, END, List.of(
                new Rec("192.0.2.1", 7, "none", "pass", "fail"),
                new Rec("192.0.2.1", 5, "none", "pass", "fail"),
                new Rec("198.51.100.9", 3, "quarantine", "fail", "fail"),
                new Rec("192.0.2.1", 2, "none", "fail", "pass")))));
        ingestor.ingest("b.xml", utf8(xml("other.example", "x-9", "example.com", BEGIN + 3600, END, List.of(
                new Rec("192.0.2.1", 100, "none", "pass", "fail")))));
        ingestor.ingest("c.xml", utf8(xml("other.example", "x-10", "example.com", BEGIN + 86400, END + 86400,
                List.of(new Rec("192.0.2.1", 1000, "none", "pass", "pass")))));
        List<DailyRollup> day1 = store.rollups(RollupQuery.domain("example.com.")
                .between(LocalDate.of(2024, 6, 13), LocalDate.of(2024, 6, 13)));
        Map<String, Long> byKey = new TreeMap<>();
        Map<String, Long> recordsByKey = new TreeMap<>();
        for (DailyRollup d : day1) {
            String k = d.sourceIp() + " " + d.disposition() + " " + d.dkim() + "/" + d.spf() + " " + d.dmarc();
            byKey.put(k, d.messages());
            recordsByKey.put(k, d.records());
        }
        assertEquals(Map.of(
                "192.0.2.1 none pass/fail pass", 112L,
                "192.0.2.1 none fail/pass pass", 2L,
                "198.51.100.9 quarantine fail/fail fail", 3L), byKey);
        assertEquals(3L, recordsByKey.get("192.0.2.1 none pass/fail pass"));
        assertEquals(1117, messages(store.rollups(RollupQuery.domain("example.com"))));
        assertEquals(List.of(LocalDate.of(2024, 6, 14)), store.rollups(RollupQuery.all()
                .between(LocalDate.of(2024, 6, 14), LocalDate.of(2024, 12, 31))).stream()
                .map(DailyRollup::day).distinct().toList());
    }

    @Test
    void aReportThatFailsToParseIsKeptWithItsErrorAndItsBytes() throws IOException {
        byte[] bad = bytes("parsedmarc/aggregate/invalid_xml.xml");
        IngestResult r = ingestor.ingest("invalid_xml.xml", bad);
        assertEquals(1, r.failures().size());
        String error = r.failures().get(0).error();
        assertTrue(error.startsWith("invalid_xml.xml"), error);
        assertTrue(error.matches("(?s).*line \\d+.*|.*\\d+:\\d+.*"), "the error has a position: " + error);
        String sha = r.sha256().orElseThrow();
        List<BlobInfo> unparsed = store.unparsed(10);
        assertEquals(1, unparsed.size());
        assertEquals(BlobState.FAILED, unparsed.get(0).state());
        assertEquals(List.of(new IngestFailure("invalid_xml.xml", error)), store.errors(sha));
        assertArrayEquals(bad, store.originalBytes(sha).orElseThrow(), "the original bytes are kept for a re-parse");
        IngestResult again = ingestor.ingest("invalid_xml.xml", bad);
        assertEquals(1, again.failures().size(), "a failed input is parsed again, not reported as a duplicate");
        assertEquals(1, store.stats().blobs());
    }

    @Test
    void anInputThatFailedIsStoredWhenAnUpgradedReaderParsesItAgain() {
        byte[] report = utf8(xml("reporter.example", "r-9", "example.com", BEGIN, END, List.of(
                new Rec("192.0.2.1", 4, "none", "pass", "pass"), new Rec("192.0.2.2", 6, "none", "fail", "pass"))));
        Ingestor old = Ingestor.builder(store).reader(dev.aligned.report.ReportReader.withLimits(
                dev.aligned.report.ReportLimits.defaults().withMaxRecords(1))).build();
        IngestResult failed = old.ingest("two-records.xml", report);
        assertEquals(1, failed.failures().size(), failed.toString());
        assertTrue(failed.failures().get(0).error().contains("maxRecords"), failed.failures().get(0).error());
        assertEquals(0, store.stats().reports());
        List<IngestResult> again = ingestor.resumePending(10);
        assertEquals(1, again.size());
        assertEquals(1, again.get(0).newReports(), again.toString());
        assertEquals(10, messages(store.rollups(RollupQuery.all())));
        assertTrue(store.unparsed(10).isEmpty());
        assertTrue(store.errors(again.get(0).sha256().orElseThrow()).isEmpty(), "the latest attempt had no errors");
    }

    @Test
    void anMboxWithAGoodAndABadMessageIsPartialAndKeepsBoth() {
        String good = new String(email("a.xml", "text/xml", utf8(xml("reporter.example", "p-1", "example.com",
                BEGIN, END, List.of(new Rec("192.0.2.1", 3, "none", "pass", "pass")))))).replace("\r\n", "\n");
        String bad = new String(email("b.xml", "text/xml", utf8("<feedback><report_metadata>"))).replace("\r\n", "\n");
        byte[] mbox = utf8("From a@b Mon Jan  1 00:00:00 2024\n" + good + "\nFrom a@b Mon Jan  1 00:00:01 2024\n" + bad);
        IngestResult r = ingestor.ingest("reports.mbox", mbox);
        assertEquals(1, r.newReports(), r.toString());
        assertEquals(1, r.failures().size(), r.toString());
        assertTrue(r.failures().get(0).source().startsWith("reports.mbox#2"), r.failures().get(0).source());
        assertEquals(BlobState.PARTIAL, store.unparsed(10).get(0).state());
        IngestResult again = ingestor.ingest("reports.mbox", mbox);
        assertEquals(1, again.duplicates(), "the good report is not stored twice when the input is parsed again");
        assertEquals(1, again.failures().size());
        assertEquals(1, store.stats().reports());
        assertEquals(3, messages(store.rollups(RollupQuery.all())));
    }

    @Test
    void anInputArchivedBeforeACrashIsParsedOnResume() throws IOException {
        byte[] b = bytes("parsedmarc/extract_report/nice-input.xml.gz");
        Archived a = store.archive("crashed.xml.gz", b); // the process died before store()
        assertEquals(BlobState.RECEIVED, a.state());
        assertEquals(0, store.stats().reports());
        List<IngestResult> resumed = ingestor.resumePending(100);
        assertEquals(1, resumed.size());
        assertEquals(1, resumed.get(0).newReports());
        assertEquals("crashed.xml.gz", resumed.get(0).source());
        assertTrue(store.unparsed(10).isEmpty());
        assertEquals(1, ingestor.ingest("crashed.xml.gz", b).duplicates(), "re-importing the file is a no-op");
        assertEquals(1, store.stats().reports());
    }

    @Test
    void aFailureReportIsStoredOnceWhateverCarriedIt() throws IOException {
        byte[] eml = bytes("parsedmarc/failure/dmarc_ruf_report_linkedin.eml");
        IngestResult first = ingestor.ingest("ruf.eml", eml);
        assertEquals(1, first.newReports(), first.toString());
        byte[] mbox = concat(utf8("From MAILER-DAEMON Mon Jan  1 00:00:00 2024\n"), eml);
        IngestResult second = ingestor.ingest("ruf.mbox", mbox);
        assertEquals(1, second.duplicates(), second.toString());
        assertEquals(1, store.stats().failureReports());
        assertEquals(2, store.stats().blobs());
    }

    @Test
    void retentionDropsOldBytesAndRecordsButKeepsReportsRollupsAndDuplicateDetection() throws IOException {
        byte[] good = bytes("parsedmarc/extract_report/nice-input.xml");
        byte[] bad = bytes("parsedmarc/aggregate/invalid_xml.xml");
        String goodSha = ingestor.ingest("good.xml", good).sha256().orElseThrow();
        String badSha = ingestor.ingest("bad.xml", bad).sha256().orElseThrow();
        long messages = messages(store.rollups(RollupQuery.all()));
        long records = store.stats().records();

        clock.advance(Duration.ofDays(5));
        assertEquals(new RetentionResult(0, 0, 0), store.applyRetention(Retention.keep(10, 30)));
        assertTrue(store.originalBytes(goodSha).isPresent());

        clock.advance(Duration.ofDays(6)); // 11 days after arrival, 12 after the report's day
        RetentionResult r = store.applyRetention(Retention.keep(10, 30));
        assertEquals(new RetentionResult(1, 0, 0), r);
        assertTrue(store.originalBytes(goodSha).isEmpty());
        assertTrue(store.originalBytes(badSha).isPresent(), "bytes that never parsed are kept");
        assertEquals(records, store.stats().records());

        clock.advance(Duration.ofDays(20)); // the report's day is now 32 days ago
        r = store.applyRetention(Retention.keep(10, 30));
        assertEquals(new RetentionResult(0, 1, records), r);
        assertEquals(0, store.stats().records());
        assertEquals(1, store.stats().reports());
        assertEquals(messages, messages(store.rollups(RollupQuery.all())), "rollups are history: kept");
        assertEquals(new RetentionResult(0, 0, 0), store.applyRetention(Retention.keep(10, 30)));
        assertEquals(0, ingestor.ingest("good-again.xml", good).newReports(), "purged bytes still deduplicate");
        assertEquals(new RetentionResult(0, 0, 0), store.applyRetention(Retention.forever()));
    }

    @Test
    void exportsCsvAndJsonWithFormulaCellsDefused() {
        ingestor.ingest("a.xml", utf8(xml("=HYPERLINK(\"http://x\")", "r,1", "example.com", BEGIN, END, List.of(
                new Rec("192.0.2.1", 7, "none", "pass", "fail"),
                new Rec("2001:db8::1", 3, "reject", "fail", "fail")))));
        ingestor.ingest("b.xml", utf8(xml("reporter.example", "r-2", "example.org", BEGIN, END, List.of(
                new Rec("192.0.2.2", 1, "none", "pass", "pass")))));
        StringWriter csv = new StringWriter();
        assertEquals(2, Exporter.write(store, ExportQuery.domain("EXAMPLE.com"), ExportFormat.CSV, csv));
        String[] lines = csv.toString().split("\r\n");
        assertEquals(String.join(",", Exporter.COLUMNS), lines[0]);
        assertEquals("example.com,\"'=HYPERLINK(\"\"http://x\"\")\",\"r,1\",2024-06-13T00:00:00Z,"
                + "2024-06-13T23:59:59Z,192.0.2.1,7,none,pass,fail,example.com,,,example.com/s1=pass,"
                + "example.com=fail,false", lines[1]);
        assertEquals(3, lines.length);
        StringWriter json = new StringWriter();
        assertEquals(3, Exporter.write(store, ExportQuery.all(), ExportFormat.JSON, json));
        String j = json.toString();
        assertTrue(j.startsWith("[\n{\"domain\":\"example.com\",\"org_name\":\"=HYPERLINK(\\\"http://x\\\")\""), j);
        assertTrue(j.contains("\"source_ip\":\"2001:db8::1\",\"messages\":3,\"disposition\":\"reject\""), j);
        assertTrue(j.endsWith("}\n]\n"), j);
        StringWriter empty = new StringWriter();
        assertEquals(0, Exporter.write(store, ExportQuery.domain("nothing.example"), ExportFormat.JSON, empty));
        assertEquals("[]\n", empty.toString());
    }

    @Test
    void openingAnExistingStoreAgainKeepsItsData() {
        ingestor.ingest("a.xml", utf8(xml("reporter.example", "r-1", "example.com", BEGIN, END,
                List.of(new Rec("192.0.2.1", 1, "none", "pass", "pass")))));
        ReportStore again = reopen();
        assertEquals(1, again.stats().reports());
        assertEquals(1, Ingestor.builder(again).build().ingest("b.xml", utf8(xml("reporter.example", "r-1",
                "example.com", BEGIN, END, List.of(new Rec("192.0.2.1", 1, "none", "pass", "pass"))))).duplicates());
    }

    @Test
    void theCorpusImportsWithOnlyTheBrokenFilesFailingAndASecondRunAddsNothing() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(corpus(""))) {
            files = s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("LICENSE")
                            && !p.getFileName().toString().endsWith(".md"))
                    .sorted().toList();
        }
        Map<String, String> failed = new TreeMap<>();
        long fresh = 0;
        for (Path f : files) {
            IngestResult r = ingestor.ingest(f);
            fresh += r.newReports();
            r.failures().forEach(x -> failed.put(f.getFileName().toString(), x.error()));
        }
        assertEquals(List.of("bad.com!example.com!1337140800!1337227200.xml", "empty.xml", "invalid_xml.xml"),
                List.copyOf(failed.keySet()), failed.toString());
        assertTrue(failed.get("empty.xml").contains("empty input"), failed.get("empty.xml"));
        StoreStats s = store.stats();
        assertEquals(fresh, s.reports() + s.failureReports());
        long records = s.records();
        long rollupMessages = messages(store.rollups(RollupQuery.all()));
        for (Path f : files) {
            assertEquals(0, ingestor.ingest(f).newReports(), f.toString());
        }
        assertEquals(s.reports(), store.stats().reports());
        assertEquals(records, store.stats().records());
        assertEquals(rollupMessages, messages(store.rollups(RollupQuery.all())), "a second run counts nothing twice");
    }

    static long messages(List<DailyRollup> rollups) {
        return rollups.stream().mapToLong(DailyRollup::messages).sum();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static byte[] gz(byte[] b) {
        return gzip(b);
    }

    static byte[] zipped(String name, byte[] b) {
        return zip(name, b);
    }
}
