package dev.aligned.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.aligned.record.FindingCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path zone;


    @BeforeAll
    static void copyZone() throws IOException {
        zone = dir.resolve("check.yml");
        try (InputStream in = CheckCommandTest.class.getResourceAsStream("/check/check.yml")) {
            Files.write(zone, in.readAllBytes());
        }
    }

    @AfterEach
    void resetTerminal() {
        CheckCommand.terminal = () -> System.console() != null;
    }

    static CliRun run(String... args) {
        return CliRun.run(args);
    }

    @Test
    void humanOutputGroupsByProtocolAndEndsWithTheNextStep() {
        CliRun r = run("check", "monitor.example", "--dns", zone.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("monitor.example  grade D  (1 error, 4 warnings)\n"), r.out());
        assertTrue(r.out().contains("\nSPF      v=spf1 include:_spf.google.com ptr ~all\n"
                + "         lookups 2/10, void lookups 0/2; services: Google Workspace\n"), r.out());
        assertTrue(r.out().contains("  warning  spf.ptr  "), r.out());
        assertTrue(r.out().contains("  warning  dmarc.policy-none  "), r.out());
        assertTrue(r.out().contains("  error    dmarc.report-unauthorised  "), r.out());
        assertTrue(r.out().contains("  Google     SPF published"), r.out());
        assertTrue(r.out().endsWith("Next step: Ask the operator of reports.example to publish "
                + "monitor.example._report._dmarc.reports.example. IN TXT \"v=DMARC1\" (report services usually do "
                + "this when you register the domain).\n"), r.out());
    }

    @Test
    void cleanDomainPrintsNoFindings() {
        CliRun r = run("check", "clean.example", "--dns", zone.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("clean.example  grade A  (0 errors, 0 warnings)\n"), r.out());
        assertTrue(r.out().contains("DKIM     google: rsa 2048 bits\n"), r.out());
        assertTrue(!r.out().contains("  error ") && !r.out().contains("  warning "), r.out());
    }

    @Test
    void jsonFollowsTheDocumentedSchema() throws IOException {
        CliRun r = run("check", "monitor.example", "--json", "--dns", zone.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode j = JSON.readTree(r.out());
        assertEquals("monitor.example", j.get("domain").asText());
        assertEquals("D", j.get("grade").asText());
        assertEquals(2, j.get("spf").get("lookups").asInt());
        assertEquals("Google Workspace", j.get("spf").get("services").get(0).asText());
        assertEquals("none", j.get("dmarc").get("policy").asText());
        JsonNode f = j.get("findings").get(0);
        assertEquals("dmarc.report-unauthorised", f.get("code").asText());
        assertEquals("error", f.get("severity").asText());
        assertEquals("dmarc", f.get("area").asText());
        assertEquals(1, j.get("counts").get("error").asInt());
        assertEquals(13, j.get("rules").size());
        for (String field : List.of("input", "checked_at", "next_step", "dkim", "mx", "bimi", "mta_sts", "tls_rpt")) {
            assertTrue(j.has(field), field);
        }
    }

    @Test
    void manyDomainsOnAPipeGiveJsonLinesInInputOrder() throws IOException {
        CheckCommand.terminal = () -> false;
        Path list = dir.resolve("domains.txt");
        Files.writeString(list, "# my domains\nclean.example\nmonitor.example  # the new one\n\nnot_a domain\n");
        CliRun r = run("check", "--file", list.toString(), "--dns", zone.toString());
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r.out());
        assertEquals("clean.example", JSON.readTree(lines.get(0)).get("domain").asText());
        assertEquals("monitor.example", JSON.readTree(lines.get(1)).get("domain").asText());
        assertTrue(JSON.readTree(lines.get(2)).get("error").asText().length() > 0, lines.get(2));
        assertEquals("", r.err());
    }

    @Test
    void manyDomainsOnATerminalShowProgressAndOneLineEach() {
        CheckCommand.terminal = () -> true;
        CliRun r = run("check", "clean.example", "monitor.example", "--dns", zone.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("clean.example                  A  0 errors, 0 warnings  Nothing to fix."),
                r.out());
        assertTrue(r.err().contains("] 2/2 domains"), r.err());
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, run("check").exit());
        assertEquals(2, run("check", "clean.example", "--ip", "not-an-ip", "--dns", zone.toString()).exit());
        assertEquals(2, run("check", "clean.example", "--dkim-selector", "a b", "--dns", zone.toString()).exit());
        assertEquals(1, run("check", "--file", dir.resolve("missing.txt").toString()).exit());
    }

    @Test
    void docsListEveryFindingCode() throws IOException {
        Path doc = Path.of("..", "docs", "check.md");
        String text = Files.readString(doc);
        Set<String> listed = new HashSet<>();
        Matcher m = Pattern.compile("^\\| `([a-z-]+\\.[a-z0-9-]+)` \\|", Pattern.MULTILINE).matcher(text);
        while (m.find()) {
            listed.add(m.group(1));
        }
        for (FindingCode c : FindingCode.values()) {
            assertTrue(listed.contains(c.code()), "docs/check.md does not list " + c.code());
        }
        assertEquals(FindingCode.values().length, listed.size(), "docs/check.md lists codes that do not exist: "
                + listed);
    }
}
