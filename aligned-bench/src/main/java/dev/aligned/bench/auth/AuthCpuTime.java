package dev.aligned.bench.auth;

import dev.aligned.auth.EmailAuthenticator;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;

/**
 * {@link WholeMessageBenchmark}'s workload measured in process CPU time as well as wall time, which holds up
 * better than throughput on a machine shared with other work: authentications per CPU-second of the whole JVM
 * (including JIT and GC threads), next to {@code peers/auth_mailauth.js}, which reports the same for node.
 * Warms up for the given seconds first. {@code -Dprefetch=false} turns off the authenticator's DMARC prefetch.
 *
 * <pre>
 * java [-Dprefetch=false] -cp aligned-bench/target/benchmarks.jar dev.aligned.bench.auth.AuthCpuTime [SECONDS] [MESSAGE]
 * </pre>
 */
public final class AuthCpuTime {
    private AuthCpuTime() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 15;
        String name = args.length > 1 ? args[1] : "msg-4k-rsa.eml";
        byte[] message = WholeMessageBenchmark.resource("dkim/" + name);
        InetAddress client = InetAddress.getByName(WholeMessageBenchmark.CLIENT);
        EmailAuthenticator auth = EmailAuthenticator.builder(WholeMessageBenchmark.warm(WholeMessageBenchmark.zone()))
                .authservId("mx.example.org")
                .prefetchAlignment(!"false".equals(System.getProperty("prefetch")))
                .build();
        WholeMessageBenchmark.check(auth.authenticate(message, client, WholeMessageBenchmark.HELO,
                WholeMessageBenchmark.MAIL_FROM));
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (String phase : new String[] {"warm-up", "measured"}) {
            long n = 0;
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            long end = t0 + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                for (int i = 0; i < 50; i++) {
                    auth.authenticate(message, client, WholeMessageBenchmark.HELO, WholeMessageBenchmark.MAIL_FROM);
                }
                n += 50;
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
            if (phase.equals("measured")) {
                System.out.printf("{\"impl\":\"aligned\",\"message\":\"%s\",\"authentications\":%d,\"wall_seconds\":%.3f,"
                        + "\"cpu_seconds\":%.3f,\"per_second\":%.1f,\"per_cpu_second\":%.1f}%n",
                        name, n, wall, cpu, n / wall, n / cpu);
            }
        }
    }
}
