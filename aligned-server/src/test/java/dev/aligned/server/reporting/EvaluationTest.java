package dev.aligned.server.reporting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.auth.AuthenticationResult;
import dev.aligned.auth.EmailAuthenticator;
import dev.aligned.dmarc.AuthResult;
import dev.aligned.dmarc.Disposition;
import dev.aligned.dmarc.DmarcResult;
import dev.aligned.dmarc.SpfOutcome;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DomainName;
import dev.aligned.dns.FixtureResolver;
import dev.aligned.report.OverrideReason;
import dev.aligned.report.PolicyOverride;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EvaluationTest {
    static final Instant NOW = Instant.parse("2026-11-20T13:14:15Z");
    static final byte[] MESSAGE = ("From: Alice <alice@example.com>\r\nTo: bob@receiver.example\r\n"
            + "Subject: hi\r\nMessage-ID: <1@example.com>\r\n\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII);

    static FixtureResolver dns(String dmarc) {
        FixtureResolver.Builder b = FixtureResolver.builder()
                .add("example.com", DnsRecord.Txt.of("v=spf1 ip4:192.0.2.1 -all"));
        if (dmarc != null) {
            b.add("_dmarc.example.com", DnsRecord.Txt.of(dmarc));
        }
        return b.build();
    }

    static AuthenticationResult authenticate(String dmarc, String ip, String mailFrom) throws Exception {
        return EmailAuthenticator.builder(dns(dmarc)).authservId("mx.receiver.example").build()
                .authenticate(MESSAGE, InetAddress.getByName(ip), "mail.example.com", mailFrom);
    }

    @Test
    void passingMessageCarriesThePolicyTheIdentifiersAndTheAlignedSpf() throws Exception {
        AuthenticationResult auth = authenticate("v=DMARC1; p=reject; fo=1; rua=mailto:d@example.com",
                "192.0.2.1", "<bounce@Example.COM>");
        Evaluation e = Evaluation.of(NOW, InetAddress.getByName("192.0.2.1"), auth, "<bounce@Example.COM>",
                List.of("bob@Receiver.Example", "carol@other.example")).orElseThrow();
        assertEquals(NOW, e.received());
        assertEquals("192.0.2.1", e.sourceIp());
        assertEquals(DomainName.of("example.com"), e.headerFrom());
        assertEquals(Optional.of(DomainName.of("example.com")), e.envelopeFrom());
        assertEquals(Optional.of(DomainName.of("receiver.example")), e.envelopeTo());
        assertEquals(DomainName.of("example.com"), e.policyDomain());
        assertEquals("mailto:d@example.com", e.policy().rua().get(0).uri());
        assertInstanceOf(DmarcResult.Pass.class, e.dmarc());
        assertTrue(e.spfAligned());
        assertFalse(e.dkimAligned());
        assertEquals(Disposition.NONE, e.disposition());
        assertEquals(Optional.of(SpfOutcome.mailFrom(DomainName.of("example.com"), AuthResult.PASS)), e.spf());
        assertEquals(List.of(), e.dkim());
        assertEquals(List.of(), e.overrides());
    }

    @Test
    void failingMessageGetsThePolicyDispositionAndMonitorModeRecordsTheOverride() throws Exception {
        AuthenticationResult auth = authenticate("v=DMARC1; p=reject", "198.51.100.7", "alice@example.com");
        Evaluation e = Evaluation.of(NOW, InetAddress.getByName("198.51.100.7"), auth, "alice@example.com",
                List.of()).orElseThrow();
        assertTrue(e.failed());
        assertEquals(Disposition.REJECT, e.disposition());
        assertEquals(Optional.empty(), e.envelopeTo());
        assertEquals(AuthResult.FAIL, e.spf().orElseThrow().result());
        Evaluation monitored = e.withApplied(Disposition.NONE, PolicyOverride.LOCAL_POLICY, "monitor mode");
        assertEquals(Disposition.NONE, monitored.disposition());
        assertEquals(List.of(new OverrideReason(Optional.of(PolicyOverride.LOCAL_POLICY),
                Optional.of("monitor mode"))), monitored.overrides());
    }

    @Test
    void testingFlagIsReportedAsPolicyTestMode() throws Exception {
        AuthenticationResult auth = authenticate("v=DMARC1; p=reject; t=y", "198.51.100.7", "alice@example.com");
        Evaluation e = Evaluation.of(NOW, InetAddress.getByName("198.51.100.7"), auth, "alice@example.com",
                List.of()).orElseThrow();
        assertEquals(Disposition.QUARANTINE, e.disposition());
        assertEquals(Optional.of(PolicyOverride.POLICY_TEST_MODE), e.overrides().get(0).type());
    }

    @Test
    void noDmarcRecordMeansNothingToReport() throws Exception {
        AuthenticationResult auth = authenticate(null, "192.0.2.1", "alice@example.com");
        assertEquals(Optional.empty(), Evaluation.of(NOW, InetAddress.getByName("192.0.2.1"), auth,
                "alice@example.com", List.of()));
    }

    @Test
    void nullReversePathHasNoEnvelopeFromAndIpv6IsCanonical() throws Exception {
        AuthenticationResult auth = authenticate("v=DMARC1; p=none", "2001:db8:0:0:0:0:0:1", "<>");
        Evaluation e = Evaluation.of(NOW, InetAddress.getByName("2001:db8:0:0:0:0:0:1"), auth, "<>", List.of())
                .orElseThrow();
        assertEquals("2001:db8::1", e.sourceIp());
        assertEquals(Optional.empty(), e.envelopeFrom());
    }

    @Test
    void sourceIpMustBeAnAddress() {
        Evaluation e = Evaluations.stream(1, 1, NOW).get(0);
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> new Evaluation(e.received(),
                "mail.example.com", e.headerFrom(), e.envelopeFrom(), e.envelopeTo(), e.policyDomain(), e.policy(),
                e.mode(), e.disposition(), e.overrides(), e.dmarc(), e.dkimAligned(), e.spfAligned(), e.dkim(),
                e.spf()));
        assertEquals("sourceIp is not an IP address: 'mail.example.com'", x.getMessage());
    }
}
