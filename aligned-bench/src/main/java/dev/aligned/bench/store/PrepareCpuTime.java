package dev.aligned.bench.store;

import dev.aligned.bench.report.SyntheticReports;
import dev.aligned.report.AggregateReport;
import dev.aligned.report.ReportLimits;
import dev.aligned.report.ReportReader;
import dev.aligned.report.ReportResult;
import dev.aligned.store.PrepareProbe;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * The parsing thread's per-report work in thread CPU time (meaningful on a machine shared with other work, unlike
 * {@link PrepareBench}'s wall time): each round gunzips and parses a synthetic report of 5,000 records (seed 42,
 * as {@code StoreImportBench} writes them), then computes its content digest, then its rollup sums, as
 * {@code ReportStore.Input} does, timing the three steps apart; then parses the same bytes again and times the
 * digest and sums computed in one pass over the records ({@code AnalysisRollups.Summer}); then, each on a report
 * parsed again, the digest and sums in one pass with the record packs in a second one, and all three in one pass
 * ({@code JdbcReportStore.Prepared.of}). Prints the medians of the rounds after the warm-up and the extras' share of
 * the parse.
 *
 * <pre>
 * java -cp aligned-bench/target/benchmarks.jar dev.aligned.bench.store.PrepareCpuTime [RECORDS [ROUNDS]]
 * </pre>
 */
public final class PrepareCpuTime {
    private PrepareCpuTime() {
    }

    private static AggregateReport parse(ReportReader reader, byte[] gz) {
        ReportResult r = reader.read("r.xml.gz", new ByteArrayInputStream(gz)).get(0);
        return (AggregateReport) ((ReportResult.Parsed) r).report();
    }

    public static void main(String[] args) {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int warmup = 30;
        SyntheticReports gen = new SyntheticReports(42);
        byte[][] gz = new byte[4][];
        for (int i = 0; i < gz.length; i++) {
            gz[i] = SyntheticReports.gzip(gen.report("example.com", records));
        }
        ReportReader reader = ReportReader.withLimits(ReportLimits.defaults().withMaxRecords(Long.MAX_VALUE));
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[][] t = new long[6][rounds];
        long sink = 0;
        for (int k = 0; k < warmup + rounds; k++) {
            long t0 = mx.getCurrentThreadCpuTime();
            AggregateReport a = parse(reader, gz[k % gz.length]);
            long t1 = mx.getCurrentThreadCpuTime();
            sink += PrepareProbe.digest(a).charAt(0);
            long t2 = mx.getCurrentThreadCpuTime();
            sink += System.identityHashCode(PrepareProbe.sum(a)) & 1;
            long t3 = mx.getCurrentThreadCpuTime();
            a = parse(reader, gz[k % gz.length]);
            long t4 = mx.getCurrentThreadCpuTime();
            sink += PrepareProbe.digestAndSum(a).charAt(0);
            long t5 = mx.getCurrentThreadCpuTime();
            a = parse(reader, gz[k % gz.length]);
            long t6 = mx.getCurrentThreadCpuTime();
            sink += System.identityHashCode(PrepareProbe.prepareWithPacksApart(a)) & 1;
            long t7 = mx.getCurrentThreadCpuTime();
            a = parse(reader, gz[k % gz.length]);
            long t8 = mx.getCurrentThreadCpuTime();
            sink += System.identityHashCode(PrepareProbe.prepare(a)) & 1;
            long t9 = mx.getCurrentThreadCpuTime();
            if (k >= warmup) {
                t[4][k - warmup] = t7 - t6;
                t[5][k - warmup] = t9 - t8;
                t[0][k - warmup] = t1 - t0;
                t[1][k - warmup] = t2 - t1;
                t[2][k - warmup] = t3 - t2;
                t[3][k - warmup] = t5 - t4;
            }
        }
        double[] ms = new double[6];
        for (int i = 0; i < 6; i++) {
            Arrays.sort(t[i]);
            ms[i] = t[i][rounds / 2] / 1e6;
        }
        System.out.printf(Locale.ROOT, "%d records, medians of %d rounds (thread CPU, checksum %d): parse %.2f ms, "
                + "digest %.2f ms (%.0f%%), sums %.2f ms (%.0f%%), together %.0f%% of the parse; in one pass %.2f ms "
                + "(%.0f%%)%n", records, rounds, sink % 10, ms[0], ms[1], 100 * ms[1] / ms[0], ms[2],
                100 * ms[2] / ms[0], 100 * (ms[1] + ms[2]) / ms[0], ms[3], 100 * ms[3] / ms[0]);
        System.out.printf(Locale.ROOT, "with the record packs: digest and sums in one pass, packs in a second %.2f ms "
                + "(%.0f%%); all three in one pass (Prepared.of) %.2f ms (%.0f%%)%n", ms[4], 100 * ms[4] / ms[0], ms[5],
                100 * ms[5] / ms[0]);
    }
}
