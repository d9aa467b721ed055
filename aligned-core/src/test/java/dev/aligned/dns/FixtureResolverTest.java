package dev.aligned.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FixtureResolverTest {

    static DnsRecord.A a(String ip) throws Exception {
        return new DnsRecord.A((Inet4Address) InetAddress.getByName(ip));
    }

    static DnsAnswer ask(FixtureResolver r, String name, DnsType type) {
        return r.lookup(DomainName.of(name), type);
    }

    @Test
    void recordsOfTheAskedTypeAreAnswered() throws Exception {
        FixtureResolver r = FixtureResolver.builder()
                .add("example.com", DnsRecord.Txt.of("v=spf1 -all"), a("192.0.2.1"))
                .build();
        var txt = assertInstanceOf(DnsAnswer.Records.class, ask(r, "Example.COM.", DnsType.TXT));
        assertEquals(List.of(DnsRecord.Txt.of("v=spf1 -all")), txt.records());
        assertEquals(DomainName.of("example.com"), txt.name());
        assertEquals(DnsType.TXT, txt.type());
        assertEquals(Duration.ofSeconds(300), txt.ttl());
    }

    @Test
    void nxdomainNodataAndEmptyNonTerminalAreTold() throws Exception {
        FixtureResolver r = FixtureResolver.builder()
                .add("example.com", a("192.0.2.1"))
                .add("leaf.ent.example.com", DnsRecord.Txt.of("leaf"))
                .build();
        assertInstanceOf(DnsAnswer.NoData.class, ask(r, "example.com", DnsType.TXT), "name exists with other types");
        assertInstanceOf(DnsAnswer.NoData.class, ask(r, "ent.example.com", DnsType.TXT), "empty non-terminal");
        assertInstanceOf(DnsAnswer.NxDomain.class, ask(r, "nope.example.com", DnsType.TXT));
        assertInstanceOf(DnsAnswer.NxDomain.class, ask(r, "x.leaf.ent.example.com", DnsType.TXT));
    }

    @Test
    void declaredNamesExistWithoutRecords() {
        FixtureResolver r = FixtureResolver.builder().exists(DomainName.of("empty.example.com")).build();
        assertInstanceOf(DnsAnswer.NoData.class, ask(r, "empty.example.com", DnsType.A));
        assertInstanceOf(DnsAnswer.NoData.class, ask(r, "example.com", DnsType.A));
    }

    @Test
    void cnamesAreFollowedExceptWhenAskedFor() throws Exception {
        FixtureResolver r = FixtureResolver.builder()
                .add("alias.example.com", new DnsRecord.Cname(DomainName.of("www.example.com")))
                .add("www.example.com", a("192.0.2.1"))
                .add("dangling.example.com", new DnsRecord.Cname(DomainName.of("missing.example.com")))
                .build();
        var followed = assertInstanceOf(DnsAnswer.Records.class, ask(r, "alias.example.com", DnsType.A));
        assertEquals(List.of(a("192.0.2.1")), followed.records());
        assertEquals(DomainName.of("alias.example.com"), followed.name());
        var itself = assertInstanceOf(DnsAnswer.Records.class, ask(r, "alias.example.com", DnsType.CNAME));
        assertEquals(List.of(new DnsRecord.Cname(DomainName.of("www.example.com"))), itself.records());
        assertInstanceOf(DnsAnswer.NoData.class, ask(r, "alias.example.com", DnsType.TXT));
        assertInstanceOf(DnsAnswer.NxDomain.class, ask(r, "dangling.example.com", DnsType.A));
    }

    @Test
    void cnameLoopIsTempFailure() {
        FixtureResolver r = FixtureResolver.builder()
                .add("a.example.com", new DnsRecord.Cname(DomainName.of("b.example.com")))
                .add("b.example.com", new DnsRecord.Cname(DomainName.of("a.example.com")))
                .build();
        var f = assertInstanceOf(DnsAnswer.TempFailure.class, ask(r, "a.example.com", DnsType.A));
        assertEquals("CNAME chain longer than 8 at a.example.com", f.reason());
    }

    @Test
    void timeoutsForEveryTypeOrOneType() {
        FixtureResolver r = FixtureResolver.builder()
                .add("slow.example.com", DnsRecord.Txt.of("never seen"))
                .timeout("slow.example.com")
                .timeout(DomainName.of("half.example.com"), DnsType.TXT)
                .add("half.example.com", DnsRecord.Txt.of("hidden"))
                .build();
        var f = assertInstanceOf(DnsAnswer.TempFailure.class, ask(r, "slow.example.com", DnsType.TXT));
        assertEquals("timeout (fixture) at slow.example.com", f.reason());
        assertInstanceOf(DnsAnswer.TempFailure.class, ask(r, "slow.example.com", DnsType.A));
        assertInstanceOf(DnsAnswer.TempFailure.class, ask(r, "half.example.com", DnsType.TXT));
        assertInstanceOf(DnsAnswer.NoData.class, ask(r, "half.example.com", DnsType.A));
        assertTrue(r.timesOut(DomainName.of("half.example.com"), DnsType.TXT));
    }

    @Test
    void timeoutIsReachedThroughACname() {
        FixtureResolver r = FixtureResolver.builder()
                .add("alias.example.com", new DnsRecord.Cname(DomainName.of("slow.example.net")))
                .timeout("slow.example.net")
                .build();
        var f = assertInstanceOf(DnsAnswer.TempFailure.class, ask(r, "alias.example.com", DnsType.TXT));
        assertEquals("timeout (fixture) at slow.example.net", f.reason());
    }

    @Test
    void everyQueryIsRecordedInOrder() {
        FixtureResolver r = FixtureResolver.builder().add("example.com", DnsRecord.Txt.of("x")).build();
        ask(r, "example.com", DnsType.TXT);
        ask(r, "nope.example.com", DnsType.A);
        ask(r, "EXAMPLE.com", DnsType.MX);
        assertEquals(List.of(
                new FixtureResolver.Query(DomainName.of("example.com"), DnsType.TXT),
                new FixtureResolver.Query(DomainName.of("nope.example.com"), DnsType.A),
                new FixtureResolver.Query(DomainName.of("example.com"), DnsType.MX)), r.queries());
        assertEquals("A nope.example.com", r.queries().get(1).toString());
        r.clearQueries();
        assertEquals(List.of(), r.queries());
    }

    @Test
    void fixturesMergeWithAddAll() throws Exception {
        FixtureResolver one = FixtureResolver.builder().add("example.com", DnsRecord.Txt.of("one")).build();
        FixtureResolver two = FixtureResolver.builder().add("example.com", a("192.0.2.1"))
                .timeout("slow.example.org").build();
        FixtureResolver both = FixtureResolver.builder().addAll(one).addAll(two).build();
        assertInstanceOf(DnsAnswer.Records.class, ask(both, "example.com", DnsType.TXT));
        assertInstanceOf(DnsAnswer.Records.class, ask(both, "example.com", DnsType.A));
        assertInstanceOf(DnsAnswer.TempFailure.class, ask(both, "slow.example.org", DnsType.A));
        assertEquals(0, one.queries().size(), "the parts are not asked");
    }

    @Test
    void ttlIsConfigurable() {
        FixtureResolver r = FixtureResolver.builder().ttl(Duration.ofSeconds(5)).build();
        var nx = assertInstanceOf(DnsAnswer.NxDomain.class, ask(r, "example.com", DnsType.A));
        assertEquals(Duration.ofSeconds(5), nx.negativeTtl());
    }
}
