package dev.aligned.bench.report;

import dev.aligned.report.AggregateReport;
import dev.aligned.report.ReportLimits;
import dev.aligned.report.ReportReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.zip.GZIPInputStream;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;

/**
 * The parse-vs-raw comparison of {@link ReportParseBenchmark} measured in thread CPU time rather than wall time,
 * so that it stays meaningful on a machine shared with other work. Interleaves the four variants, discards the
 * first 10 rounds (warm-up) and prints averages of the next 20.
 *
 * <pre>
 * java -cp aligned-bench/target/benchmarks.jar dev.aligned.bench.report.ReportParseCpuTime [RECORDS]
 * </pre>
 */
public final class ReportParseCpuTime {
    private ReportParseCpuTime() {
    }

    static long scan(XMLInputFactory f, InputStream in) throws Exception {
        XMLStreamReader r = f.createXMLStreamReader(in);
        long n = 0;
        while (r.hasNext()) {
            int ev = r.next();
            if (ev == XMLStreamConstants.CHARACTERS) {
                n += r.getTextLength();
            } else if (ev == XMLStreamConstants.START_ELEMENT) {
                n += r.getLocalName().length();
            }
        }
        return n;
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        AggregateReport rep = new SyntheticReports(7).report("example.com", records);
        byte[] xml = SyntheticReports.xml(rep);
        byte[] gz = SyntheticReports.gzip(rep);
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        ReportReader rr = ReportReader.withLimits(ReportLimits.defaults().withMaxRecords(Long.MAX_VALUE));
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] sum = new long[4];
        long[] sink = new long[1];
        for (int k = 0; k < 30; k++) {
            long t0 = mx.getCurrentThreadCpuTime();
            sink[0] += scan(f, new ByteArrayInputStream(xml));
            long t1 = mx.getCurrentThreadCpuTime();
            rr.readAggregate("xml", new ByteArrayInputStream(xml), x -> sink[0]++);
            long t2 = mx.getCurrentThreadCpuTime();
            sink[0] += scan(f, new GZIPInputStream(new ByteArrayInputStream(gz), 65536));
            long t3 = mx.getCurrentThreadCpuTime();
            rr.readAggregate("gz", new ByteArrayInputStream(gz), x -> sink[0]++);
            long t4 = mx.getCurrentThreadCpuTime();
            if (k >= 10) {
                sum[0] += t1 - t0;
                sum[1] += t2 - t1;
                sum[2] += t3 - t2;
                sum[3] += t4 - t3;
            }
        }
        double mb = xml.length / 1e6;
        double[] ms = new double[4];
        for (int i = 0; i < 4; i++) {
            ms[i] = sum[i] / 20 / 1e6;
        }
        System.out.printf("%d records, %.1f MB xml, %.2f MB gzip (checksum %d)%n", records, mb, gz.length / 1e6,
                sink[0] % 10);
        System.out.printf("xml: raw StAX %.0f ms (%.0f MB/s), Aligned %.0f ms (%.0f MB/s, %.0f records/s): %.0f%%%n",
                ms[0], mb / ms[0] * 1e3, ms[1], mb / ms[1] * 1e3, records / ms[1] * 1e3, 100 * ms[0] / ms[1]);
        System.out.printf("gz:  raw gunzip+StAX %.0f ms, Aligned %.0f ms: %.0f%%%n", ms[2], ms[3],
                100 * ms[2] / ms[3]);
    }
}
