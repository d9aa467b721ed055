package dev.aligned.server.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dmarc.PublicSuffixList;
import dev.aligned.dns.DomainName;
import dev.aligned.report.ActionDisposition;
import dev.aligned.report.AggregateReport;
import dev.aligned.report.Alignment;
import dev.aligned.report.DkimAuthResult;
import dev.aligned.report.DmarcResult;
import dev.aligned.report.ReportReader;
import dev.aligned.report.ReportRecord;
import dev.aligned.report.ReportResult;
import dev.aligned.report.SpfAuthResult;
import dev.aligned.report.SpfScope;
import dev.aligned.store.Ingestor;
import dev.aligned.store.ReportStore;
import dev.aligned.store.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The analysis numbers on real reports: every sample in {@code corpus/} plus generated reports are ingested into
 * a store, and each figure is checked against sums this test computes itself from the parsed reports (message
 * counts, never rows). Run on SQLite and PostgreSQL by the subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // the corpus is ingested once; the tests only read (and refresh)
abstract class AnalysisContract {
    static final Period ALL = Period.of(LocalDate.of(1970, 1, 1), LocalDate.of(2030, 12, 31));

    MutableClock clock;
    Analysis analysis;
    /** What the store should hold: one entry per distinct report, keyed like the store identifies them. */
    final Map<String, AggregateReport> reports = new TreeMap<>();

    abstract String newDatabaseUrl() throws Exception;

    String url;

    @BeforeAll
    void ingestCorpus() throws Exception {
        url = newDatabaseUrl();
        clock = new MutableClock(Instant.parse("2026-11-28T08:00:00Z"));
        try (ReportStore store = ReportStore.builder().url(url).clock(clock).build()) {
            Ingestor ingestor = Ingestor.builder(store).build();
            Path dir = Path.of(getClass().getResource("corpus").toURI());
            List<Path> files;
            try (Stream<Path> s = Files.walk(dir)) {
                files = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().matches(
                        "(?i)LICENSE.*|README.md")).sorted().toList();
            }
            assertTrue(files.size() >= 20, "corpus files found: " + files.size());
            for (Path f : files) {
                ingestor.ingest(f);
                for (ReportResult r : ReportReader.create().read(f)) {
                    if (r instanceof ReportResult.Parsed p && p.report() instanceof AggregateReport a) {
                        reports.putIfAbsent(identity(a), a);
                    }
                }
            }
            for (AggregateReport a : GeneratedReports.year("generated.example", 2026, 60, 7)) {
                ingestor.ingest("generated/" + a.metadata().reportId() + ".xml", GeneratedReports.xml(a));
                reports.putIfAbsent(identity(a), a);
            }
        }
        analysis = Analysis.builder().url(url).clock(clock).build();
    }

    @AfterAll
    void close() {
        if (analysis != null) {
            analysis.close();
        }
    }

    static String identity(AggregateReport a) {
        return key(a.policy().domain()) + "|" + day(a) + "|" + a.metadata().orgName() + "|" + a.metadata().reportId();
    }

    static String key(String domain) {
        String d = domain.trim().toLowerCase(Locale.ROOT);
        return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
    }

    static int day(AggregateReport a) {
        return a.metadata().dateRange().map(r -> (int) Math.floorDiv(r.begin().getEpochSecond(), 86400L)).orElse(0);
    }

    // ------------------------------------------------------------------ independent computation

    static boolean pass(ReportRecord r) {
        return r.row().policyEvaluated().dkim().map(v -> v == DmarcResult.PASS).orElse(false)
                || r.row().policyEvaluated().spf().map(v -> v == DmarcResult.PASS).orElse(false);
    }

    static String org(String name) {
        return DomainName.parse(name).flatMap(PublicSuffixList.bundled()::registrableDomain).map(DomainName::name)
                .orElse("\u0000" + name);
    }

    static boolean aligned(String domain, String from, boolean strict) {
        String d = key(domain);
        String f = key(from);
        return !d.isEmpty() && (d.equals(f) || !strict && org(d).equals(org(f)));
    }

    static boolean dkimAligned(AggregateReport a, ReportRecord r) {
        boolean strict = a.policy().adkim().map(x -> x == Alignment.S).orElse(false);
        for (DkimAuthResult d : r.dkim()) {
            if (d.result().map(v -> v.token().equals("pass")).orElse(false)
                    && aligned(d.domain(), r.identifiers().headerFrom(), strict)) {
                return true;
            }
        }
        return false;
    }

    static boolean spfAligned(AggregateReport a, ReportRecord r) {
        boolean strict = a.policy().aspf().map(x -> x == Alignment.S).orElse(false);
        for (SpfAuthResult s : r.spf()) {
            if (s.scope().map(v -> v == SpfScope.MFROM).orElse(true)
                    && s.result().map(v -> v.token().equals("pass")).orElse(false)
                    && aligned(s.domain(), r.identifiers().headerFrom(), strict)) {
                return true;
            }
        }
        return false;
    }

    /** Expected sums: [messages, dmarcPass, dkimAligned, spfAligned, quarantined, rejected]. */
    Map<String, long[]> expectedByDomain() {
        Map<String, long[]> out = new TreeMap<>();
        for (AggregateReport a : reports.values()) {
            long[] s = out.computeIfAbsent(key(a.policy().domain()), x -> new long[6]);
            for (ReportRecord r : a.records()) {
                long n = r.row().count();
                s[0] += n;
                s[1] += pass(r) ? n : 0;
                s[2] += dkimAligned(a, r) ? n : 0;
                s[3] += spfAligned(a, r) ? n : 0;
                ActionDisposition d = r.row().policyEvaluated().disposition().orElse(null);
                s[4] += d == ActionDisposition.QUARANTINE ? n : 0;
                s[5] += d == ActionDisposition.REJECT ? n : 0;
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ tests

    @Test
    void overviewSumsMessageCountsPerDomain() {
        Map<String, long[]> expected = expectedByDomain();
        List<DomainSummary> overview = analysis.overview(ALL);
        Map<String, DomainSummary> got = new HashMap<>();
        overview.forEach(d -> got.put(d.domain(), d));
        assertEquals(expected.keySet(), got.keySet());
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            DomainSummary d = got.get(e.getKey());
            long[] s = e.getValue();
            assertEquals(List.of(s[0], s[1], s[2], s[3], s[4], s[5]), List.of(d.volume().messages(),
                    d.volume().dmarcPass(), d.volume().dkimAligned(), d.volume().spfAligned(), d.quarantined(),
                    d.rejected()), e.getKey());
        }
        for (int i = 1; i < overview.size(); i++) {
            assertTrue(overview.get(i - 1).volume().messages() >= overview.get(i).volume().messages(),
                    "most messages first");
        }
    }

    @Test
    void domainTrendAndDispositionsAddUpToTheReports() {
        for (String domain : expectedByDomain().keySet()) {
            Map<LocalDate, Long> perDay = new TreeMap<>();
            Map<String, Long> perDisposition = new TreeMap<>();
            Set<String> ips = new HashSet<>();
            long reportCount = 0;
            for (AggregateReport a : reports.values()) {
                if (!key(a.policy().domain()).equals(domain)) {
                    continue;
                }
                reportCount++;
                for (ReportRecord r : a.records()) {
                    perDay.merge(LocalDate.ofEpochDay(day(a)), r.row().count(), Long::sum);
                    perDisposition.merge(r.row().policyEvaluated().disposition().map(ActionDisposition::token)
                            .orElse(""), r.row().count(), Long::sum);
                    ips.add(r.row().sourceIp());
                }
            }
            DomainStats stats = analysis.domain(domain, ALL);
            Map<LocalDate, Long> gotDays = new TreeMap<>();
            stats.trend().forEach(t -> gotDays.put(t.day(), t.volume().messages()));
            assertEquals(perDay, gotDays, domain + " trend");
            Map<String, Long> gotDisp = new TreeMap<>();
            stats.dispositions().forEach(d -> gotDisp.put(d.disposition(), d.messages()));
            assertEquals(perDisposition, gotDisp, domain + " dispositions");
            assertEquals(ips.size(), stats.sources(), domain + " distinct sources");
            assertEquals(reportCount, stats.reports(), domain + " reports");
        }
    }

    @Test
    void sourcesSumPerIpAndCoverTheWholeVolume() {
        for (String domain : expectedByDomain().keySet()) {
            Map<String, long[]> perIp = new HashMap<>();
            for (AggregateReport a : reports.values()) {
                if (key(a.policy().domain()).equals(domain)) {
                    for (ReportRecord r : a.records()) {
                        long[] s = perIp.computeIfAbsent(r.row().sourceIp(), x -> new long[2]);
                        s[0] += r.row().count();
                        s[1] += pass(r) ? r.row().count() : 0;
                    }
                }
            }
            Sources sources = analysis.sources(domain, ALL);
            assertEquals(perIp.size(), sources.totalSources(), domain);
            long listed = 0;
            for (SourceRow row : sources.rows()) {
                long[] s = perIp.get(row.ip());
                assertEquals(s[0], row.volume().messages(), domain + " " + row.ip());
                assertEquals(s[1], row.volume().dmarcPass(), domain + " " + row.ip());
                assertEquals(row.category(), row.classification().category());
                listed += row.volume().messages();
            }
            assertEquals(expectedByDomain().get(domain)[0], listed + sources.otherMessages(), domain);
        }
    }

    @Test
    void sourceDetailListsTheReportersAndRecordsOfOneIp() {
        AggregateReport a = reports.values().stream().filter(r -> r.records().size() > 1).findFirst().orElseThrow();
        String domain = key(a.policy().domain());
        String ip = a.records().get(0).row().sourceIp();
        Map<String, Long> byOrg = new TreeMap<>();
        Map<String, Long> reportsByOrg = new TreeMap<>();
        long records = 0;
        for (AggregateReport r : reports.values()) {
            if (key(r.policy().domain()).equals(domain)) {
                boolean seen = false;
                for (ReportRecord rec : r.records()) {
                    if (rec.row().sourceIp().equals(ip)) {
                        byOrg.merge(r.metadata().orgName(), rec.row().count(), Long::sum);
                        records++;
                        seen = true;
                    }
                }
                if (seen) {
                    reportsByOrg.merge(r.metadata().orgName(), 1L, Long::sum);
                }
            }
        }
        SourceDetail d = analysis.source(domain, ip, ALL);
        Map<String, Long> got = new TreeMap<>();
        Map<String, Long> gotReports = new TreeMap<>();
        d.reporters().forEach(r -> got.put(r.orgName(), r.messages()));
        d.reporters().forEach(r -> gotReports.put(r.orgName(), r.reports()));
        assertEquals(byOrg, got);
        assertEquals(reportsByOrg, gotReports, "reports per reporter, summed from the per-day reporter rollup");
        assertEquals(Math.min(records, Analysis.MAX_DETAIL_RECORDS), d.records().size());
        for (int i = 1; i < d.records().size(); i++) {
            assertFalse(d.records().get(i).day().isAfter(d.records().get(i - 1).day()), "newest first");
        }
        // each listed record carries its own auth results (read in one statement for the whole list)
        List<String> expectedAuth = new ArrayList<>();
        for (AggregateReport r : reports.values()) {
            if (key(r.policy().domain()).equals(domain)) {
                for (ReportRecord rec : r.records()) {
                    if (rec.row().sourceIp().equals(ip)) {
                        expectedAuth.add(String.join(" ", rec.dkim().stream().map(x -> x.domain() + "/"
                                + x.selector().orElse("") + "=" + x.result().map(v -> v.token()).orElse("")).toList())
                                + " | " + String.join(" ", rec.spf().stream().map(x -> x.domain() + "="
                                + x.result().map(v -> v.token()).orElse("")).toList()));
                    }
                }
            }
        }
        List<String> gotAuth = new ArrayList<>(d.records().stream().map(x -> x.dkim() + " | " + x.spf()).toList());
        if (records <= Analysis.MAX_DETAIL_RECORDS) {
            java.util.Collections.sort(expectedAuth);
            java.util.Collections.sort(gotAuth);
            assertEquals(expectedAuth, gotAuth);
        }
        assertTrue(gotAuth.stream().anyMatch(x -> !x.equals(" | ")), "some listed record has auth results: " + gotAuth);
        assertEquals(byOrg.values().stream().mapToLong(Long::longValue).sum(), d.source().volume().messages());
        long withSpf = 0;
        for (AggregateReport r : reports.values()) {
            if (key(r.policy().domain()).equals(domain)) {
                for (ReportRecord rec : r.records()) {
                    if (rec.row().sourceIp().equals(ip) && rec.spf().size() == 1) {
                        withSpf += rec.row().count();
                    }
                }
            }
        }
        long spfCounted = d.authResults().stream().filter(x -> x.method().equals("spf"))
                .mapToLong(AuthCount::messages).sum();
        assertTrue(withSpf <= spfCounted, "every record with one SPF result is counted: " + d.authResults());
    }

    @Test
    void disagreementsAreTheRecordsWhosePolicyEvaluatedDiffersFromTheAuthResults() {
        for (String domain : expectedByDomain().keySet()) {
            long expected = 0;
            for (AggregateReport a : reports.values()) {
                if (!key(a.policy().domain()).equals(domain)) {
                    continue;
                }
                for (ReportRecord r : a.records()) {
                    var pe = r.row().policyEvaluated();
                    if (pe.dkim().isPresent() && (pe.dkim().get() == DmarcResult.PASS) != dkimAligned(a, r)) {
                        expected += r.row().count();
                    }
                    if (pe.spf().isPresent() && (pe.spf().get() == DmarcResult.PASS) != spfAligned(a, r)) {
                        expected += r.row().count();
                    }
                }
            }
            long got = analysis.disagreements(domain, ALL).stream().mapToLong(Disagreement::messages).sum();
            assertEquals(expected, got, domain);
        }
    }

    @Test
    void selectorsSeenAreTheSignaturesOfTheDomainAndItsSubdomains() {
        for (String domain : expectedByDomain().keySet()) {
            Map<String, Long> expected = new TreeMap<>();
            for (AggregateReport a : reports.values()) {
                if (!key(a.policy().domain()).equals(domain)) {
                    continue;
                }
                for (ReportRecord r : a.records()) {
                    Set<String> once = new HashSet<>(); // one count per record and selector, as the rollup keeps
                    for (DkimAuthResult d : r.dkim().subList(0, Math.min(4, r.dkim().size()))) {
                        String dd = key(d.domain());
                        String sel = d.selector().orElse("").trim().replaceAll("\\s", "_");
                        if (!sel.isEmpty() && (dd.equals(domain) || dd.endsWith("." + domain))
                                && once.add(dd + "/" + sel)) {
                            expected.merge(dd + "/" + sel, r.row().count(), Long::sum);
                        }
                    }
                }
            }
            Map<String, Long> got = new TreeMap<>();
            analysis.selectorsSeen(domain).forEach(s -> got.put(s.domain() + "/" + s.selector(), s.messages()));
            assertEquals(expected, got, domain);
        }
        assertFalse(analysis.selectors("generated.example").isEmpty());
    }

    @Test
    void readinessReplaysTheGeneratedDomainUnderTheNextStep() {
        clock.set(Instant.parse("2026-12-31T12:00:00Z"));
        Readiness r = analysis.readiness("generated.example", 365);
        assertEquals("none", r.current().policy());
        assertEquals(new PolicyStep("quarantine", 100, true), r.next());
        long failing = r.volume().messages() - r.volume().dmarcPass();
        assertEquals(failing, r.legitimateAffected() + r.unknownAffected(),
                "every failing message is either legitimate or unknown");
        assertFalse(r.ready(), r.why());
        assertFalse(r.fixFirst().isEmpty());
        for (int i = 1; i < r.fixFirst().size(); i++) {
            assertTrue(r.fixFirst().get(i - 1).messages() >= r.fixFirst().get(i).messages());
        }
    }

    @Test
    void aPrecomputedSourceWindowGivesTheSameAnswersAsTheLiveQuery() {
        clock.set(Instant.parse("2026-12-31T12:00:00Z"));
        try (Analysis uncached = Analysis.builder().url(url).clock(clock).cacheResults(false).build()) {
            Period year = Period.lastDays(365, clock);
            Sources live = uncached.sources("generated.example", year);
            DomainStats liveStats = uncached.domain("generated.example", year);
            Readiness liveReadiness = uncached.readiness("generated.example", 365);
            assertEquals(Analysis.WINDOWS.size() * expectedByDomain().size(), uncached.refreshWindows());
            assertEquals(0, uncached.refreshWindows(), "windows are current until a report is stored");
            assertEquals(live, uncached.sources("generated.example", year));
            assertEquals(liveStats, uncached.domain("generated.example", year));
            assertEquals(liveReadiness, uncached.readiness("generated.example", 365));
            assertTrue(live.totalSources() > 0);
        }
    }
}
