package dev.aligned.server.reporting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.FixtureResolver;
import dev.aligned.server.ingest.Secret;
import dev.aligned.store.StoreDataSource;
import dev.aligned.store.testing.MutableClock;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sending through a real SMTP server (GreenMail on loopback): AUTH, implicit TLS, retries, restarts, dry run. */
class SmtpDeliveryTest {
    static final String USER = "dmarc-reports@receiver.example";
    static final String PASSWORD = "s3cret-smtp-pw";
    static final LocalDate DAY = LocalDate.of(2026, 11, 20);

    @TempDir
    Path tmp;

    GreenMail mail;

    @AfterEach
    void stop() {
        if (mail != null) {
            mail.stop();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    GreenMail start(ServerSetup setup) {
        GreenMail g = new GreenMail(setup).withConfiguration(GreenMailConfiguration.aConfig()
                .withUser(USER, USER, PASSWORD));
        g.start();
        return g;
    }

    static SmtpSettings settings(int port, SmtpSecurity security, String password) {
        return new SmtpSettings("127.0.0.1", port, security, Optional.of(USER), Optional.of(Secret.of(password)),
                Duration.ofSeconds(10), List.of("127.0.0.1"));
    }

    static ReportingConfig config(SmtpSettings s) {
        return ReportingConfig.of("Receiver Example", USER).withSmtp(s)
                .with(Suppression.NONE, new RetryPolicy(3, Duration.ofMinutes(5), Duration.ofHours(1)));
    }

    static FixtureResolver dns() {
        return FixtureResolver.builder()
                .add("example.org._report._dmarc.reports.example.net", DnsRecord.Txt.of("v=DMARC1")).build();
    }

    static void replay(EvaluationLog log) {
        Evaluations.stream(9, 600, Evaluations.START).forEach(log::record);
    }

    @Test
    void plainSmtpWithAuthDeliversEveryReport() throws Exception {
        mail = start(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        InMemoryEvaluationLog log = new InMemoryEvaluationLog();
        replay(log);
        ReportingConfig cfg = config(settings(mail.getSmtp().getPort(), SmtpSecurity.NONE, PASSWORD));
        ReportSender sender = ReportSender.builder(cfg, log, new InMemoryDeliveryQueue(),
                new SmtpTransport(cfg.smtp().get())).dns(dns())
                .clock(new MutableClock(Instant.parse("2026-11-21T00:10:00Z"))).build();
        sender.generate(DAY);
        List<Delivery> d = sender.deliverDue();
        assertEquals(4, d.size());
        assertTrue(d.stream().allMatch(x -> x.state() == Delivery.State.SENT), d::toString);
        MimeMessage[] got = mail.getReceivedMessages();
        assertEquals(4, got.length);
        assertTrue(got[0].getSubject().startsWith("Report Domain: example.com Submitter: receiver.example Report-ID: <"));
    }

    @Test
    void wrongPasswordIsATemporaryFailureThatNeverShowsThePassword() throws Exception {
        mail = start(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        SmtpTransport t = new SmtpTransport(settings(mail.getSmtp().getPort(), SmtpSecurity.NONE, "wrong-pw-123"));
        MailTransport.SendException e = assertThrows(MailTransport.SendException.class, () -> t.send(USER,
                "dmarc@example.com", "x@receiver.example", "Subject: x\r\n\r\nx\r\n".getBytes()));
        assertFalse(e.permanent());
        assertTrue(e.getMessage().startsWith("SMTP AUTH as " + USER + " at 127.0.0.1:"), e.getMessage());
        assertFalse(e.getMessage().contains("wrong-pw-123"), e.getMessage());
        assertFalse(t.toString().contains("wrong-pw-123"), t.toString());
        assertEquals(0, mail.getReceivedMessages().length);
    }

    @Test
    void implicitTlsWithAuthDelivers() throws Exception {
        mail = start(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS));
        SmtpTransport t = new SmtpTransport(settings(mail.getSmtps().getPort(), SmtpSecurity.TLS, PASSWORD));
        String answer = t.send(USER, "dmarc@example.com", "x@receiver.example",
                "From: r@receiver.example\r\nTo: dmarc@example.com\r\nSubject: tls\r\n\r\nhello\r\n".getBytes());
        assertTrue(answer.startsWith("250"), answer);
        assertEquals("tls", mail.getReceivedMessages()[0].getSubject());
    }

    @Test
    void starttlsIsRequiredSoAServerWithoutItGetsNothing() throws Exception {
        mail = start(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        SmtpTransport t = new SmtpTransport(settings(mail.getSmtp().getPort(), SmtpSecurity.STARTTLS, PASSWORD));
        MailTransport.SendException e = assertThrows(MailTransport.SendException.class, () -> t.send(USER,
                "dmarc@example.com", "x@receiver.example", "Subject: x\r\n\r\nx\r\n".getBytes()));
        assertFalse(e.permanent());
        assertTrue(e.getMessage().toUpperCase(java.util.Locale.ROOT).contains("STARTTLS"), e.getMessage());
        assertEquals(0, mail.getReceivedMessages().length);
    }

    @Test
    void refusedThenAcceptedAcrossARestartSendsEachReportOnce() throws Exception {
        int port = freePort();
        MutableClock clock = new MutableClock(Instant.parse("2026-11-21T00:10:00Z"));
        ReportingConfig cfg = config(settings(port, SmtpSecurity.NONE, PASSWORD));
        String url = "jdbc:sqlite:" + tmp.resolve("r.db");
        DataSource ds = StoreDataSource.open(url, null, null);
        try (JdbcEvaluationLog log = JdbcEvaluationLog.open(ds); JdbcDeliveryQueue queue = JdbcDeliveryQueue.open(ds)) {
            replay(log);
            ReportSender sender = ReportSender.builder(cfg, log, queue, new SmtpTransport(cfg.smtp().get()))
                    .dns(dns()).clock(clock).build();
            sender.generate(DAY);
            List<Delivery> first = sender.deliverDue(); // nothing listens: connection refused
            assertEquals(4, first.size());
            assertTrue(first.stream().allMatch(d -> d.state() == Delivery.State.PENDING && d.attempts() == 1
                    && d.nextAttempt().equals(clock.instant().plus(Duration.ofMinutes(5)))), first::toString);
            assertEquals(List.of(), sender.deliverDue(), "nothing is due before the back-off ends");
        }
        // a new process over the same database, with the server up now
        mail = start(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        clock.advance(Duration.ofMinutes(5));
        DataSource ds2 = StoreDataSource.open(url, null, null);
        try (JdbcEvaluationLog log = JdbcEvaluationLog.open(ds2); JdbcDeliveryQueue queue = JdbcDeliveryQueue.open(ds2)) {
            ReportSender sender = ReportSender.builder(cfg, log, queue, new SmtpTransport(cfg.smtp().get()))
                    .dns(dns()).clock(clock).build();
            assertTrue(sender.generate(DAY).stream()
                    .allMatch(o -> o.status() == ReportOutcome.Status.ALREADY_GENERATED));
            List<Delivery> second = sender.deliverDue();
            assertTrue(second.stream().allMatch(d -> d.state() == Delivery.State.SENT && d.attempts() == 2),
                    second::toString);
            clock.advance(Duration.ofHours(2));
            assertEquals(List.of(), sender.deliverDue());
            assertEquals(4, queue.forDay(DAY).stream().filter(d -> d.state() == Delivery.State.SENT).count());
        }
        assertEquals(4, mail.getReceivedMessages().length, "each report exactly once");
    }

    @Test
    void lastAttemptFailingMarksTheDeliveryFailed() throws Exception {
        int port = freePort();
        MutableClock clock = new MutableClock(Instant.parse("2026-11-21T00:10:00Z"));
        ReportingConfig cfg = config(settings(port, SmtpSecurity.NONE, PASSWORD));
        InMemoryEvaluationLog log = new InMemoryEvaluationLog();
        log.record(Evaluations.stream(9, 1, Evaluations.START).get(0));
        InMemoryDeliveryQueue queue = new InMemoryDeliveryQueue();
        ReportSender sender = ReportSender.builder(cfg, log, queue, new SmtpTransport(cfg.smtp().get())).dns(dns())
                .clock(clock).build();
        sender.generate(DAY);
        List<Delivery> last = List.of();
        for (int i = 0; i < 3; i++) {
            last = sender.deliverDue();
            clock.advance(Duration.ofHours(1));
        }
        assertEquals(Delivery.State.FAILED, last.get(0).state());
        assertTrue(last.get(0).detail().endsWith("(gave up after 3 attempts)"), last.get(0).detail());
        assertEquals(List.of(), sender.deliverDue());
    }

    @Test
    void dryRunWritesReportsAndMessagesAndRecordsNothing() throws Exception {
        String url = "jdbc:sqlite:" + tmp.resolve("d.db");
        DataSource ds = StoreDataSource.open(url, null, null);
        try (JdbcEvaluationLog log = JdbcEvaluationLog.open(ds)) {
            replay(log);
        }
        Path out = tmp.resolve("out");
        MutableClock clock = new MutableClock(Instant.parse("2026-11-21T00:10:00Z"));
        try (ReceiverReporting r = ReceiverReporting.dryRun(ReportingConfig.of("Receiver Example", USER), url,
                Optional.empty(), dns(), clock, out)) {
            assertEquals(3, r.sender().generate(DAY).size());
            assertEquals(4, r.sender().deliverDue().size());
        }
        try (Stream<Path> files = Files.list(out)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(3, names.stream().filter(n -> n.endsWith(".xml.gz")).count(), names::toString);
            assertEquals(4, names.stream().filter(n -> n.endsWith(".eml")).count(), names::toString);
            long begin = DAY.atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond();
            assertTrue(names.contains("receiver.example!example.com!" + begin + "!" + (begin + 86_399) + "!"
                    + names.stream().filter(n -> n.startsWith("receiver.example!example.com!")).findFirst().get()
                            .split("!")[4]), names::toString);
        }
        try (JdbcDeliveryQueue q = JdbcDeliveryQueue.open(ds)) {
            assertEquals(List.of(), q.forDay(DAY));
            assertFalse(q.hasRun(dev.aligned.dns.DomainName.of("example.com"), DAY), "a dry run records nothing");
        }
    }
}
