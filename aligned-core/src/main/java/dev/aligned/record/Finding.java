package dev.aligned.record;

import java.util.Objects;

/**
 * One thing {@link DomainChecker} found: a stable {@link FindingCode}, what is wrong (naming the record, term
 * and column where there is one) and what to do about it.
 *
 * @param code    the stable code; it fixes the severity and area
 * @param message what was found, one or two sentences
 * @param fix     what to publish or change; empty when there is nothing to do
 */
public record Finding(FindingCode code, String message, String fix) {
    public Finding {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(fix, "fix");
    }

    /** The severity of the code. */
    public Severity severity() {
        return code.severity();
    }

    /** The area of the code. */
    public Area area() {
        return code.area();
    }

    @Override
    public String toString() {
        return code.severity().keyword() + " " + code.code() + ": " + message + (fix.isEmpty() ? "" : " Fix: " + fix);
    }
}
