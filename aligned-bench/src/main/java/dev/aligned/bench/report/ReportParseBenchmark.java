package dev.aligned.bench.report;

import dev.aligned.report.AggregateReport;
import dev.aligned.report.ReportLimits;
import dev.aligned.report.ReportReader;
import dev.aligned.report.ReportResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Aggregate report parse throughput next to the physical limit measured in the same run: {@code parseXml} vs
 * {@code rawStaxXml} (a bare JDK StAX scan that touches every event of the same bytes), {@code parseGzip} vs
 * {@code rawGunzip} (inflate only) and {@code rawGunzipStax}. Divide the XML size (printed at setup) by the
 * time per operation for MB/s; records/s = records / time.
 *
 * <pre>
 * java -jar aligned-bench/target/benchmarks.jar ReportParseBenchmark -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class ReportParseBenchmark {
    @Param({"20000"})
    public int records;

    byte[] xml;
    byte[] gz;
    ReportReader reader;
    XMLInputFactory factory;

    @Setup
    public void setup() {
        AggregateReport r = new SyntheticReports(7).report("example.com", records);
        xml = SyntheticReports.xml(r);
        gz = SyntheticReports.gzip(r);
        reader = ReportReader.withLimits(ReportLimits.defaults().withMaxRecords(Long.MAX_VALUE));
        factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        System.out.printf("%n[setup] %d records: xml %d bytes, gzip %d bytes%n", records, xml.length, gz.length);
    }

    private long parse(byte[] bytes, Blackhole bh) {
        long[] n = new long[1];
        ReportResult res = reader.readAggregate("bench", new ByteArrayInputStream(bytes), rec -> {
            n[0]++;
            bh.consume(rec);
        });
        if (res instanceof ReportResult.Failed f) {
            throw new IllegalStateException(f.error());
        }
        return n[0];
    }

    @Benchmark
    public long parseXml(Blackhole bh) {
        return parse(xml, bh);
    }

    @Benchmark
    public long parseGzip(Blackhole bh) {
        return parse(gz, bh);
    }

    private long scan(InputStream in, Blackhole bh) throws XMLStreamException {
        XMLStreamReader r = factory.createXMLStreamReader(in);
        long n = 0;
        while (r.hasNext()) {
            int ev = r.next();
            if (ev == XMLStreamConstants.CHARACTERS) {
                n += r.getTextLength();
            } else if (ev == XMLStreamConstants.START_ELEMENT) {
                bh.consume(r.getLocalName());
            }
        }
        r.close();
        return n;
    }

    @Benchmark
    public long rawStaxXml(Blackhole bh) throws XMLStreamException {
        return scan(new ByteArrayInputStream(xml), bh);
    }

    @Benchmark
    public long rawGunzip() throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz), 65536)) {
            byte[] buf = new byte[65536];
            long n = 0;
            int r;
            while ((r = in.read(buf)) > 0) {
                n += r;
            }
            return n;
        }
    }

    @Benchmark
    public long rawGunzipStax(Blackhole bh) throws IOException, XMLStreamException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz), 65536)) {
            return scan(in, bh);
        }
    }
}
