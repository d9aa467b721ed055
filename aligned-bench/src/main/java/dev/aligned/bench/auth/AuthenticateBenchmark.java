package dev.aligned.bench.auth;

import dev.aligned.auth.AuthenticationResult;
import dev.aligned.auth.EmailAuthenticator;
import dev.aligned.dkim.DkimKeys;
import dev.aligned.dkim.DkimSigner;
import dev.aligned.dmarc.AuthResult;
import dev.aligned.dmarc.DkimOutcome;
import dev.aligned.dmarc.DmarcEvaluation;
import dev.aligned.dmarc.DmarcEvaluator;
import dev.aligned.dmarc.DmarcInput;
import dev.aligned.dmarc.DmarcResult;
import dev.aligned.dmarc.SpfOutcome;
import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import dev.aligned.dns.FixtureResolver;
import dev.aligned.mail.RawMessage;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Whole-message authentications per second with a warm in-memory resolver: a 4 KB message with an RSA-2048
 * DKIM signature, SPF needing 3 DNS-mechanism lookups (include, mx and the MX host's address), and DMARC
 * discovery; next to DMARC evaluation alone (RFC 9989 tree walk from a 5-label author domain, relaxed DKIM
 * alignment needing a second walk).
 *
 * <pre>
 * java -jar aligned-bench/target/benchmarks.jar AuthenticateBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class AuthenticateBenchmark {
    private byte[] message;
    private InetAddress client;
    private EmailAuthenticator authenticator;
    private DmarcEvaluator dmarc;
    private DmarcInput dmarcInput;

    @Setup
    public void setup() throws Exception {
        DkimKeys keys = DkimKeys.generate(DkimKeys.Type.RSA, 2048);
        byte[] plain = message(4096);
        message = ((DkimSigner.Signed) DkimSigner.builder("example.com", "bench", keys.privateKey()).build()
                .sign(RawMessage.parse(plain))).prependTo(plain);
        client = InetAddress.getByName("192.0.2.7");
        FixtureResolver zone = FixtureResolver.builder()
                .add(DomainName.of("bench._domainkey.example.com"), List.of(new DnsRecord.Txt(DnsType.TXT,
                        keys.txtStrings().stream().map(s -> s.getBytes(StandardCharsets.US_ASCII)).toList())))
                .add("example.com", DnsRecord.Txt.of("v=spf1 include:_spf.example.com mx -all"),
                        new DnsRecord.Mx(10, DomainName.of("mail.example.com")))
                .add("_spf.example.com", DnsRecord.Txt.of("v=spf1 ip4:198.51.100.0/24 -all"))
                .add("mail.example.com", new DnsRecord.A((java.net.Inet4Address) client))
                .add("_dmarc.example.com", DnsRecord.Txt.of("v=DMARC1; p=reject; rua=mailto:d@example.com"))
                .build();
        DnsResolver warm = warm(zone);
        authenticator = EmailAuthenticator.builder(warm).authservId("mx.example.org").build();
        AuthenticationResult check = authenticator.authenticate(message, client, "mail.example.com",
                "bounce@example.com");
        if (!(check.dmarc() instanceof DmarcResult.Pass) || !check.spf().code().equals("pass")) {
            throw new IllegalStateException("benchmark message does not pass: " + check.authenticationResults());
        }
        dmarc = DmarcEvaluator.builder(warm).build();
        dmarcInput = DmarcInput.of(DomainName.of("a.b.news.example.com"))
                .withSpf(SpfOutcome.mailFrom(DomainName.of("bounce.other.example"), AuthResult.PASS))
                .withDkim(DkimOutcome.of(DomainName.of("s.example.com"), AuthResult.PASS));
        if (!(dmarc.evaluate(dmarcInput).result() instanceof DmarcResult.Pass)) {
            throw new IllegalStateException("DMARC input does not pass");
        }
    }

    /** Answers from memory after the first query of each (name, type), as a warm cache would. */
    static DnsResolver warm(FixtureResolver zone) {
        Map<String, DnsAnswer> cache = new ConcurrentHashMap<>();
        return (name, type) -> cache.computeIfAbsent(type + " " + name, k -> zone.lookup(name, type));
    }

    static byte[] message(int size) {
        StringBuilder sb = new StringBuilder();
        sb.append("Received: from mail.example.com (mail.example.com [192.0.2.7])\r\n\tby mx.example.org with ESMTPS"
                + " id 4Bx; Sat, 28 Nov 2026 00:00:00 +0000\r\n");
        sb.append("From: Joe Sender <joe@example.com>\r\nTo: Sue Receiver <sue@example.org>\r\n");
        sb.append("Subject: Quarterly figures\r\nDate: Sat, 28 Nov 2026 00:00:00 +0000\r\n");
        sb.append("Message-ID: <20261128000000.1234@example.com>\r\nMIME-Version: 1.0\r\n");
        sb.append("Content-Type: text/plain; charset=utf-8\r\n\r\n");
        Random r = new Random(7);
        String[] w = "the quick brown fox jumps over lazy dogs while reports arrive daily".split(" ");
        while (sb.length() < size) {
            StringBuilder line = new StringBuilder();
            while (line.length() < 72) {
                line.append(w[r.nextInt(w.length)]).append(' ');
            }
            sb.append(line, 0, line.length() - 1).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    public AuthenticationResult authenticate() {
        return authenticator.authenticate(message, client, "mail.example.com", "bounce@example.com");
    }

    @Benchmark
    public DmarcEvaluation dmarcOnly() {
        return dmarc.evaluate(dmarcInput);
    }
}
