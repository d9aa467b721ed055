package dev.aligned.server.milter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.server.ingest.ConfigException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MilterConfigTest {
    private static final Path FILE = Path.of("aligned.yaml");

    @Test
    void fullSectionIsRead() throws Exception {
        MilterConfig c = MilterConfig.parse(FILE, """
                database:
                  url: jdbc:sqlite:/var/lib/aligned/aligned.db
                milter:
                  listen: inet:127.0.0.1:9901
                  authserv_id: ${MX}
                  mode: reject
                  quarantine_style: header
                  trusted_networks: [10.0.0.0/8, "2001:db8::/32"]
                  timeout: 800ms
                  fail_mode: tempfail
                  max_message_bytes: 32MiB
                  spill_bytes: 256KiB
                  max_connections: 50
                """, Map.of("MX", "mx.example.org"));
        assertEquals("127.0.0.1", c.host());
        assertEquals(9901, c.port());
        assertEquals("mx.example.org", c.authservId());
        assertEquals(MilterConfig.Mode.REJECT, c.mode());
        assertEquals(MilterConfig.QuarantineStyle.HEADER, c.quarantineStyle());
        assertEquals(List.of("10.0.0.0/8", "2001:db8::/32"), c.trustedNetworks());
        assertEquals(Duration.ofMillis(800), c.timeout());
        assertEquals(MilterConfig.FailMode.TEMPFAIL, c.failMode());
        assertEquals(32L << 20, c.maxMessageBytes());
        assertEquals(256 << 10, c.spillBytes());
        assertEquals(50, c.maxConnections());
    }

    @Test
    void fileWithoutMilterSectionGivesTheDefaults() throws Exception {
        MilterConfig c = MilterConfig.parse(FILE, "imap:\n  - host: h\n", Map.of());
        MilterConfig d = MilterConfig.defaults();
        assertEquals(d, c);
        assertEquals(8891, c.port());
        assertEquals(MilterConfig.Mode.MONITOR, c.mode());
        assertEquals(List.of("127.0.0.0/8", "::1/128"), c.trustedNetworks());
        assertEquals(Duration.ofSeconds(5), c.timeout());
    }

    @Test
    void everyProblemIsReportedWithItsKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> MilterConfig.parse(FILE, """
                milter:
                  listen: unix:/var/run/milter.sock
                  mode: enforce
                  trusted_networks: [10.0.0.0/33, mail.example.com]
                  timeout: forever
                  fail_mode: ${UNSET}
                  colour: blue
                """, Map.of()));
        List<String> got = e.errors().stream().map(Object::toString).toList();
        assertEquals(List.of(
                "milter.colour: unknown key; known keys here: authserv_id, fail_mode, listen, max_connections, "
                        + "max_message_bytes, mode, quarantine_style, spill_bytes, timeout, trusted_networks",
                "milter.listen: only inet:HOST:PORT is supported, got 'unix:/var/run/milter.sock'",
                "milter.mode: expected one of monitor, quarantine, reject, got 'enforce'",
                "milter.fail_mode: environment variable UNSET is not set; export it before starting Aligned "
                        + "(referenced as ${UNSET})",
                "milter.trusted_networks[0]: '10.0.0.0/33' is not an IP address or CIDR block such as 192.0.2.0/24 "
                        + "or 2001:db8::/32",
                "milter.trusted_networks[1]: 'mail.example.com' is not an IP address or CIDR block such as "
                        + "192.0.2.0/24 or 2001:db8::/32",
                "milter.timeout: expected a duration such as 5s or 500ms, got 'forever'"), got);
    }

    @Test
    void listenAcceptsInetFormsAndBarePorts() {
        assertEquals(new MilterConfig.ListenAddress("127.0.0.1", 8891, null),
                MilterConfig.ListenAddress.parse("inet:127.0.0.1:8891"));
        assertEquals(new MilterConfig.ListenAddress("::1", 8891, null),
                MilterConfig.ListenAddress.parse("inet6:[::1]:8891"));
        assertEquals(new MilterConfig.ListenAddress("127.0.0.1", 9000, null), MilterConfig.ListenAddress.parse("9000"));
        assertEquals("listen: expected inet:HOST:PORT (e.g. inet:127.0.0.1:8891), got 'inet:host:99999'",
                MilterConfig.ListenAddress.parse("inet:host:99999").error());
    }

    @Test
    void cidrBlocksMatchTheirAddressesOnly() throws Exception {
        Cidr v4 = Cidr.parse("192.0.2.77/24").orElseThrow();
        assertEquals("192.0.2.0/24", v4.toString());
        assertTrue(v4.contains(InetAddress.getByName("192.0.2.200")));
        assertFalse(v4.contains(InetAddress.getByName("192.0.3.1")));
        assertTrue(v4.contains(InetAddress.getByName("::ffff:192.0.2.9")), "IPv4-mapped IPv6 counts as IPv4");
        Cidr v6 = Cidr.parse("2001:db8::/33").orElseThrow();
        assertTrue(v6.contains(InetAddress.getByName("2001:db8:7fff::1")));
        assertFalse(v6.contains(InetAddress.getByName("2001:db8:8000::1")));
        assertFalse(v6.contains(InetAddress.getByName("192.0.2.1")));
        assertTrue(Cidr.parse("0.0.0.0/0").orElseThrow().contains(InetAddress.getByName("203.0.113.5")));
        assertTrue(Cidr.parse("198.51.100.7").orElseThrow().contains(InetAddress.getByName("198.51.100.7")));
        assertTrue(Cidr.parse("localhost").isEmpty(), "names are not looked up");
        assertTrue(Cidr.parse("10.0.0.0/x").isEmpty());
    }

    @Test
    void authservIdOfAuthenticationResultsSkipsCommentsAndIgnoresCase() {
        assertEquals("mx.test", MessageJudge.authservId(" (forged) MX.Test; dmarc=pass"));
        assertEquals("mx.test", MessageJudge.authservId("mx.test 1; none"));
        assertEquals("", MessageJudge.authservId("  (unterminated comment"));
    }
}
