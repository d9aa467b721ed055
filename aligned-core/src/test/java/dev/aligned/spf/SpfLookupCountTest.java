package dev.aligned.spf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DomainName;
import dev.aligned.dns.FixtureResolver;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which DNS queries an evaluation makes, asserted on the fixture's record of them. */
class SpfLookupCountTest {

    static DnsRecord a(String ip) {
        return DnsRecord.address(MacroExpansionTest.ip(ip));
    }

    static final FixtureResolver DNS = FixtureResolver.builder()
            .add("example.com", DnsRecord.Txt.of("v=spf1 ip4:192.0.2.1 a:web.example.com mx include:_spf.example.net "
                    + "exp=why.example.com -all"), new DnsRecord.Mx(10, DomainName.of("mx1.example.com")),
                    new DnsRecord.Mx(20, DomainName.of("mx2.example.com")))
            .add("web.example.com", a("192.0.2.10"))
            .add("mx1.example.com", a("192.0.2.20"))
            .add("mx2.example.com", a("192.0.2.21"))
            .add("_spf.example.net", DnsRecord.Txt.of("v=spf1 ip4:198.51.100.0/24 -all"))
            .add("why.example.com", DnsRecord.Txt.of("%{i} is not allowed to send for %{d}"))
            .add("voids.example.com", DnsRecord.Txt.of("v=spf1 a:nx1.example.com a:nx2.example.com ?all"))
            .add("redir.example.com", DnsRecord.Txt.of("v=spf1 ip4:192.0.2.1 redirect=example.com"))
            .build();

    static SpfResult check(String ip, String from) {
        DNS.clearQueries();
        return SpfEvaluator.builder().resolver(DNS).build().checkMailFrom(MacroExpansionTest.ip(ip), from, "h.example");
    }

    static List<String> queries() {
        return DNS.queries().stream().map(Object::toString).toList();
    }

    @Test
    void anIp4MatchNeedsOnlyTheRecordLookup() {
        SpfResult r = check("192.0.2.1", "a@example.com");
        assertInstanceOf(SpfResult.Pass.class, r);
        assertEquals(List.of("TXT example.com"), queries());
        assertEquals(0, r.details().dnsLookups());
    }

    @Test
    void eachDnsTermCountsOnceAndMxHostsAreLookedUpInOrderUntilAMatch() {
        SpfResult r = check("192.0.2.20", "a@example.com");
        assertInstanceOf(SpfResult.Pass.class, r);
        assertEquals(List.of("TXT example.com", "A web.example.com", "MX example.com", "A mx1.example.com"), queries());
        assertEquals(2, r.details().dnsLookups());
        assertEquals("mx", r.mechanism().orElseThrow().term());
        assertEquals(40, r.mechanism().orElseThrow().column());
    }

    @Test
    void aFailFetchesTheExplanationWithoutCountingIt() {
        SpfResult r = check("203.0.113.5", "a@example.com");
        SpfResult.Fail f = assertInstanceOf(SpfResult.Fail.class, r);
        assertEquals("203.0.113.5 is not allowed to send for example.com", f.explanation().orElseThrow());
        assertEquals(List.of("TXT example.com", "A web.example.com", "MX example.com", "A mx1.example.com",
                "A mx2.example.com", "TXT _spf.example.net", "TXT why.example.com"), queries());
        assertEquals(3, r.details().dnsLookups());
        assertEquals(0, r.details().voidLookups());
    }

    @Test
    void voidLookupsAreCounted() {
        SpfResult r = check("192.0.2.99", "a@voids.example.com");
        assertInstanceOf(SpfResult.Neutral.class, r);
        assertEquals(2, r.details().voidLookups());
        assertEquals(2, r.details().dnsLookups());
    }

    @Test
    void redirectIsNotFollowedWhenAMechanismMatched() {
        SpfResult r = check("192.0.2.1", "a@redir.example.com");
        assertInstanceOf(SpfResult.Pass.class, r);
        assertEquals(List.of("TXT redir.example.com"), queries());
        SpfResult r2 = check("192.0.2.10", "a@redir.example.com");
        assertInstanceOf(SpfResult.Pass.class, r2);
        assertEquals(List.of("TXT redir.example.com", "TXT example.com", "A web.example.com"), queries());
        assertEquals(2, r2.details().dnsLookups());
        assertEquals("example.com", r2.mechanism().orElseThrow().domain());
    }

    @Test
    void limitsAreAValueTheReceiverMayChange() {
        SpfEvaluator strict = SpfEvaluator.builder().resolver(DNS).limits(SpfLimits.RFC7208.withVoidLookups(1)).build();
        SpfResult.PermError e = assertInstanceOf(SpfResult.PermError.class,
                strict.checkMailFrom(MacroExpansionTest.ip("192.0.2.99"), "a@voids.example.com", "h"));
        assertEquals("a:nx2.example.com", e.term().orElseThrow().term());
        SpfEvaluator two = SpfEvaluator.builder().resolver(DNS).limits(SpfLimits.RFC7208.withDnsTerms(2)).build();
        SpfResult.PermError over = assertInstanceOf(SpfResult.PermError.class,
                two.checkMailFrom(MacroExpansionTest.ip("203.0.113.5"), "a@example.com", "h"));
        assertEquals("include:_spf.example.net", over.term().orElseThrow().term());
        assertEquals(new SpfLimits(10, 2, 10, 10), SpfLimits.RFC7208);
    }

    @Test
    void ipv4MappedClientsAreCheckedAsIpv4() {
        SpfResult r = check("::ffff:192.0.2.1", "a@example.com");
        assertInstanceOf(SpfResult.Pass.class, r);
        assertEquals("192.0.2.1", r.details().clientIpText());
    }

    @Test
    void anInvalidSenderDomainAsksNothing() {
        SpfResult r = check("192.0.2.1", "a@" + "x".repeat(64) + ".example.com");
        assertInstanceOf(SpfResult.None.class, r);
        assertEquals(List.of(), queries());
    }
}
