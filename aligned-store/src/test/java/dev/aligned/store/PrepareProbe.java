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

    /** The content digest and the rollup sums in one pass over the records; returns the digest. */
    public static String digestAndSum(AggregateReport a) {
        AnalysisRollups.Summer summer = new AnalysisRollups.Summer(DomainKey.of(a.policy().domain()), a.policy());
        String digest = ContentDigest.of(a, summer::add);
        return summer.finish() == null ? "" : digest;
    }

    /**
     * The digest and the sums in one pass, then the record packs in a second pass over the records (how
     * {@link ReportStore.Input} did it before the packs joined the digest's pass); returns the packs.
     */
    public static Object prepareWithPacksApart(AggregateReport a) {
        return digestAndSum(a).isEmpty() ? null : RecordPack.pack(a.records());
    }

    /** The rollup sums alone. */
    public static Object sum(AggregateReport a) {
        return AnalysisRollups.sum(DomainKey.of(a.policy().domain()), a.policy(), a.records());
    }
}
