package dev.aligned.server.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import dev.aligned.dns.FixtureResolver;
import dev.aligned.report.AggregateReport;
import dev.aligned.store.Ingestor;
import dev.aligned.store.ReportStore;
import dev.aligned.store.testing.MutableClock;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sources of a generated domain with known senders, enriched through a fixture DNS: reverse names are
 * forward-confirmed, services recognised, each source classified with its fixes, and the dashboard still works
 * when DNS is unavailable.
 */
class ClassificationTest {
    static final String DOMAIN = "generated.example";

    @TempDir
    Path dir;
    MutableClock clock;
    String url;
    Analysis analysis;

    @BeforeEach
    void ingest() {
        url = "jdbc:sqlite:" + dir.resolve("aligned.db");
        clock = new MutableClock(Instant.parse("2026-12-31T12:00:00Z"));
        try (ReportStore store = ReportStore.builder().url(url).clock(clock).build()) {
            Ingestor ingestor = Ingestor.builder(store).build();
            for (AggregateReport a : GeneratedReports.year(DOMAIN, 2026, 60, 3)) {
                ingestor.ingest("gen/" + a.metadata().reportId() + ".xml", GeneratedReports.xml(a));
            }
        }
    }

    /** Distinct source IPs in the reports of the last 45 days (what one enrichment run looks at). */
    static java.util.Set<String> recentIps(java.time.LocalDate today) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (AggregateReport a : GeneratedReports.year(DOMAIN, 2026, 60, 3)) {
            java.time.LocalDate day = java.time.LocalDate.ofInstant(a.metadata().dateRange().orElseThrow().begin(),
                    java.time.ZoneOffset.UTC);
            if (!day.isBefore(today.minusDays(ReverseDns.RECENT_DAYS))) {
                a.records().forEach(r -> out.add(r.row().sourceIp()));
            }
        }
        return out;
    }

    @AfterEach
    void close() {
        if (analysis != null) {
            analysis.close();
        }
    }

    static Inet4Address v4(String ip) throws Exception {
        return (Inet4Address) InetAddress.getByName(ip);
    }

    static String ptr(String ip) throws Exception {
        return ReverseDns.reverseName(InetAddress.getByName(ip));
    }

    static FixtureResolver dns() throws Exception {
        return FixtureResolver.builder()
                .add(ptr(GeneratedReports.GOOGLE[0]), new DnsRecord.Ptr(DomainName.of("mail-sor-f41.google.com")))
                .add("mail-sor-f41.google.com", new DnsRecord.A(v4(GeneratedReports.GOOGLE[0])))
                .add(ptr(GeneratedReports.GOOGLE[1]), new DnsRecord.Ptr(DomainName.of("mail-sor-f42.google.com")))
                .add("mail-sor-f42.google.com", new DnsRecord.A(v4(GeneratedReports.GOOGLE[1])))
                .add(ptr(GeneratedReports.SES), new DnsRecord.Ptr(DomainName.of("a8-10.smtp-out.amazonses.com")))
                .add("a8-10.smtp-out.amazonses.com", new DnsRecord.A(v4(GeneratedReports.SES)))
                // a PTR claiming SendGrid whose name points elsewhere: shown, not trusted
                .add(ptr(GeneratedReports.SENDGRID), new DnsRecord.Ptr(DomainName.of("o1.ptr.sendgrid.net")))
                .add("o1.ptr.sendgrid.net", new DnsRecord.A(v4("192.0.2.200")))
                .add(ptr(GeneratedReports.OWN), new DnsRecord.Ptr(DomainName.of("mail." + DOMAIN)))
                .add("mail." + DOMAIN, new DnsRecord.A(v4(GeneratedReports.OWN)))
                .timeout(ptr(GeneratedReports.SPOOFERS[0]))
                .build();
    }

    Map<String, SourceRow> rows() {
        Map<String, SourceRow> out = new HashMap<>();
        for (SourceRow r : analysis.sources(DOMAIN, Period.lastDays(365, clock)).rows()) {
            out.put(r.ip(), r);
        }
        return out;
    }

    static List<String> actions(SourceRow r) {
        return r.classification() instanceof Classification.ServiceFailing f
                ? f.fixes().stream().map(Fix::action).toList() : List.of();
    }

    @Test
    void enrichmentConfirmsNamesAndClassifiesEachKnownSender() throws Exception {
        analysis = Analysis.builder().url(url).clock(clock).dns(dns()).build();
        EnrichResult e = analysis.enrichReverseDns();
        java.util.Set<String> recent = recentIps(java.time.LocalDate.of(2026, 12, 31));
        assertTrue(recent.contains(GeneratedReports.SPOOFERS[0]), "the timed-out PTR is among them: " + recent);
        // confirmed: 2 Google, SES, own server; unconfirmed: SendGrid; unavailable: the timed-out spoofer
        assertEquals(new EnrichResult(recent.size(), 4, 1, recent.size() - 6, 1, 0), e);
        Map<String, SourceRow> rows = rows();

        SourceRow google = rows.get(GeneratedReports.GOOGLE[0]);
        assertEquals(new ReverseName("mail-sor-f41.google.com", true, "confirmed"), google.reverse());
        assertEquals(new Classification.Authenticated("Google Workspace", "DKIM and SPF"), google.classification());

        SourceRow ses = rows.get(GeneratedReports.SES);
        assertEquals(Category.SERVICE_FAILING, ses.category());
        assertEquals("Amazon SES", ses.service());
        assertEquals(List.of("align the MAIL FROM (Return-Path) domain with generated.example: set a custom "
                + "return-path (bounce) domain under generated.example in Amazon SES",
                "sign with d=generated.example in Amazon SES (custom DKIM domain) and publish DKIM for selector "
                        + "ug7nbtf4 at ug7nbtf4._domainkey.generated.example"), actions(ses));

        SourceRow sendgrid = rows.get(GeneratedReports.SENDGRID);
        assertEquals(new ReverseName("o1.ptr.sendgrid.net", false, "unconfirmed"), sendgrid.reverse());
        assertEquals("SendGrid", sendgrid.service(), "recognised by its MAIL FROM, not by the unconfirmed name");
        assertEquals(List.of("align the MAIL FROM (Return-Path) domain with generated.example: set a custom "
                + "return-path (bounce) domain under generated.example in SendGrid",
                "publish DKIM for selector s1 at s1._domainkey.generated.example (the public key SendGrid signs "
                        + "with)"), actions(sendgrid));

        SourceRow own = rows.get(GeneratedReports.OWN);
        assertEquals("own servers", own.service());
        assertEquals(List.of("authorise 198.51.100.5 in the SPF record of generated.example",
                "turn on DKIM signing for generated.example in your mail server and publish DKIM for selector "
                        + "SELECTOR at SELECTOR._domainkey.generated.example"), actions(own));

        assertEquals(Category.FORWARDED, rows.get(GeneratedReports.FORWARDER).category());
        assertEquals(Category.FORWARDED, rows.get(GeneratedReports.RELAY).category());
        for (String ip : GeneratedReports.SPOOFERS) {
            if (rows.containsKey(ip)) {
                assertEquals(Category.UNKNOWN, rows.get(ip).category(), ip);
            }
        }
        assertEquals(new ReverseName("", false, "unavailable"), rows.get(GeneratedReports.SPOOFERS[0]).reverse());
    }

    @Test
    void cachedNamesAreReusedUntilTheyExpireAndFailuresAreRetriedSooner() throws Exception {
        analysis = Analysis.builder().url(url).clock(clock).dns(dns())
                .reverseDnsCache(Duration.ofDays(7), Duration.ofHours(1)).build();
        int recent = recentIps(java.time.LocalDate.of(2026, 12, 31)).size();
        assertEquals(recent, analysis.enrichReverseDns().looked());
        assertEquals(0, analysis.enrichReverseDns().looked(), "everything is cached");
        clock.advance(Duration.ofHours(2));
        assertEquals(1, analysis.enrichReverseDns().looked(), "only the timed-out lookup is retried");
        clock.advance(Duration.ofDays(8)); // 2027-01-08: the 7-day entries expired
        assertEquals(recentIps(java.time.LocalDate.of(2027, 1, 8)).size(), analysis.enrichReverseDns().looked(),
                "expired names of sources still seen in the last 45 days are looked up again");
    }

    @Test
    void theBudgetBoundsOneRunAndTheRestWaits() throws Exception {
        analysis = Analysis.builder().url(url).clock(clock).dns(dns()).reverseDnsLimits(2, 3).build();
        EnrichResult first = analysis.enrichReverseDns();
        assertEquals(3, first.looked());
        assertEquals(recentIps(java.time.LocalDate.of(2026, 12, 31)).size() - 3, first.remaining());
        assertEquals(3, analysis.enrichReverseDns().looked());
    }

    @Test
    void withoutDnsTheSourcesAreStillListedAndClassifiedFromTheReports() {
        analysis = Analysis.builder().url(url).clock(clock).build();
        assertEquals(ReverseName.PENDING, rows().get(GeneratedReports.SES).reverse());
        EnrichResult e = analysis.enrichReverseDns();
        assertEquals(e.looked(), e.unavailable());
        Map<String, SourceRow> rows = rows();
        assertEquals(new ReverseName("", false, "unavailable"), rows.get(GeneratedReports.SES).reverse());
        assertEquals("Amazon SES", rows.get(GeneratedReports.SES).service());
        assertEquals(Category.AUTHENTICATED, rows.get(GeneratedReports.GOOGLE[0]).category());
        assertEquals(Category.UNKNOWN, rows.get(GeneratedReports.OWN).category(),
                "without a confirmed name the own server is not recognised");
    }

    @Test
    void readinessListsTheFixesByAffectedMessages() throws Exception {
        analysis = Analysis.builder().url(url).clock(clock).dns(dns()).build();
        analysis.enrichReverseDns();
        Readiness r = analysis.readiness(DOMAIN, 365);
        assertFalse(r.ready());
        assertTrue(r.why().startsWith(r.legitimateAffected() + " legitimate messages"), r.why());
        assertTrue(r.why().endsWith("fix first: " + r.fixFirst().get(0).action()), r.why());
        long spoofed = 0;
        for (SourceRow row : analysis.sources(DOMAIN, r.period()).rows()) {
            if (row.category() == Category.UNKNOWN) {
                spoofed += row.volume().messages() - row.volume().dmarcPass();
            }
        }
        assertEquals(spoofed, r.unknownAffected());
    }

    @Test
    void theDomainCheckerIsAskedForTheSelectorsSeenInReports() throws Exception {
        FixtureResolver dns = dns();
        analysis = Analysis.builder().url(url).clock(clock).dns(dns).build();
        assertEquals(List.of("google", "s1"), analysis.selectors(DOMAIN));
        dns.clearQueries();
        analysis.check(DOMAIN);
        List<String> asked = dns.queries().stream().filter(q -> q.type() == DnsType.TXT)
                .map(q -> q.name().name()).toList();
        assertTrue(asked.contains("google._domainkey." + DOMAIN), asked.toString());
        assertTrue(asked.contains("s1._domainkey." + DOMAIN), asked.toString());
    }
}
