package dev.aligned.server.milter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dkim.DkimKeys;
import dev.aligned.dkim.DkimSigner;
import dev.aligned.dns.DomainName;
import dev.aligned.dns.FixtureResolver;
import dev.aligned.dns.ZoneData;
import dev.aligned.mail.RawMessage;
import dev.aligned.server.milter.testing.PostfixServer;
import dev.aligned.server.reporting.EvaluationLog;
import dev.aligned.server.reporting.InMemoryEvaluationLog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The milter behind a real Postfix (a private instance on loopback, {@code smtpd_milters}), with swaks sending
 * mail: Postfix must deliver the Authentication-Results header, refuse with the milter's 550, and hold a
 * quarantined message.
 */
class PostfixMilterTest {
    private static final InMemoryEvaluationLog EVALUATIONS = new InMemoryEvaluationLog();
    private static MilterServer milter;
    private static PostfixServer postfix;
    private static PrivateKey demoKey;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        Optional<String> why = PostfixServer.available();
        if (why.isPresent() && System.getenv("CI") != null) {
            throw new AssertionError(why.get() + " (CI is set, so this is a failure, not a skip)");
        }
        Assumptions.assumeTrue(why.isEmpty(), why.orElse(""));
        FixtureResolver dns = ZoneData.parse(resource("example.com.yml"), "example.com.yml");
        demoKey = DkimKeys.readPrivateKey(resource("s2026._domainkey.example.com.pem")).orElseThrow();
        MilterConfig cfg = MilterConfig.defaults().withListen("inet:127.0.0.1:0").withAuthservId("mx.test")
                .withMode(MilterConfig.Mode.REJECT).withTrustedNetworks(List.of());
        milter = MilterServer.builder(dns, cfg).evaluationLog(EVALUATIONS).build().start();
        postfix = PostfixServer.start(Optional.of("inet:127.0.0.1:" + milter.port()), List.of());
    }

    @AfterAll
    static void stop() throws IOException {
        if (postfix != null) {
            postfix.close();
        }
        if (milter != null) {
            milter.close();
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = PostfixMilterTest.class.getResourceAsStream("/milter/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private Path file(String text) throws IOException {
        Path f = Files.createTempFile(tmp, "msg", ".eml");
        Files.writeString(f, text, StandardCharsets.ISO_8859_1);
        return f;
    }

    private static String message(String from, String subject, String extraHeaders) {
        return extraHeaders + "From: " + from + "\r\nTo: bob@example.net\r\nSubject: " + subject
                + "\r\nDate: Sat, 28 Nov 2026 08:00:00 +0000\r\nMessage-ID: <" + Math.abs(subject.hashCode())
                + "@example.com>\r\n\r\nHello Bob,\r\n\r\nsee you.\r\n";
    }

    private static String signed(String text) {
        byte[] m = text.getBytes(StandardCharsets.ISO_8859_1);
        DkimSigner signer = DkimSigner.builder("example.com", "s2026", demoKey).build();
        return switch (signer.sign(RawMessage.parse(m))) {
            case DkimSigner.Signed s -> new String(s.prependTo(m), StandardCharsets.ISO_8859_1);
            case DkimSigner.Refused r -> throw new IllegalStateException(r.reason());
        };
    }

    private static String find(String subject) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (Path p : postfix.delivered()) {
                String m = Files.readString(p, StandardCharsets.ISO_8859_1);
                if (m.contains("\nSubject: " + subject + "\n")) {
                    return m;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("'" + subject + "' not delivered; Postfix log:\n" + postfix.log());
    }

    @Test
    void signedMessageIsDeliveredWithDmarcPassInAuthenticationResults() throws Exception {
        PostfixServer.Swaks s = postfix.swaks("--from", "alice@example.com", "--to", "bob@example.net",
                "--data", file(signed(message("Alice <alice@example.com>", "Signed pass", ""))).toString());
        assertEquals(0, s.exit(), s.output());
        assertTrue(s.finalReply().startsWith("250 2.0.0 Ok: queued as"), s.finalReply());
        String m = find("Signed pass");
        int ar = m.indexOf("Authentication-Results: mx.test;\n\tspf=fail (127.0.0.1 is not authorised by "
                + "example.com)");
        assertTrue(ar >= 0, m);
        assertTrue(m.contains("\tdkim=pass (signature verified) header.d=example.com header.s=s2026 "
                + "header.a=ed25519-sha256;\n"), m);
        assertTrue(m.contains("\tdmarc=pass (p=reject dis=none) header.from=example.com policy.dmarc=reject\n"), m);
        assertTrue(ar < m.indexOf("Received: from "), "added above Postfix's Received field:\n" + m);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertTrue(EVALUATIONS.policyDomains(today).contains(DomainName.of("example.com")));
    }

    @Test
    void spoofedFromUnderPRejectGets550AndIsNotDelivered() throws Exception {
        int before = postfix.delivered().size();
        PostfixServer.Swaks s = postfix.swaks("--from", "x@attacker.test", "--to", "bob@example.net",
                "--data", file(message("CEO <ceo@example.com>", "Spoofed", "")).toString());
        assertEquals("550 5.7.1 Message rejected: it fails DMARC for example.com and the policy of example.com is "
                + "p=reject", s.finalReply(), s.output());
        assertTrue(s.exit() != 0);
        Thread.sleep(500);
        for (Path p : postfix.delivered().subList(before, postfix.delivered().size())) {
            assertFalse(Files.readString(p).contains("Subject: Spoofed"), "delivered anyway: " + p);
        }
    }

    @Test
    void quarantinePolicyPutsTheMessageInPostfixHoldQueue() throws Exception {
        int held = postfix.held().size();
        PostfixServer.Swaks s = postfix.swaks("--from", "news@example.org", "--to", "bob@example.net",
                "--data", file(message("Shop <news@example.org>", "Quarantined", "")).toString());
        assertEquals(0, s.exit(), s.output());
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (postfix.held().size() == held && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(held + 1, postfix.held().size(), postfix.log());
        assertTrue(postfix.log().contains("milter-hold: END-OF-MESSAGE from localhost[127.0.0.1]: milter triggers "
                + "HOLD action; from=<news@example.org>"), postfix.log());
        Path queued = postfix.held().getLast();
        String q = new String(Files.readAllBytes(queued), StandardCharsets.ISO_8859_1);
        assertTrue(q.contains("dmarc=fail (p=quarantine dis=quarantine) header.from=example.org"), "held with its "
                + "Authentication-Results");
    }

    @Test
    void forgedResultsForThisHostAreRemovedAndOthersKept() throws Exception {
        String forged = "Authentication-Results: mx.test; dmarc=pass header.from=example.com\r\n"
                + "Authentication-Results: elsewhere.example; spf=pass smtp.mailfrom=example.com\r\n";
        PostfixServer.Swaks s = postfix.swaks("--from", "alice@example.com", "--to", "bob@example.net",
                "--data", file(signed(message("Alice <alice@example.com>", "Forged", forged))).toString());
        assertEquals(0, s.exit(), s.output());
        String m = find("Forged");
        assertFalse(m.contains("mx.test; dmarc=pass header.from"), m);
        assertTrue(m.contains("Authentication-Results: elsewhere.example; spf=pass"), m);
        assertEquals(1, m.split("Authentication-Results: mx.test;", -1).length - 1, m);
    }

    @Test
    void manyMessagesOnOneSmtpSessionEachGetTheirOwnResult() throws Exception {
        List<String> args = new ArrayList<>(List.of("--from", "alice@example.com", "--to", "bob@example.net",
                "--data", file(signed(message("Alice <alice@example.com>", "Pipelined", ""))).toString()));
        for (int i = 0; i < 5; i++) {
            PostfixServer.Swaks s = postfix.swaks(args.toArray(String[]::new));
            assertEquals(0, s.exit(), s.output());
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int n = 0;
        while (System.nanoTime() < deadline) {
            n = 0;
            for (Path p : postfix.delivered()) {
                String m = Files.readString(p, StandardCharsets.ISO_8859_1);
                if (m.contains("Subject: Pipelined") && m.contains("dmarc=pass")) {
                    n++;
                }
            }
            if (n == 5) {
                break;
            }
            Thread.sleep(50);
        }
        assertEquals(5, n, postfix.log());
    }
}
