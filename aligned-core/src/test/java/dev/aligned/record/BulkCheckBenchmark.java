package dev.aligned.record;

import dev.aligned.dns.CachingResolver;
import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import dev.aligned.dns.dnsjava.DnsjavaResolver;
import dev.aligned.testing.NsdServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test: a measurement, run by hand (numbers in docs/benchmarks.md). Serves N generated domains from nsd
 * on loopback and checks them all at several concurrencies, counting the queries the checker sends; then a
 * raw dnsjava loop asks the same nsd TXT questions as fast as it can, for the server's ceiling. Note: nsd's
 * default response rate limiting (200/s) caps this unless {@code rrl-ratelimit: 0} is in nsd.conf.
 *
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat cp.txt) dev.aligned.record.BulkCheckBenchmark 10000 1,8,32,128
 * </pre>
 */
public final class BulkCheckBenchmark {
    private BulkCheckBenchmark() {
    }

    /** Counts the queries that reach the wrapped resolver. */
    static final class Counting implements DnsResolver {
        final DnsResolver delegate;
        final AtomicLong queries = new AtomicLong();
        final AtomicLong failures = new AtomicLong();

        Counting(DnsResolver delegate) {
            this.delegate = delegate;
        }

        @Override
        public DnsAnswer lookup(DomainName name, DnsType type) {
            queries.incrementAndGet();
            DnsAnswer a = delegate.lookup(name, type);
            if (a instanceof DnsAnswer.TempFailure) {
                failures.incrementAndGet();
            }
            return a;
        }
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        String[] levels = (args.length > 1 ? args[1] : "1,8,32,128").split(",");
        boolean prefetch = args.length <= 2 || Boolean.parseBoolean(args[2]);
        List<String> records = new ArrayList<>();
        records.add("_spf IN TXT \"v=spf1 ip4:198.51.100.0/24 ip6:2001:db8::/32 -all\"");
        records.add("mx IN A 192.0.2.25");
        for (int i = 0; i < n; i++) {
            String d = "d" + i;
            records.add(d + " IN TXT \"v=spf1 ip4:192.0.2." + (i % 256) + " include:_spf.bench -all\"");
            records.add(d + " IN MX 10 mx.bench.");
            records.add("_dmarc." + d + " IN TXT \"v=DMARC1; p=" + (i % 3 == 0 ? "none" : "reject")
                    + "; rua=mailto:dmarc@" + d + ".bench\"");
            records.add("google._domainkey." + d + " IN TXT \"v=DKIM1; k=ed25519; "
                    + "p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"");
        }
        try (NsdServer nsd = NsdServer.start(Map.of("bench", NsdServer.zone("bench", records.toArray(new String[0]))))) {
            List<String> domains = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                domains.add("d" + i + ".bench");
            }
            System.out.printf("%d domains, %d CPUs, prefetch %s%n", n, Runtime.getRuntime().availableProcessors(),
                    prefetch);
            for (String level : levels) {
                int c = Integer.parseInt(level.strip());
                Counting counting = new Counting(DnsjavaResolver.builder().server(nsd.address()).tries(3)
                        .timeout(Duration.ofSeconds(2)).build());
                DnsResolver shared = CachingResolver.builder(counting).build();
                DomainChecker checker = DomainChecker.builder().resolver(shared).concurrency(c)
                        .prefetch(prefetch).build();
                long t0 = System.nanoTime();
                long[] grades = new long[5];
                checker.checkAll(domains.iterator(), r -> {
                    if (r instanceof CheckReport.Checked ch) {
                        grades[ch.grade().ordinal()]++;
                    }
                });
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf("concurrency %4d: %6.1f s, %7.0f domains/s, %8d queries (%5.1f/domain), "
                        + "%7.0f queries/s, %d temp failures, grades A..F %s%n", c, s, n / s, counting.queries.get(),
                        counting.queries.get() / (double) n, counting.queries.get() / s, counting.failures.get(),
                        java.util.Arrays.toString(grades));
                if (counting.failures.get() > 0) {
                    String log = nsd.log();
                    System.out.println("nsd log tail: " + log.substring(Math.max(0, log.length() - 400)));
                }
            }
            for (int threads : new int[] {32, 128}) {
                DnsResolver raw = DnsjavaResolver.builder().server(nsd.address()).tries(3)
                        .timeout(Duration.ofSeconds(2)).build();
                int total = Math.min(200_000, n * 20);
                AtomicLong next = new AtomicLong();
                AtomicLong fails = new AtomicLong();
                long t0 = System.nanoTime();
                try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int t = 0; t < threads; t++) {
                        pool.execute(() -> {
                            long i;
                            while ((i = next.getAndIncrement()) < total) {
                                if (raw.lookup(DomainName.of("d" + (i % n) + ".bench"), DnsType.TXT)
                                        instanceof DnsAnswer.TempFailure) {
                                    fails.incrementAndGet();
                                }
                            }
                        });
                    }
                }
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf("raw dnsjava loop, %d virtual threads: %d queries in %.1f s = %.0f queries/s, "
                        + "%d temp failures%n", threads, total, s, total / s, fails.get());
            }
        }
    }
}
