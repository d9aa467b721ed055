package dev.aligned.bench.spf;

import dev.aligned.bench.Workloads;
import dev.aligned.bench.Workloads.SpfCase;
import dev.aligned.dns.DnsResolver;
import dev.aligned.spf.SpfEvaluator;
import java.net.InetAddress;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * SPF evaluations per second on the workloads the peers run ({@code peers/run-spf-peers.sh}): the whole OpenSPF
 * RFC 7208 suite (203 cases) and a realistic 8-lookup include chain, with a warm in-memory resolver.
 *
 * <p>{@code suite}/{@code realistic} use one evaluator per DNS fixture, as a receiver would (records parsed
 * once and cached by text); {@code *ColdParse} builds a new evaluator per evaluation, so every record is parsed
 * again, as pyspf and mailauth do.
 *
 * <pre>
 * java -jar aligned-bench/target/benchmarks.jar SpfBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SpfBenchmark {
    static final int SUITE_CASES = 203;
    static final int REALISTIC_CASES = 5;

    record Prepared(SpfCase c, InetAddress ip, SpfEvaluator evaluator) {
    }

    private Prepared[] suite;
    private Prepared[] realistic;

    @Setup
    public void setUp() {
        suite = prepare(Workloads.spf("spf-suite.json"), SUITE_CASES);
        realistic = prepare(Workloads.spf("spf-realistic.json"), REALISTIC_CASES);
    }

    static Prepared[] prepare(List<SpfCase> cases, int expected) {
        if (cases.size() != expected) {
            throw new IllegalStateException("workload has " + cases.size() + " cases, expected " + expected);
        }
        Map<DnsResolver, SpfEvaluator> evaluators = new IdentityHashMap<>();
        Prepared[] out = new Prepared[cases.size()];
        int mismatches = 0;
        for (int i = 0; i < out.length; i++) {
            SpfCase c = cases.get(i);
            SpfEvaluator e = evaluators.computeIfAbsent(c.dns(), SpfBenchmark::evaluator);
            out[i] = new Prepared(c, address(c.ip()), e);
            String got = e.checkMailFrom(out[i].ip(), c.mailFrom(), c.helo()).code();
            if (!c.expected().contains(got)) {
                mismatches++;
            }
        }
        if (mismatches > 0) {
            throw new IllegalStateException(mismatches + " workload cases gave an unexpected result");
        }
        return out;
    }

    static SpfEvaluator evaluator(DnsResolver dns) {
        return SpfEvaluator.builder().resolver(dns).receiver("mx.example.org").trace(false).build();
    }

    static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip); // a literal: no DNS query is made
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("bad workload address " + ip, e);
        }
    }

    @Benchmark
    @OperationsPerInvocation(SUITE_CASES)
    public void suite(Blackhole bh) {
        for (Prepared p : suite) {
            bh.consume(p.evaluator().checkMailFrom(p.ip(), p.c().mailFrom(), p.c().helo()));
        }
    }

    @Benchmark
    @OperationsPerInvocation(SUITE_CASES)
    public void suiteColdParse(Blackhole bh) {
        for (Prepared p : suite) {
            bh.consume(evaluator(p.c().dns()).checkMailFrom(p.ip(), p.c().mailFrom(), p.c().helo()));
        }
    }

    @Benchmark
    @OperationsPerInvocation(REALISTIC_CASES)
    public void realistic(Blackhole bh) {
        for (Prepared p : realistic) {
            bh.consume(p.evaluator().checkMailFrom(p.ip(), p.c().mailFrom(), p.c().helo()));
        }
    }

    @Benchmark
    @OperationsPerInvocation(REALISTIC_CASES)
    public void realisticColdParse(Blackhole bh) {
        for (Prepared p : realistic) {
            bh.consume(evaluator(p.c().dns()).checkMailFrom(p.ip(), p.c().mailFrom(), p.c().helo()));
        }
    }

}
