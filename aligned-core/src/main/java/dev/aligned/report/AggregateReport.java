package dev.aligned.report;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A DMARC aggregate report (RFC 9990 {@code urn:ietf:params:xml:ns:dmarc-2.0}, RFC 7489 0.1, and the pre-RFC
 * drafts) with its extension elements kept.
 *
 * @param version the {@code <version>} element as written, if present
 * @param metadata {@code report_metadata}
 * @param policy {@code policy_published}
 * @param records the {@code record} elements in document order (empty when the report was streamed)
 * @param extensions the children of the top-level {@code <extension>} element and unknown top-level elements
 */
public record AggregateReport(
        Optional<String> version,
        ReportMetadata metadata,
        PolicyPublished policy,
        List<ReportRecord> records,
        List<Extension> extensions) implements Report {

    public AggregateReport {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(policy, "policy");
        records = List.copyOf(records);
        extensions = List.copyOf(extensions);
    }

    @Override
    public String kind() {
        return "aggregate";
    }

    /** The sum of the message counts of all records. */
    public long messageCount() {
        long n = 0;
        for (ReportRecord r : records) {
            n += r.row().count();
        }
        return n;
    }

    /** This report with other records (e.g. after streaming them elsewhere). */
    public AggregateReport withRecords(List<ReportRecord> newRecords) {
        return new AggregateReport(version, metadata, policy, newRecords, extensions);
    }
}
