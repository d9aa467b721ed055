package dev.aligned.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DnsLookupsTest {

    @Test
    void answersComeBackInTheOrderAsked() {
        FixtureResolver dns = FixtureResolver.builder()
                .add("a.example", DnsRecord.Txt.of("a"))
                .add("b.example", DnsRecord.Txt.of("b"))
                .build();
        List<DnsAnswer> answers = DnsLookups.all(dns, List.of(
                DnsQuery.of("b.example", DnsType.TXT),
                DnsQuery.of("nope.example", DnsType.TXT),
                DnsQuery.of("a.example", DnsType.TXT)), Duration.ofSeconds(5));
        assertEquals("b", ((DnsAnswer.Records) answers.get(0)).of(DnsRecord.Txt.class).get(0).text());
        assertInstanceOf(DnsAnswer.NxDomain.class, answers.get(1));
        assertEquals("a", ((DnsAnswer.Records) answers.get(2)).of(DnsRecord.Txt.class).get(0).text());
        assertEquals(3, dns.queries().size());
    }

    @Test
    void lookupsRunConcurrently() {
        int n = 50;
        CountDownLatch all = new CountDownLatch(n);
        // Each lookup waits until every lookup has started: only concurrent execution finishes in time.
        DnsResolver dns = (name, type) -> {
            all.countDown();
            try {
                if (!all.await(5, TimeUnit.SECONDS)) {
                    return new DnsAnswer.TempFailure(name, type, "not concurrent");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new DnsAnswer.TempFailure(name, type, "interrupted");
            }
            return new DnsAnswer.NoData(name, type, Duration.ZERO);
        };
        List<DnsQuery> qs = java.util.stream.IntStream.range(0, n)
                .mapToObj(i -> DnsQuery.of("h" + i + ".example", DnsType.A)).toList();
        List<DnsAnswer> answers = DnsLookups.all(dns, qs, Duration.ofSeconds(10));
        for (int i = 0; i < n; i++) {
            assertInstanceOf(DnsAnswer.NoData.class, answers.get(i));
            assertEquals(qs.get(i).name(), answers.get(i).name());
        }
    }

    @Test
    void lateLookupsBecomeTempFailureAtTheDeadlineAndAreInterrupted() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        DnsResolver dns = (name, type) -> {
            if (name.name().startsWith("slow")) {
                try {
                    Thread.sleep(30_000);
                } catch (InterruptedException e) {
                    interrupted.countDown();
                }
                return new DnsAnswer.TempFailure(name, type, "too late");
            }
            return new DnsAnswer.NxDomain(name, type, Duration.ZERO);
        };
        long start = System.nanoTime();
        List<DnsAnswer> answers = DnsLookups.all(dns, List.of(
                DnsQuery.of("fast.example", DnsType.A), DnsQuery.of("slow.example", DnsType.A)),
                Duration.ofMillis(200));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertInstanceOf(DnsAnswer.NxDomain.class, answers.get(0));
        var late = assertInstanceOf(DnsAnswer.TempFailure.class, answers.get(1));
        assertEquals("no answer within 200 ms", late.reason());
        assertTrue(ms >= 190 && ms < 2000, "took " + ms + " ms");
        assertTrue(interrupted.await(5, TimeUnit.SECONDS), "the late lookup's thread was interrupted");
    }

    @Test
    void badArgumentsAreNamed() {
        FixtureResolver dns = FixtureResolver.builder().build();
        var e = assertThrows(IllegalArgumentException.class, () -> DnsLookups.all(dns, List.of(), Duration.ZERO));
        assertEquals("deadline must be positive, not PT0S", e.getMessage());
    }
}
