package dev.aligned.report;

import java.time.Instant;
import java.util.Objects;

/** The reporting period, in whole seconds (UTC). */
public record DateRange(Instant begin, Instant end) {
    public DateRange {
        Objects.requireNonNull(begin, "begin");
        Objects.requireNonNull(end, "end");
        if (begin.getNano() != 0 || end.getNano() != 0) {
            throw new IllegalArgumentException("date range must be whole seconds: " + begin + " - " + end);
        }
    }

    /** A range from epoch seconds. */
    public static DateRange ofEpochSeconds(long begin, long end) {
        return new DateRange(Instant.ofEpochSecond(begin), Instant.ofEpochSecond(end));
    }
}
