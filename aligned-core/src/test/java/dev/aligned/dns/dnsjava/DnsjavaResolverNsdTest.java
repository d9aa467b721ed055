package dev.aligned.dns.dnsjava;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dns.CachingResolver;
import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsLookups;
import dev.aligned.dns.DnsQuery;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import dev.aligned.testing.NsdServer;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** DnsjavaResolver against a real authoritative server (nsd) on loopback. */
class DnsjavaResolverNsdTest {
    private static final int BIG_TXT_RECORDS = 12;
    private static final int MANY = 300;
    private static NsdServer nsd;
    private static String skipReason;

    static String bigTxtValue(int i) {
        return "record-" + (i < 10 ? "0" + i : i) + "-" + "x".repeat(80);
    }

    @BeforeAll
    static void startNsd() {
        List<String> lines = new ArrayList<>(List.of(
                "@ IN TXT \"v=spf1 ip4:192.0.2.0/24 \" \"-all\"",
                "@ IN MX 10 mail",
                "@ IN MX 20 mail2.example.net.",
                "www IN A 192.0.2.1",
                "www IN AAAA 2001:db8::1",
                "mail IN A 192.0.2.25",
                "alias IN CNAME www",
                "alias2 IN CNAME alias",
                "far IN CNAME target.example.net.",
                "onlymx IN MX 10 mail",
                "leaf.ent IN TXT \"below an empty non-terminal\""));
        for (int i = 0; i < BIG_TXT_RECORDS; i++) {
            lines.add("big IN TXT \"" + bigTxtValue(i) + "\"");
        }
        for (int i = 0; i < MANY; i++) {
            lines.add("h" + i + " IN TXT \"host " + i + "\""); // nsd has no $GENERATE
        }
        Map<String, String> zones = new java.util.LinkedHashMap<>();
        zones.put("example.com", NsdServer.zone("example.com", lines.toArray(String[]::new)));
        zones.put("example.net", NsdServer.zone("example.net", "target IN A 192.0.2.99"));
        zones.put("2.0.192.in-addr.arpa", NsdServer.zone("2.0.192.in-addr.arpa", "25 IN PTR mail.example.com."));
        try {
            nsd = NsdServer.start(zones);
        } catch (org.opentest4j.TestAbortedException e) {
            // nsd is not installed (and CI is not set): every test below is reported as skipped with this reason
            skipReason = e.getMessage();
        }
    }

    @BeforeEach
    void needsNsd() {
        Assumptions.assumeTrue(nsd != null, () -> skipReason);
    }

    @AfterAll
    static void stopNsd() {
        if (nsd != null) {
            nsd.close();
        }
    }

    static DnsjavaResolver resolver() {
        return DnsjavaResolver.builder().server(nsd.address()).tries(1).timeout(Duration.ofSeconds(2)).build();
    }

    static DnsAnswer.Records records(DnsAnswer a) {
        if (a instanceof DnsAnswer.Records r) {
            return r;
        }
        throw new AssertionError("expected records, got " + a + "\nnsd output:\n" + nsd.log());
    }

    @Test
    void addressRecordsOverUdp() {
        var a = records(resolver().lookup(DomainName.of("www.example.com"), DnsType.A));
        assertEquals(List.of("192.0.2.1"), a.of(DnsRecord.A.class).stream().map(r -> r.address().getHostAddress()).toList());
        assertEquals(Duration.ofSeconds(300), a.ttl());
        var aaaa = records(resolver().lookup(DomainName.of("www.example.com"), DnsType.AAAA));
        assertEquals("2001:db8:0:0:0:0:0:1", aaaa.of(DnsRecord.Aaaa.class).get(0).address().getHostAddress());
    }

    @Test
    void txtStringsMxAndPtr() {
        var txt = records(resolver().lookup(DomainName.of("example.com"), DnsType.TXT));
        DnsRecord.Txt t = txt.of(DnsRecord.Txt.class).get(0);
        assertEquals(2, t.strings().size());
        assertEquals("v=spf1 ip4:192.0.2.0/24 -all", t.text());
        var mx = records(resolver().lookup(DomainName.of("example.com"), DnsType.MX));
        assertEquals(List.of(new DnsRecord.Mx(10, DomainName.of("mail.example.com")),
                new DnsRecord.Mx(20, DomainName.of("mail2.example.net"))),
                mx.of(DnsRecord.Mx.class).stream().sorted(java.util.Comparator.comparingInt(DnsRecord.Mx::preference)).toList());
        var ptr = records(resolver().lookup(DomainName.of("25.2.0.192.in-addr.arpa"), DnsType.PTR));
        assertEquals(List.of(new DnsRecord.Ptr(DomainName.of("mail.example.com"))), ptr.records());
    }

    @Test
    void largeTxtSetFitsInEdnsUdp() {
        var big = records(resolver().lookup(DomainName.of("big.example.com"), DnsType.TXT));
        assertEquals(BIG_TXT_RECORDS, big.records().size());
    }

    @Test
    void largeTxtSetComesOverTcpWhenUdpIsTruncated() throws Exception {
        // Without EDNS0 the server may send 512 octets over UDP: show that it truncates...
        SimpleResolver raw = new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), nsd.port()));
        raw.setEDNS(-1, 0, 0, List.of());
        raw.setIgnoreTruncation(true);
        raw.setTimeout(Duration.ofSeconds(2));
        Message udp = raw.send(Message.newQuery(Record.newRecord(Name.fromString("big.example.com."), Type.TXT, DClass.IN)));
        assertTrue(udp.getHeader().getFlag(Flags.TC), "nsd truncates the 512-octet UDP answer");
        assertTrue(udp.getSection(Section.ANSWER).size() < BIG_TXT_RECORDS);
        // ...and that the resolver, without EDNS0, still gets every record (over TCP).
        DnsjavaResolver noEdns = DnsjavaResolver.builder().server(nsd.address()).tries(1)
                .timeout(Duration.ofSeconds(2)).ednsPayload(0).build();
        var big = records(noEdns.lookup(DomainName.of("big.example.com"), DnsType.TXT));
        List<String> texts = big.of(DnsRecord.Txt.class).stream().map(DnsRecord.Txt::text).sorted().toList();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < BIG_TXT_RECORDS; i++) {
            expected.add(bigTxtValue(i));
        }
        assertEquals(expected, texts);
    }

    @Test
    void nxdomainAndNodataAreTold() {
        var nx = assertInstanceOf(DnsAnswer.NxDomain.class,
                resolver().lookup(DomainName.of("nope.example.com"), DnsType.TXT));
        assertEquals(Duration.ofSeconds(60), nx.negativeTtl());
        var nd = assertInstanceOf(DnsAnswer.NoData.class,
                resolver().lookup(DomainName.of("onlymx.example.com"), DnsType.TXT));
        assertEquals(Duration.ofSeconds(60), nd.negativeTtl());
        assertInstanceOf(DnsAnswer.NoData.class, resolver().lookup(DomainName.of("ent.example.com"), DnsType.TXT),
                "an empty non-terminal exists");
    }

    @Test
    void cnameChainsAreFollowed() {
        var a = records(resolver().lookup(DomainName.of("alias2.example.com"), DnsType.A));
        assertEquals(DomainName.of("alias2.example.com"), a.name());
        assertEquals("192.0.2.1", a.of(DnsRecord.A.class).get(0).address().getHostAddress());
        var far = records(resolver().lookup(DomainName.of("far.example.com"), DnsType.A));
        assertEquals("192.0.2.99", far.of(DnsRecord.A.class).get(0).address().getHostAddress());
        var cname = records(resolver().lookup(DomainName.of("alias.example.com"), DnsType.CNAME));
        assertEquals(List.of(new DnsRecord.Cname(DomainName.of("www.example.com"))), cname.records());
    }

    @Test
    void zoneTheServerDoesNotServeIsTempFailure() {
        var f = assertInstanceOf(DnsAnswer.TempFailure.class,
                resolver().lookup(DomainName.of("example.org"), DnsType.TXT));
        assertEquals("no answer for TXT example.org: " + nsd.address() + " answered REFUSED", f.reason());
    }

    @Test
    void silentServerIsTempFailureWithinTheTimeout() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            DnsjavaResolver r = DnsjavaResolver.builder().server("127.0.0.1:" + silent.getLocalPort()).tries(1)
                    .timeout(Duration.ofMillis(400)).build();
            long start = System.nanoTime();
            var f = assertInstanceOf(DnsAnswer.TempFailure.class, r.lookup(DomainName.of("example.com"), DnsType.A));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 380 && ms < 1500, "took " + ms + " ms");
            assertTrue(f.reason().endsWith("timed out after 400 ms"), f.reason());
        }
    }

    @Test
    void manyConcurrentLookupsThroughTheCache() {
        CachingResolver cached = CachingResolver.builder(resolver()).build();
        List<DnsQuery> queries = new ArrayList<>();
        for (int i = 0; i < MANY; i++) {
            queries.add(DnsQuery.of("h" + i + ".example.com", DnsType.TXT));
        }
        long start = System.nanoTime();
        List<DnsAnswer> first = DnsLookups.all(cached, queries, Duration.ofSeconds(20));
        long firstMs = (System.nanoTime() - start) / 1_000_000;
        for (int i = 0; i < MANY; i++) {
            assertEquals("host " + i, records(first.get(i)).of(DnsRecord.Txt.class).get(0).text());
        }
        List<DnsAnswer> second = DnsLookups.all(cached, queries, Duration.ofSeconds(20));
        for (int i = 0; i < MANY; i++) {
            assertEquals("host " + i, records(second.get(i)).of(DnsRecord.Txt.class).get(0).text());
        }
        assertEquals(MANY, cached.stats().misses());
        assertEquals(MANY, cached.stats().hits());
        System.out.println(MANY + " concurrent TXT lookups against nsd: " + firstMs + " ms");
    }
}
