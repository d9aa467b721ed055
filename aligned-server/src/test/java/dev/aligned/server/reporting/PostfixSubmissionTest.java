package dev.aligned.server.reporting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.FixtureResolver;
import dev.aligned.server.ingest.Secret;
import dev.aligned.server.milter.testing.PostfixServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Submission with STARTTLS and AUTH against a real MTA: a private Postfix (the milter tests' harness) that demands
 * TLS ({@code smtpd_tls_security_level = encrypt}), offers AUTH only over TLS and accepts mail only from
 * authenticated clients, with Dovecot's auth service as its SASL back end (Debian packages postfix, dovecot-core,
 * openssl). Skipped with the reason when they are missing, failed when CI is set.
 */
class PostfixSubmissionTest {
    static final String USER = "dmarc-reports@receiver.example";
    static final String PASSWORD = "submission-pw-42";

    static Path dir;
    static Process dovecot;
    static PostfixServer postfix;

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Optional<String> why = PostfixServer.available();
        if (why.isEmpty() && !Files.isExecutable(Path.of("/usr/sbin/dovecot"))) {
            why = Optional.of("Dovecot is not installed (its auth service is Postfix's SASL back end here): "
                    + "apt-get install dovecot-core");
        }
        if (why.isPresent() && System.getenv("CI") != null) {
            throw new AssertionError(why.get() + " (CI is set, so this is a failure, not a skip)");
        }
        Assumptions.assumeTrue(why.isEmpty(), why.orElse(""));
        dir = Files.createTempDirectory("aligned-submission-");
        run("chmod", "755", dir.toString());
        for (String d : List.of("run", "state", "home")) {
            Files.createDirectories(dir.resolve(d));
        }
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "2",
                "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString());
        run("chmod", "644", dir.resolve("key.pem").toString(), dir.resolve("cert.pem").toString());
        Files.writeString(dir.resolve("passwd"), USER + ":{PLAIN}" + PASSWORD + "\n");
        int authPort = freePort();
        String d = dir.toString();
        Files.writeString(dir.resolve("dovecot.conf"), String.join("\n",
                "base_dir = " + d + "/run", "state_dir = " + d + "/state", "log_path = " + d + "/dovecot.log",
                "protocols = none", "listen = 127.0.0.1", "ssl = no", "disable_plaintext_auth = no",
                "auth_mechanisms = plain login",
                "passdb {", "  driver = passwd-file", "  args = scheme=PLAIN username_format=%u " + d + "/passwd", "}",
                "userdb {", "  driver = static", "  args = uid=65534 gid=65534 home=" + d + "/home/%u", "}",
                "service auth {", "  inet_listener {", "    address = 127.0.0.1", "    port = " + authPort, "  }", "}",
                "service stats {", "  unix_listener stats-reader {", "    mode = 0666", "  }",
                "  unix_listener stats-writer {", "    mode = 0666", "  }", "}", ""));
        dovecot = new ProcessBuilder("/usr/sbin/dovecot", "-F", "-c", d + "/dovecot.conf").redirectErrorStream(true)
                .redirectOutput(dir.resolve("dovecot.out").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), authPort)) {
                break;
            } catch (IOException e) {
                if (!dovecot.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("Dovecot auth did not start: " + Files.readString(dir.resolve("dovecot.out")));
                }
                Thread.sleep(100);
            }
        }
        postfix = PostfixServer.start(Optional.empty(), List.of(
                "mynetworks = 192.0.2.1/32",
                "smtpd_tls_security_level = encrypt",
                "smtpd_tls_cert_file = " + d + "/cert.pem",
                "smtpd_tls_key_file = " + d + "/key.pem",
                "smtpd_tls_auth_only = yes",
                "smtpd_sasl_auth_enable = yes",
                "smtpd_sasl_type = dovecot",
                "smtpd_sasl_path = inet:127.0.0.1:" + authPort,
                "smtpd_relay_restrictions = permit_sasl_authenticated, reject",
                "smtpd_recipient_restrictions = permit_sasl_authenticated, reject"));
        // the harness's master.cf has no tlsmgr (its tests use no TLS): without it smtpd has no entropy for TLS
        Files.writeString(postfix.configDirectory().resolve("master.cf"), "tlsmgr unix - - n 1000? 1 tlsmgr\n",
                java.nio.file.StandardOpenOption.APPEND);
        run("/usr/sbin/postfix", "-c", postfix.configDirectory().toString(), "reload");
        Thread.sleep(1000);
    }

    @AfterAll
    static void stop() throws Exception {
        if (postfix != null) {
            postfix.close();
        }
        if (dovecot != null) {
            dovecot.destroy();
            if (!dovecot.waitFor(20, TimeUnit.SECONDS)) {
                dovecot.destroyForcibly();
            }
        }
        if (dir != null) {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path p, IOException exc) throws IOException {
                    Files.deleteIfExists(p);
                    return FileVisitResult.CONTINUE;
                }
            });
        }
    }

    static SmtpSettings settings(String password) {
        return new SmtpSettings("127.0.0.1", postfix.port(), SmtpSecurity.STARTTLS, Optional.of(USER),
                Optional.of(Secret.of(password)), Duration.ofSeconds(20), List.of("127.0.0.1"));
    }

    @Test
    void reportsGoThroughStarttlsAndAuthToARealMta() throws Exception {
        InMemoryEvaluationLog log = new InMemoryEvaluationLog();
        for (Evaluation e : Evaluations.stream(13, 200, Evaluations.START)) {
            if (e.policyDomain().name().equals("example.com")) {
                log.record(new Evaluation(e.received(), e.sourceIp(), e.headerFrom(), e.envelopeFrom(),
                        e.envelopeTo(), e.policyDomain(), Evaluations.record(
                                "v=DMARC1; p=reject; rua=mailto:dmarc@example.net"), e.mode(), e.disposition(),
                        e.overrides(), e.dmarc(), e.dkimAligned(), e.spfAligned(), e.dkim(), e.spf()));
            }
        }
        FixtureResolver dns = FixtureResolver.builder()
                .add("example.com._report._dmarc.example.net", DnsRecord.Txt.of("v=DMARC1")).build();
        ReportingConfig cfg = ReportingConfig.of("Receiver Example", USER).withSmtp(settings(PASSWORD));
        ReportSender sender = ReportSender.builder(cfg, log, new InMemoryDeliveryQueue(),
                new SmtpTransport(cfg.smtp().get())).dns(dns)
                .clock(Clock.fixed(Instant.parse("2026-11-21T00:10:00Z"), ZoneOffset.UTC)).build();
        sender.generate(LocalDate.of(2026, 11, 20));
        List<Delivery> d = sender.deliverDue();
        assertEquals(1, d.size());
        assertEquals(Delivery.State.SENT, d.get(0).state(), d.get(0).detail() + "\n" + postfix.log());
        assertTrue(d.get(0).detail().startsWith("250"), d.get(0).detail());
        List<Path> got = postfix.awaitDelivered(1, Duration.ofSeconds(30));
        String msg = Files.readString(got.get(0), StandardCharsets.ISO_8859_1);
        assertTrue(msg.contains("Subject: Report Domain: example.com Submitter: receiver.example Report-ID:"), msg);
        // Postfix writes ESMTPSA for a session that was TLS-protected (S) and authenticated (A)
        assertTrue(msg.contains(" with ESMTPSA id "), msg);
        assertTrue(msg.contains("Content-Type: application/gzip; name=\"receiver.example!example.com!"), msg);
    }

    @Test
    void aWrongPasswordIsRefusedAndRetriedLaterNeverShown() {
        SmtpTransport t = new SmtpTransport(settings("not-the-password"));
        MailTransport.SendException e = assertThrows(MailTransport.SendException.class, () -> t.send(USER,
                "dmarc@example.net", "x@receiver.example", "Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(e.permanent());
        assertTrue(e.getMessage().startsWith("SMTP AUTH as " + USER + " at 127.0.0.1:"),
                () -> e.getMessage() + "\n" + postfix.log());
        assertFalse(e.getMessage().contains("not-the-password"), e.getMessage());
    }

    @Test
    void withoutCredentialsTheMtaRefusesTheRecipient() {
        SmtpTransport t = new SmtpTransport(new SmtpSettings("127.0.0.1", postfix.port(), SmtpSecurity.STARTTLS,
                Optional.empty(), Optional.empty(), Duration.ofSeconds(20), List.of("127.0.0.1")));
        MailTransport.SendException e = assertThrows(MailTransport.SendException.class, () -> t.send(USER,
                "dmarc@example.net", "y@receiver.example", "Subject: y\r\n\r\ny\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(e.permanent(), e.getMessage());
        assertTrue(e.getMessage().contains("554") || e.getMessage().contains("Relay access denied")
                || e.getMessage().contains("5.7.1"), e.getMessage());
    }
}
