package dev.aligned.report;

import java.util.List;
import java.util.Objects;

/**
 * One {@code <record>}: a source IP, a message count, the DMARC outcome, the identifiers and the raw DKIM/SPF
 * results.
 *
 * @param extensions unknown elements inside {@code <record>} (RFC 9990 record-level extensions), kept
 */
public record ReportRecord(
        Row row,
        Identifiers identifiers,
        List<DkimAuthResult> dkim,
        List<SpfAuthResult> spf,
        List<Extension> extensions) {

    public ReportRecord {
        Objects.requireNonNull(row, "row");
        Objects.requireNonNull(identifiers, "identifiers");
        dkim = List.copyOf(dkim);
        spf = List.copyOf(spf);
        extensions = List.copyOf(extensions);
    }
}
