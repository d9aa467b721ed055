package dev.aligned.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dkim.DkimResult;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.dnsjava.DnsjavaResolver;
import dev.aligned.testing.NsdServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end: corpus messages authenticated with every record served by a real nsd on loopback and read
 * through the dnsjava resolver. Skipped (with the reason) when nsd is not installed, failing under CI.
 */
class EmailAuthenticatorNsdTest {
    private static NsdServer nsd;
    private static DnsResolver dns;

    @BeforeAll
    static void start() {
        String rsa = "\"v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWR\" "
                + "\"iGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutAC\" "
                + "\"DfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3\" "
                + "\"Ip3G+2kryOTIKT+l/K4w3QIDAQAB\"";
        nsd = NsdServer.start(Map.of(
                "com", NsdServer.zone("com"),
                "example.com", NsdServer.zone("example.com",
                        "_dmarc TXT \"v=DMARC1; p=reject; sp=quarantine\"",
                        "@ TXT \"v=spf1 -all\"",
                        "football TXT \"v=spf1 ip4:213.165.64.12/32\" \" ~all\"",
                        "brisbane._domainkey.football TXT \"v=DKIM1; k=ed25519; "
                                + "p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"",
                        "test._domainkey.football TXT " + rsa),
                "test.ex", NsdServer.zone("test.ex",
                        "sed._domainkey TXT \"v=DKIM1; k=ed25519; p=sPs07Vu29FpHT/80UXUcYHFOHifD4o2ZlP2+XUh9g6E=\"")));
        dns = DnsjavaResolver.builder().server(nsd.address()).timeout(Duration.ofSeconds(2)).build();
    }

    @AfterAll
    static void stop() {
        if (nsd != null) {
            nsd.close();
        }
    }

    private static AuthenticationResult auth(String corpusFile, String ip, String mailFrom) throws Exception {
        return EmailAuthenticator.builder(dns).authservId("mx.example.net").build()
                .authenticate(EmailAuthenticatorTest.bytes(corpusFile), InetAddress.getByName(ip), "client.example",
                        mailFrom);
    }

    private static List<String> lines(AuthenticationResult r) {
        return List.of(r.authenticationResults().split(";\r\n\t"));
    }

    @Test
    void rfc8463MessagePassesSpfDkimAndDmarcThroughTheTreeWalk() throws Exception {
        AuthenticationResult r = auth("mailauth/rfc8463-example/signed.eml", "213.165.64.12",
                "joe@football.example.com");
        List<String> l = lines(r);
        assertTrue(l.get(1).startsWith("spf=pass "), l.get(1));
        assertTrue(l.get(2).startsWith("dkim=pass (signature verified) header.d=football.example.com"), l.get(2));
        assertTrue(l.get(3).startsWith("dkim=pass (signature verified) header.d=football.example.com"), l.get(3));
        // no _dmarc.football.example.com: the tree walk finds example.com's record, whose sp= applies
        assertEquals("dmarc=pass (p=reject sp=quarantine dis=none) header.from=football.example.com "
                + "policy.dmarc=quarantine", l.get(4));
    }

    @Test
    void dkimpySimpleSimpleMessagePassesOnDkimAloneFromAForeignAddress() throws Exception {
        AuthenticationResult r = auth("dkimpy/data/rfc6376.signed.msg", "192.0.2.1", "joe@football.example.com");
        assertEquals("softfail", r.spf().code());
        assertTrue(r.dkim().stream().allMatch(k -> k instanceof DkimResult.Pass), r.dkim().toString());
        assertEquals("pass", r.dmarc().keyword());
    }

    @Test
    void eximMessageSignedByAnUnalignedDomainFailsDmarc() throws Exception {
        AuthenticationResult r = auth("dkimpy/data/ed25519test2.msg", "192.0.2.1", "nobody@example.com");
        List<String> l = lines(r);
        assertTrue(l.get(1).startsWith("spf=fail "), l.get(1));
        assertTrue(l.get(2).startsWith("dkim=pass (signature verified) header.d=test.ex"), l.get(2));
        assertEquals("dmarc=fail (p=reject sp=quarantine dis=reject) header.from=example.com policy.dmarc=reject",
                l.get(3));
    }
}
