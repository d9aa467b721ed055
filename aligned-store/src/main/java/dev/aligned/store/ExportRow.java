package dev.aligned.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One stored record with the report it belongs to, flattened for export.
 *
 * @param dkimResults the record's DKIM auth results as {@code domain/selector=result}, separated by spaces
 * @param spfResults the record's SPF auth results as {@code domain/scope=result}, separated by spaces
 * @param flagged whether the report conflicts with an earlier one under the same identity
 */
public record ExportRow(String domain, String orgName, String reportId, Optional<Instant> begin,
        Optional<Instant> end, String sourceIp, long messages, String disposition, String dkim, String spf,
        String headerFrom, String envelopeFrom, String envelopeTo, String dkimResults, String spfResults,
        boolean flagged) {
    public ExportRow {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(orgName, "orgName");
        Objects.requireNonNull(reportId, "reportId");
        Objects.requireNonNull(begin, "begin");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(sourceIp, "sourceIp");
        Objects.requireNonNull(disposition, "disposition");
        Objects.requireNonNull(dkim, "dkim");
        Objects.requireNonNull(spf, "spf");
        Objects.requireNonNull(headerFrom, "headerFrom");
        Objects.requireNonNull(envelopeFrom, "envelopeFrom");
        Objects.requireNonNull(envelopeTo, "envelopeTo");
        Objects.requireNonNull(dkimResults, "dkimResults");
        Objects.requireNonNull(spfResults, "spfResults");
    }
}
