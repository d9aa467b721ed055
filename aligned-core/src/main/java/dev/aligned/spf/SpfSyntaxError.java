package dev.aligned.spf;

import java.util.Objects;
import java.util.Optional;

/**
 * One syntax error in an SPF record: where (1-based column), in which term, what is wrong, and when there is
 * an obvious fix, a hint. {@link #toString()} gives the message tests and users see, such as
 * {@code SPF record, column 23: unknown mechanism 'ipv4'}.
 */
public record SpfSyntaxError(int column, String term, String message, Optional<String> hint) {

    public SpfSyntaxError {
        Objects.requireNonNull(term, "term");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(hint, "hint");
    }

    @Override
    public String toString() {
        return "SPF record, column " + column + ": " + message;
    }
}
