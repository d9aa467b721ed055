package dev.aligned.bench.store;

import dev.aligned.bench.report.SyntheticReports;
import dev.aligned.report.AggregateReport;
import dev.aligned.report.ReportLimits;
import dev.aligned.report.ReportReader;
import dev.aligned.report.ReportResult;
import dev.aligned.store.PrepareProbe;
import java.io.ByteArrayInputStream;
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
 * The parsing thread of {@code aligned import} per aggregate report: {@code parse} (gunzip and parse a synthetic
 * report, as the import reads it), {@code parseAndPrepare} (that, then the content digest and the rollup sums, as
 * {@code ReportStore.Input} computes them), {@code parseAndPrepareInOnePass} (the same in one pass over the
 * records: {@code AnalysisRollups.Summer} fed by the digest), {@code parseAndDigest} and {@code parseAndSum} (one of the two), and
 * {@code digest} and {@code sum} alone on one parsed report over and over. The extras' share of the parse is
 * (parseAndPrepare - parse) / parse: on a freshly parsed report (strings whose hash codes are not computed yet,
 * objects not in cache, garbage to collect) they cost far more than {@code digest} + {@code sum} on a report
 * already digested and summed.
 *
 * <pre>
 * java -jar aligned-bench/target/benchmarks.jar PrepareBench -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PrepareBench {
    @Param({"5000"})
    public int records;

    byte[] gz;
    ReportReader reader;
    AggregateReport parsed;

    @Setup
    public void setup() {
        gz = SyntheticReports.gzip(new SyntheticReports(42).report("example.com", records));
        reader = ReportReader.withLimits(ReportLimits.defaults().withMaxRecords(Long.MAX_VALUE));
        parsed = read();
    }

    private AggregateReport read() {
        ReportResult r = reader.read("bench.xml.gz", new ByteArrayInputStream(gz)).get(0);
        return (AggregateReport) ((ReportResult.Parsed) r).report();
    }

    @Benchmark
    public AggregateReport parse() {
        return read();
    }

    @Benchmark
    public Object parseAndPrepare() {
        return PrepareProbe.prepare(read());
    }

    @Benchmark
    public String parseAndPrepareInOnePass() {
        return PrepareProbe.digestAndSum(read());
    }

    @Benchmark
    public String parseAndDigest() {
        return PrepareProbe.digest(read());
    }

    @Benchmark
    public Object parseAndSum() {
        return PrepareProbe.sum(read());
    }

    @Benchmark
    public String digest() {
        return PrepareProbe.digest(parsed);
    }

    @Benchmark
    public Object sum() {
        return PrepareProbe.sum(parsed);
    }
}
