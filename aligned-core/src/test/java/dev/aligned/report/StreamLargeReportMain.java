package dev.aligned.report;

/**
 * Run in a child JVM with a small heap by {@code HostileInputTest}: streams a synthetic report of the given
 * size in MB through {@link ReportReader#readAggregate} and prints "records=N messages=M".
 */
public final class StreamLargeReportMain {
    private StreamLargeReportMain() {
    }

    public static void main(String[] args) {
        long mb = Long.parseLong(args[0]);
        long[] n = new long[2];
        ReportResult r = ReportReader.withLimits(ReportLimits.defaults().withMaxRecords(Long.MAX_VALUE))
                .readAggregate("big.xml", SyntheticReportStream.ofSize(mb << 20), rec -> {
                    n[0]++;
                    n[1] += rec.row().count();
                });
        if (r instanceof ReportResult.Failed f) {
            System.out.println("failed: " + f.error());
            System.exit(1);
        }
        System.out.println("records=" + n[0] + " messages=" + n[1]);
    }
}
