package dev.aligned.server.milter;

import dev.aligned.dkim.DkimKeys;
import dev.aligned.dkim.DkimSigner;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.FixtureResolver;
import dev.aligned.mail.RawMessage;
import java.nio.charset.StandardCharsets;

/** DNS and messages shared by the milter tests: example.com (p=reject, DKIM key), example.org (p=quarantine). */
final class MilterFixtures {
    static final String SENDER_IP = "192.0.2.25";
    static final String STRANGER_IP = "198.51.100.7";
    static final DkimKeys KEYS = DkimKeys.generate(DkimKeys.Type.ED25519, 0);

    private MilterFixtures() {
    }

    static FixtureResolver.Builder dns() {
        return FixtureResolver.builder()
                .add("example.com", DnsRecord.Txt.of("v=spf1 ip4:" + SENDER_IP + " -all"))
                .add("_dmarc.example.com", DnsRecord.Txt.of("v=DMARC1; p=reject; rua=mailto:d@example.com"))
                .add("s1._domainkey.example.com", DnsRecord.Txt.of(KEYS.txtStrings().toArray(String[]::new)))
                .add("example.org", DnsRecord.Txt.of("v=spf1 -all"))
                .add("_dmarc.example.org", DnsRecord.Txt.of("v=DMARC1; p=quarantine"));
    }

    static byte[] unsigned(String from, String subject, String body) {
        return ("From: " + from + "\r\nTo: bob@example.net\r\nSubject: " + subject
                + "\r\nDate: Sat, 28 Nov 2026 08:00:00 +0000\r\nMessage-ID: <" + Math.abs(subject.hashCode())
                + "@test>\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A message from alice@example.com signed with the example.com key (d=example.com, s=s1). */
    static byte[] signed(String subject, String body) {
        byte[] m = unsigned("Alice <alice@example.com>", subject, body);
        DkimSigner signer = DkimSigner.builder("example.com", "s1", KEYS.privateKey()).build();
        return switch (signer.sign(RawMessage.parse(m))) {
            case DkimSigner.Signed s -> s.prependTo(m);
            case DkimSigner.Refused r -> throw new IllegalStateException(r.reason());
        };
    }
}
