package dev.aligned.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MemoResolverTest {

    @Test
    void concurrentAskersOfOneNameShareOneQuery() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        MemoResolver memo = new MemoResolver((name, type) -> {
            calls.incrementAndGet();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new DnsAnswer.NxDomain(name, type, Duration.ZERO);
        });
        DomainName n = DomainName.of("_dmarc.example.com");
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<DnsAnswer> a = pool.submit(() -> memo.lookup(n, DnsType.TXT));
            Future<DnsAnswer> b = pool.submit(() -> memo.lookup(n, DnsType.TXT));
            Thread.sleep(100);
            release.countDown();
            assertSame(a.get(), b.get());
        }
        assertEquals(1, calls.get());
        memo.lookup(n, DnsType.A);
        assertEquals(2, calls.get(), "another type is another query");
    }

    @Test
    void aThrowingResolverBecomesATemporaryFailure() {
        MemoResolver memo = new MemoResolver((name, type) -> {
            throw new IllegalStateException("boom");
        });
        DnsAnswer a = memo.lookup(DomainName.of("example.com"), DnsType.TXT);
        assertEquals("resolver error: java.lang.IllegalStateException: boom",
                assertInstanceOf(DnsAnswer.TempFailure.class, a).reason());
    }
}
