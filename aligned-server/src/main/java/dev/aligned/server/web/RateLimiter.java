package dev.aligned.server.web;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per client address: {@code burst} requests at once, then one every {@code refillMillis}. At most
 * {@code maxClients} buckets are kept (the least recently used is dropped), so a flood of addresses costs bounded
 * memory.
 */
final class RateLimiter {
    private final int burst;
    private final long refillMillis;
    private final Clock clock;
    private final int maxClients;
    private final Map<String, double[]> buckets;

    RateLimiter(int burst, long refillMillis, Clock clock, int maxClients) {
        if (burst < 1 || refillMillis < 1) {
            throw new IllegalArgumentException("burst and refill must be positive, got " + burst + ", " + refillMillis);
        }
        this.burst = burst;
        this.refillMillis = refillMillis;
        this.clock = clock;
        this.maxClients = maxClients;
        this.buckets = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, double[]> e) {
                return size() > RateLimiter.this.maxClients;
            }
        };
    }

    /** Takes one token for {@code client}; false when its bucket is empty. */
    synchronized boolean tryAcquire(String client) {
        long now = clock.millis();
        double[] b = buckets.computeIfAbsent(client, k -> new double[] {burst, now});
        double tokens = Math.min(burst, b[0] + (now - b[1]) / refillMillis);
        b[1] = now;
        if (tokens < 1) {
            b[0] = tokens;
            return false;
        }
        b[0] = tokens - 1;
        return true;
    }

    /** Seconds until {@code client} has a token again (for Retry-After). */
    synchronized long retryAfterSeconds(String client) {
        double[] b = buckets.get(client);
        if (b == null || b[0] >= 1) {
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - b[0]) * refillMillis / 1000.0));
    }
}
