package dev.aligned.bench.report;

import dev.aligned.report.ReportReader;
import dev.aligned.report.ReportResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
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
 * Parses the real-world report the peers parse ({@code peers/run-report-peers.sh}) into the full model with its
 * warnings, as Mail::DMARC and dmarc-report-parser build theirs: {@code workloads/reports/large-example.com.xml}
 * (909 KB, 2,286 records).
 *
 * <pre>
 * java -jar aligned-bench/target/benchmarks.jar ReportFileBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ReportFileBenchmark {
    static final String FILE = "/workloads/reports/large-example.com.xml";
    byte[] xml;
    ReportReader reader;

    @Setup
    public void setup() throws IOException {
        try (InputStream in = ReportFileBenchmark.class.getResourceAsStream(FILE)) {
            xml = in.readAllBytes();
        }
        reader = ReportReader.create();
        List<ReportResult> first = reader.read("large-example.com.xml", new ByteArrayInputStream(xml));
        if (first.size() != 1 || !(first.get(0) instanceof ReportResult.Parsed p)
                || p.report() instanceof dev.aligned.report.AggregateReport a && a.records().size() != 2286) {
            throw new IllegalStateException("unexpected parse of the workload: " + first);
        }
    }

    /** Reports per second; multiply by 0.909 for MB/s and by 2,286 for records/s. */
    @Benchmark
    public List<ReportResult> parseLargeCorpusReport() {
        return reader.read("large-example.com.xml", new ByteArrayInputStream(xml));
    }
}
