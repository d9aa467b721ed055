package dev.aligned.store;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * How long to keep what. Empty means forever. Reports, failure reports, hashes and daily rollups are always
 * kept (the dashboard's history and duplicate detection need them); retention removes only the bulky parts:
 * <ul>
 *   <li>{@code keepOriginalBytesDays}: the archived bytes of inputs that were parsed are dropped once they
 *       arrived more than this many days ago (inputs that failed to parse keep their bytes: they are the only
 *       copy of their data);</li>
 *   <li>{@code keepRecordsDays}: the records and auth results of aggregate reports whose day is more than this
 *       many days before today (UTC) are deleted.</li>
 * </ul>
 *
 * <pre>{@code
 * store.applyRetention(Retention.keep(90, 400));
 * }</pre>
 */
public record Retention(OptionalInt keepOriginalBytesDays, OptionalInt keepRecordsDays) {
    public Retention {
        Objects.requireNonNull(keepOriginalBytesDays, "keepOriginalBytesDays");
        Objects.requireNonNull(keepRecordsDays, "keepRecordsDays");
        check("keepOriginalBytesDays", keepOriginalBytesDays);
        check("keepRecordsDays", keepRecordsDays);
    }

    private static void check(String name, OptionalInt v) {
        if (v.isPresent() && v.getAsInt() < 0) {
            throw new IllegalArgumentException(name + " must be >= 0 days, got " + v.getAsInt());
        }
    }

    /** Keep everything. */
    public static Retention forever() {
        return new Retention(OptionalInt.empty(), OptionalInt.empty());
    }

    /** Keep original bytes {@code originalBytesDays} days and records {@code recordsDays} days. */
    public static Retention keep(int originalBytesDays, int recordsDays) {
        return new Retention(OptionalInt.of(originalBytesDays), OptionalInt.of(recordsDays));
    }
}
