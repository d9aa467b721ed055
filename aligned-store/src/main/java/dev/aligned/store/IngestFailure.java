package dev.aligned.store;

import java.util.Objects;

/** A report that could not be read: where it came from and the reader's message (what, where, what to do). */
public record IngestFailure(String source, String error) {
    public IngestFailure {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(error, "error");
    }
}
