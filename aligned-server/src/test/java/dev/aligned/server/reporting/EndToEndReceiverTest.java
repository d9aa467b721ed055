package dev.aligned.server.reporting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.FixtureResolver;
import dev.aligned.server.milter.MilterConfig;
import dev.aligned.server.milter.MilterServer;
import dev.aligned.server.milter.testing.PostfixServer;
import dev.aligned.store.DailyRollup;
import dev.aligned.store.Ingestor;
import dev.aligned.store.ReportStore;
import dev.aligned.store.RollupQuery;
import dev.aligned.store.StoreDataSource;
import dev.aligned.store.testing.MutableClock;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole receiver path of issue 9: swaks -> a private Postfix -> Aligned's milter (records evaluations, queues
 * failure reports) -> the day's aggregate reports and the failure reports sent over SMTP to a local sink
 * (GreenMail) -> Aligned's own ingest reads them back and counts the same messages. Skipped with the reason when
 * Postfix cannot run here, failed when CI is set.
 */
class EndToEndReceiverTest {
    @TempDir
    Path tmp;

    @Test
    void mailThroughPostfixBecomesReportsThatAlignedReadsBack() throws Exception {
        Optional<String> why = PostfixServer.available();
        if (why.isPresent() && System.getenv("CI") != null) {
            throw new AssertionError(why.get() + " (CI is set, so this is a failure, not a skip)");
        }
        Assumptions.assumeTrue(why.isEmpty(), why.orElse(""));
        FixtureResolver dns = FixtureResolver.builder()
                .add("example.com", DnsRecord.Txt.of("v=spf1 ip4:192.0.2.25 -all"))
                .add("_dmarc.example.com", DnsRecord.Txt.of(
                        "v=DMARC1; p=reject; fo=1; rua=mailto:dmarc@example.com; ruf=mailto:ruf@example.com"))
                .add("example.org", DnsRecord.Txt.of("v=spf1 -all"))
                .add("_dmarc.example.org", DnsRecord.Txt.of("v=DMARC1; p=quarantine; rua=mailto:reports@example.org"))
                .build();
        MutableClock clock = new MutableClock(Instant.parse("2026-11-20T12:00:00Z"));
        DataSource ds = StoreDataSource.open("jdbc:sqlite:" + tmp.resolve("receiver.db"), null, null);
        GreenMail sink = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        sink.start();
        ReportingConfig cfg = ReportingConfig.of("Receiver Example", "dmarc-reports@receiver.example")
                .withSmtp(new SmtpSettings("127.0.0.1", sink.getSmtp().getPort(), SmtpSecurity.NONE, Optional.empty(),
                        Optional.empty(), Duration.ofSeconds(10), List.of()))
                .withFailure(new FailureSettings(true, 10, FailureSettings.HeaderScope.ALL, true, Optional.empty()));
        try (JdbcEvaluationLog log = JdbcEvaluationLog.open(ds); JdbcDeliveryQueue queue = JdbcDeliveryQueue.open(ds)) {
            ReportSender sender = ReportSender.builder(cfg, log, queue, new SmtpTransport(cfg.smtp().get())).dns(dns)
                    .clock(clock).build();
            MilterConfig mc = MilterConfig.defaults().withListen("inet:127.0.0.1:0").withAuthservId("mx.test")
                    .withMode(MilterConfig.Mode.MONITOR).withTrustedNetworks(List.of());
            try (MilterServer milter = MilterServer.builder(dns, mc).evaluationLog(log)
                    .failureReporter(ArfFailureReporter.create(sender, dns, clock)).clock(clock).build().start();
                    PostfixServer postfix = PostfixServer.start(Optional.of("inet:127.0.0.1:" + milter.port()),
                            List.of())) {
                for (String from : List.of("alice@example.com", "bob@example.com", "carol@example.org")) {
                    Path m = tmp.resolve(from + ".eml");
                    Files.writeString(m, "From: " + from + "\r\nTo: dave@example.net\r\nSubject: hello from " + from
                            + "\r\nDate: Fri, 20 Nov 2026 12:00:00 +0000\r\nMessage-ID: <" + from.hashCode()
                            + "@test>\r\n\r\nhello\r\n", StandardCharsets.ISO_8859_1);
                    PostfixServer.Swaks s = postfix.swaks("--from", from, "--to", "dave@example.net", "--data",
                            m.toString());
                    assertEquals(0, s.exit(), s.output());
                }
                postfix.awaitDelivered(3, Duration.ofSeconds(30));
            }
            assertEquals(List.of(dev.aligned.dns.DomainName.of("example.com"), dev.aligned.dns.DomainName.of(
                    "example.org")), log.policyDomains(LocalDate.of(2026, 11, 20)));
            clock.set(Instant.parse("2026-11-21T00:10:00Z"));
            List<ReportOutcome> made = sender.generate(LocalDate.of(2026, 11, 20));
            assertEquals(2, made.size());
            List<Delivery> sent = sender.deliverDue();
            assertEquals(4, sent.size(), sent::toString); // 2 aggregate + 2 failure reports (fo=1, example.com)
            assertTrue(sent.stream().allMatch(d -> d.state() == Delivery.State.SENT), sent::toString);
        }
        MimeMessage[] received = sink.getReceivedMessages();
        sink.stop();
        assertEquals(4, received.length);
        try (ReportStore store = ReportStore.builder().url("jdbc:sqlite:" + tmp.resolve("reader.db")).build()) {
            Ingestor ingestor = Ingestor.builder(store).build();
            for (int i = 0; i < received.length; i++) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                received[i].writeTo(b);
                ingestor.ingest("sink-" + i + ".eml", b.toByteArray());
            }
            assertEquals(2, store.stats().reports());
            assertEquals(2, store.stats().failureReports());
            long comMessages = store.rollups(RollupQuery.domain("example.com")).stream()
                    .mapToLong(DailyRollup::messages).sum();
            long orgMessages = store.rollups(RollupQuery.domain("example.org")).stream()
                    .mapToLong(DailyRollup::messages).sum();
            assertEquals(2, comMessages);
            assertEquals(1, orgMessages);
        }
    }
}
