package dev.aligned.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpfCheckCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path zone;


    @BeforeAll
    static void copyZone() throws IOException {
        zone = dir.resolve("zone.yml");
        try (InputStream in = SpfCheckCommandTest.class.getResourceAsStream("/spf/zone.yml")) {
            Files.write(zone, in.readAllBytes());
        }
    }

    static CliRun run(String... args) {
        return CliRun.run(args);
    }

    @Test
    void failSaysWhatDecidedItTheLookupsAndWhatToChange() {
        CliRun r = run("spf", "check", "--ip", "203.0.113.5", "--mail-from", "alice@example.com", "--helo",
                "mail.example.org", "--dns", zone.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("""
                Result       fail
                Identity     MAIL FROM alice@example.com (domain example.com)
                Client       203.0.113.5
                Decided by   -all  (example.com, column 91)
                Lookups      3/10, void 0/2
                Explanation  203.0.113.5 is not one of example.com's designated mail servers.
                Next         203.0.113.5 is not authorised by example.com. If it sends legitimately for example.com, \
                add ip4:203.0.113.5 (or include: the sending service's record) before -all.
                """, r.out());
    }

    @Test
    void permerrorNamesTheColumnAndTheFix() {
        CliRun r = run("spf", "check", "--ip", "192.0.2.77", "--mail-from", "x@broken.example.com", "--dns",
                zone.toString());
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("Error        broken.example.com: SPF record, column 8: unknown mechanism 'ipv4'\n"),
                r.out());
        assertTrue(r.out().contains("Fix          did you mean 'ip4'?\n"), r.out());
    }

    @Test
    void jsonCarriesTheAgreedFields() throws IOException {
        CliRun r = run("spf", "check", "--ip", "2001:db8::1", "--mail-from", "x@example.com", "--dns", zone.toString(),
                "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = JSON.readTree(r.out());
        assertEquals("pass", j.get("result").asText());
        assertEquals("example.com", j.get("domain").asText());
        assertEquals("include:_spf.example.net", j.get("mechanism").asText());
        assertTrue(j.get("explanation").isNull());
        assertEquals(3, j.get("dns_lookups").asInt());
        assertEquals(1, j.get("void_lookups").asInt());
        assertTrue(j.get("trace").size() > 3);
        assertEquals("include:_spf.example.net matches: pass", j.get("trace").get(j.get("trace").size() - 1)
                .get("step").asText());
    }

    @Test
    void jsonTemperrorAndPermerrorCarryTheError() throws IOException {
        JsonNode t = JSON.readTree(run("spf", "check", "--ip", "192.0.2.1", "--mail-from", "a@slow.example.com",
                "--dns", zone.toString(), "--json").out());
        assertEquals("temperror", t.get("result").asText());
        assertEquals("DNS lookup of the TXT records of slow.example.com failed (timeout (fixture) at slow.example.com)",
                t.get("error").asText());
        JsonNode p = JSON.readTree(run("spf", "check", "--ip", "192.0.2.1", "--mail-from", "a@broken.example.com",
                "--dns", zone.toString(), "--json").out());
        assertEquals("permerror", p.get("result").asText());
        assertEquals("broken.example.com: SPF record, column 8: unknown mechanism 'ipv4'", p.get("error").asText());
    }

    @Test
    void heloAloneChecksTheHeloIdentityAndEmptyMailFromChecksPostmaster() throws IOException {
        JsonNode h = JSON.readTree(run("spf", "check", "--ip", "192.0.2.1", "--helo", "example.com", "--dns",
                zone.toString(), "--json").out());
        assertEquals("helo", h.get("identity").asText());
        assertEquals("pass", h.get("result").asText());
        JsonNode b = JSON.readTree(run("spf", "check", "--ip", "192.0.2.1", "--mail-from", "", "--helo",
                "example.com", "--dns", zone.toString(), "--json").out());
        assertEquals("mailfrom", b.get("identity").asText());
        assertEquals("postmaster@example.com", b.get("sender").asText());
    }

    @Test
    void traceShowsEachStepIndentedByIncludeDepth() {
        CliRun r = run("spf", "check", "--ip", "2001:db8::7", "--mail-from", "x@example.com", "--dns", zone.toString(),
                "--trace");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("\nTrace:\n  example.com: record: v=spf1 ip4:192.0.2.0/24 a:web.example.com mx "
                + "include:_spf.example.net exp=why.example.com -all\n"), r.out());
        assertTrue(r.out().contains("\n    _spf.example.net: ip6:2001:db8::/32 matches: pass\n"), r.out());
        assertTrue(r.out().contains("Decided by   include:_spf.example.net  (example.com, column 46)\n"), r.out());
    }

    @Test
    void batchReadsStandardInputForADash() throws IOException {
        InputStream saved = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream("{\"ip\":\"192.0.2.1\",\"mail_from\":\"a@example.com\"}\n[]\n"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            CliRun r = run("spf", "check", "--batch", "-", "--dns", zone.toString());
            assertEquals(0, r.exit(), r.err());
            String[] lines = r.out().split("\n");
            assertEquals(2, lines.length);
            assertEquals("pass", JSON.readTree(lines[0]).get("result").asText());
            assertEquals(2, JSON.readTree(lines[1]).get("line").asInt());
            assertTrue(JSON.readTree(lines[1]).get("error").asText().startsWith("expected a JSON object"));
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void usageErrorsExitWith2() {
        CliRun badIp = run("spf", "check", "--ip", "1.2.3", "--mail-from", "a@example.com", "--dns", zone.toString());
        assertEquals(2, badIp.exit());
        assertTrue(badIp.err().startsWith("--ip: '1.2.3' is not an IPv4 or IPv6 address"), badIp.err());
        assertEquals(2, run("spf", "check", "--mail-from", "a@example.com").exit());
        assertEquals(2, run("spf", "check", "--ip", "192.0.2.1").exit());
        assertEquals(2, run("spf", "check", "--batch", "x.jsonl", "--ip", "192.0.2.1").exit());
        assertEquals(2, run("spf", "check", "--bogus").exit());
    }

    @Test
    void missingFixtureFileIsARuntimeFailure() {
        CliRun r = run("spf", "check", "--ip", "192.0.2.1", "--mail-from", "a@example.com", "--dns",
                dir.resolve("absent.yml").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("absent.yml: no such file"), r.err());
    }

    @Test
    void batchPrintsOneLinePerInputInOrderAndKeepsGoingAfterBadLines() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            switch (i % 5) {
                case 0 -> lines.add("{\"ip\":\"192.0.2." + (i % 250) + "\",\"mail_from\":\"a" + i
                        + "@example.com\",\"helo\":\"h.example\"}");
                case 1 -> lines.add("{\"ip\":\"203.0.113.9\",\"mail_from\":\"b" + i + "@example.com\"}");
                case 2 -> lines.add("not json " + i);
                case 3 -> lines.add("{\"ip\":\"999.1.1.1\",\"mail_from\":\"c@example.com\"}");
                default -> lines.add("{\"ip\":\"192.0.2.1\",\"helo\":\"example.com\"}");
            }
        }
        Path batch = dir.resolve("batch.jsonl");
        Files.write(batch, lines);
        CliRun r = run("spf", "check", "--batch", batch.toString(), "--dns", zone.toString());
        assertEquals(0, r.exit(), r.err());
        String[] out = r.out().split("\n");
        assertEquals(lines.size(), out.length);
        for (int i = 0; i < out.length; i++) {
            JsonNode j = JSON.readTree(out[i]);
            assertEquals(i + 1, j.get("line").asInt());
            switch (i % 5) {
                case 0 -> {
                    assertEquals("pass", j.get("result").asText());
                    assertEquals("a" + i + "@example.com", j.get("sender").asText());
                }
                case 1 -> assertEquals("fail", j.get("result").asText());
                case 2 -> assertTrue(j.get("error").asText().startsWith("not valid JSON"), out[i]);
                case 3 -> assertEquals("\"ip\": '999.1.1.1' is not an IPv4 or IPv6 address", j.get("error").asText());
                default -> assertEquals("helo", j.get("identity").asText());
            }
        }
    }
}
