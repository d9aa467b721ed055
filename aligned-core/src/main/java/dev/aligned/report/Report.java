package dev.aligned.report;

/** A parsed DMARC report: an {@link AggregateReport} or a {@link FailureReport}. */
public sealed interface Report permits AggregateReport, FailureReport {
    /** {@code "aggregate"} or {@code "failure"}, as used in JSON output. */
    String kind();
}
