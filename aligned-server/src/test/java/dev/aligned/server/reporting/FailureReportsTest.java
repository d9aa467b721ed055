package dev.aligned.server.reporting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dmarc.AuthResult;
import dev.aligned.dmarc.Disposition;
import dev.aligned.dmarc.DkimOutcome;
import dev.aligned.dmarc.DmarcMode;
import dev.aligned.dmarc.DmarcResult;
import dev.aligned.dmarc.SpfOutcome;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DomainName;
import dev.aligned.dns.FixtureResolver;
import dev.aligned.report.FailureReport;
import dev.aligned.report.ReportReader;
import dev.aligned.report.ReportResult;
import dev.aligned.server.ingest.Secret;
import dev.aligned.store.testing.MutableClock;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** RFC 9991 failure reports: fo= semantics, ARF structure read back by aligned-core, rate limit, privacy. */
class FailureReportsTest {
    static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");
    static final DomainName D = DomainName.of("example.com");
    static final String HEADERS = "Received: from mail.attacker.example ([198.51.100.7])\r\n"
            + "\tby mx.receiver.example; Fri, 20 Nov 2026 10:00:00 +0000\r\n"
            + "From: Alice <alice@example.com>\r\n"
            + "To: Bob <bob@receiver.example>\r\n"
            + "Subject: invoice\r\n"
            + "Date: Fri, 20 Nov 2026 09:59:58 +0000\r\n"
            + "Message-ID: <abc.123@mail.example.com>\r\n"
            + "X-Secret: internal-ticket-4711\r\n"
            + "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s1; h=from:to; bh=x; b=y\r\n";

    static Evaluation evaluation(String record, boolean dkimAligned, boolean spfAligned, AuthResult dkim,
            AuthResult spf) {
        boolean pass = dkimAligned || spfAligned;
        return new Evaluation(NOW, "198.51.100.7", D, Optional.of(D), Optional.of(DomainName.of("receiver.example")),
                D, Evaluations.record(record), DmarcMode.RFC9989, pass ? Disposition.NONE : Disposition.REJECT,
                List.of(), pass ? new DmarcResult.Pass() : new DmarcResult.Fail(), dkimAligned, spfAligned,
                List.of(new DkimOutcome(D, Optional.of("s1"), dkim)), Optional.of(SpfOutcome.mailFrom(D, spf)));
    }

    static FailureSample sample() {
        return new FailureSample("<alice@example.com>", List.of("bob@receiver.example"),
                HEADERS.getBytes(StandardCharsets.US_ASCII), Optional.of("mx.receiver.example; dmarc=fail "
                        + "header.from=example.com; spf=fail smtp.mailfrom=alice@example.com"));
    }

    record Setup(ArfFailureReporter reporter, ReportSender sender, InMemoryDeliveryQueue queue,
            RecordingTransport transport, MutableClock clock) {
    }

    static Setup setup(FailureSettings settings) {
        MutableClock clock = new MutableClock(NOW);
        FixtureResolver dns = FixtureResolver.builder()
                .add("example.com", DnsRecord.Txt.of("v=spf1 ip4:192.0.2.0/24 -all"))
                .add("example.com._report._dmarc.forensics.example", DnsRecord.Txt.of("v=DMARC1")).build();
        ReportingConfig cfg = ReportingConfig.of("Receiver Example", "dmarc-reports@receiver.example")
                .withFailure(settings);
        InMemoryDeliveryQueue queue = new InMemoryDeliveryQueue();
        RecordingTransport t = new RecordingTransport();
        ReportSender sender = ReportSender.builder(cfg, new InMemoryEvaluationLog(), queue, t).dns(dns).clock(clock)
                .build();
        return new Setup(ArfFailureReporter.create(sender, dns, clock), sender, queue, t, clock);
    }

    static FailureSettings on() {
        return new FailureSettings(true, 10, FailureSettings.HeaderScope.ALL, true, Optional.empty());
    }

    static final String RUF = "; ruf=mailto:ruf@example.com";

    FailureDecision decide(String fo, boolean dkimAligned, boolean spfAligned, AuthResult dkim, AuthResult spf) {
        Setup s = setup(on());
        return s.reporter().consider(evaluation("v=DMARC1; p=reject" + fo + RUF, dkimAligned, spfAligned, dkim, spf),
                sample());
    }

    @Test
    void foZeroReportsOnlyWhenNothingAligned() {
        assertInstanceOf(FailureDecision.Queued.class, decide("", false, false, AuthResult.FAIL, AuthResult.FAIL));
        assertInstanceOf(FailureDecision.NotDue.class, decide("", true, false, AuthResult.PASS, AuthResult.FAIL));
        assertEquals(new FailureDecision.NotDue("fo=0 asks for no report on this message"),
                decide("; fo=0", false, true, AuthResult.FAIL, AuthResult.PASS));
    }

    @Test
    void foOneReportsWhenAnyMechanismFailedToAlign() {
        assertInstanceOf(FailureDecision.Queued.class, decide("; fo=1", true, false, AuthResult.PASS, AuthResult.FAIL));
        assertInstanceOf(FailureDecision.NotDue.class, decide("; fo=1", true, true, AuthResult.PASS, AuthResult.PASS));
    }

    @Test
    void foDReportsDkimFailuresWhateverTheAlignment() {
        assertInstanceOf(FailureDecision.Queued.class, decide("; fo=d", false, true, AuthResult.FAIL, AuthResult.PASS));
        assertInstanceOf(FailureDecision.NotDue.class, decide("; fo=d", false, false, AuthResult.NONE,
                AuthResult.FAIL));
    }

    @Test
    void foSReportsSpfFailuresWhateverTheAlignment() {
        assertInstanceOf(FailureDecision.Queued.class, decide("; fo=s", true, false, AuthResult.PASS, AuthResult.FAIL));
        assertInstanceOf(FailureDecision.NotDue.class, decide("; fo=s", true, false, AuthResult.PASS,
                AuthResult.SOFTFAIL));
        assertEquals(List.of("signature", "spf"), ArfFailureReporter.due(evaluation("v=DMARC1; p=none; fo=d:s",
                true, true, AuthResult.FAIL, AuthResult.FAIL)));
    }

    @Test
    void publicSuffixRecordsAndDisabledReportingSendNothing() {
        assertEquals(new FailureDecision.NotDue("the DMARC record of example.com is a public suffix domain's "
                + "(psd=y); RFC 9991 forbids using its ruf="), decide("; psd=y", false, false, AuthResult.FAIL,
                AuthResult.FAIL));
        Setup off = setup(FailureSettings.DISABLED);
        assertInstanceOf(FailureDecision.NotDue.class, off.reporter().consider(
                evaluation("v=DMARC1; p=reject" + RUF, false, false, AuthResult.FAIL, AuthResult.FAIL), sample()));
        assertEquals(List.of(), off.queue().forDay(java.time.LocalDate.of(2026, 11, 20)));
    }

    @Test
    void arfReportReadsBackWithTheAuthenticationFailureFields() throws Exception {
        Setup s = setup(new FailureSettings(true, 10, FailureSettings.HeaderScope.ALL, false, Optional.empty()));
        FailureDecision d = s.reporter().consider(evaluation("v=DMARC1; p=reject" + RUF, false, false,
                AuthResult.FAIL, AuthResult.FAIL), sample());
        assertEquals(new FailureDecision.Queued(List.of("ruf@example.com")), d);
        s.sender().deliverDue();
        byte[] eml = s.transport().sent.get(0).message();
        String text = new String(eml, StandardCharsets.UTF_8);
        assertTrue(text.contains("Content-Type: multipart/report; report-type=feedback-report"), text);
        assertTrue(text.contains("Content-Type: message/feedback-report"), text);
        assertTrue(text.contains("Content-Type: text/rfc822-headers"), text);
        List<ReportResult> r = ReportReader.create().read("ruf.eml", new ByteArrayInputStream(eml));
        ReportResult.Parsed p = assertInstanceOf(ReportResult.Parsed.class, r.get(0), r::toString);
        FailureReport f = assertInstanceOf(FailureReport.class, p.report());
        assertEquals(FailureReport.Format.ARF, f.format());
        assertEquals("auth-failure", f.feedbackType());
        assertEquals(Optional.of("1"), f.version());
        assertEquals(List.of("dmarc"), f.authFailure());
        assertEquals(List.of("dkim", "spf"), f.identityAlignment());
        assertEquals(Optional.of("198.51.100.7"), f.sourceIp());
        assertEquals(List.of("example.com"), f.reportedDomain());
        assertEquals(Optional.of("<alice@example.com>"), f.originalMailFrom());
        assertEquals(List.of("<bob@receiver.example>"), f.originalRcptTo());
        assertEquals(Optional.of("reject"), f.deliveryResult());
        assertEquals(Optional.of("example.com"), f.dkimDomain());
        assertEquals(Optional.of("s1"), f.dkimSelector());
        assertEquals(List.of("txt : example.com : \"v=spf1 ip4:192.0.2.0/24 -all\""), f.spfDns());
        assertEquals(1, f.authenticationResults().size());
        assertTrue(f.originalHeaders().get().contains("X-Secret: internal-ticket-4711"));
        assertTrue(text.contains("Message-ID: <f"), "the report has its own Message-ID");
    }

    @Test
    void minimalHeadersAndRedactedLocalPartsKeepOnlyWhatIdentifiesTheMessage() throws Exception {
        Setup s = setup(new FailureSettings(true, 10, FailureSettings.HeaderScope.MINIMAL, true, Optional.empty()));
        s.reporter().consider(evaluation("v=DMARC1; p=reject" + RUF, false, false, AuthResult.FAIL,
                AuthResult.FAIL), sample());
        s.sender().deliverDue();
        byte[] eml = s.transport().sent.get(0).message();
        FailureReport f = (FailureReport) ((ReportResult.Parsed) ReportReader.create()
                .read("ruf.eml", new ByteArrayInputStream(eml)).get(0)).report();
        String h = f.originalHeaders().get();
        assertFalse(h.contains("X-Secret"), h);
        assertFalse(h.contains("Received:"), h);
        assertTrue(h.contains("From: Alice <redacted@example.com>"), h);
        assertTrue(h.contains("To: Bob <redacted@receiver.example>"), h);
        assertTrue(h.contains("Message-ID: <abc.123@mail.example.com>"), "Message-ID is not an address: " + h);
        assertTrue(h.contains("DKIM-Signature: v=1;"), h);
        assertEquals(Optional.of("<redacted@example.com>"), f.originalMailFrom());
        assertEquals(List.of("<redacted@receiver.example>"), f.originalRcptTo());
        assertTrue(f.authenticationResults().get(0).contains("smtp.mailfrom=redacted@example.com"),
                f.authenticationResults()::toString);
        assertFalse(new String(eml, StandardCharsets.UTF_8).contains("alice@"), "no local part anywhere");
    }

    @Test
    void keyedRedactionKeepsTheSameAddressRecognisable() {
        Setup s = setup(new FailureSettings(true, 10, FailureSettings.HeaderScope.ALL, true,
                Optional.of(Secret.of("k1"))));
        String a = s.reporter().redact("alice@example.com");
        assertTrue(a.matches("redacted-[0-9a-f]{12}@example\\.com"), a);
        assertEquals(a, s.reporter().redact("Alice@example.com"));
        assertFalse(a.equals(s.reporter().redact("bob@example.com")));
    }

    @Test
    void rateLimitHoldsPerPolicyDomainAndHour() {
        Setup s = setup(new FailureSettings(true, 3, FailureSettings.HeaderScope.ALL, true, Optional.empty()));
        for (int i = 0; i < 3; i++) {
            s.clock().advance(Duration.ofSeconds(1)); // distinct messages
            Evaluation e = evaluation("v=DMARC1; p=reject" + RUF, false, false, AuthResult.FAIL, AuthResult.FAIL);
            e = new Evaluation(s.clock().instant(), e.sourceIp(), e.headerFrom(), e.envelopeFrom(), e.envelopeTo(),
                    e.policyDomain(), e.policy(), e.mode(), e.disposition(), e.overrides(), e.dmarc(),
                    e.dkimAligned(), e.spfAligned(), e.dkim(), e.spf());
            assertInstanceOf(FailureDecision.Queued.class, s.reporter().consider(e, sample()));
        }
        Evaluation fourth = evaluation("v=DMARC1; p=reject" + RUF, false, false, AuthResult.FAIL, AuthResult.FAIL);
        assertEquals(new FailureDecision.RateLimited("example.com already had 3 failure reports in the last hour "
                + "(reporting.failure.max_per_hour: 3)"), s.reporter().consider(fourth, sample()));
        s.clock().advance(Duration.ofMinutes(61));
        assertInstanceOf(FailureDecision.Queued.class, s.reporter().consider(fourth, sample()));
    }

    @Test
    void externalRufNeedsAuthorisationLikeRua() {
        Setup s = setup(on());
        FailureDecision d = s.reporter().consider(evaluation("v=DMARC1; p=reject; "
                + "ruf=mailto:f@forensics.example,mailto:x@unauthorised.example", false, false, AuthResult.FAIL,
                AuthResult.FAIL), sample());
        assertEquals(new FailureDecision.Queued(List.of("f@forensics.example")), d);
    }
}
