package dev.aligned.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aligned.dns.ZoneData;
import dev.aligned.record.CheckReport;
import dev.aligned.record.DomainChecker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordAndSetupCommandTest {
    @TempDir
    static Path dir;
    static Path zone;

    @BeforeAll
    static void copyZone() throws IOException {
        zone = dir.resolve("services.yml");
        try (InputStream in = RecordAndSetupCommandTest.class.getResourceAsStream("/check/services.yml")) {
            Files.write(zone, in.readAllBytes());
        }
    }

    static CliRun run(String... args) {
        return CheckCommandTest.run(args);
    }

    @Test
    void recordSpfPrintsTheRecordWithItsLookups() {
        CliRun r = run("record", "spf", "--mx", "--include", "_spf.google.com", "--ip4", "192.0.2.0/24",
                "--all", "softfail", "--dns", zone.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("v=spf1 mx ip4:192.0.2.0/24 include:_spf.google.com ~all\n\n"
                + "Lookups  3/10  (include:_spf.google.com 2)\n"), r.out());
    }

    @Test
    void recordSpfRefusesOverTheLimitAndSaysWhatToDrop() {
        CliRun r = run("record", "spf", "--mx", "--a", "--include", "heavy.example", "--include",
                "sendgrid.net", "--dns", zone.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("The record needs 13 DNS lookups; receivers allow 10. Drop or flatten"), r.err());
        assertTrue(r.err().contains("include:heavy.example (costs 10)"), r.err());
    }

    @Test
    void recordSpfFlattenPrintsNetworksAndTheUpkeep() {
        CliRun r = run("record", "spf", "--flatten", "heavy.example", "--dns", zone.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("v=spf1 ip4:203.0.113.1 ip4:203.0.113.2"), r.out());
        assertTrue(r.out().contains("(9 lookups)"), r.out());
        assertTrue(r.out().contains("Upkeep   the networks come from a.heavy.example"), r.out());
    }

    @Test
    void recordDmarcBuildsAndRefuses() throws IOException {
        CliRun ok = run("record", "dmarc", "--policy", "quarantine", "--rua", "d@example.com",
                "--adkim", "s", "--json");
        assertEquals(0, ok.exit(), ok.err());
        JsonNode j = CheckCommandTest.JSON.readTree(ok.out());
        assertEquals("v=DMARC1; p=quarantine; adkim=s; rua=mailto:d@example.com", j.get("record").asText());
        CliRun bad = run("record", "dmarc", "--policy", "none", "--testing");
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("t=y with p=none has no effect"), bad.err());
        assertEquals(2, run("record", "dmarc").exit());
    }

    @Test
    void setupPrintsEveryRecordInOrderAndTheyPassTheCheck() throws IOException {
        Path keys = dir.resolve("keys");
        CliRun r = run("setup", "new.example", "--service", "SendGrid", "--ip4", "192.0.2.25",
                "--selector", "s2026", "--algorithm", "ed25519", "--key-dir", keys.toString(), "--rua",
                "dmarc@new.example", "--dns", zone.toString());
        assertEquals(0, r.exit(), r.err());
        String out = r.out();
        int dkim = out.indexOf("1. TXT       s2026._domainkey.new.example");
        int service = out.indexOf("2. CNAME/TXT s1._domainkey.new.example, s2._domainkey.new.example");
        int spf = out.indexOf("3. TXT       new.example\n");
        int dmarc = out.indexOf("4. TXT       _dmarc.new.example");
        assertTrue(dkim >= 0 && dkim < service && service < spf && spf < dmarc, out);
        assertTrue(out.contains("   v=spf1 ip4:192.0.2.25 include:sendgrid.net ~all\n"), out);
        assertTrue(out.contains("   v=DMARC1; p=none; rua=mailto:dmarc@new.example\n"), out);
        assertTrue(out.contains("$ORIGIN new.example.\n"), out);
        assertTrue(out.contains("run `aligned check new.example --dkim-selector s2026`"), out);
        assertTrue(out.contains("After 48 hours"), out);
        assertTrue(Files.exists(keys.resolve("s2026.new.example.pem")));

        // the zone-file fragment, loaded as the master file it is, passes the check without errors
        String fragment = out.substring(out.indexOf("$ORIGIN"), out.indexOf("\nNext steps:"))
                + "\n@ 3600 IN MX 10 mx.new.example.\n";
        dev.aligned.dns.FixtureResolver published = dev.aligned.dns.FixtureResolver.builder()
                .addAll(ZoneData.load(zone))
                .addAll(dev.aligned.dns.dnsjava.MasterFile.load(new java.io.StringReader(fragment),
                        dev.aligned.dns.DomainName.of("new.example")))
                .build();
        CheckReport.Checked c = (CheckReport.Checked) DomainChecker.builder().resolver(published)
                .selectors(List.of("s2026")).build().check("new.example");
        assertEquals(CheckReport.Grade.C, c.grade(), c.findings().toString());
        assertEquals(0, c.count(dev.aligned.record.Severity.ERROR), c.findings().toString());
    }

    @Test
    void setupRefusesUnknownServicesAndNeedsSenders() {
        assertEquals(2, run("setup", "new.example", "--service", "Nope Mail", "--no-dkim-key").exit());
        assertEquals(2, run("setup", "new.example", "--no-dkim-key").exit());
    }
}
