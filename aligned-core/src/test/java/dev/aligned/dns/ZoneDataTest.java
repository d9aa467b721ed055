package dev.aligned.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ZoneDataTest {

    private static DnsAnswer ask(FixtureResolver r, String name, DnsType type) {
        return r.lookup(DomainName.of(name), type);
    }

    @Test
    void spfRecordsAreServedAsTxtWhenTheNameListsNoTxt() {
        FixtureResolver r = ZoneData.parse("""
                example.com:
                  - SPF: v=spf1 -all
                """, "t.yml");
        DnsAnswer.Records txt = assertInstanceOf(DnsAnswer.Records.class, ask(r, "example.com", DnsType.TXT));
        assertEquals("v=spf1 -all", ((DnsRecord.Txt) txt.records().get(0)).text());
        assertEquals(DnsType.TXT, txt.records().get(0).type());
        assertInstanceOf(DnsAnswer.Records.class, ask(r, "example.com", DnsType.SPF));
    }

    @Test
    void txtNoneMeansNoTxtAndNoCopying() {
        FixtureResolver r = ZoneData.parse("""
                spfonly.example.net:
                  - SPF: v=spf1 -all
                  - TXT: NONE
                """, "t.yml");
        assertInstanceOf(DnsAnswer.NoData.class, ask(r, "spfonly.example.net", DnsType.TXT));
    }

    @Test
    void timeoutAppliesToTypesWithNoRecordListedBeforeIt() {
        FixtureResolver r = ZoneData.parse("""
                spftimeout.example.net:
                  - TXT: v=spf1 -all
                  - TIMEOUT
                txttimeout.example.net:
                  - SPF: v=spf1 -all
                  - TXT: NONE
                  - TIMEOUT
                copied.example.net:
                  - SPF: v=spf1 -all
                  - TIMEOUT
                """, "t.yml");
        assertInstanceOf(DnsAnswer.Records.class, ask(r, "spftimeout.example.net", DnsType.TXT));
        assertInstanceOf(DnsAnswer.TempFailure.class, ask(r, "spftimeout.example.net", DnsType.SPF));
        assertInstanceOf(DnsAnswer.TempFailure.class, ask(r, "txttimeout.example.net", DnsType.TXT));
        assertInstanceOf(DnsAnswer.Records.class, ask(r, "txttimeout.example.net", DnsType.SPF));
        // The generated TXT copy stands after TIMEOUT, as the suite's drivers place it.
        assertInstanceOf(DnsAnswer.TempFailure.class, ask(r, "copied.example.net", DnsType.TXT));
    }

    @Test
    void listValuesAreOneRecordOfSeveralStrings() {
        FixtureResolver r = ZoneData.parse("""
                multi.example.com:
                  - TXT: [ "v=spf1 ip4:", "192.0.2.5 -all" ]
                empty.example.com:
                  - TXT: [ ]
                """, "t.yml");
        DnsAnswer.Records multi = assertInstanceOf(DnsAnswer.Records.class, ask(r, "multi.example.com", DnsType.TXT));
        DnsRecord.Txt t = (DnsRecord.Txt) multi.records().get(0);
        assertEquals(2, t.strings().size());
        assertEquals("v=spf1 ip4:192.0.2.5 -all", t.text());
        DnsAnswer.Records empty = assertInstanceOf(DnsAnswer.Records.class, ask(r, "empty.example.com", DnsType.TXT));
        assertEquals(List.of(), ((DnsRecord.Txt) empty.records().get(0)).strings());
    }

    @Test
    void addressesMxPtrAndCnameAreRead() {
        FixtureResolver r = ZoneData.parse("""
                zonedata:
                  e.example.com:
                    - A: 192.0.2.1
                    - AAAA: "1:2:3:4:5:6:7:8"
                    - MX: [10, Mail.Example.com.]
                  4.3.2.1.in-addr.arpa:
                    - PTR: e.example.com
                  alias.example.com:
                    - CNAME: e.example.com
                """, "t.yml");
        DnsAnswer.Records mx = assertInstanceOf(DnsAnswer.Records.class, ask(r, "e.example.com", DnsType.MX));
        assertEquals(new DnsRecord.Mx(10, DomainName.of("mail.example.com")), mx.records().get(0));
        DnsAnswer.Records aaaa = assertInstanceOf(DnsAnswer.Records.class, ask(r, "e.example.com", DnsType.AAAA));
        assertEquals("/1:2:3:4:5:6:7:8", ((DnsRecord.Aaaa) aaaa.records().get(0)).address().toString());
        assertInstanceOf(DnsAnswer.Records.class, ask(r, "alias.example.com", DnsType.A));
        assertInstanceOf(DnsAnswer.Records.class, ask(r, "4.3.2.1.in-addr.arpa", DnsType.PTR));
        assertInstanceOf(DnsAnswer.NxDomain.class, ask(r, "absent.example.com", DnsType.A));
        assertInstanceOf(DnsAnswer.NoData.class, ask(r, "e.example.com", DnsType.TXT));
    }

    @Test
    void jsonIsAcceptedToo() {
        FixtureResolver r = ZoneData.parse("{\"example.org\": [{\"TXT\": \"v=spf1 a -all\"}, {\"A\": \"192.0.2.7\"}]}",
                "t.json");
        assertInstanceOf(DnsAnswer.Records.class, ask(r, "example.org", DnsType.A));
    }

    @Test
    void escapedBytesInTxtAreKeptByteForByte() {
        FixtureResolver r = ZoneData.parse("hosed.example.com:\n  - TXT: \"a:\\xEF\\xBB\\xBFx\"\n", "t.yml");
        DnsAnswer.Records txt = assertInstanceOf(DnsAnswer.Records.class, ask(r, "hosed.example.com", DnsType.TXT));
        byte[] raw = ((DnsRecord.Txt) txt.records().get(0)).strings().get(0);
        assertEquals("a:\uFEFFx", new String(raw, StandardCharsets.UTF_8));
    }

    @Test
    void badRecordsAreRefusedWithTheFileTheNameAndTheProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ZoneData.parse("example.com:\n  - A: not-an-ip\n", "zones.yml"));
        assertEquals("zones.yml: example.com: A 'not-an-ip' is not an IP address", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ZoneData.parse("example.com:\n  - MX: mail.example.com\n", "zones.yml"));
        assertEquals("zones.yml: example.com: MX is written [preference, host], not 'mail.example.com'",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ZoneData.parse("example.com:\n  - TXT: [unclosed\n", "zones.yml"));
        assertTrue(e.getMessage().startsWith("zones.yml, line 3, column 1: not valid YAML/JSON"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ZoneData.parse("example.com:\n  - SOA: x\n", "zones.yml"));
        assertTrue(e.getMessage().contains("unsupported record type 'SOA'"), e.getMessage());
    }
}
