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
    void ingestAllHandsOverFilesLargerThanItsRecordBoundAloneAndKeepsTheOrder(@TempDir Path dir) throws IOException {
        // parsed files wait between the parsing and the storing thread up to a bound in records (10 here); a file of
        // 25 records takes the whole bound and still passes, between files of 3
        Ingestor small = Ingestor.builder(store).handoffRecords(10).build();
        List<Path> files = new ArrayList<>();
        long messages = 0;
        for (int i = 0; i < 12; i++) {
            int n = i % 4 == 1 ? 25 : 3;
            List<Rec> recs = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                recs.add(new Rec("192.0.2." + j, i + 1, "none", "pass", "fail"));
                messages += i + 1;
            }
            long begin = BEGIN + i * 86400L;
            files.add(Files.writeString(dir.resolve("r" + i + ".xml"),
                    xml("reporter.example", "hand-" + i, "example.com", begin, begin + 86399, recs)));
        }
        List<IngestResult> seen = new ArrayList<>();
        small.ingestAll(files, seen::add);

        assertEquals(files.stream().map(Path::toString).toList(), seen.stream().map(IngestResult::source).toList());
        assertEquals(List.of(3L, 25L, 3L, 3L, 3L, 25L, 3L, 3L, 3L, 25L, 3L, 3L),
                seen.stream().map(IngestResult::records).toList());
        assertEquals(12, store.stats().reports());
        List<ExportRow> rows = new ArrayList<>();
        store.export(ExportQuery.all(), rows::add);
        assertEquals(3 * 25 + 9 * 3, rows.size());
        assertEquals(messages, rows.stream().mapToLong(ExportRow::messages).sum());
    }

    @Test
    void aRetriedBatchParsesTheInputsItHadWrittenAgainAndStoresEachOnce() throws IOException {
        // a transaction of archiveAndStore keeps only the bytes of the inputs it has written; when it is retried
        // (a PostgreSQL deadlock or serialization failure: here injected by the inputs, after two of three), those
        // inputs are parsed again from their bytes and everything is stored exactly once
        List<String> names = List.of("parsedmarc/extract_report/nice-input.xml",
                "parsedmarc/aggregate/example.net!example.com!1529366400!1529452799.xml",
                "opendmarc/good.com!example.com!1337270400!1337356799.xml");
        dev.aligned.report.ReportReader reader = dev.aligned.report.ReportReader.create();
        java.util.concurrent.atomic.AtomicInteger parses = new java.util.concurrent.atomic.AtomicInteger();
        List<ReportStore.Input> inputs = new ArrayList<>();
        for (String n : names) {
            inputs.add(ReportStore.Input.parsed(n, bytes(n), b -> {
                parses.incrementAndGet();
                return reader.read(n, new java.io.ByteArrayInputStream(b));
            }));
        }
        java.util.Iterator<ReportStore.Input> it = new java.util.Iterator<>() {
            int next;
            boolean failed;

            @Override
            public boolean hasNext() {
                if (next == 2 && !failed) {
                    failed = true;
                    throw new IllegalStateException("injected", new java.sql.SQLException(
                            "could not serialize access (injected)", "40001"));
                }
                return next < inputs.size();
            }

            @Override
            public ReportStore.Input next() {
                return inputs.get(next++);
            }
        };
        List<IngestResult> results = store.archiveAndStore(it);

        assertEquals(names, results.stream().map(IngestResult::source).toList());
        for (IngestResult r : results) {
            assertEquals(1, r.newReports(), r.toString());
            assertFalse(r.alreadyArchived(), "the first attempt was rolled back: " + r);
        }
        assertEquals(names.size() + 2, parses.get(), "each input parsed once, the two written before the retry twice");
        StoreStats s = store.stats();
        assertEquals(3, s.reports());
        assertEquals(3, s.blobs());
        assertEquals(results.stream().mapToLong(IngestResult::records).sum(), s.records());
        List<ExportRow> rows = new ArrayList<>();
        store.export(ExportQuery.all(), rows::add);
        assertEquals(s.records(), rows.size());
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

    // ---------------------------------------------------------------- schema 8: batches, COPY, migration

    @Test
    void aBatchOfIngestAllCommitsAllOrNothingAndARerunStoresEachReportOnce(@TempDir Path dir) throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String id = i == 3 ? "poison" : "batch-" + i;
            files.add(Files.write(dir.resolve("r" + i + ".xml"), utf8(xml("reporter.example", id, "example.com",
                    BEGIN, END, List.of(new Rec("192.0.2." + i, i + 1, "none", "pass", "fail"))))));
        }
        // a trigger makes the fourth report's insert fail inside the batch's transaction, after three were written
        String url = currentUrl();
        boolean sqlite = url.startsWith("jdbc:sqlite:");
        poison(url, "reports", "report_id = 'poison'");
        List<IngestResult> seen = new ArrayList<>();
        StoreException e = org.junit.jupiter.api.Assertions.assertThrows(StoreException.class,
                () -> ingestor.ingestAll(files, seen::add));
        assertTrue(e.getMessage().contains("poisoned"), e.getMessage());
        // the six files make one batch unless parsing took over a second (a loaded machine): then what was
        // reported before the failure is exactly what was committed, and the poisoned batch left nothing
        assertTrue(seen.size() <= 3, seen.toString());
        StoreStats s = store.stats();
        assertEquals(seen.size(), s.blobs(), "the failed batch's blobs rolled back with its reports");
        assertEquals(seen.size(), s.reports());
        assertEquals(seen.size(), s.attempts());
        assertEquals(seen.size(), s.records());

        sql(url, sqlite ? "DROP TRIGGER poison" : "DROP TRIGGER poison ON reports");
        seen.clear();
        ingestor.ingestAll(files, seen::add);
        assertEquals(6 - s.reports(), seen.stream().mapToLong(IngestResult::newReports).sum(), seen.toString());
        seen.clear();
        ingestor.ingestAll(files, seen::add);
        assertEquals(6, seen.stream().mapToLong(IngestResult::duplicates).sum(), "a third run finds them all stored");
        assertEquals(6, store.stats().reports());
        assertEquals(6, store.stats().blobs());
        assertEquals(1 + 2 + 3 + 4 + 5 + 6, messages(store.rollups(RollupQuery.all())));
    }

    @Test
    void textWithTabsBackslashesAndNewLinesIsStoredAsReported() throws Exception {
        String report = xml("reporter.example", "esc-1", "example.com", BEGIN, END,
                List.of(new Rec("192.0.2.1", 7, "none", "pass", "fail")))
                .replace("<selector>s1</selector>", "<selector>s\\1\\N</selector><human_result>a\tb\\c&#10;d&#13;e</human_result>")
                .replace("<header_from>example.com</header_from>", "<header_from>example.com</header_from>"
                        + "<envelope_from>x\\y\tz</envelope_from>");
        IngestResult r = ingestor.ingest("esc.xml", utf8(report));
        assertEquals(1, r.newReports(), r.toString());
        List<ExportRow> rows = new ArrayList<>();
        store.export(ExportQuery.all(), rows::add);
        assertEquals("example.com/s\\1\\N=pass", rows.get(0).dkimResults());
        assertEquals("x\\y\tz", rows.get(0).envelopeFrom());
        assertEquals(List.of("a\tb\\c\nd\re"), recordRows(currentUrl()).auths().stream()
                .filter(a -> a.contains("|dkim|")).map(a -> a.substring(a.lastIndexOf('|') + 1)).toList());
    }

    @Test
    void schemaEightToTenKeepTheRowsRollupNumbersAndReportersOfASchemaSevenDatabase() throws Exception {
        // rows as the store writes them, for two domains, two days, several sources, results and reporters
        for (int i = 0; i < 8; i++) {
            String domain = i % 2 == 0 ? "example.com" : "old.example";
            long begin = BEGIN + (i % 3) * 86400L;
            ingestor.ingest("r" + i + ".xml", utf8(xml("org" + (i % 3) + ".example", "m-" + i, domain, begin,
                    begin + 86399, List.of(new Rec("192.0.2." + (i % 4), 10 + i, "none", "pass", "fail"),
                            new Rec("198.51.100.7", 3, i % 2 == 0 ? "quarantine" : "none", "fail", "fail"),
                            new Rec("198.51.100." + i, 1, "reject", "fail", "pass")))));
        }
        String v7 = legacyDatabase("7", List.of("blobs", "ingest_attempts", "ingest_errors", "reports", "daily_totals",
                "source_days", "dkim_selectors", "source_reporters"));
        // daily_rollups as schema 1-7 wrote it: grouped from the records of the reports counted in the rollups
        sql(v7, "INSERT INTO daily_rollups (domain, day, source_ip, disposition, dkim, spf, dmarc, messages, records) "
                + "SELECT c.domain, c.day, c.source_ip, COALESCE(c.disposition, ''), COALESCE(c.dkim, ''), "
                + "COALESCE(c.spf, ''), CASE WHEN c.dkim = 'pass' OR c.spf = 'pass' THEN 'pass' ELSE 'fail' END, "
                + "SUM(c.messages), COUNT(*) FROM records c JOIN reports r ON r.id = c.report_id "
                + "WHERE r.in_rollups = 1 GROUP BY c.domain, c.day, c.source_ip, c.disposition, c.dkim, c.spf");
        // old.example's reports were stored before schema 3: in daily_rollups only
        sql(v7, "DELETE FROM source_days WHERE domain = 'old.example'");
        String rollupSql = "SELECT domain, day, source_ip, disposition, dkim, spf, dmarc, messages, records "
                + "FROM daily_rollups ORDER BY domain, day, source_ip, disposition, dkim, spf";
        List<String> rollupsBefore = strings(v7, rollupSql);
        Map<String, List<String>> before = new TreeMap<>();
        for (String t : List.of("source_days", "reports")) {
            before.put(t, strings(v7, "SELECT * FROM " + t + " ORDER BY 1, 2, 3, 4"));
        }
        List<String> reportersBefore = legacyReporters(v7);
        assertTrue(reportersBefore.size() > 10, reportersBefore.toString());
        RecordRows rowsBefore = recordRows(v7);
        assertTrue(rollupsBefore.size() > 10, rollupsBefore.toString());
        assertEquals(24, rowsBefore.records().size());

        List<String> told = new ArrayList<>();
        ReportStore migrated = ReportStore.builder().url(v7).clock(clock).onUpgrade(told::add).build();
        opened.add(migrated);
        String display = v7.contains("?") ? v7.substring(0, v7.indexOf('?')) : v7;
        assertEquals(List.of("upgrading the schema of " + display + " from version 7 to 12 (minutes on a large store; "
                + "each version is one transaction, so an interruption leaves the previous version intact)"), told);
        List<String> again = new ArrayList<>();
        ReportStore.builder().url(v7).clock(clock).onUpgrade(again::add).build().close();
        assertEquals(List.of(), again, "a current store is opened without a word");
        assertEquals(rollupsBefore, migrated.rollups(RollupQuery.all()).stream().map(d -> String.join("|",
                d.domain(), Long.toString(d.day().toEpochDay()), d.sourceIp(), d.disposition(), d.dkim(), d.spf(),
                d.dmarc(), Long.toString(d.messages()), Long.toString(d.records()))).toList(),
                "the rollup numbers are the same, from source_days and what schema 3 did not have");
        for (Map.Entry<String, List<String>> e : before.entrySet()) {
            assertEquals(e.getValue(), strings(v7, "SELECT * FROM " + e.getKey() + " ORDER BY 1, 2, 3, 4"), e.getKey());
        }
        assertEquals(rowsBefore, recordRows(v7), "every record and auth result, from the packs");
        assertEquals(reportersBefore, pageReporters(v7, reportersBefore), "the reporters, from the packs");
        assertEquals(List.of(), strings(v7, "SELECT * FROM source_reporters"), "no record was purged: all in packs");
        boolean sqlite = v7.startsWith("jdbc:sqlite:");
        List<String> indexes = strings(v7, sqlite
                ? "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'record_packs' AND sql IS NOT NULL"
                : "SELECT indexname FROM pg_indexes WHERE tablename = 'record_packs' AND indexname NOT LIKE '%pkey'");
        assertEquals(List.of("record_packs_day"), indexes, "schema 12: the packs' index in day order");
        assertEquals(List.of(), strings(v7, sqlite
                ? "SELECT name FROM sqlite_master WHERE name IN ('records', 'auth_results')"
                : "SELECT tablename FROM pg_tables WHERE tablename IN ('records', 'auth_results')"));
        if (sqlite) {
            for (String t : List.of("record_packs", "source_day_counts", "source_shapes", "source_reporters")) {
                assertTrue(strings(v7, "SELECT sql FROM sqlite_master WHERE name = '" + t + "'").get(0)
                        .endsWith("WITHOUT ROWID"), t);
            }
        }

        // a report stored after the migration adds to both domains' numbers
        long oldBefore = messages(migrated.rollups(RollupQuery.domain("old.example")));
        IngestResult r = Ingestor.builder(migrated).build().ingest("new.xml", utf8(xml("org9.example", "after-8",
                "old.example", BEGIN, END, List.of(new Rec("192.0.2.1", 100, "none", "pass", "fail")))));
        assertEquals(1, r.newReports(), r.toString());
        assertEquals(oldBefore + 100, messages(migrated.rollups(RollupQuery.domain("old.example"))));
        assertEquals(25, migrated.stats().records());
    }

    @Test
    void schemaElevenKeepsEverySourceDaysRowOfASchemaNineDatabase() throws Exception {
        // shapes shared by sources and days, shapes of one row, two domains, an override reason, several days
        for (int i = 0; i < 9; i++) {
            String domain = i % 3 == 0 ? "other.example" : "example.com";
            long begin = BEGIN + (i % 4) * 86400L;
            String report = xml("org" + (i % 2) + ".example", "s-" + i, domain, begin, begin + 86399, List.of(
                    new Rec("192.0.2." + (i % 5), 10 + i, "none", "pass", "fail"),
                    new Rec("198.51.100.7", 3, i % 2 == 0 ? "quarantine" : "none", "fail", "fail"),
                    new Rec("198.51.100." + i, 1, "reject", "fail", "pass"),
                    new Rec("203.0.113.1", 2, "none", "pass", "pass")));
            if (i == 4) {
                report = report.replaceFirst("</disposition>", "</disposition><reason><type>forwarded</type></reason>");
            }
            assertEquals(1, ingestor.ingest("s" + i + ".xml", utf8(report)).newReports());
        }
        String v9 = legacyDatabase("9", List.of("blobs", "ingest_attempts", "ingest_errors", "reports", "daily_totals",
                "source_days", "dkim_selectors", "source_reporters", "daily_rollups_legacy"));
        String rowsSql = "SELECT * FROM source_days ORDER BY domain, day, source_ip, k";
        List<String> before = strings(v9, rowsSql);
        int keys = Integer.parseInt(strings(v9, "SELECT COUNT(DISTINCT k) FROM source_days").get(0));
        assertTrue(before.size() > 30, before.toString());
        assertTrue(keys >= 4 && keys < before.size() / 2, keys + " keys for " + before.size() + " rows");
        assertTrue(before.stream().anyMatch(r -> r.contains("|forwarded|")), before.toString());
        List<String> rollupsBefore = rollupStrings(store.rollups(RollupQuery.all()));

        List<String> told = new ArrayList<>();
        ReportStore migrated = ReportStore.builder().url(v9).clock(clock).onUpgrade(told::add).build();
        opened.add(migrated);
        assertEquals(1, told.size());
        assertTrue(told.get(0).contains(" from version 9 to 12 "), told.get(0));
        assertEquals(before, strings(v9, rowsSql), "the view returns exactly the old table's rows");
        assertEquals(List.of(Integer.toString(keys), Integer.toString(before.size())), List.of(
                strings(v9, "SELECT COUNT(*) FROM source_shapes").get(0),
                strings(v9, "SELECT COUNT(*) FROM source_day_counts").get(0)), "one shape per old key, a row per row");
        assertEquals(List.of("0"), strings(v9, "SELECT COUNT(*) FROM source_shapes s WHERE NOT EXISTS "
                + "(SELECT 1 FROM source_day_counts c WHERE c.shape = s.shape)"), "no shape without rows");
        for (String k : strings(v9, "SELECT DISTINCT k FROM source_days")) {
            assertEquals(List.of(Long.toString(V11__source_shapes.shapeId(k))),
                    strings(v9, "SELECT shape FROM source_shapes WHERE k = '" + k + "'"), k);
        }
        assertEquals(rollupsBefore, rollupStrings(migrated.rollups(RollupQuery.all())));
        boolean sqlite = v9.startsWith("jdbc:sqlite:");
        // schema 12: the primary key (domain, day, source_ip, shape) serves the reads of one IP, day by day
        assertEquals(List.of(), strings(v9, sqlite
                ? "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'source_day_counts' "
                        + "AND sql IS NOT NULL"
                : "SELECT indexname FROM pg_indexes WHERE tablename = 'source_day_counts' AND indexname NOT LIKE "
                        + "'%pkey'"));
        assertEquals(List.of("source_days"), strings(v9, sqlite
                ? "SELECT name FROM sqlite_master WHERE type = 'view'"
                : "SELECT viewname FROM pg_views WHERE schemaname = current_schema()"));

        // a report after the upgrade: an old shape adds to its row (report s-1: 11 messages), a new one gets a row
        // of the dictionary
        long day1 = LocalDate.of(2024, 6, 14).toEpochDay();
        String rowSql = "SELECT disposition, dkim, spf, messages FROM source_days WHERE domain = 'example.com' "
                + "AND day = " + day1 + " AND source_ip = '192.0.2.1' ORDER BY disposition";
        assertEquals(List.of("none|pass|fail|11"), strings(v9, rowSql));
        assertEquals(1, Ingestor.builder(migrated).build().ingest("after.xml", utf8(xml("org9.example", "after-11",
                "example.com", BEGIN + 86400, END + 86400, List.of(new Rec("192.0.2.1", 100, "none", "pass", "fail"),
                        new Rec("192.0.2.1", 7, "reject", "pass", "fail"))))).newReports());
        assertEquals(List.of("none|pass|fail|111", "reject|pass|fail|7"), strings(v9, rowSql));
        assertEquals(keys + 1, Integer.parseInt(strings(v9, "SELECT COUNT(*) FROM source_shapes").get(0)));
    }

    private static List<String> rollupStrings(List<DailyRollup> rollups) {
        return rollups.stream().map(d -> String.join("|", d.domain(), Long.toString(d.day().toEpochDay()),
                d.sourceIp(), d.disposition(), d.dkim(), d.spf(), d.dmarc(), Long.toString(d.messages()),
                Long.toString(d.records()))).toList();
    }

    @Test
    void aShapeWhoseFirstInsertRolledBackIsInsertedAgain() throws Exception {
        String url = currentUrl();
        boolean sqlite = url.startsWith("jdbc:sqlite:");
        // the counts' insert fails after the report's new shape was inserted in the same transaction
        poison(url, "source_day_counts", "source_ip = '203.0.113.99'");
        StoreException e = org.junit.jupiter.api.Assertions.assertThrows(StoreException.class, () -> ingestor.ingest(
                "p.xml", utf8(xml("org.example", "p-1", "example.com", BEGIN, END,
                        List.of(new Rec("203.0.113.99", 5, "reject", "fail", "fail"))))));
        assertTrue(e.getMessage().contains("poisoned"), e.getMessage());
        assertEquals(List.of("0", "0"), List.of(strings(url, "SELECT COUNT(*) FROM source_shapes").get(0),
                strings(url, "SELECT COUNT(*) FROM reports").get(0)), "all rolled back");
        sql(url, sqlite ? "DROP TRIGGER poison" : "DROP TRIGGER poison ON source_day_counts");

        // the same store (its set of committed shapes must not hold the rolled-back one), the same shape
        assertEquals(1, ingestor.ingest("q.xml", utf8(xml("org.example", "q-1", "example.com", BEGIN, END,
                List.of(new Rec("192.0.2.5", 6, "reject", "fail", "fail"))))).newReports());
        assertEquals(List.of("example.com|192.0.2.5|reject|fail|fail|6"), strings(url, "SELECT domain, source_ip, "
                + "disposition, dkim, spf, messages FROM source_days"));
        assertEquals(List.of("1"), strings(url, "SELECT COUNT(*) FROM source_shapes"));
    }

    @Test
    void twoStoresAddingTheSameNewShapesAtOnceKeepOneDictionaryRowEachAndAllCounts() throws Exception {
        ReportStore other = reopen(); // a second connection, as a second node
        List<Rec> recs = new ArrayList<>();
        for (int k = 0; k < 40; k++) {
            recs.add(new Rec("198.51.100." + k, k + 1, k % 3 == 0 ? "quarantine" : "none", k % 2 == 0 ? "pass" : "fail",
                    k % 5 == 0 ? "pass" : "fail"));
        }
        int rounds = 6;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
        List<java.util.concurrent.Future<Long>> done = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(2)) {
            for (ReportStore s : List.of(store, other)) {
                Ingestor in = s == store ? ingestor : Ingestor.builder(s).build();
                String node = s == store ? "a" : "b";
                done.add(pool.submit(() -> {
                    long stored = 0;
                    for (int i = 0; i < rounds; i++) {
                        start.await(30, java.util.concurrent.TimeUnit.SECONDS);
                        // the same shapes on both nodes in each round, new ones every round (another From domain)
                        String domain = "d" + i + ".example";
                        stored += in.ingest(node + i + ".xml", utf8(xml("org-" + node + ".example", node + "-" + i,
                                domain, BEGIN, END, recs))).newReports();
                    }
                    return stored;
                }));
            }
            for (var f : done) {
                assertEquals(rounds, f.get(120, java.util.concurrent.TimeUnit.SECONDS));
            }
        }
        long perReport = recs.stream().mapToLong(Rec::count).sum();
        assertEquals(List.of(Long.toString(2 * rounds * perReport)), strings(currentUrl(),
                "SELECT SUM(messages) FROM source_days"), "every count row has its shape");
        assertEquals(List.of(Long.toString(2 * rounds * perReport)), strings(currentUrl(),
                "SELECT SUM(messages) FROM source_day_counts"));
        int shapesPerRound = Integer.parseInt(strings(currentUrl(), "SELECT COUNT(DISTINCT shape) FROM "
                + "source_day_counts WHERE domain = 'd0.example'").get(0));
        assertTrue(shapesPerRound >= 4, Integer.toString(shapesPerRound));
        assertEquals(List.of(Integer.toString(rounds * shapesPerRound)), strings(currentUrl(),
                "SELECT COUNT(*) FROM source_shapes"));
        assertEquals(List.of(Integer.toString(rounds * recs.size())), strings(currentUrl(),
                "SELECT COUNT(*) FROM source_days"), "one row per domain, day, IP and shape; both nodes' counts in it");
    }

    @Test
    void schemaNinePacksTheRecordsOfASchemaEightDatabaseWithTheSameExportAndCounts() throws Exception {
        // absent and empty values, non-ASCII, unknown tokens, several auth results, records of one IP apart
        String odd = xml("reporter.example", "odd-1", "example.com", BEGIN, END,
                List.of(new Rec("192.0.2.1", 7, "none", "pass", "fail"), new Rec("192.0.2.2", 2, "reject", "fail",
                        "fail"), new Rec("192.0.2.1", 5, "quarantine", "pass", "pass")))
                .replace("<selector>s1</selector>", "<selector>s\\1</selector><human_result>bücher\tok</human_result>")
                .replace("<header_from>example.com</header_from>", "<header_from>example.com</header_from>"
                        + "<envelope_from></envelope_from><envelope_to>to.example</envelope_to>")
                .replaceFirst("<result>pass</result></dkim>", "<result>pass</result></dkim><dkim><domain>"
                        + "ünï.example</domain><result>fail</result></dkim>");
        assertEquals(1, ingestor.ingest("odd.xml", utf8(odd)).newReports());
        for (int i = 0; i < 4; i++) {
            List<Rec> recs = new ArrayList<>();
            for (int k = 0; k < 30; k++) {
                recs.add(new Rec("198.51.100." + (k % 7), k + 1, k % 3 == 0 ? "quarantine" : "none",
                        k % 2 == 0 ? "pass" : "fail", k % 5 == 0 ? "pass" : "fail"));
            }
            String domain = i % 2 == 0 ? "example.com" : "other.example";
            assertEquals(1, ingestor.ingest("b" + i + ".xml", utf8(xml("org" + i + ".example", "b-" + i, domain,
                    BEGIN + i * 86400L, END + i * 86400L, recs))).newReports());
        }
        StringWriter csvBefore = new StringWriter();
        Exporter.write(store, ExportQuery.all(), ExportFormat.CSV, csvBefore);
        StringWriter jsonBefore = new StringWriter();
        Exporter.write(store, ExportQuery.domain("other.example"), ExportFormat.JSON, jsonBefore);
        long records = store.stats().records();
        assertEquals(3 + 4 * 30, records);

        String v8 = legacyDatabase("8", List.of("blobs", "ingest_attempts", "ingest_errors", "reports", "daily_totals",
                "source_days", "dkim_selectors", "source_reporters", "daily_rollups_legacy"));
        RecordRows rowsBefore = recordRows(v8);
        assertEquals(records, rowsBefore.records().size());
        List<String> reportersBefore = legacyReporters(v8);
        assertTrue(rowsBefore.auths().stream().anyMatch(a -> a.contains("ünï.example|null|fail|null")),
                rowsBefore.auths().toString());
        assertTrue(rowsBefore.records().stream().anyMatch(a -> a.endsWith("|example.com|null|to.example")),
                rowsBefore.records().toString());

        List<String> told = new ArrayList<>();
        ReportStore migrated = ReportStore.builder().url(v8).clock(clock).onUpgrade(told::add).build();
        opened.add(migrated);
        assertEquals(1, told.size());
        assertTrue(told.get(0).contains(" from version 8 to 12 "), told.get(0));
        assertEquals(rowsBefore, recordRows(v8), "every record and auth result, from the packs");
        assertEquals(reportersBefore, pageReporters(v8, reportersBefore));
        assertEquals(records, migrated.stats().records());
        StringWriter csvAfter = new StringWriter();
        Exporter.write(migrated, ExportQuery.all(), ExportFormat.CSV, csvAfter);
        StringWriter jsonAfter = new StringWriter();
        Exporter.write(migrated, ExportQuery.domain("other.example"), ExportFormat.JSON, jsonAfter);
        assertEquals(csvBefore.toString(), csvAfter.toString());
        assertEquals(jsonBefore.toString(), jsonAfter.toString());
        assertTrue(csvAfter.toString().contains("example.com/s\\1=pass ünï.example=fail"), csvAfter.toString());
        assertEquals(2 * 7, strings(v8, "SELECT COUNT(*) FROM record_packs WHERE domain = 'other.example'")
                .stream().mapToInt(Integer::parseInt).sum(), "one pack per report and source IP");
    }

    @Test
    void theNewestPacksOfASourceComeNewestFirstWithinTheRange() throws Exception {
        // one IP on days spread over 400 days, two reports on some days, and another IP and another domain on the
        // same days
        String ip = "192.0.2.1";
        long first = BEGIN / 86400;
        List<long[]> expected = new ArrayList<>(); // {day, messages}, newest day first, then newest report
        int n = 0;
        for (int d : new int[] {0, 1, 40, 41, 170, 171, 171, 300, 399, 399}) {
            n++;
            long begin = BEGIN + d * 86400L;
            assertEquals(1, ingestor.ingest("n" + n + ".xml", utf8(xml("org" + (n % 2) + ".example", "n-" + n,
                    "example.com", begin, begin + 86399, List.of(new Rec(ip, n, "none", "pass", "pass"),
                            new Rec("198.51.100.7", 1000 + n, "none", "pass", "pass"))))).newReports());
            assertEquals(1, ingestor.ingest("o" + n + ".xml", utf8(xml("org9.example", "o-" + n, "other.example",
                    begin, begin + 86399, List.of(new Rec(ip, 2000 + n, "none", "pass", "pass"))))).newReports());
            expected.add(0, new long[] {first + d, n});
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url)) {
            // reports stored later have higher row ids: on a shared day the later one comes first
            assertEquals(expected.stream().map(e -> e[0] + ":" + e[1]).toList(), packDays(c, ip, first, first + 399,
                    100));
            assertEquals(expected.subList(0, 3).stream().map(e -> e[0] + ":" + e[1]).toList(), packDays(c, ip, first,
                    first + 399, 3), "the newest three");
            assertEquals(expected.subList(2, 9).stream().map(e -> e[0] + ":" + e[1]).toList(), packDays(c, ip,
                    first + 1, first + 300, 100), "a range in the middle: its ends included");
            assertEquals(List.of(), packDays(c, ip, first + 2, first + 39, 100), "no pack in the range");
            assertEquals(List.of(), packDays(c, ip, 0, 99_999, 0));
            List<SourceReporters.Pack> one = SourceReporters.newestPacks(c, "example.com", ip, 0, 99_999, 1);
            assertEquals(1, one.size(), "the packs that hold the newest record: one");
            SourceReporters.Pack p = one.get(0);
            assertEquals("n-10", p.reportId());
            assertEquals("org0.example", p.orgName());
            StoredRecord r = StoredRecord.unpack(p.reportRowId(), ip, p.packed()).get(0);
            assertEquals(10, r.messages());
            // a newer report with three records from the IP: one pack; it alone holds the newest two records
            assertEquals(1, ingestor.ingest("three.xml", utf8(xml("org1.example", "three", "example.com",
                    BEGIN + 500 * 86400L, END + 500 * 86400L, List.of(new Rec(ip, 1, "none", "pass", "pass"),
                            new Rec(ip, 2, "none", "pass", "fail"), new Rec(ip, 3, "none", "fail", "fail")))))
                    .newReports());
            assertEquals(List.of("three"), SourceReporters.newestPacks(c, "example.com", ip, 0, 99_999, 2).stream()
                    .map(SourceReporters.Pack::reportId).toList());
            assertEquals(List.of("three", "n-10"), SourceReporters.newestPacks(c, "example.com", ip, 0, 99_999, 4)
                    .stream().map(SourceReporters.Pack::reportId).toList());
        }
    }

    /** day:messages of the newest packs of {@code ip} for example.com (one record each: {@code count} packs). */
    private static List<String> packDays(java.sql.Connection c, String ip, long from, long to, int count)
            throws java.sql.SQLException {
        List<String> out = new ArrayList<>();
        for (SourceReporters.Pack p : SourceReporters.newestPacks(c, "example.com", ip, from, to, count)) {
            out.add(p.day() + ":" + StoredRecord.unpack(p.reportRowId(), ip, p.packed()).get(0).messages());
        }
        return out;
    }

    @Test
    void theReportersOfASourceAreTheSameBeforeAndAfterRetentionPurgesItsRecords() throws Exception {
        clock.advance(Duration.ofDays(10)); // the reports' days are in the past
        String ip = "192.0.2.1";
        long day0 = LocalDate.of(2024, 6, 13).toEpochDay();
        // three reporters over five days, each report with two records from the IP and one from another source
        Map<String, long[]> expected = new TreeMap<>(); // org -> {reports, messages}
        for (int d = 0; d < 5; d++) {
            for (int o = 0; o < 3; o++) {
                String org = "org" + o + ".example";
                long n = 10L * d + o + 1;
                assertEquals(1, ingestor.ingest("r" + d + o + ".xml", utf8(xml(org, "r-" + d + "-" + o,
                        "example.com", BEGIN + d * 86400L, END + d * 86400L, List.of(
                                new Rec(ip, n, "none", "pass", "fail"), new Rec("198.51.100." + o, 5, "none", "fail",
                                        "fail"), new Rec(ip, 2, "quarantine", "fail", "fail"))))).newReports());
                long[] e = expected.computeIfAbsent(org, k -> new long[2]);
                e[0]++;
                e[1] += n + 2;
            }
        }
        // other content under org0's id of day 1, same period: kept flagged, not counted (in_rollups = 0)
        IngestResult copy = ingestor.ingest("copy.xml", utf8(xml("org0.example", "r-1-0", "example.com",
                BEGIN + 86400, END + 86400, List.of(new Rec(ip, 1000, "none", "pass", "pass")))));
        assertFalse(assertInstanceOf(ReportOutcome.Conflict.class, copy.outcomes().get(0)).countedInRollups());
        Map<String, long[]> got = new TreeMap<>();
        for (SourceReporters.Row r : reporters(url, "example.com", ip, day0, day0 + 4)) {
            got.put(r.orgName(), new long[] {r.reports(), r.messages()});
        }
        assertEquals(expected.keySet(), got.keySet());
        expected.forEach((org, e) -> assertArrayEquals(e, got.get(org), org));
        List<String> before = sourcePage(ip, day0);
        assertEquals(List.of("org2.example|5|125", "org1.example|5|120", "org0.example|5|115"),
                before.subList(0, 3), "most messages first");

        // records kept 30 days: days 0 and 1 purged (31 days after day 1), then a late report for day 0, purged too
        clock.advance(Duration.ofDays(31 - 10));
        RetentionResult r = store.applyRetention(Retention.keep(3650, 30));
        assertEquals(7, r.reportsPurged(), "six reports and the conflicting copy");
        assertEquals(before, sourcePage(ip, day0));
        assertFalse(strings(url, "SELECT * FROM source_reporters").isEmpty(), "the purged packs' counts are kept");
        assertEquals(1, ingestor.ingest("late.xml", utf8(xml("org1.example", "late", "example.com", BEGIN, END,
                List.of(new Rec(ip, 7, "none", "pass", "fail"))))).newReports());
        List<String> withLate = sourcePage(ip, day0);
        assertEquals("org1.example|6|127", withLate.stream().filter(x -> x.startsWith("org1.example|")).findFirst()
                .orElseThrow().substring(0, 18), withLate.toString());
        assertEquals(1, store.applyRetention(Retention.keep(3650, 30)).reportsPurged());
        assertEquals(withLate, sourcePage(ip, day0), "added to the row the earlier purge kept");
        clock.advance(Duration.ofDays(10));
        assertEquals(9, store.applyRetention(Retention.keep(3650, 30)).reportsPurged());
        assertEquals(0, store.stats().records());
        assertEquals(withLate, sourcePage(ip, day0), "every pack purged");
    }

    /**
     * The reporters of {@code ip} of example.com as the source page lists them, over days 0-4 after {@code day0},
     * each day, and days 1-3: "org|reports|messages" (the period's rows in page order, then "day N:" lines).
     */
    private List<String> sourcePage(String ip, long day0) throws java.sql.SQLException {
        List<String> out = new ArrayList<>();
        for (SourceReporters.Row r : reporters(url, "example.com", ip, day0, day0 + 4)) {
            out.add(r.orgName() + "|" + r.reports() + "|" + r.messages());
        }
        for (int d = 0; d < 5; d++) {
            for (SourceReporters.Row r : reporters(url, "example.com", ip, day0 + d, day0 + d)) {
                out.add("day " + d + ": " + r.orgName() + "|" + r.reports() + "|" + r.messages());
            }
        }
        for (SourceReporters.Row r : reporters(url, "example.com", ip, day0 + 1, day0 + 3)) {
            out.add("days 1-3: " + r.orgName() + "|" + r.reports() + "|" + r.messages());
        }
        return out;
    }

    @Test
    void aConflictingCopyOfAReportIsNotAmongTheReportersBeforeOrAfterRetention() throws Exception {
        long day = LocalDate.of(2024, 6, 13).toEpochDay();
        ingestor.ingest("a.xml", utf8(xml("reporter.example", "r-1", "example.com", BEGIN, END,
                List.of(new Rec("192.0.2.1", 10, "none", "pass", "pass")))));
        IngestResult b = ingestor.ingest("b.xml", utf8(xml("reporter.example", "r-1", "example.com", BEGIN, END,
                List.of(new Rec("192.0.2.1", 15, "none", "pass", "pass"), new Rec("192.0.2.9", 4, "none", "pass",
                        "pass")))));
        assertFalse(assertInstanceOf(ReportOutcome.Conflict.class, b.outcomes().get(0)).countedInRollups());
        assertEquals(List.of(new SourceReporters.Row("reporter.example", 1, 10)),
                reporters(url, "example.com", "192.0.2.1", day, day));
        assertEquals(List.of(), reporters(url, "example.com", "192.0.2.9", day, day), "only in the copy");

        clock.advance(Duration.ofDays(40));
        assertEquals(2, store.applyRetention(Retention.keep(3650, 30)).reportsPurged());
        assertEquals(List.of(new SourceReporters.Row("reporter.example", 1, 10)),
                reporters(url, "example.com", "192.0.2.1", day, day));
        assertEquals(List.of(), reporters(url, "example.com", "192.0.2.9", day, day));
        assertEquals(List.of("example.com|" + day + "|192.0.2.1|reporter.example|1|10"),
                strings(url, "SELECT * FROM source_reporters"), "kept for the counted report only");
    }

    @Test
    void schemaTenKeepsTheReportersOfASchemaNineDatabase() throws Exception {
        // reports of two domains over three days, a conflicting copy, and records of the first day purged
        clock.advance(Duration.ofDays(5));
        for (int i = 0; i < 9; i++) {
            String domain = i % 3 == 2 ? "other.example" : "example.com";
            long begin = BEGIN + (i % 3) * 86400L;
            assertEquals(1, ingestor.ingest("r" + i + ".xml", utf8(xml("org" + (i % 2) + ".example", "m-" + i,
                    domain, begin, begin + 86399, List.of(new Rec("192.0.2." + (i % 4), 10 + i, "none", "pass", "fail"),
                            new Rec("198.51.100.7", 3, "quarantine", "fail", "fail"),
                            new Rec("192.0.2." + (i % 4), 1, "reject", "fail", "fail"))))).newReports());
        }
        IngestResult copy = ingestor.ingest("copy.xml", utf8(xml("org0.example", "m-0", "example.com", BEGIN,
                END, List.of(new Rec("192.0.2.0", 500, "none", "pass", "pass")))));
        assertFalse(assertInstanceOf(ReportOutcome.Conflict.class, copy.outcomes().get(0)).countedInRollups());
        clock.advance(Duration.ofDays(25)); // day 0 is 31 days ago, day 1 30
        assertEquals(4, store.applyRetention(Retention.keep(3650, 30)).reportsPurged());
        List<String> keptByRetention = sorted(url, "SELECT * FROM source_reporters");
        assertFalse(keptByRetention.isEmpty());

        String v9 = legacyDatabase("9", List.of("blobs", "ingest_attempts", "ingest_errors", "reports", "daily_totals",
                "source_days", "dkim_selectors", "source_reporters", "daily_rollups_legacy"));
        List<String> rowsBefore = sorted(v9, "SELECT * FROM source_reporters");
        List<String> reportersBefore = legacyReporters(v9);
        assertTrue(rowsBefore.size() > keptByRetention.size(), rowsBefore.toString());
        assertTrue(reportersBefore.contains("example.com|192.0.2.0|org0.example|2|26"), reportersBefore.toString());
        long records = store.stats().records();

        List<String> told = new ArrayList<>();
        ReportStore migrated = ReportStore.builder().url(v9).clock(clock).onUpgrade(told::add).build();
        opened.add(migrated);
        assertEquals(1, told.size());
        assertTrue(told.get(0).contains(" from version 9 to 12 "), told.get(0));
        assertEquals(rowsBefore, sorted(v9, REPORTER_FIGURES), "each day's rows, from packs and table");
        assertEquals(reportersBefore, pageReporters(v9, reportersBefore), "what the source pages show");
        assertEquals(keptByRetention, sorted(v9, "SELECT * FROM source_reporters"),
                "the table keeps what a store at schema 10 throughout keeps: the counts of the purged packs");
        assertEquals(records, migrated.stats().records());
        if (v9.startsWith("jdbc:sqlite:")) {
            assertTrue(strings(v9, "SELECT sql FROM sqlite_master WHERE name = 'source_reporters'").get(0)
                    .endsWith("WITHOUT ROWID"));
        } else {
            assertEquals(List.of("source_reporters_pkey"), strings(v9, "SELECT conname FROM pg_constraint "
                    + "WHERE conrelid = 'source_reporters'::regclass AND contype = 'p'"));
        }

        // the migrated store purges and imports as one created at schema 10
        clock.advance(Duration.ofDays(1));
        assertEquals(3, migrated.applyRetention(Retention.keep(3650, 30)).reportsPurged());
        assertEquals(reportersBefore, pageReporters(v9, reportersBefore));
        assertEquals(1, Ingestor.builder(migrated).build().ingest("new.xml", utf8(xml("org0.example", "after-10",
                "example.com", BEGIN, END, List.of(new Rec("192.0.2.0", 100, "none", "pass", "fail"))))).newReports());
        assertTrue(pageReporters(v9, reportersBefore).contains("example.com|192.0.2.0|org0.example|3|126"));
    }

    /**
     * A new database migrated to schema {@code version} (7, 8 or 9) holding this test's store: {@code tables}
     * copied (a view of this store, such as {@code source_days} since schema 11, into the old table), but
     * {@code source_reporters} as the store wrote it before schema 10 (what the reporters read now: the packs' counts
     * plus the table's); before schema 9, the records and auth results as rows of the old {@code records} and
     * {@code auth_results} tables, as the store wrote them then (unpacked from this store's record packs); at
     * schema 9, the record packs copied.
     */
    private String legacyDatabase(String version, List<String> tables) throws Exception {
        String scratch = currentUrl();
        String legacy = newDatabaseUrl();
        Dialect dialect = Dialect.of(legacy);
        org.flywaydb.core.Flyway.configure(getClass().getClassLoader()).dataSource(legacy, null, null)
                .locations("classpath:db/migration").placeholders(dialect.placeholders())
                .javaMigrations(new V9__record_packs(dialect)).target(version).load().migrate();
        for (String t : tables) {
            if (t.equals("source_reporters")) {
                copyQuery(scratch, REPORTER_FIGURES, legacy, t);
            } else {
                copyTable(scratch, legacy, t);
            }
        }
        boolean packed = Integer.parseInt(version) >= 9;
        if (legacy.startsWith("jdbc:postgresql:")) {
            sql(legacy, "SELECT setval(pg_get_serial_sequence('reports', 'id'), (SELECT MAX(id) FROM reports))");
            sql(legacy, "SELECT setval(pg_get_serial_sequence('ingest_attempts', 'id'), "
                    + "(SELECT MAX(id) FROM ingest_attempts))");
        }
        if (packed) {
            copyTable(scratch, legacy, "record_packs");
            return legacy;
        }
        try (java.sql.Connection a = java.sql.DriverManager.getConnection(scratch);
             java.sql.Connection b = java.sql.DriverManager.getConnection(legacy);
             java.sql.Statement st = a.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT report_id, source_ip, domain, day, packed "
                     + "FROM record_packs ORDER BY report_id, source_ip");
             java.sql.PreparedStatement rec = b.prepareStatement("INSERT INTO records (report_id, seq, domain, day, "
                     + "source_ip, messages, disposition, dkim, spf, reasons, header_from, envelope_from, envelope_to) "
                     + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
             java.sql.PreparedStatement auth = b.prepareStatement("INSERT INTO auth_results (report_id, seq, method, "
                     + "n, domain, selector, result, human_result) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            while (rs.next()) {
                for (StoredRecord r : StoredRecord.unpack(rs.getLong(1), rs.getString(2), rs.getBytes(5))) {
                    rec.setLong(1, rs.getLong(1));
                    rec.setInt(2, r.seq());
                    rec.setString(3, rs.getString(3));
                    rec.setInt(4, rs.getInt(4));
                    rec.setString(5, rs.getString(2));
                    rec.setLong(6, r.messages());
                    rec.setString(7, r.disposition().orElse(null));
                    rec.setString(8, r.dkim().orElse(null));
                    rec.setString(9, r.spf().orElse(null));
                    rec.setString(10, r.reasons().orElse(null));
                    rec.setString(11, r.headerFrom());
                    rec.setString(12, r.envelopeFrom().orElse(null));
                    rec.setString(13, r.envelopeTo().orElse(null));
                    rec.executeUpdate();
                    for (String method : List.of("dkim", "spf")) {
                        int n = 0;
                        for (StoredRecord.Auth x : method.equals("dkim") ? r.dkimResults() : r.spfResults()) {
                            auth.setLong(1, rs.getLong(1));
                            auth.setInt(2, r.seq());
                            auth.setString(3, method);
                            auth.setInt(4, ++n);
                            auth.setString(5, x.domain());
                            auth.setString(6, x.selector().orElse(null));
                            auth.setString(7, x.result().orElse(null));
                            auth.setString(8, x.humanResult().orElse(null));
                            auth.executeUpdate();
                        }
                    }
                }
            }
        }
        return legacy;
    }

    /** Every record and auth result as rows of the pre-9 tables ('|'-joined, NULL as "null"), ordered by key. */
    record RecordRows(List<String> records, List<String> auths) {
    }

    /** The record rows of a database, from records/auth_results before schema 9 and from record_packs since. */
    static RecordRows recordRows(String url) throws java.sql.SQLException {
        boolean packed;
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
             java.sql.ResultSet rs = c.getMetaData().getTables(null, null, "record_packs", null)) {
            packed = rs.next();
        }
        if (!packed) {
            return new RecordRows(strings(url, "SELECT report_id, seq, domain, day, source_ip, messages, disposition, "
                    + "dkim, spf, reasons, header_from, envelope_from, envelope_to FROM records ORDER BY report_id, seq"),
                    strings(url, "SELECT report_id, seq, method, n, domain, selector, result, human_result "
                            + "FROM auth_results ORDER BY report_id, seq, method, n"));
        }
        TreeMap<String, String> recs = new TreeMap<>();
        TreeMap<String, String> auths = new TreeMap<>();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
             java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT report_id, source_ip, domain, day, records, messages, "
                     + "packed FROM record_packs")) {
            while (rs.next()) {
                long id = rs.getLong(1);
                List<StoredRecord> unpacked = StoredRecord.unpack(id, rs.getString(2), rs.getBytes(7));
                assertEquals(rs.getInt(5), unpacked.size(), "records column");
                assertEquals(rs.getLong(6), unpacked.stream().mapToLong(StoredRecord::messages).sum(), "messages column");
                for (StoredRecord r : unpacked) {
                    String key = String.format("%012d/%06d", id, r.seq());
                    recs.put(key, String.join("|", Long.toString(id), Integer.toString(r.seq()), rs.getString(3),
                            Integer.toString(rs.getInt(4)), rs.getString(2), Long.toString(r.messages()),
                            r.disposition().orElse("null"), r.dkim().orElse("null"), r.spf().orElse("null"),
                            r.reasons().orElse("null"), r.headerFrom(), r.envelopeFrom().orElse("null"),
                            r.envelopeTo().orElse("null")));
                    for (String method : List.of("dkim", "spf")) {
                        int n = 0;
                        for (StoredRecord.Auth x : method.equals("dkim") ? r.dkimResults() : r.spfResults()) {
                            n++;
                            auths.put(key + "/" + method + String.format("/%04d", n), String.join("|",
                                    Long.toString(id), Integer.toString(r.seq()), method, Integer.toString(n),
                                    x.domain(), x.selector().orElse("null"), x.result().orElse("null"),
                                    x.humanResult().orElse("null")));
                        }
                    }
                }
            }
        }
        return new RecordRows(List.copyOf(recs.values()), List.copyOf(auths.values()));
    }

    private String currentUrl() {
        return url;
    }

    /**
     * A trigger named {@code poison} that makes an insert into {@code table} fail with "poisoned" when the new row
     * matches {@code condition} (on the new row's columns, e.g. {@code report_id = 'x'}); drop it with
     * {@code DROP TRIGGER poison} (SQLite) or {@code DROP TRIGGER poison ON table} (PostgreSQL).
     */
    private static void poison(String url, String table, String condition) throws java.sql.SQLException {
        if (url.startsWith("jdbc:sqlite:")) {
            sql(url, "CREATE TRIGGER poison BEFORE INSERT ON " + table + " WHEN NEW." + condition
                    + " BEGIN SELECT RAISE(ABORT, 'poisoned'); END");
        } else {
            sql(url, "CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW." + condition
                    + " THEN RAISE EXCEPTION 'poisoned'; END IF; RETURN NEW; END $$");
            sql(url, "CREATE TRIGGER poison BEFORE INSERT ON " + table + " FOR EACH ROW EXECUTE FUNCTION poison()");
        }
    }

    private static void sql(String url, String sql) throws java.sql.SQLException {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
             java.sql.Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** Every row of a query, its columns joined with '|' (NULL as "null"). */
    private static List<String> strings(String url, String sql) throws java.sql.SQLException {
        List<String> out = new ArrayList<>();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
             java.sql.Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> cols = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    cols.add(String.valueOf(rs.getString(i)));
                }
                out.add(String.join("|", cols));
            }
        }
        return out;
    }

    private static void copyTable(String from, String to, String table) throws java.sql.SQLException {
        copyQuery(from, "SELECT * FROM " + table, to, table);
    }

    /** Inserts the rows of {@code query} (on {@code from}) into {@code table} of {@code to}, by column label. */
    private static void copyQuery(String from, String query, String to, String table) throws java.sql.SQLException {
        try (java.sql.Connection a = java.sql.DriverManager.getConnection(from);
             java.sql.Connection b = java.sql.DriverManager.getConnection(to);
             java.sql.Statement st = a.createStatement();
             java.sql.ResultSet rs = st.executeQuery(query)) {
            int n = rs.getMetaData().getColumnCount();
            List<String> cols = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                cols.add(rs.getMetaData().getColumnLabel(i));
            }
            try (java.sql.PreparedStatement ins = b.prepareStatement("INSERT INTO " + table + " ("
                    + String.join(", ", cols) + ") VALUES (" + String.join(", ", java.util.Collections.nCopies(n, "?"))
                    + ")")) {
                while (rs.next()) {
                    for (int i = 1; i <= n; i++) {
                        ins.setObject(i, rs.getObject(i));
                    }
                    ins.executeUpdate();
                }
            }
        }
    }

    /**
     * The reporter counts of every domain, source IP, day and reporter, as {@code source_reporters} held them before
     * schema 10 and as they are read since: the record packs of the reports counted in the rollups (one report
     * each) plus the table (the packs purged by retention).
     */
    static final String REPORTER_FIGURES = "SELECT domain, day, source_ip, org_name, SUM(reports) AS reports, "
            + "SUM(messages) AS messages FROM (SELECT p.domain AS domain, p.day AS day, p.source_ip AS source_ip, "
            + "r.org_name AS org_name, 1 AS reports, p.messages AS messages FROM record_packs p "
            + "JOIN reports r ON r.id = p.report_id WHERE r.in_rollups = 1 UNION ALL SELECT domain, day, source_ip, "
            + "org_name, reports, messages FROM source_reporters) u GROUP BY domain, day, source_ip, org_name";

    /** The rows of a query, sorted (the same order on both databases, whatever their collation). */
    private static List<String> sorted(String url, String sql) throws java.sql.SQLException {
        List<String> rows = new ArrayList<>(strings(url, sql));
        rows.sort(null);
        return rows;
    }

    /** "domain|ip|org|reports|messages" of a database before schema 10: its {@code source_reporters}, over all days. */
    private static List<String> legacyReporters(String url) throws java.sql.SQLException {
        return sorted(url, "SELECT domain, source_ip, org_name, SUM(reports), SUM(messages) FROM source_reporters "
                + "GROUP BY domain, source_ip, org_name");
    }

    /**
     * What the source pages show over all days for each domain and IP of {@code keys} ("domain|ip|…" rows), read
     * with {@link SourceReporters#read}: "domain|ip|org|reports|messages", sorted.
     */
    private static List<String> pageReporters(String url, List<String> keys) throws java.sql.SQLException {
        List<String> out = new ArrayList<>();
        for (String key : new java.util.TreeSet<>(keys.stream().map(k -> k.substring(0, k.indexOf('|',
                k.indexOf('|') + 1))).toList())) {
            String domain = key.substring(0, key.indexOf('|'));
            String ip = key.substring(key.indexOf('|') + 1);
            for (SourceReporters.Row r : reporters(url, domain, ip, 0, 999_999)) {
                out.add(String.join("|", domain, ip, r.orgName(), Long.toString(r.reports()),
                        Long.toString(r.messages())));
            }
        }
        out.sort(null);
        return out;
    }

    /** {@link SourceReporters#read} on a new connection to {@code url}. */
    private static List<SourceReporters.Row> reporters(String url, String domain, String ip, long fromDay, long toDay)
            throws java.sql.SQLException {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url)) {
            return SourceReporters.read(c, domain, ip, fromDay, toDay, 500);
        }
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
