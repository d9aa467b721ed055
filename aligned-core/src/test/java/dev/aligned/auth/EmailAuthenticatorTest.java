package dev.aligned.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dkim.DkimResult;
import dev.aligned.dmarc.DmarcResult;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import dev.aligned.dns.FixtureResolver;
import dev.aligned.spf.SpfResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class EmailAuthenticatorTest {
    static final Clock CLOCK_FOR_TESTS = Clock.fixed(Instant.parse("2026-11-28T00:00:00Z"), ZoneOffset.UTC);

    static byte[] bytes(String path) {
        try (InputStream in = EmailAuthenticatorTest.class.getResourceAsStream("/corpora/dkim/" + path)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The RFC 8463 Appendix A zone (mailauth's dns.json: two DKIM keys and an SPF record). */
    @SuppressWarnings("unchecked")
    static FixtureResolver.Builder rfc8463Zone() {
        Map<String, Map<String, List<List<String>>>> json = new Yaml().load(
                new String(bytes("mailauth/rfc8463-example/dns.json"), StandardCharsets.UTF_8));
        FixtureResolver.Builder b = FixtureResolver.builder();
        json.forEach((name, types) -> b.add(DomainName.of(name), types.get("TXT").stream()
                .map(s -> (DnsRecord) new DnsRecord.Txt(DnsType.TXT,
                        s.stream().map(x -> x.getBytes(StandardCharsets.UTF_8)).toList())).toList()));
        return b;
    }

    static EmailAuthenticator auth(FixtureResolver dns) {
        return EmailAuthenticator.builder(dns).authservId("mx.example.net").clock(CLOCK_FOR_TESTS).build();
    }

    static final byte[] SIGNED = bytes("mailauth/rfc8463-example/signed.eml");

    @Test
    void streamedBodyGivesTheSameResultsAsTheWholeMessage() throws Exception {
        FixtureResolver dns = rfc8463Zone()
                .add("_dmarc.football.example.com", DnsRecord.Txt.of("v=DMARC1; p=reject")).build();
        InetAddress ip = InetAddress.getByName("213.165.64.12");
        AuthenticationResult whole = auth(dns).authenticate(SIGNED, ip, "mail.football.example.com",
                "joe@football.example.com");
        dev.aligned.mail.StreamedMessage m = dev.aligned.mail.HeaderSection.read(
                new java.io.ByteArrayInputStream(SIGNED), dev.aligned.mail.MessageLimits.DEFAULT);
        AuthenticationResult streamed = auth(dns).authenticate(m.header(), m.body(), ip, "mail.football.example.com",
                "joe@football.example.com");
        assertEquals(whole.authenticationResults(), streamed.authenticationResults());
        assertInstanceOf(DmarcResult.Pass.class, streamed.dmarc());
    }

    @Test
    void rfc8463MessageFromTheAuthorisedAddressPassesEverything() throws Exception {
        FixtureResolver dns = rfc8463Zone()
                .add("_dmarc.football.example.com", DnsRecord.Txt.of("v=DMARC1; p=reject")).build();
        AuthenticationResult r = auth(dns).authenticate(SIGNED, InetAddress.getByName("213.165.64.12"),
                "mail.football.example.com", "joe@football.example.com");
        assertInstanceOf(SpfResult.Pass.class, r.spf());
        assertEquals(2, r.dkim().size());
        assertTrue(r.dkim().stream().allMatch(k -> k instanceof DkimResult.Pass), r.dkim().toString());
        assertInstanceOf(DmarcResult.Pass.class, r.dmarc());
        String expected = "Authentication-Results: mx.example.net;\r\n"
                + "\tspf=pass (213.165.64.12 is authorised by football.example.com)"
                + " smtp.mailfrom=joe@football.example.com smtp.helo=mail.football.example.com;\r\n"
                + "\tdkim=pass (signature verified) header.d=football.example.com header.i=@football.example.com header.s=brisbane"
                + " header.a=ed25519-sha256;\r\n"
                + "\tdkim=pass (signature verified) header.d=football.example.com header.i=@football.example.com header.s=test"
                + " header.a=rsa-sha256;\r\n"
                + "\tdmarc=pass (p=reject dis=none) header.from=football.example.com policy.dmarc=reject";
        assertEquals(expected, r.authenticationResults());
        assertEquals("Received-SPF: pass (mx.example.net: domain of joe@football.example.com designates "
                + "213.165.64.12 as permitted sender) client-ip=213.165.64.12; envelope-from=\"joe@football.example.com\"; "
                + "helo=mail.football.example.com; receiver=mx.example.net; identity=mailfrom; "
                + "mechanism=\"ip4:213.165.64.12/32\"", r.receivedSpf());
    }

    @Test
    void dkimAloneCarriesDmarcWhenSpfDoesNotAlign() throws Exception {
        FixtureResolver dns = rfc8463Zone()
                .add("_dmarc.football.example.com", DnsRecord.Txt.of("v=DMARC1; p=reject")).build();
        AuthenticationResult r = auth(dns).authenticate(SIGNED, InetAddress.getByName("192.0.2.99"),
                "relay.example.org", "bounce@lists.example.org");
        assertEquals("none", r.spf().code());
        assertInstanceOf(DmarcResult.Pass.class, r.dmarc());
        assertTrue(r.evaluation().orElseThrow().dkimAligned());
    }

    @Test
    void tamperedBodyFromAnUnauthorisedAddressFailsDmarcAndGetsTheRejectPolicy() throws Exception {
        FixtureResolver dns = rfc8463Zone()
                .add("_dmarc.football.example.com", DnsRecord.Txt.of("v=DMARC1; p=reject")).build();
        byte[] tampered = new String(SIGNED, StandardCharsets.ISO_8859_1).replace("We lost the game.",
                "We won the game.").getBytes(StandardCharsets.ISO_8859_1);
        AuthenticationResult r = auth(dns).authenticate(tampered, InetAddress.getByName("192.0.2.99"),
                "evil.example", "joe@football.example.com");
        assertEquals("softfail", r.spf().code());
        assertTrue(r.dkim().stream().allMatch(k -> k instanceof DkimResult.Fail), r.dkim().toString());
        assertInstanceOf(DmarcResult.Fail.class, r.dmarc());
        assertTrue(r.authenticationResults().endsWith("\tdmarc=fail (p=reject dis=reject) "
                + "header.from=football.example.com policy.dmarc=reject"), r.authenticationResults());
    }

    @Test
    void everyDnsNameIsAskedOnceAcrossTheThreeProtocols() throws Exception {
        FixtureResolver dns = rfc8463Zone()
                .add("_dmarc.football.example.com", DnsRecord.Txt.of("v=DMARC1; p=reject")).build();
        auth(dns).authenticate(SIGNED, InetAddress.getByName("192.0.2.99"), "relay.example.org",
                "bounce@football.example.com");
        List<FixtureResolver.Query> q = dns.queries();
        assertEquals(q.size(), new HashSet<>(q).size(), "duplicate queries: " + q);
        assertTrue(q.contains(new FixtureResolver.Query(DomainName.of("_dmarc.football.example.com"), DnsType.TXT)));
    }

    @Test
    void dmarcTimeoutIsTemperror() throws Exception {
        FixtureResolver dns = rfc8463Zone().timeout("_dmarc.football.example.com").build();
        AuthenticationResult r = auth(dns).authenticate(SIGNED, InetAddress.getByName("213.165.64.12"),
                "mail.football.example.com", "joe@football.example.com");
        assertInstanceOf(DmarcResult.TempError.class, r.dmarc());
        assertTrue(r.authenticationResults().contains("dmarc=temperror"), r.authenticationResults());
    }

    @Test
    void messageWithoutFromIsDmarcPermerror() throws Exception {
        byte[] noFrom = "To: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        AuthenticationResult r = auth(FixtureResolver.builder().build()).authenticate(noFrom,
                InetAddress.getByName("192.0.2.1"), "h.example", "a@example.com");
        assertEquals(new DmarcResult.PermError("the message has no From field"), r.dmarc());
        assertTrue(r.authenticationResults().endsWith("dkim=none (message not signed);\r\n\tdmarc=permerror "
                + "(no From field)"), r.authenticationResults());
    }

    @Test
    void fromWithSeveralDomainsIsExempt() throws Exception {
        byte[] two = "From: a@example.com, b@example.org\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        AuthenticationResult r = auth(FixtureResolver.builder().build()).authenticate(two,
                InetAddress.getByName("192.0.2.1"), "h.example", "");
        assertInstanceOf(DmarcResult.None.class, r.dmarc());
    }

    @Test
    void commentsAndValuesAreEscaped() {
        assertEquals("a \\(b\\) c\\\\  d", AuthenticationResultsHeader.comment("a (b) c\\\r\nd"));
        assertEquals("user@example.com", AuthenticationResultsHeader.value("user@example.com"));
        assertEquals("\"a b\\\"c\"", AuthenticationResultsHeader.value("a b\"c"));
    }
}
