package dev.aligned.server.analysis;

import java.time.LocalDate;

/**
 * One stored report record of a source (for the source detail page).
 *
 * @param dkim the record's DKIM results, {@code d/selector=result} separated by spaces
 * @param spf the record's SPF results, {@code domain=result} separated by spaces
 */
public record RecordRow(LocalDate day, String orgName, String reportId, long messages, String disposition,
        String policyDkim, String policySpf, String headerFrom, String envelopeFrom, String dkim, String spf,
        String reasons) {
}
