package dev.aligned.server.reporting;

import dev.aligned.server.ingest.Secret;
import java.util.Objects;
import java.util.Optional;

/**
 * Failure (forensic) reports: off unless enabled; how many per policy domain and hour; and privacy. Reports
 * never carry the message body. {@link HeaderScope#MINIMAL} keeps only the header fields that identify the
 * message ({@code From, To, Cc, Subject, Date, Message-ID} and the {@code DKIM-Signature}s);
 * {@code redactLocalParts} replaces the local part of every address in the report (RFC 6590) with
 * {@code redacted} or, when a key is set, with a keyed hash so the same address stays recognisable.
 */
public record FailureSettings(boolean enabled, int maxPerHour, HeaderScope headers, boolean redactLocalParts,
        Optional<Secret> redactionKey) {

    /** Failure reports off. */
    public static final FailureSettings DISABLED = new FailureSettings(false, 10, HeaderScope.ALL, true,
            Optional.empty());

    /** Which header fields of the failed message a report quotes. */
    public enum HeaderScope {
        /** All of them, as received. */
        ALL,
        /** Only those that identify the message. */
        MINIMAL
    }

    public FailureSettings {
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(redactionKey, "redactionKey");
        if (maxPerHour < 0) {
            throw new IllegalArgumentException("maxPerHour must not be negative, got " + maxPerHour);
        }
    }
}
