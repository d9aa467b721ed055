package dev.aligned.server.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.FixtureResolver;
import dev.aligned.report.AggregateReport;
import dev.aligned.report.DkimAuthResult;
import dev.aligned.report.ReportRecord;
import dev.aligned.report.SpfResult;
import dev.aligned.store.Ingestor;
import dev.aligned.store.ReportStore;
import dev.aligned.store.testing.MutableClock;
import jakarta.mail.internet.MimeMessage;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts end to end: reports ingested into a store, the detector run, alerts posted to a loopback webhook (JDK
 * HttpServer) and mailed through GreenMail, each once.
 */
class AlertsTest {
    static final String DOMAIN = "generated.example";

    @TempDir
    Path dir;
    MutableClock clock;
    String url;
    ReportStore store;
    Ingestor ingestor;
    Analysis analysis;
    HttpServer http;
    final List<String> posted = Collections.synchronizedList(new ArrayList<>());
    final AtomicReference<FixtureResolver> zone = new AtomicReference<>();
    int status = 204;

    @BeforeEach
    void start() throws Exception {
        url = "jdbc:sqlite:" + dir.resolve("aligned.db");
        clock = new MutableClock(Instant.parse("2026-12-31T12:00:00Z"));
        store = ReportStore.builder().url(url).clock(clock).build();
        ingestor = Ingestor.builder(store).build();
        for (AggregateReport a : GeneratedReports.year(DOMAIN, 2026, 30, 5)) {
            ingestor.ingest("gen/" + a.metadata().reportId() + ".xml", GeneratedReports.xml(a));
        }
        zone.set(zone("v=spf1 include:_spf.google.com -all", "v=DMARC1; p=none"));
        DnsResolver dns = (name, type) -> zone.get().lookup(name, type);
        analysis = Analysis.builder().url(url).clock(clock).dns(dns).build();
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/hook", ex -> {
            posted.add(ex.getRequestHeaders().getFirst("Content-Type") + " "
                    + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        http.start();
    }

    @AfterEach
    void stop() {
        http.stop(0);
        analysis.close();
        store.close();
    }

    static FixtureResolver zone(String spf, String dmarc) {
        return FixtureResolver.builder().add(DOMAIN, DnsRecord.Txt.of(spf)).add("_dmarc." + DOMAIN,
                DnsRecord.Txt.of(dmarc)).add("google._domainkey." + DOMAIN, DnsRecord.Txt.of("v=DKIM1; p=AAAA"))
                .build();
    }

    AlertSink webhook() {
        return AlertSink.webhook(URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/hook"),
                Duration.ofSeconds(5));
    }

    /** One more report on 2026-12-31 with the given records. */
    void ingestDay(String id, List<ReportRecord> records) {
        AggregateReport base = GeneratedReports.year(DOMAIN, 2026, 1, 9).get(0);
        AggregateReport a = new AggregateReport(base.version(), new dev.aligned.report.ReportMetadata("google.com",
                "noreply-dmarc-support@google.com", java.util.Optional.empty(), id, java.util.Optional.of(
                dev.aligned.report.DateRange.ofEpochSeconds(1798675200L, 1798675200L + 86399)), List.of(),
                java.util.Optional.empty()), base.policy(), records, List.of());
        ingestor.ingest(id + ".xml", GeneratedReports.xml(a));
    }

    static ReportRecord failing(String ip, long count) {
        return GeneratedReports.record(ip, count, DOMAIN, List.<DkimAuthResult>of(), GeneratedReports.spf(DOMAIN,
                SpfResult.FAIL), false, false, List.of());
    }

    @Test
    void aNewSourceIsAlertedOnceAfterTheFirstRunLearnedTheExistingOnes() {
        AlertDetector alerts = AlertDetector.builder(analysis).sink(webhook()).build();
        AlertDetector.Run first = alerts.run();
        assertTrue(first.raised().stream().noneMatch(a -> a.kind().equals("new-source")), first.toString());
        ingestDay("new-1", List.of(failing("198.18.0.1", 3)));
        AlertDetector.Run second = alerts.run();
        List<Alert> fresh = second.raised().stream().filter(a -> a.kind().equals("new-source")).toList();
        assertEquals(1, fresh.size(), second.toString());
        assertEquals("New sending source 198.18.0.1 for generated.example", fresh.get(0).title());
        assertTrue(posted.stream().anyMatch(p -> p.startsWith("application/json; charset=utf-8 {\"kind\":"
                + "\"new-source\",\"domain\":\"generated.example\",\"key\":\"198.18.0.1\"")), posted.toString());
        int before = posted.size();
        assertEquals(List.of(), alerts.run().raised());
        assertEquals(before, posted.size(), "nothing is sent twice");
    }

    @Test
    void aPassRateDropAboveTheThresholdIsAlerted() {
        ingestDay("drop-1", List.of(failing("198.18.0.2", 5_000)));
        AlertDetector.Run run = AlertDetector.builder(analysis).sink(webhook()).passRateDrop(0.2)
                .baselineDays(30).build().run();
        Alert drop = run.raised().stream().filter(a -> a.kind().equals("pass-rate-drop")).findFirst().orElseThrow();
        assertEquals("2026-12-31", drop.key());
        assertTrue(drop.title().startsWith("DMARC pass rate of generated.example fell to "), drop.title());
    }

    @Test
    void aReportThatFailedToParseIsAlertedWithItsError() {
        ingestor.ingest("broken.xml", "<feedback><report_metadata>".getBytes(StandardCharsets.UTF_8));
        AlertDetector.Run run = AlertDetector.builder(analysis).sink(webhook()).build().run();
        Alert a = run.raised().stream().filter(x -> x.kind().equals("parse-failure")).findFirst().orElseThrow();
        assertEquals("A report failed to parse: broken.xml", a.title());
        assertTrue(a.detail().contains("broken.xml: "), a.detail());
    }

    @Test
    void aChangedDnsRecordIsAlertedAndAFailedLookupIsNot() {
        AlertDetector alerts = AlertDetector.builder(analysis).sink(webhook()).build();
        assertTrue(alerts.run().raised().stream().noneMatch(a -> a.kind().equals("dns-changed")));
        zone.set(FixtureResolver.builder().timeout(DOMAIN).timeout("_dmarc." + DOMAIN)
                .timeout("google._domainkey." + DOMAIN).build());
        assertTrue(alerts.run().raised().stream().noneMatch(a -> a.kind().equals("dns-changed")));
        zone.set(zone("v=spf1 include:_spf.google.com include:amazonses.com -all", "v=DMARC1; p=none"));
        List<Alert> changed = alerts.run().raised().stream().filter(a -> a.kind().equals("dns-changed")).toList();
        assertEquals(1, changed.size());
        assertEquals("SPF record of generated.example changed", changed.get(0).title());
        assertTrue(changed.get(0).detail().startsWith("Before: v=spf1 include:_spf.google.com -all\nNow: v=spf1 "
                + "include:_spf.google.com include:amazonses.com -all"), changed.get(0).detail());
    }

    @Test
    void aFailedDeliveryIsReportedAndRetriedOnTheNextRun() {
        ingestor.ingest("broken.xml", "<feedback>".getBytes(StandardCharsets.UTF_8));
        status = 500;
        AlertDetector alerts = AlertDetector.builder(analysis).sink(webhook()).build();
        AlertDetector.Run failed = alerts.run();
        assertEquals(List.of(), failed.raised());
        assertTrue(failed.failures().stream().anyMatch(f -> f.endsWith(": HTTP 500 from 127.0.0.1")), failed.toString());
        status = 200;
        assertTrue(alerts.run().raised().stream().anyMatch(a -> a.kind().equals("parse-failure")));
    }

    @Test
    void theEmailSinkSendsThroughSmtp() throws Exception {
        GreenMail mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        try {
            Properties smtp = new Properties();
            smtp.put("mail.smtp.host", "127.0.0.1");
            smtp.put("mail.smtp.port", Integer.toString(mail.getSmtp().getPort()));
            AlertSink sink = AlertSink.email(smtp, "aligned@generated.example", List.of("owner@generated.example"));
            Alert a = new Alert("new-source", DOMAIN, "198.18.0.9", "New sending source 198.18.0.9 for " + DOMAIN,
                    "3 messages", clock.instant());
            assertTrue(sink.send(a).delivered());
            MimeMessage[] got = mail.getReceivedMessages();
            assertEquals(1, got.length);
            assertEquals("[Aligned] New sending source 198.18.0.9 for generated.example", got[0].getSubject());
            assertEquals("new-source", got[0].getHeader("X-Aligned-Alert")[0]);
            assertTrue(((String) got[0].getContent()).contains("3 messages"));
        } finally {
            mail.stop();
        }
        AlertSink nowhere = AlertSink.email(new Properties() {
            {
                put("mail.smtp.host", "127.0.0.1");
                put("mail.smtp.port", "1");
            }
        }, "aligned@generated.example", List.of("owner@generated.example"));
        AlertSink.Delivery d = nowhere.send(new Alert("x", "", "k", "t", "d", clock.instant()));
        assertTrue(d.failed());
        assertTrue(d.detail().startsWith("SMTP: "), d.detail());
    }
}
