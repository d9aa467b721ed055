package dev.aligned.report;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code report_metadata}: who sent the report and which period it covers.
 *
 * @param orgName the reporting organisation (empty string when the element was missing, with a warning)
 * @param email the reporter's contact address (empty string when missing)
 * @param extraContactInfo optional extra contact details
 * @param reportId the reporter's unique report id (empty string when missing)
 * @param dateRange the period covered, when present and readable
 * @param errors {@code <error>} elements in order
 * @param generator RFC 9990 {@code <generator>}: the reporting software
 */
public record ReportMetadata(
        String orgName,
        String email,
        Optional<String> extraContactInfo,
        String reportId,
        Optional<DateRange> dateRange,
        List<String> errors,
        Optional<String> generator) {

    public ReportMetadata {
        Objects.requireNonNull(orgName, "orgName");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(extraContactInfo, "extraContactInfo");
        Objects.requireNonNull(reportId, "reportId");
        Objects.requireNonNull(dateRange, "dateRange");
        errors = List.copyOf(errors);
        Objects.requireNonNull(generator, "generator");
    }
}
