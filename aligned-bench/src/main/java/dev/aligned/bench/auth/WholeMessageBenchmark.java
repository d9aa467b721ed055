package dev.aligned.bench.auth;

import dev.aligned.auth.AuthenticationResult;
import dev.aligned.auth.EmailAuthenticator;
import dev.aligned.dmarc.DmarcResult;
import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.FixtureResolver;
import dev.aligned.dns.ZoneData;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Whole-message authentications per second on the shared workload that {@code peers/auth_mailauth.js} runs
 * through mailauth's {@code authenticate()}: a dkimpy-signed message ({@code workloads/dkim/}, RSA-2048,
 * relaxed/relaxed), client 192.0.2.25, MAIL FROM {@code bounces@example.com} whose SPF record needs 3
 * DNS-mechanism lookups, DMARC {@code p=reject} at the author domain ({@code workloads/auth/auth-dns.json}).
 * The resolver is warm: each (name, type) is answered from memory after its first query. The JIT needs about
 * 10 s to reach steady state on this workload (RSA arithmetic), hence the long warm-up.
 *
 * <pre>
 * java -jar aligned-bench/target/benchmarks.jar WholeMessageBenchmark
 * java -jar aligned-bench/target/benchmarks.jar WholeMessageBenchmark -p message=msg-100k-rsa.eml
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
public class WholeMessageBenchmark {
    static final String CLIENT = "192.0.2.25";
    static final String HELO = "mail.example.com";
    static final String MAIL_FROM = "bounces@example.com";

    @Param({"msg-4k-rsa.eml"})
    public String message;

    private byte[] bytes;
    private InetAddress client;
    private EmailAuthenticator authenticator;

    @Setup
    public void setup() throws Exception {
        bytes = resource("dkim/" + message);
        client = InetAddress.getByName(CLIENT);
        authenticator = EmailAuthenticator.builder(warm(zone())).authservId("mx.example.org").build();
        check(authenticator.authenticate(bytes, client, HELO, MAIL_FROM));
    }

    /** Throws unless SPF, DKIM and DMARC all pass: a benchmark of a failing path would measure the wrong thing. */
    static void check(AuthenticationResult r) {
        if (!(r.dmarc() instanceof DmarcResult.Pass) || !r.spf().code().equals("pass")
                || !r.authenticationResults().contains("dkim=pass")) {
            throw new IllegalStateException("workload does not pass: " + r.authenticationResults());
        }
    }

    /** The workload's zone, not recording its queries. */
    static FixtureResolver zone() {
        String text = new String(resource("auth/auth-dns.json"), StandardCharsets.UTF_8);
        return FixtureResolver.builder().recording(false).addAll(ZoneData.parse(text, "auth-dns.json")).build();
    }

    /** Answers from memory after the first query of each (name, type), as a warm cache would. */
    static DnsResolver warm(DnsResolver zone) {
        Map<String, DnsAnswer> cache = new ConcurrentHashMap<>();
        return (name, type) -> cache.computeIfAbsent(type + " " + name, k -> zone.lookup(name, type));
    }

    static byte[] resource(String name) {
        try (InputStream in = WholeMessageBenchmark.class.getResourceAsStream("/workloads/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no workload " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Benchmark
    public AuthenticationResult authenticate() {
        return authenticator.authenticate(bytes, client, HELO, MAIL_FROM);
    }
}
