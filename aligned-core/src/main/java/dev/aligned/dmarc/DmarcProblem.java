package dev.aligned.dmarc;

import java.util.Objects;

/**
 * One problem found in a DMARC record, at a 1-based column of the record text.
 *
 * <p>An {@link Severity#ERROR} means a value was discarded (the default applies, RFC 9989 section 4.8); a
 * {@link Severity#WARNING} means the record works but something in it is obsolete, unknown or risky.
 *
 * @param column  1-based column of the record text where the problem starts
 * @param severity how bad it is
 * @param message what is wrong and what to do, in one sentence
 */
public record DmarcProblem(int column, Severity severity, String message) {

    /** How bad a problem is. */
    public enum Severity {
        /** A value was discarded; the default (if any) applies instead. */
        ERROR,
        /** The record works, but something in it is obsolete, unknown or questionable. */
        WARNING
    }

    public DmarcProblem {
        if (column < 1) {
            throw new IllegalArgumentException("column must be >= 1, was " + column);
        }
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return "DMARC record, column " + column + ": " + (severity == Severity.WARNING ? "warning: " : "") + message;
    }
}
