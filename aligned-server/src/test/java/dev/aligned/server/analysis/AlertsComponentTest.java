package dev.aligned.server.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import dev.aligned.report.AggregateReport;
import dev.aligned.report.DkimAuthResult;
import dev.aligned.report.SpfResult;
import dev.aligned.store.Ingestor;
import dev.aligned.store.ReportStore;
import dev.aligned.store.testing.MutableClock;
import jakarta.mail.internet.MimeMessage;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alerts component in a running server's place: a real SQLite store fed by the ingestor, the detector run on
 * the component's own thread, alerts posted to a loopback JDK HttpServer or mailed through GreenMail.
 */
class AlertsComponentTest {
    static final String DOMAIN = "generated.example";

    @TempDir
    Path dir;
    String url;
    MutableClock clock;
    ReportStore store;
    Ingestor ingestor;
    HttpServer http;
    final List<String> posted = Collections.synchronizedList(new ArrayList<>());
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    volatile int status = 204;

    @BeforeEach
    void start() throws Exception {
        url = "jdbc:sqlite:" + dir.resolve("aligned.db");
        clock = new MutableClock(Instant.parse("2026-12-31T12:00:00Z"));
        store = ReportStore.builder().url(url).clock(clock).build();
        ingestor = Ingestor.builder(store).build();
        for (AggregateReport a : GeneratedReports.year(DOMAIN, 2026, 10, 5)) {
            ingestor.ingest("gen/" + a.metadata().reportId() + ".xml", GeneratedReports.xml(a));
        }
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/hook", ex -> {
            posted.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        http.start();
    }

    @AfterEach
    void stop() {
        http.stop(0);
        store.close();
    }

    AlertsConfig webhookConfig(String interval) throws Exception {
        return AlertsConfig.parse(Path.of("aligned.yaml"), "alerts:\n  webhook:\n    url: http://127.0.0.1:"
                + http.getAddress().getPort() + "/hook\n    timeout: 5s\n  interval: " + interval + "\n", Map.of())
                .orElseThrow();
    }

    Analysis analysis() {
        return Analysis.builder().url(url).clock(clock).build();
    }

    /** One more report on 2026-12-31 from {@code ip}, failing DMARC. */
    void ingestNewSource(String id, String ip) {
        AggregateReport base = GeneratedReports.year(DOMAIN, 2026, 1, 9).get(0);
        AggregateReport a = new AggregateReport(base.version(), new dev.aligned.report.ReportMetadata("google.com",
                "noreply-dmarc-support@google.com", java.util.Optional.empty(), id, java.util.Optional.of(
                dev.aligned.report.DateRange.ofEpochSeconds(1798675200L, 1798675200L + 86399)), List.of(),
                java.util.Optional.empty()), base.policy(), List.of(GeneratedReports.record(ip, 3, DOMAIN,
                List.<DkimAuthResult>of(), GeneratedReports.spf(DOMAIN, SpfResult.FAIL), false, false,
                List.of())), List.of());
        ingestor.ingest(id + ".xml", GeneratedReports.xml(a));
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not " + what + " within 30 s");
            }
            Thread.sleep(20);
        }
    }

    @Test
    void theWebhookReceivesANewSourceAlertAfterAReportFromItIsIngested() throws Exception {
        AlertsComponent c = AlertsComponent.builder(webhookConfig("1s"), analysis()).firstRunAfter(Duration.ZERO)
                .log(log::add).build();
        try {
            c.start();
            assertEquals("alerts every 1s to webhook http://127.0.0.1:" + http.getAddress().getPort(), c.name());
            await(() -> c.runs() >= 1, "first run (learning the existing sources)");
            assertTrue(posted.stream().noneMatch(p -> p.contains("\"new-source\"")), posted.toString());
            ingestNewSource("new-1", "198.18.0.1");
            await(() -> posted.stream().anyMatch(p -> p.contains("\"new-source\"")), "new source posted: " + log);
            String alert = posted.stream().filter(p -> p.contains("\"new-source\"")).findFirst().orElseThrow();
            assertTrue(alert.startsWith("{\"kind\":\"new-source\",\"domain\":\"generated.example\",\"key\":"
                    + "\"198.18.0.1\",\"title\":\"New sending source 198.18.0.1 for generated.example\""), alert);
            long runs = c.runs();
            await(() -> c.runs() >= runs + 2, "two more runs");
            assertEquals(1, posted.stream().filter(p -> p.contains("\"new-source\"")).count(), "sent once");
        } finally {
            c.close();
        }
        assertEquals(List.of(), log);
    }

    @Test
    void aFailedDeliveryIsLoggedAndTheComponentKeepsRunningUntilItIsDelivered() throws Exception {
        ingestor.ingest("broken.xml", "<feedback>".getBytes(StandardCharsets.UTF_8));
        status = 500;
        AlertsComponent c = AlertsComponent.builder(webhookConfig("1s"), analysis()).firstRunAfter(Duration.ZERO)
                .log(log::add).build();
        try {
            c.start();
            await(() -> c.runs() >= 2, "two runs");
            assertTrue(log.stream().anyMatch(l -> l.startsWith("alerts: not delivered, retried next run: webhook "
                    + "http://127.0.0.1:" + http.getAddress().getPort() + ": A report failed to parse: broken.xml: "
                    + "HTTP 500 from 127.0.0.1")), log.toString());
            status = 200;
            int before = posted.size();
            await(() -> posted.size() > before && c.runs() >= 4, "delivered once the webhook accepts");
        } finally {
            c.close();
        }
        assertTrue(posted.stream().anyMatch(p -> p.contains("\"parse-failure\"")), posted.toString());
    }

    @Test
    void anUnreadableDatabaseIsLoggedNotThrown() throws Exception {
        Analysis a = analysis();
        AlertsComponent c = AlertsComponent.builder(webhookConfig("15m"), a).log(log::add).build();
        a.close(); // the connection is gone: the run fails inside the detector
        AlertDetector.Run run = c.runOnce();
        assertEquals(List.of(), run.raised());
        assertEquals(1, log.size(), log.toString());
        assertTrue(log.get(0).startsWith("alerts: run failed, retrying in 15m: "), log.toString());
        c.close();
    }

    @Test
    void closeStopsTheThreadBeforeTheFirstRun() throws Exception {
        AlertsComponent c = AlertsComponent.builder(webhookConfig("15m"), analysis()).log(log::add).build();
        c.start();
        long t0 = System.nanoTime();
        c.close();
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos(), "close does not wait for the schedule");
        assertEquals(0, c.runs());
    }

    @Test
    void theEmailSinkOfTheConfigurationLogsInAndMailsTheAlert() throws Exception {
        GreenMail mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
                .withConfiguration(GreenMailConfiguration.aConfig().withUser("alerts@generated.example",
                        "alerts@generated.example", "mail-pw"));
        mail.start();
        try {
            AlertsConfig cfg = AlertsConfig.parse(Path.of("aligned.yaml"), "alerts:\n  email:\n    host: 127.0.0.1\n"
                    + "    port: " + mail.getSmtp().getPort() + "\n    security: none\n"
                    + "    user: alerts@generated.example\n    password: ${PW}\n"
                    + "    from: alerts@generated.example\n    to: [owner@generated.example]\n",
                    Map.of("PW", "mail-pw")).orElseThrow();
            ingestor.ingest("broken.xml", "<feedback>".getBytes(StandardCharsets.UTF_8));
            AlertsComponent c = AlertsComponent.builder(cfg, analysis()).log(log::add).build();
            assertEquals("alerts every 15m to e-mail to 1 recipient(s)", c.name());
            AlertDetector.Run run = c.runOnce();
            c.close();
            assertEquals(List.of(), log);
            assertTrue(run.raised().stream().anyMatch(a -> a.kind().equals("parse-failure")), run.toString());
            MimeMessage[] got = mail.getReceivedMessages();
            assertTrue(got.length >= 1);
            assertEquals("[Aligned] A report failed to parse: broken.xml", got[0].getSubject());
            assertEquals("owner@generated.example", got[0].getAllRecipients()[0].toString());
        } finally {
            mail.stop();
        }
        AlertsConfig wrong = AlertsConfig.parse(Path.of("aligned.yaml"), "alerts:\n  email: {host: 127.0.0.1, "
                + "port: 1, security: none, from: a@generated.example, to: b@generated.example, timeout: 2s}\n",
                Map.of()).orElseThrow();
        assertFalse(wrong.sinks().get(0).send(new Alert("x", "", "k", "t", "d", clock.instant())).delivered());
    }
}
