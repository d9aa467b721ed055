package dev.aligned.server.reporting;

import dev.aligned.dns.DomainName;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link ReportSender#generate} did for one policy domain and day.
 *
 * @param reportId  the report id, when a report was made
 * @param fileName  the RFC 9990 file name of the report, when made
 * @param records   its records
 * @param messages  the messages they count
 * @param gzBytes   its size after gzip
 * @param planned   each destination and what was decided for it
 */
public record ReportOutcome(DomainName domain, LocalDate day, Status status, Optional<String> reportId,
        Optional<String> fileName, int records, long messages, long gzBytes, List<Planned> planned) {

    public ReportOutcome {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(day, "day");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reportId, "reportId");
        Objects.requireNonNull(fileName, "fileName");
        planned = List.copyOf(planned);
    }

    /** What happened to the (domain, day). */
    public enum Status {
        /** A report was made and its deliveries queued. */
        GENERATED,
        /** A report for this domain and day had been made before (by this or another node): nothing done. */
        ALREADY_GENERATED,
        /** A destination's authorisation could not be checked (DNS temporary failure): try again later. */
        DEFERRED
    }

    /**
     * One destination of the report.
     *
     * @param uri       the {@code rua} URI as published
     * @param recipient the mailbox, when the URI gave one
     * @param state     {@link Delivery.State#PENDING} (queued) or {@link Delivery.State#SKIPPED}
     * @param detail    why skipped, or what is queued
     */
    public record Planned(String uri, String recipient, Delivery.State state, String detail) {
        public Planned {
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(recipient, "recipient");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
