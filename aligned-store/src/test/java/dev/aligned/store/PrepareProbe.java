package dev.aligned.store;

import dev.aligned.report.AggregateReport;

/**
 * Public doors, for the benchmarks (aligned-bench's {@code PrepareBench}), to what the parsing thread of an import
 * computes per aggregate report besides the parse: the content digest and the rollup sums.
 */
public final class PrepareProbe {
    private PrepareProbe() {
    }

    /** What {@link ReportStore.Input} computes per report: domain key, day, content digest and rollup sums. */
    public static Object prepare(AggregateReport a) {
        return JdbcReportStore.Prepared.of(a);
    }

    /** The content digest alone. */
    public static String digest(AggregateReport a) {
        return ContentDigest.of(a);
    }

    /** The rollup sums alone. */
    public static Object sum(AggregateReport a) {
        return AnalysisRollups.sum(DomainKey.of(a.policy().domain()), a.policy(), a.records());
    }
}
