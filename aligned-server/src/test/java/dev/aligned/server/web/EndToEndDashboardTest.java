package dev.aligned.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DomainName;
import dev.aligned.dns.FixtureResolver;
import dev.aligned.server.ingest.SmtpReceiver;
import dev.aligned.server.milter.MilterConfig;
import dev.aligned.server.milter.MilterServer;
import dev.aligned.server.milter.testing.PostfixServer;
import dev.aligned.server.reporting.Delivery;
import dev.aligned.server.reporting.JdbcDeliveryQueue;
import dev.aligned.server.reporting.JdbcEvaluationLog;
import dev.aligned.server.reporting.ReportOutcome;
import dev.aligned.server.reporting.ReportSender;
import dev.aligned.server.reporting.ReportingConfig;
import dev.aligned.server.reporting.SmtpSecurity;
import dev.aligned.server.reporting.SmtpSettings;
import dev.aligned.server.reporting.SmtpTransport;
import dev.aligned.store.StoreDataSource;
import dev.aligned.store.testing.MutableClock;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9's whole loop, ending on the dashboard: swaks sends 3 messages that pass DMARC and 2 that fail (each
 * from its own client address, set with Postfix's XCLIENT) through a private Postfix to Aligned's milter, which
 * records the evaluations; the receiver's day is closed and its aggregate report for {@code example.com} is
 * mailed over SMTP to the {@code rua=mailto:} address, whose mail server is Aligned's own {@link SmtpReceiver};
 * the receiver's ingest stores it, and a {@link WebServer} on that store answers {@code /api/v1} (bearer token)
 * and the HTML domain page with exactly those counts and source addresses. Skipped with the reason when Postfix
 * cannot run here, failed when CI is set.
 */
class EndToEndDashboardTest {
    private static final String PASSING_IP = "192.0.2.25";
    private static final String FAILING_IP = "198.51.100.7";
    private static final LocalDate DAY = LocalDate.of(2026, 11, 27);

    @TempDir
    Path tmp;

    @Test
    void mailThroughPostfixAndTheMilterIsCountedOnTheDashboard() throws Exception {
        Optional<String> why = PostfixServer.available();
        if (why.isPresent() && System.getenv("CI") != null) {
            throw new AssertionError(why.get() + " (CI is set, so this is a failure, not a skip)");
        }
        Assumptions.assumeTrue(why.isEmpty(), why.orElse(""));
        FixtureResolver dns = FixtureResolver.builder()
                .add("example.com", DnsRecord.Txt.of("v=spf1 ip4:" + PASSING_IP + " -all"))
                .add("_dmarc.example.com", DnsRecord.Txt.of("v=DMARC1; p=reject; rua=mailto:dmarc@example.com"))
                .build();
        try (WebFixture dashboard = new WebFixture(null, false, b -> b.resolver(dns));
                SmtpReceiver rua = SmtpReceiver.builder(dashboard.ingestor).clock(dashboard.clock).build().start()) {
            sendThroughPostfixAndReport(dns, rua.port());

            WebFixture.Session admin = dashboard.admin();
            String token = createToken(dashboard, admin);
            HttpResponse<String> overview = dashboard.getWithToken("/api/v1/overview?days=30", token);
            assertEquals(200, overview.statusCode(), overview.body());
            JsonNode domains = Json.MAPPER.readTree(overview.body()).get("domains");
            assertEquals(1, domains.size(), domains::toString);
            JsonNode com = domains.get(0);
            assertEquals("example.com", com.get("domain").asText());
            assertEquals(5, com.get("messages").asLong(), com::toString);
            assertEquals(3, com.get("dmarcPass").asLong(), com::toString);
            assertEquals(2, com.get("messages").asLong() - com.get("dmarcPass").asLong(), "DMARC failures");

            HttpResponse<String> sources = dashboard.getWithToken("/api/v1/domains/example.com/sources?days=30", token);
            assertEquals(200, sources.statusCode(), sources.body());
            Map<String, JsonNode> byIp = new HashMap<>();
            for (JsonNode s : Json.MAPPER.readTree(sources.body()).get("sources")) {
                byIp.put(s.get("ip").asText(), s);
            }
            assertEquals(java.util.Set.of(PASSING_IP, FAILING_IP), byIp.keySet(), sources.body());
            assertEquals(3, messages(byIp.get(PASSING_IP)), byIp.get(PASSING_IP)::toString);
            assertEquals(3, dmarcPass(byIp.get(PASSING_IP)), byIp.get(PASSING_IP)::toString);
            assertEquals(2, messages(byIp.get(FAILING_IP)), byIp.get(FAILING_IP)::toString);
            assertEquals(0, dmarcPass(byIp.get(FAILING_IP)), byIp.get(FAILING_IP)::toString);

            HttpResponse<String> page = dashboard.get("/domains/example.com?days=30", admin.cookie());
            assertEquals(200, page.statusCode());
            String html = page.body();
            assertEquals("5", element(html, "domain-messages"), "the Messages card");
            assertEquals("60.0%", element(html, "domain-pass"), "the DMARC pass card (3 of 5)");
            assertEquals("2", element(html, "domain-sources"), "the Sources card");
            // Source IP, Reverse DNS, Service, Messages, DMARC pass, ... (the sources table's columns)
            List<String> passing = sourceRow(html, PASSING_IP);
            assertEquals(List.of(PASSING_IP, "3", "100.0%"), List.of(passing.get(0), passing.get(3), passing.get(4)),
                    passing::toString);
            List<String> failing = sourceRow(html, FAILING_IP);
            assertEquals(List.of(FAILING_IP, "2", "0.0%"), List.of(failing.get(0), failing.get(3), failing.get(4)),
                    failing::toString);
        }
    }

    /** The milter's side: Postfix + milter + evaluation log, then the day's reports mailed to {@code smtpPort}. */
    private void sendThroughPostfixAndReport(FixtureResolver dns, int smtpPort) throws Exception {
        MutableClock clock = new MutableClock(DAY.atTime(12, 0).toInstant(java.time.ZoneOffset.UTC));
        DataSource ds = StoreDataSource.open("jdbc:sqlite:" + tmp.resolve("receiver.db"), null, null);
        ReportingConfig cfg = ReportingConfig.of("Receiver Example", "dmarc-reports@receiver.example")
                .withSmtp(new SmtpSettings("127.0.0.1", smtpPort, SmtpSecurity.NONE, Optional.empty(),
                        Optional.empty(), Duration.ofSeconds(10), List.of()));
        try (JdbcEvaluationLog log = JdbcEvaluationLog.open(ds); JdbcDeliveryQueue queue = JdbcDeliveryQueue.open(ds)) {
            ReportSender sender = ReportSender.builder(cfg, log, queue, new SmtpTransport(cfg.smtp().get())).dns(dns)
                    .clock(clock).build();
            MilterConfig mc = MilterConfig.defaults().withListen("inet:127.0.0.1:0").withAuthservId("mx.test")
                    .withMode(MilterConfig.Mode.MONITOR).withTrustedNetworks(List.of());
            try (MilterServer milter = MilterServer.builder(dns, mc).evaluationLog(log).clock(clock).build().start();
                    PostfixServer postfix = PostfixServer.start(Optional.of("inet:127.0.0.1:" + milter.port()),
                            List.of("smtpd_authorized_xclient_hosts = 127.0.0.1"))) {
                int n = 0;
                for (String ip : List.of(PASSING_IP, PASSING_IP, PASSING_IP, FAILING_IP, FAILING_IP)) {
                    n++;
                    String from = "user" + n + "@example.com";
                    Path m = tmp.resolve("m" + n + ".eml");
                    Files.writeString(m, "From: " + from + "\r\nTo: dave@example.net\r\nSubject: message " + n
                            + "\r\nDate: Fri, 27 Nov 2026 12:00:00 +0000\r\nMessage-ID: <m" + n + "@example.com>\r\n"
                            + "\r\nhello\r\n", StandardCharsets.ISO_8859_1);
                    PostfixServer.Swaks s = postfix.swaks("--xclient-addr", ip, "--xclient-name", "[UNAVAILABLE]",
                            "--from", from, "--to", "dave@example.net", "--data", m.toString());
                    assertEquals(0, s.exit(), s.output());
                }
                postfix.awaitDelivered(5, Duration.ofSeconds(30));
            }
            assertEquals(List.of(DomainName.of("example.com")), log.policyDomains(DAY));
            clock.set(DAY.plusDays(1).atTime(0, 10).toInstant(java.time.ZoneOffset.UTC));
            List<ReportOutcome> made = sender.generate(DAY);
            assertEquals(1, made.size(), made::toString);
            List<Delivery> sent = sender.deliverDue();
            assertEquals(1, sent.size(), sent::toString);
            assertEquals(Delivery.State.SENT, sent.get(0).state(), sent::toString);
        }
    }

    /** Creates an API token the way a user does, on the Settings page; returns the secret it shows once. */
    private static String createToken(WebFixture f, WebFixture.Session s) {
        HttpResponse<String> r = f.postForm("/settings/tokens", s.cookie(), Map.of("csrf", s.csrf(), "name",
                "end-to-end"));
        Matcher m = Pattern.compile("id=\"new-token\">([^<]+)<").matcher(r.body());
        assertTrue(m.find(), r.body());
        return m.group(1);
    }

    private static long messages(JsonNode source) {
        return source.get("messages").asLong();
    }

    private static long dmarcPass(JsonNode source) {
        return source.get("dmarcPass").asLong();
    }

    /** The text of the element with {@code id} on the page. */
    private static String element(String html, String id) {
        Matcher m = Pattern.compile("id=\"" + Pattern.quote(id) + "\"[^>]*>([^<]*)<").matcher(html);
        assertTrue(m.find(), "no element #" + id + " on the page");
        return m.group(1).strip();
    }

    /** The cell texts (tags removed) of the row of the page's sources table whose first cell is {@code ip}. */
    private static List<String> sourceRow(String html, String ip) {
        int table = html.indexOf("id=\"sources\"");
        assertTrue(table >= 0, "no sources table on the domain page");
        String body = html.substring(table, html.indexOf("</table>", table));
        Matcher row = Pattern.compile("(?s)<tr[^>]*>(.*?)</tr>").matcher(body);
        while (row.find()) {
            List<String> cells = new java.util.ArrayList<>();
            Matcher cell = Pattern.compile("(?s)<td[^>]*>(.*?)</td>").matcher(row.group(1));
            while (cell.find()) {
                cells.add(cell.group(1).replaceAll("<[^>]*>", "").strip());
            }
            if (!cells.isEmpty() && cells.get(0).equals(ip)) {
                return cells;
            }
        }
        throw new AssertionError("no row for " + ip + " in the sources table: " + body);
    }
}
