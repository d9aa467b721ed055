package dev.aligned.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DmarcEvalCommandTest {

    static Path zone() throws URISyntaxException {
        return Path.of(DmarcEvalCommandTest.class.getResource("/dmarc/zone.yml").toURI());
    }

    static CliRun run(String... args) throws URISyntaxException {
        List<String> all = new ArrayList<>(List.of("dmarc", "eval", "--dns", zone().toString()));
        all.addAll(List.of(args));
        return CliRun.run(all.toArray(String[]::new));
    }

    @Test
    void jsonHasTheDocumentedFields() throws Exception {
        CliRun r = run("--header-from", "example.com", "--spf", "bounce.example.com=pass", "--dkim", "example.net=pass",
                "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = r.json();
        assertEquals("pass", j.get("result").asText());
        assertEquals("reject", j.get("policy").asText());
        assertEquals("none", j.get("disposition").asText());
        assertEquals("example.com", j.get("policy_domain").asText());
        assertEquals("example.com", j.get("organizational_domain").asText());
        assertTrue(j.get("spf_aligned").asBoolean());
        assertEquals(false, j.get("dkim_aligned").asBoolean());
        assertEquals(false, j.get("testing").asBoolean());
        assertTrue(j.get("reasons").isArray() && j.get("reasons").size() > 0);
    }

    @Test
    void failingMessageGetsThePolicyAsDisposition() throws Exception {
        JsonNode j = run("--header-from", "user@example.com", "--dkim", "example.com=fail", "--json").json();
        assertEquals("fail", j.get("result").asText());
        assertEquals("reject", j.get("disposition").asText());
    }

    @Test
    void nonExistentSubdomainGetsNp() throws Exception {
        JsonNode j = run("--header-from", "ghost.example.com", "--json").json();
        assertEquals("reject", j.get("policy").asText());
        assertEquals("np", j.get("policy_source").asText());
        JsonNode www = run("--header-from", "www.example.com", "--json").json();
        assertEquals("quarantine", www.get("policy").asText());
    }

    @Test
    void testingModeIsReported() throws Exception {
        JsonNode j = run("--header-from", "testing.example", "--json").json();
        assertEquals("fail", j.get("result").asText());
        assertEquals("quarantine", j.get("disposition").asText());
        assertTrue(j.get("testing").asBoolean());
        assertEquals("testing.example", j.get("organizational_domain").asText(),
                "the CLI always reports the organizational domain, even when alignment did not need it");
    }

    @Test
    void modeRfc7489HonoursPct() throws Exception {
        JsonNode bis = run("--header-from", "pct.example", "--json").json();
        assertEquals("quarantine", bis.get("disposition").asText());
        assertEquals("DMARC record, column 25: warning: pct= was removed by RFC 9989 and RFC 9989 receivers ignore "
                + "it; to test a policy use t=y (policy applied one level lower) instead",
                bis.get("record_problems").get(0).asText());
        JsonNode old = run("--header-from", "pct.example", "--mode", "rfc7489", "--json").json();
        assertEquals("none", old.get("disposition").asText(), "pct=0 never samples a message");
        assertEquals("rfc7489", old.get("mode").asText());
    }

    @Test
    void timeoutIsTemperror() throws Exception {
        JsonNode j = run("--header-from", "slow.example", "--spf", "slow.example=pass", "--json").json();
        assertEquals("temperror", j.get("result").asText());
    }

    @Test
    void brokenRecordIsPermerror() throws Exception {
        JsonNode j = run("--header-from", "broken.example", "--json").json();
        assertEquals("permerror", j.get("result").asText());
    }

    @Test
    void humanOutputIsShortAndSaysWhatToDoNext() throws Exception {
        CliRun r = run("--header-from", "nothing.example");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("DMARC none for nothing.example\n"), r.out());
        assertTrue(r.out().contains("next: publish a record such as \"v=DMARC1; p=none; "
                + "rua=mailto:dmarc@nothing.example\" at _dmarc.nothing.example."), r.out());
        CliRun fail = run("--header-from", "example.com", "--spf", "mail.example.net=pass");
        assertTrue(fail.out().contains("  disposition  reject\n"), fail.out());
        assertTrue(fail.out().contains("  spf          mail.example.net pass, not aligned: "), fail.out());
        CliRun sub = run("--header-from", "www.example.com", "--spf", "mail.example.net=pass");
        assertTrue(sub.out().contains("  policy       quarantine (sp= at _dmarc.example.com)\n"), sub.out());
        assertTrue(sub.out().contains("next: sign with DKIM d=example.com (or a name under it), or send with a "
                + "MAIL FROM under example.com that SPF authorises."), sub.out());
    }

    @Test
    void badArgumentsAreUsageErrors() throws Exception {
        CliRun r = run("--header-from", "example.com", "--spf", "example.com");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--spf expects DOMAIN=RESULT (e.g. example.com=pass), not 'example.com'"), r.err());
        CliRun bad = run("--header-from", "example.com", "--dkim", "example.com=great");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("--dkim: 'great' is not a result"), bad.err());
        assertEquals(2, run("--header-from", "example.com", "--mode", "rfc1").exit());
        assertEquals(2, run("--header-from", "bad..name").exit());
    }

    @Test
    void missingFixtureFileIsARuntimeFailure() throws Exception {
        CommandLine cl = Main.newCommandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        int exit = cl.execute("dmarc", "eval", "--header-from", "example.com", "--dns", "/nonexistent/zone.yml");
        assertEquals(1, exit);
        assertTrue(err.toString().contains("/nonexistent/zone.yml: no such file"), err.toString());
    }
}
