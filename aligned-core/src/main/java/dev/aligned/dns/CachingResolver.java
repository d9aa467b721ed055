package dev.aligned.dns;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link DnsResolver} that remembers answers for as long as their TTL allows, in front of another resolver.
 *
 * <ul>
 *   <li>{@link DnsAnswer.Records} are kept for their TTL, capped at {@link Builder#maxTtl(Duration)} (default
 *       1 day); {@link DnsAnswer.NxDomain} and {@link DnsAnswer.NoData} for their negative TTL, capped at
 *       {@link Builder#maxNegativeTtl(Duration)} (default 1 hour). An answer with a TTL of zero is not kept.</li>
 *   <li>{@link DnsAnswer.TempFailure} is not kept by default ({@link Builder#tempFailureTtl(Duration)} is zero):
 *       a failure says nothing about the next attempt, and SPF's temperror should not outlive the outage. A
 *       few seconds can be set to shield a failing server from a burst of retries.</li>
 *   <li>Answers from the cache carry the time they have left (a Records answer kept for 300 s and read 100 s
 *       later says 200 s), so caches can be stacked.</li>
 *   <li>At most {@link Builder#maxEntries(int)} answers (default 10,000) are kept; past that the least recently
 *       used goes first.</li>
 *   <li>Concurrent lookups of the same (name, type) while it is not cached share one query to the resolver
 *       behind: the first caller asks, the others wait for its answer.</li>
 * </ul>
 *
 * <p>Time comes from an injected {@link Clock}; tests move a fake clock to expire entries. Safe for concurrent
 * use; the resolver behind is called outside any lock.
 *
 * <pre>{@code
 * DnsResolver dns = CachingResolver.builder(DnsjavaResolver.builder().build())
 *         .maxEntries(50_000)
 *         .build();
 * }</pre>
 */
public final class CachingResolver implements DnsResolver {

    /** Counters since the cache was built. */
    public record Stats(long hits, long misses, long coalesced, long evictions, int size) {
    }

    private record Held(DnsAnswer answer, Instant expiresAt) {
    }

    private final DnsResolver delegate;
    private final Clock clock;
    private final int maxEntries;
    private final Duration maxTtl;
    private final Duration maxNegativeTtl;
    private final Duration tempFailureTtl;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<DnsQuery, Held> entries;
    private final ConcurrentHashMap<DnsQuery, CompletableFuture<DnsAnswer>> inFlight = new ConcurrentHashMap<>();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder coalesced = new LongAdder();
    private final LongAdder evictions = new LongAdder();

    private CachingResolver(Builder b) {
        this.delegate = b.delegate;
        this.clock = b.clock;
        this.maxEntries = b.maxEntries;
        this.maxTtl = b.maxTtl;
        this.maxNegativeTtl = b.maxNegativeTtl;
        this.tempFailureTtl = b.tempFailureTtl;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<DnsQuery, Held> eldest) {
                if (size() > maxEntries) {
                    evictions.increment();
                    return true;
                }
                return false;
            }
        };
    }

    /** A builder caching in front of {@code delegate}. */
    public static Builder builder(DnsResolver delegate) {
        return new Builder(delegate);
    }

    @Override
    public DnsAnswer lookup(DomainName name, DnsType type) {
        DnsQuery key = new DnsQuery(name, type);
        DnsAnswer cached = cached(key);
        if (cached != null) {
            hits.increment();
            return cached;
        }
        CompletableFuture<DnsAnswer> mine = new CompletableFuture<>();
        CompletableFuture<DnsAnswer> theirs = inFlight.putIfAbsent(key, mine);
        if (theirs != null) {
            coalesced.increment();
            return await(theirs, key);
        }
        try {
            // Another caller may have stored the answer between our cache check and claiming the key.
            DnsAnswer again = cached(key);
            if (again != null) {
                hits.increment();
                mine.complete(again);
                return again;
            }
            misses.increment();
            DnsAnswer answer;
            try {
                answer = Objects.requireNonNull(delegate.lookup(name, type), "resolver returned null");
            } catch (RuntimeException | Error e) {
                mine.completeExceptionally(e);
                throw e;
            }
            store(key, answer);
            mine.complete(answer);
            return answer;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    private static DnsAnswer await(CompletableFuture<DnsAnswer> f, DnsQuery key) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DnsAnswer.TempFailure(key.name(), key.type(), "interrupted while waiting for the answer");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        }
    }

    private DnsAnswer cached(DnsQuery key) {
        Instant now = clock.instant();
        Held e;
        lock.lock();
        try {
            e = entries.get(key);
            if (e == null) {
                return null;
            }
            if (!now.isBefore(e.expiresAt)) {
                entries.remove(key);
                return null;
            }
        } finally {
            lock.unlock();
        }
        Duration left = Duration.between(now, e.expiresAt);
        // Round the remaining time down to whole seconds, as DNS TTLs are.
        Duration ttl = Duration.ofSeconds(left.getSeconds());
        return switch (e.answer) {
            case DnsAnswer.Records r -> new DnsAnswer.Records(r.name(), r.type(), r.records(), ttl);
            case DnsAnswer.NxDomain n -> new DnsAnswer.NxDomain(n.name(), n.type(), ttl);
            case DnsAnswer.NoData n -> new DnsAnswer.NoData(n.name(), n.type(), ttl);
            case DnsAnswer.TempFailure f -> f;
        };
    }

    private void store(DnsQuery key, DnsAnswer answer) {
        Duration keep = switch (answer) {
            case DnsAnswer.Records r -> min(r.ttl(), maxTtl);
            case DnsAnswer.NxDomain n -> min(n.negativeTtl(), maxNegativeTtl);
            case DnsAnswer.NoData n -> min(n.negativeTtl(), maxNegativeTtl);
            case DnsAnswer.TempFailure f -> tempFailureTtl;
        };
        if (keep.isNegative() || keep.isZero()) {
            return;
        }
        Instant now = clock.instant();
        lock.lock();
        try {
            entries.put(key, new Held(answer, now.plus(keep)));
        } finally {
            lock.unlock();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Forgets every answer. */
    public void clear() {
        lock.lock();
        try {
            entries.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Forgets the answers that have expired by now (they are also dropped when next read or evicted). */
    public void removeExpired() {
        Instant now = clock.instant();
        lock.lock();
        try {
            entries.values().removeIf(e -> !now.isBefore(e.expiresAt));
        } finally {
            lock.unlock();
        }
    }

    /** The counters so far and the number of answers held. */
    public Stats stats() {
        int size;
        lock.lock();
        try {
            size = entries.size();
        } finally {
            lock.unlock();
        }
        return new Stats(hits.sum(), misses.sum(), coalesced.sum(), evictions.sum(), size);
    }

    /** Configures a {@link CachingResolver}. */
    public static final class Builder {
        private final DnsResolver delegate;
        private Clock clock = Clock.systemUTC();
        private int maxEntries = 10_000;
        private Duration maxTtl = Duration.ofDays(1);
        private Duration maxNegativeTtl = Duration.ofHours(1);
        private Duration tempFailureTtl = Duration.ZERO;

        private Builder(DnsResolver delegate) {
            this.delegate = Objects.requireNonNull(delegate, "delegate");
        }

        /** The clock that expires answers (default the system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The most answers kept (default 10,000); at least 1. */
        public Builder maxEntries(int maxEntries) {
            if (maxEntries < 1) {
                throw new IllegalArgumentException("maxEntries must be at least 1, not " + maxEntries);
            }
            this.maxEntries = maxEntries;
            return this;
        }

        /** The longest a positive answer is kept, whatever its TTL says (default 1 day). */
        public Builder maxTtl(Duration maxTtl) {
            this.maxTtl = nonNegative("maxTtl", maxTtl);
            return this;
        }

        /** The longest an NXDOMAIN or NODATA answer is kept (default 1 hour; zero keeps none). */
        public Builder maxNegativeTtl(Duration maxNegativeTtl) {
            this.maxNegativeTtl = nonNegative("maxNegativeTtl", maxNegativeTtl);
            return this;
        }

        /** How long a temporary failure is kept (default zero: not at all); at most 1 minute. */
        public Builder tempFailureTtl(Duration tempFailureTtl) {
            nonNegative("tempFailureTtl", tempFailureTtl);
            if (tempFailureTtl.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("tempFailureTtl must be at most 1 minute, not " + tempFailureTtl);
            }
            this.tempFailureTtl = tempFailureTtl;
            return this;
        }

        private static Duration nonNegative(String what, Duration d) {
            Objects.requireNonNull(d, what);
            if (d.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative, not " + d);
            }
            return d;
        }

        /** The caching resolver. */
        public CachingResolver build() {
            return new CachingResolver(this);
        }
    }
}
