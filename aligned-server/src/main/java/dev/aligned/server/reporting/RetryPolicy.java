package dev.aligned.server.reporting;

import java.time.Duration;
import java.util.Objects;

/**
 * How often a delivery that failed temporarily is tried again: after {@code firstDelay}, then twice as long each
 * time up to {@code maxDelay}, for at most {@code attempts} attempts in all. Defaults: 8 attempts, 5 minutes
 * doubling up to 6 hours (about 17 hours in all).
 */
public record RetryPolicy(int attempts, Duration firstDelay, Duration maxDelay) {
    /** The defaults. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(8, Duration.ofMinutes(5), Duration.ofHours(6));

    public RetryPolicy {
        Objects.requireNonNull(firstDelay, "firstDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
        }
        if (firstDelay.isNegative() || maxDelay.compareTo(firstDelay) < 0) {
            throw new IllegalArgumentException("need 0 <= first delay <= max delay, got " + firstDelay + " and "
                    + maxDelay);
        }
    }

    /** The delay after the {@code attempt}-th failed attempt (1-based). */
    public Duration delayAfter(int attempt) {
        Duration d = firstDelay;
        for (int i = 1; i < attempt && d.compareTo(maxDelay) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxDelay) > 0 ? maxDelay : d;
    }
}
