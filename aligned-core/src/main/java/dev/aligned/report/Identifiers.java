package dev.aligned.report;

import java.util.Objects;
import java.util.Optional;

/** {@code <identifiers>}: the envelope recipient and sender domains and the RFC 5322.From domain. */
public record Identifiers(Optional<String> envelopeTo, Optional<String> envelopeFrom, String headerFrom) {
    public Identifiers {
        Objects.requireNonNull(envelopeTo, "envelopeTo");
        Objects.requireNonNull(envelopeFrom, "envelopeFrom");
        Objects.requireNonNull(headerFrom, "headerFrom");
    }
}
