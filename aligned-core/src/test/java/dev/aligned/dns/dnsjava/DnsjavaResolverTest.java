package dev.aligned.dns.dnsjava;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;

/** DnsjavaResolver against a scripted loopback server: outcome mapping, retries, TCP fallback, CNAMEs. */
class DnsjavaResolverTest {
    private static final DomainName EXAMPLE = DomainName.of("example.com");

    static Name n(String s) {
        try {
            return Name.fromString(s.endsWith(".") ? s : s + ".");
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Message reply(Message q, int rcode, Record... answers) {
        Message r = new Message(q.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.RA);
        r.getHeader().setFlag(Flags.RD);
        r.getHeader().setRcode(rcode);
        r.addRecord(q.getQuestion(), Section.QUESTION);
        for (Record a : answers) {
            r.addRecord(a, Section.ANSWER);
        }
        return r;
    }

    static SOARecord soa(String zone, long ttl, long minimum) {
        return new SOARecord(n(zone), DClass.IN, ttl, n("ns." + zone), n("admin." + zone), 1, 3600, 600, 86400,
                minimum);
    }

    static ARecord a(String name, long ttl, String ip) throws Exception {
        return new ARecord(n(name), DClass.IN, ttl, InetAddress.getByName(ip));
    }

    static DnsjavaResolver resolver(ScriptedDnsServer s, int tries, long timeoutMillis) {
        return DnsjavaResolver.builder().server(s.address()).tries(tries)
                .timeout(Duration.ofMillis(timeoutMillis)).build();
    }

    @Test
    void addressAnswerBecomesRecordsWithTheLeastTtl() throws Exception {
        try (var s = new ScriptedDnsServer((q, t) -> {
            try {
                return reply(q, Rcode.NOERROR, a("example.com", 300, "192.0.2.1"), a("example.com", 60, "192.0.2.2"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        })) {
            DnsAnswer answer = resolver(s, 1, 1000).lookup(EXAMPLE, DnsType.A);
            var r = assertInstanceOf(DnsAnswer.Records.class, answer);
            assertEquals(List.of("192.0.2.1", "192.0.2.2"),
                    r.of(DnsRecord.A.class).stream().map(x -> x.address().getHostAddress()).toList());
            assertEquals(Duration.ofSeconds(60), r.ttl());
        }
    }

    @Test
    void nxdomainCarriesTheNegativeTtlFromTheSoa() throws Exception {
        try (var s = new ScriptedDnsServer((q, t) -> {
            Message r = reply(q, Rcode.NXDOMAIN);
            r.addRecord(soa("example.com", 900, 120), Section.AUTHORITY);
            return r;
        })) {
            var nx = assertInstanceOf(DnsAnswer.NxDomain.class, resolver(s, 1, 1000).lookup(EXAMPLE, DnsType.TXT));
            assertEquals(Duration.ofSeconds(120), nx.negativeTtl());
        }
    }

    @Test
    void noerrorWithoutRecordsOfTheTypeIsNoData() throws Exception {
        try (var s = new ScriptedDnsServer((q, t) -> {
            Message r = reply(q, Rcode.NOERROR);
            r.addRecord(soa("example.com", 30, 3600), Section.AUTHORITY);
            return r;
        })) {
            var nd = assertInstanceOf(DnsAnswer.NoData.class, resolver(s, 1, 1000).lookup(EXAMPLE, DnsType.MX));
            assertEquals(Duration.ofSeconds(30), nd.negativeTtl());
        }
    }

    @Test
    void servfailIsTempFailureNamingServerAndCodeAndIsNotAskedAgain() throws Exception {
        try (var s = new ScriptedDnsServer((q, t) -> reply(q, Rcode.SERVFAIL))) {
            var f = assertInstanceOf(DnsAnswer.TempFailure.class, resolver(s, 2, 1000).lookup(EXAMPLE, DnsType.A));
            assertEquals("no answer for A example.com: " + s.address() + " answered SERVFAIL", f.reason());
            assertEquals(1, s.received().size());
        }
    }

    @Test
    void refusedByFirstServerThenAnsweredBySecond() throws Exception {
        try (var refusing = new ScriptedDnsServer((q, t) -> reply(q, Rcode.REFUSED));
             var good = new ScriptedDnsServer((q, t) -> {
                 try {
                     return reply(q, Rcode.NOERROR, a("example.com", 300, "192.0.2.7"));
                 } catch (Exception e) {
                     throw new IllegalStateException(e);
                 }
             })) {
            DnsjavaResolver r = DnsjavaResolver.builder().server(refusing.address()).server(good.address())
                    .timeout(Duration.ofSeconds(1)).build();
            assertInstanceOf(DnsAnswer.Records.class, r.lookup(EXAMPLE, DnsType.A));
            assertEquals(1, refusing.received().size());
        }
    }

    @Test
    void silentServerTimesOutAfterEachTryAndSaysSo() throws Exception {
        try (var s = new ScriptedDnsServer((q, t) -> null)) {
            long start = System.nanoTime();
            var f = assertInstanceOf(DnsAnswer.TempFailure.class, resolver(s, 2, 300).lookup(EXAMPLE, DnsType.A));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals("no answer for A example.com: " + s.address() + " timed out after 300 ms", f.reason());
            assertEquals(2, s.received().size());
            assertTrue(ms >= 550 && ms < 3000, "took " + ms + " ms");
        }
    }

    @Test
    void truncatedUdpAnswerIsAskedAgainOverTcp() throws Exception {
        try (var s = new ScriptedDnsServer((q, t) -> {
            if (t.equals("udp")) {
                Message r = reply(q, Rcode.NOERROR);
                r.getHeader().setFlag(Flags.TC);
                return r;
            }
            return reply(q, Rcode.NOERROR, new TXTRecord(n("example.com"), DClass.IN, 300, List.of("v=spf1", " -all")));
        })) {
            var r = assertInstanceOf(DnsAnswer.Records.class, resolver(s, 1, 1000).lookup(EXAMPLE, DnsType.TXT));
            assertEquals("v=spf1 -all", r.of(DnsRecord.Txt.class).get(0).text());
            assertEquals(List.of("udp", "tcp"), s.received().stream().map(ScriptedDnsServer.Received::transport).toList());
        }
    }

    @Test
    void txtStringsKeepTheirRawOctets() throws Exception {
        try (var s = new ScriptedDnsServer((q, t) -> {
            try {
                return reply(q, Rcode.NOERROR, new TXTRecord(n("example.com"), DClass.IN, 300, List.of("a\\255b", "c")));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        })) {
            var r = assertInstanceOf(DnsAnswer.Records.class, resolver(s, 1, 1000).lookup(EXAMPLE, DnsType.TXT));
            DnsRecord.Txt txt = r.of(DnsRecord.Txt.class).get(0);
            assertArrayEquals(new byte[] {'a', (byte) 0xff, 'b'}, txt.strings().get(0));
            assertArrayEquals(new byte[] {'c'}, txt.strings().get(1));
        }
    }

    @Test
    void cnameWithinTheAnswerIsFollowed() throws Exception {
        try (var s = new ScriptedDnsServer((q, t) -> {
            try {
                return reply(q, Rcode.NOERROR,
                        new CNAMERecord(n("example.com"), DClass.IN, 40, n("target.example.net")),
                        a("target.example.net", 300, "192.0.2.9"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        })) {
            var r = assertInstanceOf(DnsAnswer.Records.class, resolver(s, 1, 1000).lookup(EXAMPLE, DnsType.A));
            assertEquals(EXAMPLE, r.name());
            assertEquals(List.of(new DnsRecord.A((java.net.Inet4Address) InetAddress.getByName("192.0.2.9"))),
                    r.records());
            assertEquals(Duration.ofSeconds(40), r.ttl());
        }
    }

    @Test
    void cnameToAnotherZoneIsFollowedWithASecondQuery() throws Exception {
        try (var s = new ScriptedDnsServer((q, t) -> {
            try {
                if (q.getQuestion().getName().equals(n("example.com"))) {
                    Message r = reply(q, Rcode.NOERROR, new CNAMERecord(n("example.com"), DClass.IN, 300,
                            n("elsewhere.example.org")));
                    r.getHeader().unsetFlag(Flags.RA);
                    r.getHeader().setFlag(Flags.AA);
                    return r;
                }
                return reply(q, Rcode.NOERROR, a("elsewhere.example.org", 300, "192.0.2.10"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        })) {
            var r = assertInstanceOf(DnsAnswer.Records.class, resolver(s, 1, 1000).lookup(EXAMPLE, DnsType.A));
            assertEquals("192.0.2.10", r.of(DnsRecord.A.class).get(0).address().getHostAddress());
            assertEquals(List.of("example.com.", "elsewhere.example.org."),
                    s.received().stream().map(x -> x.query().getQuestion().getName().toString()).toList());
        }
    }

    @Test
    void cnameLoopIsTempFailure() throws Exception {
        try (var s = new ScriptedDnsServer((q, t) -> reply(q, Rcode.NOERROR,
                new CNAMERecord(n("example.com"), DClass.IN, 300, n("b.example.com")),
                new CNAMERecord(n("b.example.com"), DClass.IN, 300, n("example.com"))))) {
            var f = assertInstanceOf(DnsAnswer.TempFailure.class, resolver(s, 1, 1000).lookup(EXAMPLE, DnsType.A));
            assertEquals("CNAME loop at b.example.com -> example.com", f.reason());
        }
    }

    @Test
    void askingForCnameReturnsTheCnameItself() throws Exception {
        try (var s = new ScriptedDnsServer((q, t) -> reply(q, Rcode.NOERROR,
                new CNAMERecord(n("example.com"), DClass.IN, 300, n("target.example.net"))))) {
            var r = assertInstanceOf(DnsAnswer.Records.class, resolver(s, 1, 1000).lookup(EXAMPLE, DnsType.CNAME));
            assertEquals(List.of(new DnsRecord.Cname(DomainName.of("target.example.net"))), r.records());
        }
    }

    @Test
    void queriesCarryEdns0UnlessTurnedOff() throws Exception {
        try (var s = new ScriptedDnsServer((q, t) -> reply(q, Rcode.NXDOMAIN))) {
            resolver(s, 1, 1000).lookup(EXAMPLE, DnsType.A);
            DnsjavaResolver.builder().server(s.address()).ednsPayload(0).build().lookup(EXAMPLE, DnsType.A);
            List<ScriptedDnsServer.Received> got = s.received();
            assertNotNull(got.get(0).query().getOPT());
            assertEquals(DnsjavaResolver.DEFAULT_EDNS_PAYLOAD, got.get(0).query().getOPT().getPayloadSize());
            assertNull(got.get(1).query().getOPT());
        }
    }

    @Test
    void formerrToEdnsIsRetriedWithoutIt() throws Exception {
        try (var s = new ScriptedDnsServer((q, t) -> q.getOPT() != null ? reply(q, Rcode.FORMERR) : reply(q, Rcode.NXDOMAIN))) {
            assertInstanceOf(DnsAnswer.NxDomain.class, resolver(s, 1, 1000).lookup(EXAMPLE, DnsType.A));
            assertEquals(2, s.received().size());
        }
    }

    @Test
    void referralFromANonRecursiveServerIsTempFailure() throws Exception {
        try (var s = new ScriptedDnsServer((q, t) -> {
            Message r = reply(q, Rcode.NOERROR);
            r.getHeader().unsetFlag(Flags.RA);
            r.addRecord(new NSRecord(n("example.com"), DClass.IN, 300, n("ns.example.com")), Section.AUTHORITY);
            return r;
        })) {
            var f = assertInstanceOf(DnsAnswer.TempFailure.class, resolver(s, 1, 1000).lookup(EXAMPLE, DnsType.A));
            assertTrue(f.reason().startsWith("referral from " + s.address()), f.reason());
        }
    }

    @Test
    void concurrentLookupsAllGetTheirOwnAnswers() throws Exception {
        AtomicInteger n = new AtomicInteger();
        try (var s = new ScriptedDnsServer((q, t) -> {
            n.incrementAndGet();
            String name = q.getQuestion().getName().toString(true);
            try {
                return reply(q, Rcode.NOERROR, new TXTRecord(q.getQuestion().getName(), DClass.IN, 300, name));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        })) {
            DnsjavaResolver r = resolver(s, 1, 2000);
            try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                var futures = new java.util.ArrayList<java.util.concurrent.Future<DnsAnswer>>();
                for (int i = 0; i < 50; i++) {
                    DomainName d = DomainName.of("h" + i + ".example.com");
                    futures.add(pool.submit(() -> r.lookup(d, DnsType.TXT)));
                }
                for (int i = 0; i < 50; i++) {
                    var rec = assertInstanceOf(DnsAnswer.Records.class, futures.get(i).get());
                    assertEquals("h" + i + ".example.com", rec.of(DnsRecord.Txt.class).get(0).text());
                }
            }
            assertEquals(50, n.get());
        }
    }

    @Test
    void serverTextIsParsedWithOptionalPort() {
        InetAddress lo = InetAddress.getLoopbackAddress();
        assertEquals(new InetSocketAddress(lo, 53), DnsjavaResolver.Builder.parseServer("127.0.0.1"));
        assertEquals(new InetSocketAddress(lo, 5353), DnsjavaResolver.Builder.parseServer("127.0.0.1:5353"));
        assertEquals(5300, DnsjavaResolver.Builder.parseServer("[::1]:5300").getPort());
        assertEquals(53, DnsjavaResolver.Builder.parseServer("::1").getPort());
        var e = assertThrows(IllegalArgumentException.class, () -> DnsjavaResolver.Builder.parseServer("127.0.0.1:99999"));
        assertEquals("server '127.0.0.1:99999': port '99999' is not 1..65535", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DnsjavaResolver.Builder.parseServer(":53"));
        assertEquals("server ':53': no host; use HOST or HOST:PORT", e.getMessage());
    }

    @Test
    void defaultServersComeFromTheSystemConfiguration() {
        assertTrue(!DnsjavaResolver.builder().build().servers().isEmpty());
        assertEquals(Duration.ofSeconds(5), DnsjavaResolver.builder().build().timeout());
    }
}
