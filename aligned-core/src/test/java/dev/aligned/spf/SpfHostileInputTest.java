package dev.aligned.spf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DomainName;
import dev.aligned.dns.FixtureResolver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Records written to waste a receiver's time get the RFC's answer quickly, with a message that says why. */
class SpfHostileInputTest {
    // Generous for a loaded CI machine; the work itself takes milliseconds.
    static final Duration QUICK = Duration.ofSeconds(10);

    static SpfResult check(FixtureResolver dns, String from) {
        return SpfEvaluator.builder().resolver(dns).build()
                .checkMailFrom(MacroExpansionTest.ip("192.0.2.99"), from, "helo.example");
    }

    @Test
    void includeLoopIsAPermerrorNamingTheLoop() {
        FixtureResolver dns = FixtureResolver.builder()
                .add("a.example", DnsRecord.Txt.of("v=spf1 include:b.example -all"))
                .add("b.example", DnsRecord.Txt.of("v=spf1 include:a.example -all"))
                .build();
        SpfResult.PermError e = assertInstanceOf(SpfResult.PermError.class, check(dns, "x@a.example"));
        assertEquals("b.example: include:a.example forms a loop (a.example -> b.example -> a.example)", e.error());
        assertEquals(2, dns.queries().size());
    }

    @Test
    void selfRedirectIsAPermerror() {
        FixtureResolver dns = FixtureResolver.builder()
                .add("a.example", DnsRecord.Txt.of("v=spf1 ip4:192.0.2.1 redirect=A.example."))
                .build();
        SpfResult.PermError e = assertInstanceOf(SpfResult.PermError.class, check(dns, "x@a.example"));
        assertEquals("a.example: redirect=A.example. forms a loop (a.example -> a.example)", e.error());
    }

    @Test
    void deepRedirectChainStopsAtTheLookupLimit() {
        FixtureResolver.Builder b = FixtureResolver.builder();
        for (int i = 0; i < 50; i++) {
            b.add("r" + i + ".example", DnsRecord.Txt.of("v=spf1 redirect=r" + (i + 1) + ".example"));
        }
        FixtureResolver dns = b.build();
        SpfResult.PermError e = assertInstanceOf(SpfResult.PermError.class, check(dns, "x@r0.example"));
        assertTrue(e.error().startsWith("too many DNS lookups: redirect=r11.example at r10.example would be term 11"),
                e.error());
        assertEquals(11, dns.queries().size());
        assertEquals(11, e.details().dnsLookups());
    }

    @Test
    void includeTreeWiderThanTheLimitStopsAtTheLimit() {
        FixtureResolver.Builder b = FixtureResolver.builder();
        StringBuilder top = new StringBuilder("v=spf1");
        for (int i = 0; i < 40; i++) {
            top.append(" include:i").append(i).append(".example");
            b.add("i" + i + ".example", DnsRecord.Txt.of("v=spf1 a a a a a a a a a a -all"),
                    DnsRecord.address(MacroExpansionTest.ip("192.0.2.1")));
        }
        b.add("wide.example", DnsRecord.Txt.of(top + " -all"));
        FixtureResolver dns = b.build();
        SpfResult r = check(dns, "x@wide.example");
        assertInstanceOf(SpfResult.PermError.class, r);
        assertTrue(dns.queries().size() <= 12, dns.queries().toString());
    }

    @Test
    void hugeTxtSetIsScannedOnce() {
        List<DnsRecord> txts = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            txts.add(DnsRecord.Txt.of("google-site-verification=" + i));
        }
        txts.add(DnsRecord.Txt.of("v=spf1 -all"));
        FixtureResolver dns = FixtureResolver.builder().add(DomainName.of("big.example"), txts).build();
        assertInstanceOf(SpfResult.Fail.class, assertTimeoutPreemptively(QUICK, () -> check(dns, "x@big.example")));
    }

    @Test
    void giantRecordIsParsedInLinearTime() {
        String record = "v=spf1" + " ip4:10.0.0.1".repeat(20_000) + " ?all";
        FixtureResolver dns = FixtureResolver.builder().add("giant.example", DnsRecord.Txt.of(record)).build();
        SpfResult r = assertTimeoutPreemptively(QUICK, () -> check(dns, "x@giant.example"));
        assertInstanceOf(SpfResult.Neutral.class, r);
        assertEquals("?all", r.mechanism().orElseThrow().term());
        assertEquals(record.length() - 3, r.mechanism().orElseThrow().column());
    }

    @Test
    void macroBombExpandsToABoundedName() {
        String record = "v=spf1 exists:" + "%{s}%{l}%{o}".repeat(5_000) + ".example -all";
        FixtureResolver dns = FixtureResolver.builder().add("bomb.example", DnsRecord.Txt.of(record)).build();
        SpfResult r = assertTimeoutPreemptively(QUICK, () -> check(dns, "someone@bomb.example"));
        assertInstanceOf(SpfResult.Fail.class, r);
        DomainName asked = dns.queries().get(1).name();
        assertTrue(asked.name().length() <= 253, asked.name());
        assertTrue(asked.name().endsWith(".example"));
    }

    @Test
    void mxWithThousandsOfNamesIsAPermerrorAfterOneQuery() {
        List<DnsRecord> mx = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            mx.add(new DnsRecord.Mx(i, DomainName.of("mx" + i + ".example")));
        }
        FixtureResolver dns = FixtureResolver.builder().add(DomainName.of("mx.example"), mx)
                .add("mx.example", DnsRecord.Txt.of("v=spf1 mx -all")).build();
        SpfResult.PermError e = assertInstanceOf(SpfResult.PermError.class, check(dns, "x@mx.example"));
        assertEquals("mx at mx.example: mx.example has 2000 MX records; RFC 7208 section 4.6.4 allows 10 per mx "
                + "mechanism", e.error());
        assertEquals(2, dns.queries().size());
    }

    @Test
    void ptrWithThousandsOfNamesValidatesAtMostTen() {
        List<DnsRecord> ptr = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            ptr.add(new DnsRecord.Ptr(DomainName.of("h" + i + ".ptr.example")));
        }
        FixtureResolver dns = FixtureResolver.builder().add(DomainName.of("99.2.0.192.in-addr.arpa"), ptr)
                .add("ptr.example", DnsRecord.Txt.of("v=spf1 ptr -all")).build();
        assertInstanceOf(SpfResult.Fail.class, check(dns, "x@ptr.example"));
        assertEquals(2 + 10, dns.queries().size());
    }

    @Test
    void thirdVoidLookupIsAPermerror() {
        FixtureResolver dns = FixtureResolver.builder()
                .add("v.example", DnsRecord.Txt.of("v=spf1 a:n1.example mx:n2.example exists:n3.example -all")).build();
        SpfResult.PermError e = assertInstanceOf(SpfResult.PermError.class, check(dns, "x@v.example"));
        assertEquals("too many void lookups: exists:n3.example at v.example found nothing at n3.example (3 lookups "
                + "without an answer; RFC 7208 section 4.6.4 allows 2)", e.error());
    }

    @Test
    void slowDnsHitsTheTimeLimitAndGivesTemperror() {
        FixtureResolver.Builder b = FixtureResolver.builder();
        for (int i = 0; i < 9; i++) {
            b.add("s" + i + ".example", DnsRecord.Txt.of("v=spf1 include:s" + (i + 1) + ".example ~all"));
        }
        b.add("s9.example", DnsRecord.Txt.of("v=spf1 ip4:192.0.2.99 -all"));
        FixtureResolver fixture = b.build();
        dev.aligned.testing.FakeClock clock = new dev.aligned.testing.FakeClock();
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        dev.aligned.dns.DnsResolver slow = (name, type) -> {
            asked.incrementAndGet();
            clock.advance(Duration.ofSeconds(3)); // every answer takes three seconds
            return fixture.lookup(name, type);
        };
        SpfEvaluator spf = SpfEvaluator.builder().resolver(slow).clock(clock).build();
        SpfResult r = spf.checkMailFrom(MacroExpansionTest.ip("192.0.2.99"), "x@s0.example", "h");
        SpfResult.TempError t = assertInstanceOf(SpfResult.TempError.class, r);
        assertTrue(t.error().contains("time limit of 20.0 s was exceeded"), t.error());
        assertEquals(7, asked.get(), "no query is sent once the limit has passed");
        SpfResult patient = SpfEvaluator.builder().resolver(slow).clock(clock).timeLimit(Duration.ZERO).build()
                .checkMailFrom(MacroExpansionTest.ip("192.0.2.99"), "x@s0.example", "h");
        assertInstanceOf(SpfResult.Pass.class, patient);
    }

    @Test
    void hugeExplanationIsCut() {
        FixtureResolver dns = FixtureResolver.builder()
                .add("e.example", DnsRecord.Txt.of("v=spf1 -all exp=x.e.example"))
                .add("x.e.example", DnsRecord.Txt.of("%{s}".repeat(10_000)))
                .build();
        SpfResult.Fail f = assertInstanceOf(SpfResult.Fail.class, check(dns, "x@e.example"));
        assertEquals(1024, f.explanation().orElseThrow().length());
    }

    @Test
    void tooManySpfRecordsIsAPermerrorThatSaysWhatToDo() {
        FixtureResolver dns = FixtureResolver.builder()
                .add("two.example", DnsRecord.Txt.of("v=spf1 -all"), DnsRecord.Txt.of("v=spf1 +all")).build();
        SpfResult.PermError e = assertInstanceOf(SpfResult.PermError.class, check(dns, "x@two.example"));
        assertEquals("two.example publishes 2 SPF records; RFC 7208 section 4.5 allows exactly one", e.error());
        assertEquals("merge them into a single 'v=spf1 ...' TXT record at two.example", e.hint().orElseThrow());
    }
}
