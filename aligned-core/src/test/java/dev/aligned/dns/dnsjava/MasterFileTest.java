package dev.aligned.dns.dnsjava;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import dev.aligned.dns.FixtureResolver;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterFileTest {
    private static final String ZONE = """
            $TTL 3600
            @       IN SOA ns1 hostmaster 2024010101 3600 600 86400 300
                    IN NS  ns1
                    IN MX  10 mail
                    IN TXT "v=spf1 ip4:192.0.2.0/24 " "-all"
            ns1     IN A   192.0.2.53
            mail    IN A   192.0.2.25
                    IN AAAA 2001:db8::25
            www     IN CNAME mail
            old     IN SPF "v=spf1 -all"
            _dmarc  IN TXT "v=DMARC1; p=none"
            25.2.0.192.in-addr.arpa. IN PTR mail.example.com.
            srv     IN SRV 0 5 5060 sip
            $ORIGIN sub.example.com.
            x       IN TXT "in sub"
            """;

    static FixtureResolver parse(String text, String origin) throws IOException {
        return MasterFile.load(new StringReader(text), DomainName.of(origin), "test.zone");
    }

    @Test
    void recordsOfTheSupportedTypesAreLoadedRelativeToTheOrigin() throws IOException {
        FixtureResolver dns = parse(ZONE, "example.com");
        var txt = assertInstanceOf(DnsAnswer.Records.class, dns.lookup(DomainName.of("example.com"), DnsType.TXT));
        assertEquals("v=spf1 ip4:192.0.2.0/24 -all", txt.of(DnsRecord.Txt.class).get(0).text());
        assertEquals(2, txt.of(DnsRecord.Txt.class).get(0).strings().size());
        var mx = assertInstanceOf(DnsAnswer.Records.class, dns.lookup(DomainName.of("example.com"), DnsType.MX));
        assertEquals(List.of(new DnsRecord.Mx(10, DomainName.of("mail.example.com"))), mx.records());
        assertEquals(List.of(new DnsRecord.Ns(DomainName.of("ns1.example.com"))),
                dns.recordsAt(DomainName.of("example.com"), DnsType.NS));
        assertEquals(1, dns.recordsAt(DomainName.of("mail.example.com"), DnsType.AAAA).size());
        assertEquals(List.of(new DnsRecord.Cname(DomainName.of("mail.example.com"))),
                dns.recordsAt(DomainName.of("www.example.com"), DnsType.CNAME));
        assertEquals(DnsType.SPF, dns.recordsAt(DomainName.of("old.example.com"), DnsType.SPF).get(0).type());
        assertEquals(List.of(new DnsRecord.Ptr(DomainName.of("mail.example.com"))),
                dns.recordsAt(DomainName.of("25.2.0.192.in-addr.arpa"), DnsType.PTR));
        assertEquals(1, dns.recordsAt(DomainName.of("x.sub.example.com"), DnsType.TXT).size());
    }

    @Test
    void ownersOfSkippedTypesStillExist() throws IOException {
        FixtureResolver dns = parse(ZONE, "example.com");
        assertInstanceOf(DnsAnswer.NoData.class, dns.lookup(DomainName.of("srv.example.com"), DnsType.A));
        assertInstanceOf(DnsAnswer.NxDomain.class, dns.lookup(DomainName.of("nope.example.com"), DnsType.A));
    }

    @Test
    void defaultOriginComesFromTheFileName(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("example.org.zone");
        Files.writeString(f, "@ 300 IN TXT \"apex\"\nwww 300 IN A 192.0.2.1\n");
        FixtureResolver dns = MasterFile.load(f);
        assertEquals(1, dns.recordsAt(DomainName.of("example.org"), DnsType.TXT).size());
        assertEquals(1, dns.recordsAt(DomainName.of("www.example.org"), DnsType.A).size());
    }

    @Test
    void utf8InTxtIsKeptAsTheSameOctets(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("example.net.zone");
        Files.writeString(f, "@ 300 IN TXT \"caf\u00e9\"\n", StandardCharsets.UTF_8);
        var txt = (DnsRecord.Txt) MasterFile.load(f).recordsAt(DomainName.of("example.net"), DnsType.TXT).get(0);
        assertArrayEquals("caf\u00e9".getBytes(StandardCharsets.UTF_8), txt.strings().get(0));
    }

    @Test
    void backslashBeforeANonAsciiCharacterEscapesItsOctets() throws IOException {
        FixtureResolver dns = parse("@ 300 IN TXT \"\\\u00e9\\\\\"\n", "example.com");
        var txt = (DnsRecord.Txt) dns.recordsAt(DomainName.of("example.com"), DnsType.TXT).get(0);
        assertArrayEquals(new byte[] {(byte) 0xc3, (byte) 0xa9, '\\'}, txt.strings().get(0));
    }

    @Test
    void syntaxErrorNamesFileAndLine() {
        var e = assertThrows(IOException.class, () -> parse("@ 300 IN TXT \"ok\"\n\nwww 300 IN AX 192.0.2.1\n", "example.com"));
        assertEquals("test.zone, line 3: Invalid type 'AX'", e.getMessage());
    }

    @Test
    void missingFileIsNamed(@TempDir Path dir) {
        Path f = dir.resolve("absent.zone");
        var e = assertThrows(IOException.class, () -> MasterFile.load(f));
        assertEquals(f + ": no such file", e.getMessage());
    }

    @Test
    void includeIsRefused() {
        var e = assertThrows(IOException.class, () -> parse("$INCLUDE /etc/passwd\n", "example.com"));
        assertTrue(e.getMessage().startsWith("test.zone, line 1: "), e.getMessage());
    }

    @Test
    void recordsWithoutTtlAreAcceptedBeforeAnyTtlDirective() throws IOException {
        FixtureResolver dns = parse("www IN A 192.0.2.1\n$TTL 60\nmail IN A 192.0.2.2\n", "example.com");
        assertEquals(1, dns.recordsAt(DomainName.of("www.example.com"), DnsType.A).size());
        assertEquals(1, dns.recordsAt(DomainName.of("mail.example.com"), DnsType.A).size());
    }

    @Test
    void originDirectiveAndOtherClassesAreHandled() throws IOException {
        FixtureResolver dns = parse("""
                $ORIGIN sub.example.com.
                a 300 IN TXT "in sub.example.com"
                b 300 CH TXT "chaos class, skipped"
                """, "ignored.example");
        assertEquals(1, dns.recordsAt(DomainName.of("a.sub.example.com"), DnsType.TXT).size());
        assertEquals(List.of(), dns.recordsAt(DomainName.of("b.sub.example.com"), DnsType.TXT));
    }

    @Test
    void relativeOriginDirectiveIsRefusedRatherThanMisread() {
        // dnsjava would read "sub" relative to the root; RFC 1035 means relative to the current origin
        var e = assertThrows(IOException.class, () -> parse("$ORIGIN example.com.\n$ORIGIN sub\n", "example.com"));
        assertEquals("test.zone, line 2: $ORIGIN 'sub' is relative; write the full name with a trailing dot",
                e.getMessage());
    }

    @Test
    void generateDirectiveIsExpanded() throws IOException {
        FixtureResolver dns = parse("$GENERATE 1-3 host$ 300 IN A 192.0.2.$\n", "example.com");
        for (int i = 1; i <= 3; i++) {
            var a = (DnsRecord.A) dns.recordsAt(DomainName.of("host" + i + ".example.com"), DnsType.A).get(0);
            assertEquals("192.0.2." + i, a.address().getHostAddress());
        }
    }

    @Test
    void hugeGenerateIsRefused() {
        var e = assertThrows(IOException.class,
                () -> parse("$GENERATE 1-100000 a$ 300 IN A 192.0.2.1\n$GENERATE 0-4000000 h$ 300 IN A 192.0.2.1\n",
                        "example.com"));
        assertEquals("test.zone, line 2: $GENERATE makes more than " + MasterFile.MAX_RECORDS + " records",
                e.getMessage());
    }

    @Test
    void ownerThatIsNotADomainNameIsNamed() {
        var e = assertThrows(IOException.class, () -> parse("a\\009b 300 IN A 192.0.2.1\n", "example.com"));
        assertTrue(e.getMessage().startsWith("test.zone: owner name 'a\\009b.example.com.'"), e.getMessage());
    }

    @Test
    void originFromBindStyleAndPlainFileNames() {
        assertEquals(DomainName.of("example.com"), MasterFile.defaultOrigin(Path.of("/x/db.example.com")));
        assertEquals(DomainName.of("example.com"), MasterFile.defaultOrigin(Path.of("example.com.zone")));
        assertEquals(DomainName.ROOT, MasterFile.defaultOrigin(Path.of("bad..name.zone")));
    }
}
