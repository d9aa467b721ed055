package dev.aligned.bench.auth;

import dev.aligned.auth.AuthenticationResult;
import dev.aligned.auth.EmailAuthenticator;
import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import dev.aligned.dns.dnsjava.DnsjavaResolver;
import dev.aligned.testing.NsdServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Latency of one whole-message authentication against a real resolver: nsd serving the workload's zone on
 * loopback, queried through {@link DnsjavaResolver} with no cache between messages. For each message it
 * records every DNS query's duration and reports the wall time of {@code authenticate()} (the critical path)
 * next to the sum of the query times (what the three protocols' lookups would cost one after another), and
 * the sum per protocol. An optional extra delay per query emulates a resolver that is a network round trip
 * away, which is where overlapping the lookups matters.
 *
 * <pre>
 * java -cp aligned-bench/target/benchmarks.jar dev.aligned.bench.auth.AuthLatency [MESSAGES] [DELAY_MS...]
 * </pre>
 */
public final class AuthLatency {
    private AuthLatency() {
    }

    record Query(String protocol, String name, long nanos) {
    }

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        List<Integer> delays = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            delays.add(Integer.parseInt(args[i]));
        }
        if (delays.isEmpty()) {
            delays = List.of(0, 5);
        }
        byte[] message = WholeMessageBenchmark.resource("dkim/msg-4k-rsa.eml");
        InetAddress client = InetAddress.getByName(WholeMessageBenchmark.CLIENT);
        try (NsdServer nsd = NsdServer.start(Map.of("com", NsdServer.zone("com"), "example.com", zone()))) {
            DnsResolver dns = DnsjavaResolver.builder().server(nsd.address()).timeout(Duration.ofSeconds(2)).build();
            for (int delayMs : delays) {
                ConcurrentLinkedQueue<Query> log = new ConcurrentLinkedQueue<>();
                DnsResolver timed = timing(dns, log, delayMs);
                EmailAuthenticator auth = EmailAuthenticator.builder(timed).authservId("mx.example.org").build();
                WholeMessageBenchmark.check(auth.authenticate(message, client, WholeMessageBenchmark.HELO,
                        WholeMessageBenchmark.MAIL_FROM));
                int warm = delayMs == 0 ? messages : Math.max(20, messages / 10);
                for (int i = 0; i < warm; i++) {
                    auth.authenticate(message, client, WholeMessageBenchmark.HELO, WholeMessageBenchmark.MAIL_FROM);
                }
                long[] wall = new long[messages];
                long[] sum = new long[messages];
                long[][] perProtocol = new long[messages][3];
                int queries = 0;
                for (int i = 0; i < messages; i++) {
                    log.clear();
                    long t0 = System.nanoTime();
                    AuthenticationResult r = auth.authenticate(message, client, WholeMessageBenchmark.HELO,
                            WholeMessageBenchmark.MAIL_FROM);
                    wall[i] = System.nanoTime() - t0;
                    WholeMessageBenchmark.check(r);
                    queries = log.size();
                    for (Query q : log) {
                        sum[i] += q.nanos();
                        perProtocol[i][switch (q.protocol()) {
                            case "spf" -> 0;
                            case "dkim" -> 1;
                            default -> 2;
                        }] += q.nanos();
                    }
                }
                List<String> names = log.stream().map(q -> q.protocol() + ":" + q.name()).toList();
                System.out.printf("delay %d ms per query, %d messages, %d queries per message %s%n", delayMs,
                        messages, queries, names);
                System.out.printf("  wall time (critical path)  median %8.3f ms   p90 %8.3f ms%n",
                        median(wall), pct(wall, 0.9));
                System.out.printf("  sum of all query times     median %8.3f ms   p90 %8.3f ms   (wall/sum %.2f)%n",
                        median(sum), pct(sum, 0.9), median(wall) / median(sum));
                String[] label = {"SPF", "DKIM", "DMARC"};
                for (int p = 0; p < 3; p++) {
                    long[] col = new long[messages];
                    for (int i = 0; i < messages; i++) {
                        col[i] = perProtocol[i][p];
                    }
                    System.out.printf("    %-6s query time sum   median %8.3f ms%n", label[p], median(col));
                }
            }
        }
    }

    /** Times every query; {@code delayMs} is added to each, as a resolver one round trip away would. */
    static DnsResolver timing(DnsResolver dns, ConcurrentLinkedQueue<Query> log, int delayMs) {
        return (DomainName name, DnsType type) -> {
            long t0 = System.nanoTime();
            if (delayMs > 0) {
                LockSupport.parkNanos(delayMs * 1_000_000L);
            }
            DnsAnswer a = dns.lookup(name, type);
            String n = name.toString();
            String protocol = n.contains("._domainkey.") ? "dkim" : n.startsWith("_dmarc.") ? "dmarc" : "spf";
            log.add(new Query(protocol, type + " " + n, System.nanoTime() - t0));
            return a;
        };
    }

    /** The workload's zone (workloads/auth/auth-dns.json) as master-file lines. */
    static String zone() {
        String rsa = "v=DKIM1; k=rsa; p=" + keyOf("rsa._domainkey.example.com");
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < rsa.length(); i += 200) {
            chunks.add("\"" + rsa.substring(i, Math.min(rsa.length(), i + 200)) + "\"");
        }
        return NsdServer.zone("example.com",
                "@ TXT \"v=spf1 include:_spf.example.com a:relay.example.com mx -all\"",
                "@ MX 10 mail",
                "@ A 192.0.2.10",
                "_spf TXT \"v=spf1 ip4:198.51.100.0/24 -all\"",
                "relay A 203.0.113.5",
                "mail A 192.0.2.25",
                "_dmarc TXT \"v=DMARC1; p=reject; rua=mailto:dmarc-reports@example.com\"",
                "rsa._domainkey TXT " + String.join(" ", chunks));
    }

    private static String keyOf(String name) {
        String json = new String(WholeMessageBenchmark.resource("auth/auth-dns.json"),
                java.nio.charset.StandardCharsets.UTF_8);
        int at = json.indexOf("\"" + name + "\"");
        int p = json.indexOf("p=", at);
        return json.substring(p + 2, json.indexOf('"', p));
    }

    private static double median(long[] v) {
        return pct(v, 0.5);
    }

    private static double pct(long[] v, double q) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) (q * s.length))] / 1e6;
    }
}
