package dev.aligned.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dmarc.DmarcResult;
import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import dev.aligned.dns.FixtureResolver;
import java.net.InetAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** SPF, DKIM and DMARC ask the DNS at the same time, not one after the other. */
class ConcurrentLookupsTest {

    @Test
    void firstLookupsOfTheThreeProtocolsAreInFlightTogether() throws Exception {
        FixtureResolver zone = EmailAuthenticatorTest.rfc8463Zone()
                .add("_dmarc.football.example.com", DnsRecord.Txt.of("v=DMARC1; p=reject")).build();
        // The first SPF query, the first DKIM key query and the first DMARC query each wait at a barrier for
        // the other two. Run one after another, the first would wait alone and the barrier would break.
        Set<DomainName> first = Set.of(DomainName.of("football.example.com"),
                DomainName.of("brisbane._domainkey.football.example.com"),
                DomainName.of("_dmarc.football.example.com"));
        CyclicBarrier barrier = new CyclicBarrier(3);
        Set<DomainName> arrived = ConcurrentHashMap.newKeySet();
        AtomicInteger broken = new AtomicInteger();
        DnsResolver gated = (name, type) -> {
            if (type == DnsType.TXT && first.contains(name) && arrived.add(name)) {
                try {
                    barrier.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    broken.incrementAndGet();
                }
            }
            return zone.lookup(name, type);
        };
        AuthenticationResult r = EmailAuthenticator.builder(gated).authservId("mx.example.net")
                .clock(EmailAuthenticatorTest.CLOCK_FOR_TESTS).build()
                .authenticate(EmailAuthenticatorTest.SIGNED, InetAddress.getByName("213.165.64.12"),
                        "mail.football.example.com", "joe@football.example.com");
        assertEquals(0, broken.get(), "the three first lookups did not overlap");
        assertEquals(first, arrived);
        assertInstanceOf(DmarcResult.Pass.class, r.dmarc());
    }

    private static int brokenBarriers(boolean prefetch) throws Exception {
        FixtureResolver zone = EmailAuthenticatorTest.rfc8463Zone()
                .add("bounce.football.example.com", DnsRecord.Txt.of("v=spf1 ip4:213.165.64.12 -all"))
                .add("_dmarc.football.example.com", DnsRecord.Txt.of("v=DMARC1; p=reject")).build();
        // SPF's record query for the MAIL FROM domain and DMARC's walk query for the same domain wait for each
        // other: only a prefetching authenticator asks the second before SPF has answered.
        DomainName spfName = DomainName.of("bounce.football.example.com");
        DomainName walkName = DomainName.of("_dmarc.bounce.football.example.com");
        CyclicBarrier barrier = new CyclicBarrier(2);
        Set<DomainName> arrived = ConcurrentHashMap.newKeySet();
        AtomicInteger broken = new AtomicInteger();
        DnsResolver gated = (name, type) -> {
            if (type == DnsType.TXT && (name.equals(spfName) || name.equals(walkName)) && arrived.add(name)) {
                try {
                    barrier.await(3, TimeUnit.SECONDS);
                } catch (Exception e) {
                    broken.incrementAndGet();
                }
            }
            return zone.lookup(name, type);
        };
        AuthenticationResult r = EmailAuthenticator.builder(gated).prefetchAlignment(prefetch)
                .clock(EmailAuthenticatorTest.CLOCK_FOR_TESTS).build()
                .authenticate(EmailAuthenticatorTest.SIGNED, InetAddress.getByName("213.165.64.12"),
                        "mail.football.example.com", "joe@bounce.football.example.com");
        assertInstanceOf(DmarcResult.Pass.class, r.dmarc());
        assertTrue(r.evaluation().orElseThrow().spfAligned(), "SPF passes and aligns, so the walk is needed");
        return broken.get();
    }

    @Test
    void alignmentWalksForTheMailFromDomainStartWithSpfWhenPrefetching() throws Exception {
        assertEquals(0, brokenBarriers(true), "the alignment walk waited for SPF");
        assertTrue(brokenBarriers(false) >= 1, "without prefetching the walk follows SPF (the test tells them apart)");
    }

    @Test
    void criticalPathIsShorterThanTheSumOfLookups() throws Exception {
        FixtureResolver zone = EmailAuthenticatorTest.rfc8463Zone()
                .add("_dmarc.football.example.com", DnsRecord.Txt.of("v=DMARC1; p=reject")).build();
        AtomicInteger lookups = new AtomicInteger();
        long delayMs = 150;
        // Warm up (class loading, key parsing, JIT) so that the measurement is about DNS waits.
        for (int i = 0; i < 3; i++) {
            EmailAuthenticator.builder(zone).clock(EmailAuthenticatorTest.CLOCK_FOR_TESTS).build()
                    .authenticate(EmailAuthenticatorTest.SIGNED, InetAddress.getByName("213.165.64.12"),
                            "mail.football.example.com", "joe@football.example.com");
        }
        DnsResolver slow = (name, type) -> {
            lookups.incrementAndGet();
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new DnsAnswer.TempFailure(name, type, "interrupted");
            }
            return zone.lookup(name, type);
        };
        long t0 = System.nanoTime();
        EmailAuthenticator.builder(slow).clock(EmailAuthenticatorTest.CLOCK_FOR_TESTS).build()
                .authenticate(EmailAuthenticatorTest.SIGNED, InetAddress.getByName("213.165.64.12"),
                        "mail.football.example.com", "joe@football.example.com");
        long wallMs = (System.nanoTime() - t0) / 1_000_000;
        long sumMs = lookups.get() * delayMs;
        System.out.println("lookups=" + lookups.get() + " sum=" + sumMs + "ms critical-path=" + wallMs + "ms");
        // SPF 1 query, DKIM 2 keys, DMARC 1 (record at the author domain, identical identifiers: no walk):
        // 4 x 150 ms one after another; overlapped, about 2 x 150 ms (DKIM's two keys are fetched in turn).
        assertEquals(4, lookups.get());
        assertTrue(wallMs < sumMs, "critical path " + wallMs + " ms is not below the sum " + sumMs + " ms");
    }
}
