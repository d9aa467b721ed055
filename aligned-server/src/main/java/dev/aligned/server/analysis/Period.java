package dev.aligned.server.analysis;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * An inclusive range of UTC days (report days: the day a report's date range begins).
 *
 * <pre>{@code
 * Period last30 = Period.lastDays(30, clock);      // today and the 29 days before it
 * Period jan = Period.of(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 1, 31));
 * }</pre>
 *
 * @param from the first day, included
 * @param to the last day, included
 */
public record Period(LocalDate from, LocalDate to) {
    /** The longest period a query accepts: a hundred years (a store's whole history; work is bounded by rollup rows). */
    public static final int MAX_DAYS = 36_600;

    public Period {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("period ends (" + to + ") before it starts (" + from + ")");
        }
        if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
            throw new IllegalArgumentException("period " + from + ".." + to + " is longer than " + MAX_DAYS + " days");
        }
    }

    /** The days {@code from} to {@code to}, both included. */
    public static Period of(LocalDate from, LocalDate to) {
        return new Period(from, to);
    }

    /** The last {@code days} UTC days ending today (by {@code clock}), today included. */
    public static Period lastDays(int days, Clock clock) {
        if (days < 1 || days > MAX_DAYS) {
            throw new IllegalArgumentException("days must be 1.." + MAX_DAYS + ", got " + days);
        }
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        return new Period(today.minusDays(days - 1L), today);
    }

    /** How many days the period covers. */
    public int days() {
        return (int) ChronoUnit.DAYS.between(from, to) + 1;
    }

    int fromEpochDay() {
        return (int) from.toEpochDay();
    }

    int toEpochDay() {
        return (int) to.toEpochDay();
    }
}
