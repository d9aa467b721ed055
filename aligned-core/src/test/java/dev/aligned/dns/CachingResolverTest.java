package dev.aligned.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.testing.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CachingResolverTest {
    private static final DomainName NAME = DomainName.of("example.com");
    private final FakeClock clock = new FakeClock();

    /** A resolver that answers from a script and counts its calls. */
    static final class Counting implements DnsResolver {
        final AtomicInteger calls = new AtomicInteger();
        volatile DnsAnswer next;

        @Override
        public DnsAnswer lookup(DomainName name, DnsType type) {
            calls.incrementAndGet();
            return next;
        }
    }

    static DnsAnswer.Records txt(long ttlSeconds) {
        return new DnsAnswer.Records(NAME, DnsType.TXT, List.of(DnsRecord.Txt.of("v=spf1 -all")),
                Duration.ofSeconds(ttlSeconds));
    }

    @Test
    void recordsAreServedFromCacheUntilTheirTtlRunsOut() {
        Counting behind = new Counting();
        behind.next = txt(300);
        CachingResolver cache = CachingResolver.builder(behind).clock(clock).build();
        assertEquals(Duration.ofSeconds(300), ((DnsAnswer.Records) cache.lookup(NAME, DnsType.TXT)).ttl());
        clock.advance(Duration.ofSeconds(100));
        var second = assertInstanceOf(DnsAnswer.Records.class, cache.lookup(NAME, DnsType.TXT));
        assertEquals(Duration.ofSeconds(200), second.ttl());
        assertEquals(1, behind.calls.get());
        clock.advance(Duration.ofSeconds(200));
        cache.lookup(NAME, DnsType.TXT);
        assertEquals(2, behind.calls.get());
        assertEquals(new CachingResolver.Stats(1, 2, 0, 0, 1), cache.stats());
    }

    @Test
    void typesAreCachedSeparately() {
        Counting behind = new Counting();
        behind.next = txt(300);
        CachingResolver cache = CachingResolver.builder(behind).clock(clock).build();
        cache.lookup(NAME, DnsType.TXT);
        behind.next = new DnsAnswer.NoData(NAME, DnsType.MX, Duration.ofSeconds(60));
        assertInstanceOf(DnsAnswer.NoData.class, cache.lookup(NAME, DnsType.MX));
        assertInstanceOf(DnsAnswer.Records.class, cache.lookup(NAME, DnsType.TXT));
        assertEquals(2, behind.calls.get());
    }

    @Test
    void positiveTtlIsCappedByMaxTtl() {
        Counting behind = new Counting();
        behind.next = txt(86400 * 7);
        CachingResolver cache = CachingResolver.builder(behind).clock(clock).maxTtl(Duration.ofHours(1)).build();
        cache.lookup(NAME, DnsType.TXT);
        clock.advance(Duration.ofMinutes(59));
        cache.lookup(NAME, DnsType.TXT);
        assertEquals(1, behind.calls.get());
        clock.advance(Duration.ofMinutes(1));
        cache.lookup(NAME, DnsType.TXT);
        assertEquals(2, behind.calls.get());
    }

    @Test
    void negativeAnswersAreCachedForTheirNegativeTtlCapped() {
        Counting behind = new Counting();
        behind.next = new DnsAnswer.NxDomain(NAME, DnsType.TXT, Duration.ofHours(5));
        CachingResolver cache = CachingResolver.builder(behind).clock(clock)
                .maxNegativeTtl(Duration.ofMinutes(10)).build();
        cache.lookup(NAME, DnsType.TXT);
        clock.advance(Duration.ofMinutes(9));
        var nx = assertInstanceOf(DnsAnswer.NxDomain.class, cache.lookup(NAME, DnsType.TXT));
        assertEquals(Duration.ofMinutes(1), nx.negativeTtl());
        assertEquals(1, behind.calls.get());
        clock.advance(Duration.ofMinutes(1));
        cache.lookup(NAME, DnsType.TXT);
        assertEquals(2, behind.calls.get());
    }

    @Test
    void zeroTtlAnswersAreNotKept() {
        Counting behind = new Counting();
        behind.next = new DnsAnswer.NoData(NAME, DnsType.TXT, Duration.ZERO);
        CachingResolver cache = CachingResolver.builder(behind).clock(clock).build();
        cache.lookup(NAME, DnsType.TXT);
        cache.lookup(NAME, DnsType.TXT);
        assertEquals(2, behind.calls.get());
        assertEquals(0, cache.stats().size());
    }

    @Test
    void tempFailuresAreNotCachedByDefault() {
        Counting behind = new Counting();
        behind.next = new DnsAnswer.TempFailure(NAME, DnsType.TXT, "timed out");
        CachingResolver cache = CachingResolver.builder(behind).clock(clock).build();
        cache.lookup(NAME, DnsType.TXT);
        cache.lookup(NAME, DnsType.TXT);
        assertEquals(2, behind.calls.get());
    }

    @Test
    void tempFailuresAreKeptBrieflyWhenConfigured() {
        Counting behind = new Counting();
        behind.next = new DnsAnswer.TempFailure(NAME, DnsType.TXT, "timed out");
        CachingResolver cache = CachingResolver.builder(behind).clock(clock)
                .tempFailureTtl(Duration.ofSeconds(5)).build();
        cache.lookup(NAME, DnsType.TXT);
        clock.advance(Duration.ofSeconds(4));
        assertSame(behind.next, cache.lookup(NAME, DnsType.TXT));
        clock.advance(Duration.ofSeconds(1));
        cache.lookup(NAME, DnsType.TXT);
        assertEquals(2, behind.calls.get());
        var e = assertThrows(IllegalArgumentException.class,
                () -> CachingResolver.builder(behind).tempFailureTtl(Duration.ofMinutes(2)));
        assertEquals("tempFailureTtl must be at most 1 minute, not PT2M", e.getMessage());
    }

    @Test
    void leastRecentlyUsedEntryIsEvictedPastTheBound() {
        Counting behind = new Counting();
        CachingResolver cache = CachingResolver.builder((n, t) -> {
            behind.calls.incrementAndGet();
            return new DnsAnswer.NxDomain(n, t, Duration.ofSeconds(60));
        }).clock(clock).maxEntries(2).build();
        DomainName a = DomainName.of("a.example");
        DomainName b = DomainName.of("b.example");
        DomainName c = DomainName.of("c.example");
        cache.lookup(a, DnsType.A);
        cache.lookup(b, DnsType.A);
        cache.lookup(a, DnsType.A); // a is now the most recently used
        cache.lookup(c, DnsType.A); // evicts b
        assertEquals(3, behind.calls.get());
        cache.lookup(a, DnsType.A);
        assertEquals(3, behind.calls.get());
        cache.lookup(b, DnsType.A);
        assertEquals(4, behind.calls.get());
        assertEquals(2, cache.stats().size());
        assertEquals(2, cache.stats().evictions());
    }

    @Test
    void concurrentIdenticalLookupsShareOneQuery() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        CachingResolver cache = CachingResolver.builder((n, t) -> {
            calls.incrementAndGet();
            started.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // a TempFailure is not cached, so only coalescing can explain a single call
            return new DnsAnswer.TempFailure(n, t, "slow server");
        }).clock(clock).build();
        List<Future<DnsAnswer>> results = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            results.add(pool.submit(() -> cache.lookup(NAME, DnsType.TXT)));
            assertTrue(started.await(5, TimeUnit.SECONDS));
            for (int i = 0; i < 20; i++) {
                results.add(pool.submit(() -> cache.lookup(NAME, DnsType.TXT)));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (cache.stats().coalesced() < 20 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            release.countDown();
            for (Future<DnsAnswer> f : results) {
                assertEquals("slow server", ((DnsAnswer.TempFailure) f.get()).reason());
            }
        }
        assertEquals(1, calls.get());
        assertEquals(20, cache.stats().coalesced());
        // after the shared query finished, a new lookup asks again (TempFailure was not cached)
        cache.lookup(NAME, DnsType.TXT);
        assertEquals(2, calls.get());
    }

    @Test
    void manyThreadsOverFewNamesStayConsistent() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CachingResolver cache = CachingResolver.builder((n, t) -> {
            calls.incrementAndGet();
            return new DnsAnswer.Records(n, t, List.of(DnsRecord.Txt.of(n.name())), Duration.ofSeconds(60));
        }).clock(clock).maxEntries(5).build();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> ok = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                DomainName d = DomainName.of("n" + (i % 10) + ".example");
                ok.add(pool.submit(() -> ((DnsAnswer.Records) cache.lookup(d, DnsType.TXT))
                        .of(DnsRecord.Txt.class).get(0).text().equals(d.name())));
            }
            for (Future<Boolean> f : ok) {
                assertTrue(f.get());
            }
        }
        assertTrue(cache.stats().size() <= 5);
        var s = cache.stats();
        assertEquals(2000, s.hits() + s.misses() + s.coalesced());
        assertEquals(calls.get(), s.misses());
    }

    @Test
    void anExceptionFromTheResolverReachesEveryWaiterAndIsNotCached() {
        AtomicInteger calls = new AtomicInteger();
        CachingResolver cache = CachingResolver.builder((n, t) -> {
            calls.incrementAndGet();
            throw new IllegalStateException("broken resolver");
        }).clock(clock).build();
        assertThrows(IllegalStateException.class, () -> cache.lookup(NAME, DnsType.A));
        assertThrows(IllegalStateException.class, () -> cache.lookup(NAME, DnsType.A));
        assertEquals(2, calls.get());
    }
}
