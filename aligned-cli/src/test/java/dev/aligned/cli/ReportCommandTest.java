package dev.aligned.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aligned report parse|generate} end to end, on corpus files from the aligned-core test jar. */
class ReportCommandTest {
    @TempDir
    Path dir;


    static CliRun run(String... args) {
        return CliRun.run(args);
    }

    Path corpus(String resource, String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/corpora/reports/" + resource)) {
            if (in == null) {
                throw new AssertionError("missing test resource " + resource);
            }
            Path p = dir.resolve(name);
            Files.copy(in, p);
            return p;
        }
    }

    @Test
    void parsePrintsAReadableSummary() throws IOException {
        Path f = corpus("parsedmarc/aggregate/rfc9990-sample.xml", "sample.xml");
        CliRun r = run("report", "parse", f.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
        assertEquals(f + ": aggregate report\n"
                + "  reporter  Sample Reporter <report_sender@example-reporter.com>, report id 3v98abbp8ya9n3va8yr8oa3ya\n"
                + "  period    1979-08-07 00:00 to 1979-08-07 23:59 UTC\n"
                + "  policy    example.com p=quarantine sp=none np=none t=n\n"
                + "  source IP   messages  disposition dkim  spf   dmarc  header_from\n"
                + "  192.0.2.123      123  pass        pass  fail  pass   example.com  (dkim d=example.com)\n"
                + "  total     123 message(s) from 1 source(s), 123 passed DMARC (100%)\n\n",
                r.out().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void parseJsonPrintsOneObjectPerReportAndErrorsAfterTheRest() throws IOException {
        Path good = corpus("parsedmarc/aggregate/rfc9990-sample.xml", "sample.xml");
        Path bad = corpus("parsedmarc/aggregate/invalid_xml.xml", "invalid_xml.xml");
        Path ruf = corpus("parsedmarc/failure/dmarc_ruf_report_linkedin.eml", "ruf.eml");
        CliRun r = run("report", "parse", "--json", bad.toString(), good.toString(), ruf.toString());
        assertEquals(1, r.exit());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r.out());
        ObjectMapper m = new ObjectMapper();
        JsonNode e = m.readTree(lines.get(0));
        assertEquals(bad.toString(), e.get("source").asText());
        assertTrue(e.get("error").asText().contains("line 5:18: not well-formed XML"), lines.get(0));
        JsonNode a = m.readTree(lines.get(1));
        assertEquals("aggregate", a.get("kind").asText());
        assertEquals(302832000, a.at("/report_metadata/date_range/begin").asLong());
        assertEquals("pass", a.at("/record/0/row/policy_evaluated/disposition").asText());
        JsonNode f = m.readTree(lines.get(2));
        assertEquals("failure", f.get("kind").asText());
        assertEquals("dmarc", f.at("/auth_failure/0").asText());
    }

    @Test
    void parseCsvPrintsHeaderAndOneLinePerRecord() throws IOException {
        Path gz = corpus("parsedmarc/extract_report/nice-input.xml.gz", "nice.xml.gz");
        CliRun r = run("report", "parse", "--csv", gz.toString());
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(21, lines.size());
        assertTrue(lines.get(0).startsWith("source,org_name,email,"));
        assertTrue(lines.get(1).startsWith(gz + ",google.com,"), lines.get(1));
    }

    @Test
    void missingFileFailsWithExitOne() {
        CliRun r = run("report", "parse", dir.resolve("nope.xml").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("nope.xml: cannot read file"), r.err());
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, run("report", "parse").exit());
        assertEquals(2, run("report", "parse", "--json", "--csv", "x").exit());
    }

    @Test
    void generateFromParseJsonRoundTrips() throws IOException {
        Path src = corpus("parsedmarc/extract_report/nice-input.xml", "nice.xml");
        CliRun json = run("report", "parse", "--json", src.toString());
        Path in = dir.resolve("records.json");
        Files.writeString(in, json.out());
        CliRun gen = run("report", "generate", in.toString());
        assertEquals(0, gen.exit(), gen.err());
        assertTrue(gen.out().startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feedback xmlns=\"urn:ietf:params"
                + ":xml:ns:dmarc-2.0\">"), gen.out());
        Path xml = dir.resolve("gen.xml");
        Files.writeString(xml, gen.out());
        CliRun again = run("report", "parse", "--json", xml.toString());
        assertEquals(stripSource(json.out()).replaceAll(",\"warnings\":\\[[^\\]]*\\]", "")
                        .replace("\"pct\":100", "\"pct\":null"),
                stripSource(again.out()).replaceAll(",\"warnings\":\\[[^\\]]*\\]", ""));
    }

    private static String stripSource(String json) {
        return json.replaceAll("\\{\"source\":\"[^\"]*\",", "{");
    }

    @Test
    void generateFromCsvWritesGzipFilesWithRfcNames() throws IOException {
        Path src = corpus("parsedmarc/extract_report/nice-input.xml", "nice.xml");
        Path csv = dir.resolve("records.csv");
        Files.writeString(csv, run("report", "parse", "--csv", src.toString()).out());
        Path out = dir.resolve("out");
        CliRun gen = run("report", "generate", csv.toString(), "--out-dir", out.toString(), "--gzip");
        assertEquals(0, gen.exit(), gen.err());
        List<Path> files;
        try (Stream<Path> s = Files.list(out)) {
            files = s.toList();
        }
        assertEquals(1, files.size());
        String name = files.get(0).getFileName().toString();
        assertTrue(name.matches("google\\.com!example\\.com!\\d+!\\d+!\\d+\\.xml\\.gz"), name);
        CliRun parsed = run("report", "parse", "--csv", files.get(0).toString());
        assertEquals(0, parsed.exit(), parsed.err());
        List<String> a = run("report", "parse", "--csv", src.toString()).out().lines()
                .map(l -> l.substring(l.indexOf(',')).replaceAll(",100,", ",,")).toList();
        List<String> b = parsed.out().lines().map(l -> l.substring(l.indexOf(','))).toList();
        assertEquals(a, b);
    }

    @Test
    void generateRefusesBadInputWithWhereItIs() throws IOException {
        Path in = dir.resolve("bad.json");
        Files.writeString(in, "{\"report_metadata\":{},\"policy_published\":{},\"record\":[{\"row\":{\"source_ip\":"
                + "\"192.0.2.1\",\"count\":1,\"policy_evaluated\":{\"disposition\":\"maybe\"}}}]}",
                StandardCharsets.UTF_8);
        CliRun r = run("report", "generate", in.toString());
        assertEquals(1, r.exit());
        assertEquals("aligned: " + in + ", object 1, record 1: unknown value 'maybe' for disposition",
                r.err().strip());
    }
}
