package dev.aligned.bench.dkim;

import dev.aligned.dkim.DkimKeys;
import dev.aligned.dkim.DkimSigner;
import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.DomainName;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.FixtureResolver;
import dev.aligned.mail.RawMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/** Builds signed test messages of a given size and the fixture DNS holding their keys. */
final class BenchMessages {
    private BenchMessages() {
    }

    /** A plain message of about {@code size} octets: a typical header and a text body of 72-character lines. */
    static byte[] message(int size) {
        StringBuilder sb = new StringBuilder();
        sb.append("Received: from mail.example.net (mail.example.net [192.0.2.7])\r\n\tby mx.example.org with ESMTPS"
                + " id 4Bx; Sat, 28 Nov 2026 00:00:00 +0000\r\n");
        sb.append("From: Joe Sender <joe@example.com>\r\nTo: Sue Receiver <sue@example.org>\r\n");
        sb.append("Subject: Quarterly figures and the plan for next year\r\n");
        sb.append("Date: Sat, 28 Nov 2026 00:00:00 +0000\r\nMessage-ID: <20261128000000.1234@example.com>\r\n");
        sb.append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
        Random r = new Random(42);
        String words = "the quick brown fox jumps over lazy dogs while reports arrive daily from every provider";
        String[] w = words.split(" ");
        StringBuilder line = new StringBuilder();
        while (sb.length() < size) {
            line.setLength(0);
            while (line.length() < 72) {
                line.append(w[r.nextInt(w.length)]).append(' ');
            }
            sb.append(line, 0, line.length() - 1).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] sign(byte[] message, DkimKeys keys, String selector) {
        DkimSigner.Outcome o = DkimSigner.builder("example.com", selector, keys.privateKey()).build()
                .sign(RawMessage.parse(message));
        return ((DkimSigner.Signed) o).prependTo(message);
    }

    /**
     * A resolver that answers the key query from memory, as a warm cache would. (FixtureResolver is not used
     * here: it records every query, which would grow without bound during a benchmark.)
     */
    static DnsResolver dns(String selector, DkimKeys keys) {
        DomainName name = DomainName.of(selector + "._domainkey.example.com");
        DnsAnswer answer = FixtureResolver.builder().add(name, List.of(new DnsRecord.Txt(DnsType.TXT,
                keys.txtStrings().stream().map(s -> s.getBytes(StandardCharsets.US_ASCII)).toList())))
                .build().lookup(name, DnsType.TXT);
        return (n, t) -> n.equals(name) && t == DnsType.TXT ? answer : new DnsAnswer.NxDomain(n, t, Duration.ZERO);
    }
}
