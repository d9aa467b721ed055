package dev.aligned.server.milter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dmarc.Disposition;
import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DomainName;
import dev.aligned.report.PolicyOverride;
import dev.aligned.server.reporting.Evaluation;
import dev.aligned.server.reporting.EvaluationLog;
import dev.aligned.server.reporting.FailureDecision;
import dev.aligned.server.reporting.FailureReporter;
import dev.aligned.server.reporting.FailureSample;
import java.time.LocalDate;
import java.util.function.Consumer;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.FixtureResolver;
import dev.aligned.server.milter.MilterClient.Packet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The milter over a socket, driven by a test MTA that speaks the wire format. */
class MilterServerTest {
    private final List<Evaluation> recorded = Collections.synchronizedList(new ArrayList<>());
    private final List<FailureSample> failureSamples = Collections.synchronizedList(new ArrayList<>());
    /** Keeps what the milter records; the reporting side is tested in its own package. */
    private final EvaluationLog log = new EvaluationLog() {
        @Override
        public void record(Evaluation e) {
            recorded.add(e);
        }

        @Override
        public List<DomainName> policyDomains(LocalDate day) {
            throw new UnsupportedOperationException("not used by the milter");
        }

        @Override
        public void tallies(DomainName domain, LocalDate day, Consumer<Tally> sink) {
            throw new UnsupportedOperationException("not used by the milter");
        }

        @Override
        public int deleteBefore(LocalDate day) {
            throw new UnsupportedOperationException("not used by the milter");
        }
    };
    private final FailureReporter failures = (e, s) -> {
        failureSamples.add(s);
        return new FailureDecision.NotDue("test");
    };
    private final List<String> logged = Collections.synchronizedList(new ArrayList<>());
    private MilterServer server;

    private static MilterConfig config() {
        return MilterConfig.defaults().withListen("inet:127.0.0.1:0").withAuthservId("mx.test")
                .withTrustedNetworks(List.of());
    }

    private MilterClient start(MilterConfig cfg, DnsResolver dns) throws IOException {
        server = MilterServer.builder(dns, cfg).evaluationLog(log).failureReporter(failures).log(logged::add).build().start();
        return client();
    }

    private MilterClient client() throws IOException {
        MilterClient c = new MilterClient(server.port());
        Packet neg = c.optneg(6, MilterClient.ALL_ACTIONS, MilterClient.ALL_PROTOCOL);
        assertEquals('O', neg.command());
        return c;
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private static void session(MilterClient c, String ip) throws IOException {
        c.macro('C', "j", "mx.test", "{daemon_name}", "smtpd");
        assertEquals('c', c.connect("client.example", ip).command());
        assertEquals('c', c.helo("client.example").command());
    }

    private static String inserted(List<Packet> replies, String name) {
        for (Packet p : replies) {
            if (p.command() == 'i' && p.strings(4).get(0).equals(name)) {
                return p.strings(4).get(1);
            }
        }
        return null;
    }

    @Test
    void negotiationAsksForHeaderChangesAndQuarantineAndSkipsRecipients() throws IOException {
        server = MilterServer.builder(MilterFixtures.dns().build(), config()).build().start();
        try (MilterClient c = new MilterClient(server.port())) {
            Packet p = c.optneg(6, MilterClient.ALL_ACTIONS, MilterClient.ALL_PROTOCOL);
            assertEquals('O', p.command());
            assertEquals(6, p.int32(0));
            assertEquals(0x01 | 0x10 | 0x20, p.int32(4), "add/insert headers, change headers, quarantine");
            assertEquals(0x100 | 0x200 | 0x100000, p.int32(8) & 0x100300, "no unknown commands, no DATA, leading space");
            assertEquals(0x80 | 0x2000 | 0x4000 | 0x8000 | 0x10000 | 0x20000 | 0x40000 | 0x80000, p.int32(8) & 0xff080,
                    "no replies to HELO, MAIL, RCPT, DATA, unknown, headers, end of headers, body");
            assertEquals(0, p.int32(8) & 0x1000, "CONNECT is answered: trusted clients are accepted there");
        }
    }

    @Test
    void negotiationNeverClaimsWhatTheMtaDidNotOffer() throws IOException {
        server = MilterServer.builder(MilterFixtures.dns().build(), config()).build().start();
        try (MilterClient c = new MilterClient(server.port())) {
            Packet p = c.optneg(2, 0x01, 0x100);
            assertEquals(2, p.int32(0));
            assertEquals(0x01, p.int32(4));
            assertEquals(0x100, p.int32(8));
        }
    }

    @Test
    void signedAlignedMessagePassesAndGetsAuthenticationResultsAtTheTop() throws IOException {
        try (MilterClient c = start(config().withMode(MilterConfig.Mode.REJECT), MilterFixtures.dns().build())) {
            session(c, MilterFixtures.SENDER_IP);
            c.macro('M', "i", "4ABCD", "{mail_addr}", "alice@example.com");
            List<Packet> r = c.message("alice@example.com", MilterFixtures.signed("Pass", "Hello\r\n"), 65536);
            assertEquals('a', r.getLast().command(), r.toString());
            String ar = inserted(r, "Authentication-Results");
            assertTrue(ar.startsWith(" mx.test;\n\tspf=pass"), ar);
            assertTrue(ar.contains("dkim=pass (signature verified) header.d=example.com"), ar);
            assertTrue(ar.contains("dmarc=pass (p=reject dis=none) header.from=example.com"), ar);
            assertFalse(ar.contains("\r"), "Postfix wants LF line breaks inside header values");
            Packet insert = r.stream().filter(p -> p.command() == 'i').findFirst().orElseThrow();
            assertEquals(0, insert.int32(0), "inserted at the top");
            assertEquals(1, recorded.size());
            Evaluation e = recorded.getFirst();
            assertEquals(Disposition.NONE, e.disposition());
            assertEquals("192.0.2.25", e.sourceIp());
            assertEquals("example.net", e.envelopeTo().orElseThrow().toString());
            assertEquals("example.com", e.envelopeFrom().orElseThrow().toString());
            assertTrue(e.dkimAligned() && e.spfAligned());
            assertTrue(failureSamples.isEmpty(), "a pass is no failure sample");
        }
    }

    @Test
    void spoofedFromUnderPRejectIsRefusedWith550NamingPolicyAndDomain() throws IOException {
        try (MilterClient c = start(config().withMode(MilterConfig.Mode.REJECT), MilterFixtures.dns().build())) {
            session(c, MilterFixtures.STRANGER_IP);
            List<Packet> r = c.message("x@attacker.test",
                    MilterFixtures.unsigned("CEO <ceo@example.com>", "Wire transfer", "Pay now\r\n"), 65536);
            Packet last = r.getLast();
            assertEquals('y', last.command(), r.toString());
            assertEquals("550 5.7.1 Message rejected: it fails DMARC for example.com and the policy of example.com "
                    + "is p=reject", last.strings(0).get(0));
            assertEquals(Disposition.REJECT, recorded.getFirst().disposition());
            assertTrue(recorded.getFirst().overrides().isEmpty());
            FailureSample sample = failureSamples.getFirst();
            assertEquals("<x@attacker.test>", sample.mailFrom());
            assertTrue(new String(sample.headers(), StandardCharsets.ISO_8859_1).startsWith(
                    "From: CEO <ceo@example.com>\r\nTo: bob@example.net\r\n"));
        }
    }

    @Test
    void monitorModeDeliversAFailingMessageWithItsResults() throws IOException {
        try (MilterClient c = start(config(), MilterFixtures.dns().build())) {
            session(c, MilterFixtures.STRANGER_IP);
            List<Packet> r = c.message("x@attacker.test",
                    MilterFixtures.unsigned("CEO <ceo@example.com>", "Wire transfer", "Pay now\r\n"), 65536);
            assertEquals('a', r.getLast().command());
            assertTrue(inserted(r, "Authentication-Results").contains("dmarc=fail (p=reject dis=reject)"), r.toString());
            assertTrue(r.stream().noneMatch(p -> p.command() == 'q'));
            Evaluation e = recorded.getFirst();
            assertEquals(Disposition.NONE, e.disposition(), "recorded as applied: nothing");
            assertEquals(PolicyOverride.LOCAL_POLICY, e.overrides().getFirst().type().orElseThrow());
            assertEquals("monitor mode", e.overrides().getFirst().comment().orElseThrow());
        }
    }

    @Test
    void quarantinePolicyUsesTheMilterQuarantineAction() throws IOException {
        try (MilterClient c = start(config().withMode(MilterConfig.Mode.REJECT), MilterFixtures.dns().build())) {
            session(c, MilterFixtures.STRANGER_IP);
            List<Packet> r = c.message("x@attacker.test",
                    MilterFixtures.unsigned("Shop <news@example.org>", "Sale", "Buy\r\n"), 65536);
            Packet q = r.stream().filter(p -> p.command() == 'q').findFirst().orElseThrow(() -> new AssertionError(r));
            assertEquals("DMARC fail for example.org, policy of example.org is quarantine", q.strings(0).get(0));
            assertEquals('a', r.getLast().command());
        }
    }

    @Test
    void quarantineModeQuarantinesPRejectInsteadOfRejecting() throws IOException {
        MilterConfig cfg = config().withMode(MilterConfig.Mode.QUARANTINE)
                .withQuarantineStyle(MilterConfig.QuarantineStyle.HEADER);
        try (MilterClient c = start(cfg, MilterFixtures.dns().build())) {
            session(c, MilterFixtures.STRANGER_IP);
            List<Packet> r = c.message("x@attacker.test",
                    MilterFixtures.unsigned("CEO <ceo@example.com>", "Wire transfer", "Pay now\r\n"), 65536);
            assertEquals('a', r.getLast().command());
            assertEquals(" dmarc=fail policy=reject header.from=example.com", inserted(r, "X-Aligned-Quarantine"));
            assertEquals(Disposition.QUARANTINE, recorded.getFirst().disposition());
            assertEquals("quarantine mode: reject applied as quarantine",
                    recorded.getFirst().overrides().getFirst().comment().orElseThrow());
        }
    }

    @Test
    void forgedResultsClaimingThisHostAreDeletedHighestIndexFirst() throws IOException {
        try (MilterClient c = start(config(), MilterFixtures.dns().build())) {
            session(c, MilterFixtures.SENDER_IP);
            String msg = "Authentication-Results: mx.test; dmarc=pass header.from=example.com\r\n"
                    + "Authentication-Results: other.example; spf=pass\r\n"
                    + "Authentication-Results: (comment) MX.TEST;\r\n dkim=pass\r\n"
                    + new String(MilterFixtures.signed("Forged", "x\r\n"), StandardCharsets.ISO_8859_1);
            List<Packet> r = c.message("alice@example.com", msg.getBytes(StandardCharsets.ISO_8859_1), 65536);
            List<Packet> deletes = r.stream().filter(p -> p.command() == 'm').toList();
            assertEquals(2, deletes.size(), r.toString());
            assertEquals(3, deletes.get(0).int32(0));
            assertEquals(1, deletes.get(1).int32(0));
            assertEquals(List.of("Authentication-Results", ""), deletes.get(0).strings(4));
            assertTrue(inserted(r, "Authentication-Results").contains("dmarc=pass"), "the real result still goes in");
        }
    }

    @Test
    void trustedNetworkIsAcceptedAtConnect() throws IOException {
        MilterConfig cfg = config().withTrustedNetworks(List.of("10.0.0.0/8", "198.51.100.0/24"));
        try (MilterClient c = start(cfg, MilterFixtures.dns().build())) {
            assertEquals('a', c.connect("relay", MilterFixtures.STRANGER_IP).command());
        }
    }

    @Test
    void authenticatedSenderIsNeitherEvaluatedNorEnforcedButForgedResultsGo() throws IOException {
        FixtureResolver dns = MilterFixtures.dns().build();
        try (MilterClient c = start(config().withMode(MilterConfig.Mode.REJECT), dns)) {
            session(c, MilterFixtures.STRANGER_IP);
            c.macro('M', "{auth_authen}", "ceo", "{auth_type}", "PLAIN");
            String msg = "Authentication-Results: mx.test; dmarc=pass\r\n" + new String(
                    MilterFixtures.unsigned("CEO <ceo@example.com>", "Out", "x\r\n"), StandardCharsets.ISO_8859_1);
            dns.clearQueries();
            List<Packet> r = c.message("ceo@example.com", msg.getBytes(StandardCharsets.ISO_8859_1), 65536);
            assertEquals('a', r.getLast().command());
            assertEquals(1, r.stream().filter(p -> p.command() == 'm').count());
            assertNull(inserted(r, "Authentication-Results"));
            assertTrue(dns.queries().isEmpty(), "no DNS for authenticated mail: " + dns.queries());
            assertTrue(recorded.isEmpty());
        }
    }

    private static DnsResolver slow(FixtureResolver fixture, Duration delay) {
        return (name, type) -> {
            if (name.toString().startsWith("_dmarc")) {
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new DnsAnswer.TempFailure(name, type, "interrupted");
                }
            }
            return fixture.lookup(name, type);
        };
    }

    @Test
    void slowDnsFailsOpenWithTemperrorWithinTheDeadline() throws IOException {
        MilterConfig cfg = config().withMode(MilterConfig.Mode.REJECT).withTimeout(Duration.ofMillis(300));
        try (MilterClient c = start(cfg, slow(MilterFixtures.dns().build(), Duration.ofSeconds(30)))) {
            session(c, MilterFixtures.STRANGER_IP);
            long t0 = System.nanoTime();
            List<Packet> r = c.message("x@attacker.test",
                    MilterFixtures.unsigned("CEO <ceo@example.com>", "Slow", "x\r\n"), 65536);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 3000, "answered after " + ms + " ms");
            assertEquals('a', r.getLast().command());
            assertEquals(" mx.test; dmarc=temperror (evaluation did not finish within 300 ms)",
                    inserted(r, "Authentication-Results"));
        }
    }

    @Test
    void slowDnsTempfailsWhenConfiguredTo() throws IOException {
        MilterConfig cfg = config().withTimeout(Duration.ofMillis(200)).withFailMode(MilterConfig.FailMode.TEMPFAIL);
        try (MilterClient c = start(cfg, slow(MilterFixtures.dns().build(), Duration.ofSeconds(30)))) {
            session(c, MilterFixtures.STRANGER_IP);
            List<Packet> r = c.message("x@attacker.test",
                    MilterFixtures.unsigned("CEO <ceo@example.com>", "Slow", "x\r\n"), 65536);
            assertEquals(1, r.size(), r.toString());
            assertEquals("451 4.7.0 DMARC check not completed (evaluation did not finish within 200 ms); try again "
                    + "later", r.getFirst().strings(0).get(0));
        }
    }

    @Test
    void bodyInSmallChunksSpilledToDiskStillVerifies() throws IOException {
        MilterConfig cfg = config().withLimits(1 << 20, 1024);
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            body.append("line ").append(i).append(" of a long body that goes to a temporary file\r\n");
        }
        try (MilterClient c = start(cfg, MilterFixtures.dns().build())) {
            session(c, MilterFixtures.SENDER_IP);
            List<Packet> r = c.message("alice@example.com", MilterFixtures.signed("Big", body.toString()), 777);
            assertTrue(inserted(r, "Authentication-Results").contains("dkim=pass"), r.toString());
        }
    }

    private static long spillFiles() throws IOException {
        try (var s = java.nio.file.Files.list(java.nio.file.Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("aligned-milter-")).count();
        }
    }

    @Test
    void spilledBodiesAreDeletedAfterTheMessageAndWhenTheMtaDropsTheConnection() throws Exception {
        MilterConfig cfg = config().withLimits(1 << 20, 1024);
        long before = spillFiles();
        try (MilterClient c = start(cfg, MilterFixtures.dns().build())) {
            session(c, MilterFixtures.SENDER_IP);
            c.message("alice@example.com", MilterFixtures.signed("Spill", "z".repeat(4000) + "\r\n"), 1000);
            assertEquals(before, spillFiles(), "deleted after end-of-message");
        }
        MilterClient c = client();
        session(c, MilterFixtures.SENDER_IP);
        c.mail("<alice@example.com>");
        c.header("From", " alice@example.com");
        c.body(new byte[3000]); // not answered (no-reply flag): wait until the server has written it
        long until = System.nanoTime() + 5_000_000_000L;
        while (spillFiles() == before && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertEquals(before + 1, spillFiles(), "the body went to a temporary file");
        c.close(); // the MTA goes away mid-message
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (spillFiles() > before && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(before, spillFiles(), "deleted when the connection ended");
    }

    @Test
    void messageOverTheSizeLimitIsPassedWithResultNone() throws IOException {
        MilterConfig cfg = config().withLimits(2048, 1024);
        try (MilterClient c = start(cfg, MilterFixtures.dns().build())) {
            session(c, MilterFixtures.SENDER_IP);
            List<Packet> r = c.message("alice@example.com", MilterFixtures.signed("Huge", "y".repeat(5000)), 1000);
            assertEquals('a', r.getLast().command());
            assertEquals(" mx.test; none (message larger than 2048 bytes: not evaluated)",
                    inserted(r, "Authentication-Results"));
        }
    }

    @Test
    void abortMidMessageForgetsItAndTheNextMessageIsJudgedAlone() throws IOException {
        try (MilterClient c = start(config().withMode(MilterConfig.Mode.REJECT), MilterFixtures.dns().build())) {
            session(c, MilterFixtures.SENDER_IP);
            c.mail("<x@attacker.test>");
            c.header("From", " CEO <ceo@example.com>");
            c.body("half a body".getBytes(StandardCharsets.US_ASCII));
            c.abort();
            List<Packet> r = c.message("alice@example.com", MilterFixtures.signed("After abort", "ok\r\n"), 65536);
            assertEquals('a', r.getLast().command(), r.toString());
            assertTrue(inserted(r, "Authentication-Results").contains("dmarc=pass"), r.toString());
        }
    }

    @Test
    void severalMessagesOnOneConnectionAndQuitNewConnection() throws IOException {
        try (MilterClient c = start(config(), MilterFixtures.dns().build())) {
            session(c, MilterFixtures.SENDER_IP);
            for (int i = 0; i < 3; i++) {
                List<Packet> r = c.message("alice@example.com", MilterFixtures.signed("n" + i, "x\r\n"), 65536);
                assertTrue(inserted(r, "Authentication-Results").contains("dmarc=pass"));
            }
            c.send('K', new byte[0]);
            session(c, MilterFixtures.STRANGER_IP);
            List<Packet> r = c.message("x@attacker.test",
                    MilterFixtures.unsigned("CEO <ceo@example.com>", "After K", "x\r\n"), 65536);
            assertTrue(inserted(r, "Authentication-Results").contains("smtp.mailfrom=x@attacker.test"), r.toString());
            assertEquals(4, recorded.size());
        }
    }

    @Test
    void headerValuesWithoutLeadingSpaceGetOneWhenTheMtaStripsIt() throws IOException {
        server = MilterServer.builder(MilterFixtures.dns().build(), config()).evaluationLog(log).failureReporter(failures).build().start();
        try (MilterClient c = new MilterClient(server.port())) {
            c.optneg(6, MilterClient.ALL_ACTIONS, 0x08); // no SMFIP_HDR_LEADSPC: values arrive without it
            session(c, MilterFixtures.SENDER_IP);
            c.mail("<alice@example.com>");
            String text = new String(MilterFixtures.signed("No lead", "x\r\n"), StandardCharsets.ISO_8859_1);
            String head = text.substring(0, text.indexOf("\r\n\r\n") + 2);
            for (String f : head.split("\r\n(?![ \t])")) {
                int colon = f.indexOf(':');
                c.header(f.substring(0, colon), f.substring(colon + 1).replaceFirst("^ ", "").replace("\r\n", "\n"));
            }
            c.eoh();
            c.body("x\r\n".getBytes(StandardCharsets.US_ASCII));
            List<Packet> r = c.eom();
            String ar = inserted(r, "Authentication-Results");
            assertTrue(ar.startsWith("mx.test;"), "no leading space added when the MTA adds one: " + ar);
            assertTrue(ar.contains("dkim=pass"), ar);
        }
    }

    @Test
    void unknownCommandIsAnsweredContinue() throws IOException {
        try (MilterClient c = start(config(), MilterFixtures.dns().build())) {
            c.send('Z', new byte[] {1, 2, 3});
            assertEquals('c', c.read().command());
            assertTrue(logged.stream().anyMatch(l -> l.contains("unknown command 'Z' (3 octets)")), logged.toString());
        }
    }

    @Test
    void oversizedOrEmptyPacketsCloseThatConnectionOnly() throws IOException {
        try (MilterClient c = start(config(), MilterFixtures.dns().build())) {
            c.sendRaw(new byte[] {0x7f, 0, 0, 0, 'B'});
            assertNull(c.read(), "connection closed");
        }
        try (MilterClient c = client()) {
            c.sendRaw(new byte[] {0, 0, 0, 0});
            assertNull(c.read(), "connection closed");
        }
        try (MilterClient c = client()) {
            c.send('O', new byte[] {0, 0, 0, 6}); // negotiation too short
            assertNull(c.read());
        }
        try (MilterClient c = client()) {
            c.sendRaw(new byte[] {0, 0, 0, 9, 'L', 'F', 'r'}); // the stream ends inside a packet
        }
        try (MilterClient c = client()) {
            session(c, MilterFixtures.SENDER_IP);
            List<Packet> r = c.message("alice@example.com", MilterFixtures.signed("Still up", "x\r\n"), 65536);
            assertEquals('a', r.getLast().command(), "the server still serves new connections");
        }
        assertTrue(logged.stream().anyMatch(l -> l.contains("packet length 2130706432 is outside 1..1048576")),
                logged.toString());
    }

    @Test
    void malformedCommandsInsideAMessageStillGiveAResult() throws IOException {
        try (MilterClient c = start(config(), MilterFixtures.dns().build())) {
            c.send('C', new byte[] {'h'}); // connect without family or address
            assertEquals('c', c.read().command());
            c.send('H', new byte[0]); // HELO, MAIL and headers are not answered (negotiated no-reply)
            c.send('M', new byte[0]);
            c.send('L', new byte[] {0, 0}); // empty name
            c.send('L', "From\0 <a@example.com".getBytes(StandardCharsets.ISO_8859_1)); // no final NUL
            List<Packet> r = c.eom();
            assertEquals('a', r.getLast().command());
            assertEquals(" mx.test; none (the MTA gave no client IP address: not evaluated)",
                    inserted(r, "Authentication-Results"));
        }
        try (MilterClient c = client()) {
            c.macro('C', "{client_addr}", MilterFixtures.STRANGER_IP);
            c.send('C', "unknown\0U".getBytes(StandardCharsets.ISO_8859_1));
            c.read();
            c.mail("<>");
            c.header("From", " =?broken <<<@@@");
            c.header("Subject", " no body at all");
            List<Packet> r = c.eom();
            assertEquals('a', r.getLast().command());
            String ar = inserted(r, "Authentication-Results");
            assertTrue(ar.contains("dmarc=permerror"), ar);
        }
    }

    @Test
    void manyConcurrentConnectionsAllGetTheirOwnDecision() throws Exception {
        server = MilterServer.builder(MilterFixtures.dns().build(), config().withMode(MilterConfig.Mode.REJECT))
                .evaluationLog(log).failureReporter(failures).build().start();
        int n = 64;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Character>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                boolean good = i % 2 == 0;
                int k = i;
                results.add(pool.submit(() -> {
                    try (MilterClient c = client()) {
                        session(c, good ? MilterFixtures.SENDER_IP : MilterFixtures.STRANGER_IP);
                        byte[] m = good ? MilterFixtures.signed("c" + k, "x\r\n")
                                : MilterFixtures.unsigned("CEO <ceo@example.com>", "c" + k, "x\r\n");
                        return c.message(good ? "alice@example.com" : "x@attacker.test", m, 512).getLast().command();
                    }
                }));
            }
            for (int i = 0; i < n; i++) {
                assertEquals(i % 2 == 0 ? 'a' : 'y', results.get(i).get(), "connection " + i);
            }
        }
        assertEquals(n, recorded.size());
    }
}
