package dev.aligned.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DomainName;
import dev.aligned.dns.FixtureResolver;
import dev.aligned.spf.SpfParseResult;
import dev.aligned.spf.SpfRecord;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GeneratorsTest {
    static final FixtureResolver DNS;

    static {
        FixtureResolver.Builder b = FixtureResolver.builder()
                .add("_spf.google.com", DnsRecord.Txt.of("v=spf1 include:_netblocks.google.com "
                        + "include:_netblocks2.google.com ~all"))
                .add("_netblocks.google.com", DnsRecord.Txt.of("v=spf1 ip4:35.190.247.0/24 ip4:64.233.160.0/19 ~all"))
                .add("_netblocks2.google.com", DnsRecord.Txt.of("v=spf1 ip6:2001:4860:4000::/36 ~all"))
                .add("sendgrid.net", DnsRecord.Txt.of("v=spf1 ip4:167.89.0.0/17 ~all"))
                .add("big.example", DnsRecord.Txt.of("v=spf1 include:a.big.example include:b.big.example "
                        + "include:c.big.example include:d.big.example include:e.big.example include:f.big.example "
                        + "include:g.big.example include:h.big.example -all"));
        for (String x : List.of("a", "b", "c", "d", "e", "f", "g", "h")) {
            b.add(x + ".big.example", DnsRecord.Txt.of("v=spf1 ip4:203.0.113." + (x.charAt(0) - 'a') + " -all"));
        }
        b.add("example.com", DnsRecord.Txt.of("v=spf1 mx include:_spf.google.com include:sendgrid.net -all"))
                .add("example.com", new DnsRecord.Mx(10, DomainName.of("mx.example.com")))
                .add("mx.example.com", DnsRecord.address(v4(192, 0, 2, 25)));
        DNS = b.build();
    }

    static java.net.InetAddress v4(int a, int b, int c, int d) {
        try {
            return java.net.InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void spfBuilderCountsTheLookupsOfItsIncludes() {
        SpfBuilder.Built b = assertInstanceOf(SpfBuilder.Built.class, SpfBuilder.create().mx()
                .include("_spf.google.com").include("sendgrid.net").ip4("192.0.2.0/24").all(SpfBuilder.All.SOFTFAIL)
                .build(DNS));
        assertEquals("v=spf1 mx ip4:192.0.2.0/24 include:_spf.google.com include:sendgrid.net ~all", b.record());
        assertEquals(5, b.lookups());
        assertEquals(Map.of("include:_spf.google.com", 3, "include:sendgrid.net", 1), b.includeCosts());
        assertInstanceOf(SpfParseResult.Valid.class, SpfRecord.parse(b.record()));
    }

    @Test
    void spfBuilderRefusesAnOverLimitRecordNamingWhatToDropOrFlatten() {
        SpfBuilder.Refused r = assertInstanceOf(SpfBuilder.Refused.class, SpfBuilder.create().mx()
                .include("big.example").include("_spf.google.com").build(DNS));
        assertEquals(13, r.lookups());
        assertEquals("The record needs 13 DNS lookups; receivers allow 10. Drop or flatten (`aligned record spf "
                + "--flatten DOMAIN` gives the networks) at least: include:big.example (costs 9).", r.reasons().get(0));
    }

    @Test
    void spfBuilderRefusesSyntaxErrorsAndMissingIncludes() {
        SpfBuilder.Refused r = assertInstanceOf(SpfBuilder.Refused.class, SpfBuilder.create().ip4("192.0.2.300")
                .build(DNS));
        assertTrue(r.reasons().get(0).startsWith("SPF record, column 12: invalid IPv4 address '192.0.2.300'"), r.reasons().toString());
        SpfBuilder.Refused m = assertInstanceOf(SpfBuilder.Refused.class, SpfBuilder.create()
                .include("nothing.example").build(DNS));
        assertTrue(m.reasons().get(0).contains("nothing.example does not exist"), m.reasons().toString());
    }

    @Test
    void flattenerResolvesIncludesAndMxIntoNetworks() {
        SpfFlattener.Flattened f = assertInstanceOf(SpfFlattener.Flattened.class,
                SpfFlattener.flatten(DNS, DomainName.of("example.com")));
        assertEquals("v=spf1 ip4:192.0.2.25 ip4:35.190.247.0/24 ip4:64.233.160.0/19 ip6:2001:4860:4000::/36 "
                + "ip4:167.89.0.0/17 -all", f.record());
        assertEquals(5, f.lookupsBefore());
        assertTrue(f.sources().containsAll(List.of("_spf.google.com", "sendgrid.net")), f.sources().toString());
        assertInstanceOf(SpfParseResult.Valid.class, SpfRecord.parse(f.record()));
    }

    @Test
    void flattenerSaysWhyWhenThereIsNothingToFlatten() {
        SpfFlattener.NotFlattened n = assertInstanceOf(SpfFlattener.NotFlattened.class,
                SpfFlattener.flatten(DNS, DomainName.of("nothing.example")));
        assertEquals("no SPF record: nothing.example does not exist", n.reason());
    }

    @Test
    void dmarcBuilderWritesRfc9989TagsInOrder() {
        DmarcBuilder.Built b = assertInstanceOf(DmarcBuilder.Built.class, DmarcBuilder.create("reject")
                .subdomainPolicy("quarantine").nonExistentPolicy("reject").dkimAlignment("s").spfAlignment("r")
                .testing(true).rua("dmarc@example.com").ruf("mailto:ruf@example.com").failureOptions("1").build());
        assertEquals("v=DMARC1; p=reject; sp=quarantine; np=reject; adkim=s; aspf=r; t=y; "
                + "rua=mailto:dmarc@example.com; ruf=mailto:ruf@example.com; fo=1", b.record());
    }

    @Test
    void dmarcBuilderRefusesCombinationsThatDoNotWork() {
        DmarcBuilder.Refused r = assertInstanceOf(DmarcBuilder.Refused.class, DmarcBuilder.create("none")
                .testing(true).failureOptions("1").rua("https://example.com/r").build());
        assertEquals(List.of(
                "t=y with p=none has no effect (there is no lower policy); drop --testing, or use it with "
                        + "p=quarantine or p=reject",
                "fo= only affects failure reports; give --ruf as well, or drop --fo",
                "'https://example.com/r': report URIs must be mailto: addresses (receivers send reports by mail)"),
                r.reasons());
        DmarcBuilder.Refused p = assertInstanceOf(DmarcBuilder.Refused.class, DmarcBuilder.create("block")
                .dkimAlignment("x").build());
        assertEquals(List.of("p=block is not a policy: use none, quarantine or reject",
                "adkim=x is not an alignment mode: use r (relaxed) or s (strict)"), p.reasons());
    }

    @Test
    void dmarcBuilderNotesMonitoringAndMissingReports() {
        DmarcBuilder.Built b = assertInstanceOf(DmarcBuilder.Built.class, DmarcBuilder.create("none").build());
        assertEquals("v=DMARC1; p=none", b.record());
        assertEquals(2, b.notes().size());
    }

    @Test
    void generatedRecordsPassTheChecker() {
        SpfBuilder.Built spf = assertInstanceOf(SpfBuilder.Built.class, SpfBuilder.create().include("sendgrid.net")
                .ip4("192.0.2.0/24").build(DNS));
        DmarcBuilder.Built dmarc = assertInstanceOf(DmarcBuilder.Built.class, DmarcBuilder.create("reject")
                .rua("dmarc@gen.example").build());
        FixtureResolver zone = FixtureResolver.builder().addAll(DNS)
                .add("gen.example", DnsRecord.Txt.of(spf.strings().toArray(new String[0])),
                        new DnsRecord.Mx(10, DomainName.of("mx.example.com")))
                .add("_dmarc.gen.example", DnsRecord.Txt.of(dmarc.record()))
                .add("s1._domainkey.gen.example", DnsRecord.Txt.of(dev.aligned.dkim.DkimKeys
                        .generate(dev.aligned.dkim.DkimKeys.Type.ED25519, 0).keyRecord()))
                .build();
        CheckReport.Checked c = assertInstanceOf(CheckReport.Checked.class,
                DomainChecker.builder().resolver(zone).build().check("gen.example"));
        assertEquals(List.of(), c.findings());
        assertEquals(List.of("SendGrid"), c.spf().services());
    }
}
