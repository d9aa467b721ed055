package dev.aligned.server.reporting;

import dev.aligned.dns.DomainName;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One report message to one recipient, as the delivery queue keeps it: the complete message (so a retry sends
 * the same bytes), its state and attempts.
 *
 * @param id          the queue's key
 * @param kind        aggregate or failure report
 * @param domain      the policy domain the report is about
 * @param day         the UTC day of the reporting period (aggregate) or of the failed message (failure)
 * @param reportId    the report id (aggregate) or the failure report's id
 * @param destination the {@code rua}/{@code ruf} URI as published
 * @param recipient   the mailbox
 * @param messageId   the Message-ID (without angle brackets)
 * @param size        the message size in bytes
 * @param state       where it stands
 * @param detail      why it was skipped, the last error, or the server's answer
 * @param attempts    attempts made
 * @param nextAttempt when the next attempt is due (pending)
 * @param createdAt   when it was queued
 * @param sentAt      when it was accepted by the submission server
 */
public record Delivery(long id, Kind kind, DomainName domain, LocalDate day, String reportId, String destination,
        String recipient, String messageId, long size, State state, String detail, int attempts, Instant nextAttempt,
        Instant createdAt, Optional<Instant> sentAt) {

    public Delivery {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(day, "day");
        Objects.requireNonNull(reportId, "reportId");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(nextAttempt, "nextAttempt");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(sentAt, "sentAt");
    }

    /** Aggregate or failure report. */
    public enum Kind {
        AGGREGATE, FAILURE;

        /** {@code aggregate} or {@code failure}. */
        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Where a delivery stands. */
    public enum State {
        /** Waiting for its (next) attempt. */
        PENDING,
        /** Accepted by the submission server. */
        SENT,
        /** Refused permanently, or out of attempts. */
        FAILED,
        /** Never attempted: not authorised, too large for the URI's limit, suppressed. */
        SKIPPED;

        /** The state in lower case. */
        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A delivery to be queued.
     *
     * @param message the complete message; empty for a skipped delivery
     */
    public record New(Kind kind, DomainName domain, LocalDate day, String reportId, String destination,
            String recipient, String messageId, byte[] message, State state, String detail) {
        public New {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(day, "day");
            Objects.requireNonNull(reportId, "reportId");
            Objects.requireNonNull(destination, "destination");
            Objects.requireNonNull(recipient, "recipient");
            Objects.requireNonNull(messageId, "messageId");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(detail, "detail");
            if (state != State.PENDING && state != State.SKIPPED) {
                throw new IllegalArgumentException("a new delivery is pending or skipped, not " + state);
            }
        }
    }

    /**
     * An aggregate report generated for a policy domain and day: recorded with its deliveries, so it is generated
     * once.
     */
    public record Run(DomainName domain, LocalDate day, String reportId, Instant begin, Instant end, int records,
            long messages, Instant createdAt) {
        public Run {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(day, "day");
            Objects.requireNonNull(reportId, "reportId");
            Objects.requireNonNull(begin, "begin");
            Objects.requireNonNull(end, "end");
            Objects.requireNonNull(createdAt, "createdAt");
        }
    }
}
