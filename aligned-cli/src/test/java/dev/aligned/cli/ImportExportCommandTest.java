package dev.aligned.cli;

import static dev.aligned.store.testing.TestReports.email;
import static dev.aligned.store.testing.TestReports.gzip;
import static dev.aligned.store.testing.TestReports.utf8;
import static dev.aligned.store.testing.TestReports.xml;
import static dev.aligned.store.testing.TestReports.zip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aligned.store.testing.TestReports.Rec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportExportCommandTest {
    static final long DAY = 1718236800L;

    @TempDir
    Path tmp;
    Path in;
    String db;


    static CliRun run(String... args) {
        return CliRun.run(args);
    }

    static String report(int n, String domain) {
        return xml("reporter.example", "id-" + n, domain, DAY + n * 86400L, DAY + n * 86400L + 86399,
                List.of(new Rec("192.0.2." + n, n * 10L, "none", "pass", "fail"),
                        new Rec("198.51.100.1", 1, "reject", "fail", "fail")));
    }

    /** Eight reports in every container the importer reads, a message still in Maildir tmp/, and two bad files. */
    @BeforeEach
    void inputs() throws IOException {
        in = tmp.resolve("in");
        db = tmp.resolve("store/aligned.db").toString();
        Files.createDirectories(in.resolve("sub"));
        Files.write(in.resolve("a.xml"), utf8(report(1, "example.com")));
        Files.write(in.resolve("sub/b.xml.gz"), gzip(utf8(report(2, "example.com"))));
        Files.write(in.resolve("c.zip"), zip("c.xml", utf8(report(3, "example.com"))));
        Files.write(in.resolve("d.eml"), email("d.xml.gz", "application/gzip", gzip(utf8(report(4, "example.org")))));
        String m5 = new String(email("e.xml", "text/xml", utf8(report(5, "example.com"))));
        String m6 = new String(email("f.zip", "application/zip", zip("f.xml", utf8(report(6, "example.com")))));
        Files.writeString(in.resolve("box.mbox"), "From a@b Mon Jan  1 00:00:00 2024\n" + m5.replace("\r\n", "\n")
                + "\nFrom a@b Mon Jan  1 00:00:01 2024\n" + m6.replace("\r\n", "\n"));
        Path maildir = in.resolve("Maildir");
        for (String d : List.of("cur", "new", "tmp")) {
            Files.createDirectories(maildir.resolve(d));
        }
        Files.write(maildir.resolve("new/1718400000.M1P1.host"), email("g.xml", "text/xml", utf8(report(7, "example.com"))));
        Files.write(maildir.resolve("cur/1718400001.M2P1.host:2,S"), email("h.xml", "text/xml", utf8(report(8, "example.com"))));
        Files.write(maildir.resolve("tmp/1718400002.M3P1.host"), email("i.xml", "text/xml", utf8(report(9, "example.com"))));
        Files.writeString(maildir.resolve("dovecot-uidlist"), "3 V1 N1\n");
        Files.writeString(in.resolve(".DS_Store"), "junk");
        Files.writeString(in.resolve("broken.xml"), "<feedback><report_metadata><org_name>x</org_name>");
        Files.write(in.resolve("empty.xml"), new byte[0]);
    }

    @Test
    void importsEveryContainerRecursivelyAndPrintsTheJsonSummary() throws IOException {
        CliRun r = run("import", in.toString(), "--db", db, "--json");
        assertEquals(1, r.exit(), "two inputs failed: " + r.err());
        assertEquals("", r.err(), "no progress output when not on a terminal");
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(8, j.get("new").asInt(), r.out());
        assertEquals(0, j.get("duplicate").asInt());
        assertEquals(2, j.get("failed").asInt());
        assertEquals(16, j.get("records").asInt());
        assertEquals(List.of("new", "duplicate", "failed", "records", "failures"), fieldNames(j));
        assertEquals(in.resolve("broken.xml").toString(), j.get("failures").get(0).get("source").asText());
        assertTrue(j.get("failures").get(0).get("error").asText().contains("line 1:"), r.out());
        assertEquals(in.resolve("empty.xml").toString(), j.get("failures").get(1).get("source").asText());
        assertTrue(j.get("failures").get(1).get("error").asText().contains("empty input"), r.out());
    }

    private static List<String> fieldNames(JsonNode j) {
        List<String> names = new java.util.ArrayList<>();
        j.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void reRunningSkipsWhatIsStoredAndTheHumanSummarySaysSo() throws IOException {
        run("import", in.toString(), "--db", db);
        Files.copy(in.resolve("a.xml"), tmp.resolve("a-again.xml"));
        CliRun r = run("import", in.resolve("a.xml").toString(), in.resolve("c.zip").toString(),
                tmp.resolve("a-again.xml").toString(), "--db", db);
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals("Imported 3 files into " + db + "\n"
                + "  new        0 reports (0 records)\n"
                + "  duplicate  3 (already stored)\n"
                + "  failed     0\n"
                + "Next: aligned export --format csv --db " + db + "\n", r.out().replace("\r\n", "\n"));
    }

    @Test
    void theHumanSummaryNamesEachFailureWithItsReason() {
        CliRun r = run("import", in.resolve("broken.xml").toString(), tmp.resolve("missing.xml").toString(),
                "--db", db);
        assertEquals(1, r.exit());
        String out = r.out();
        assertTrue(out.contains("  failed     2\n"), out);
        assertTrue(out.contains("    " + in.resolve("broken.xml") + ", line 1:"), out);
        assertTrue(out.contains("    " + tmp.resolve("missing.xml") + ": no such file or directory"), out);
        assertTrue(out.contains("kept in the store with their error"), out);
    }

    @Test
    void exportsCsvAndJsonFilteredByDomain() throws IOException {
        run("import", in.toString(), "--db", db);
        CliRun csv = run("export", "--db", db, "--format", "csv", "--domain", "example.org");
        assertEquals(0, csv.exit(), csv.err());
        String[] lines = csv.out().split("\r\n");
        assertEquals(3, lines.length, csv.out());
        assertTrue(lines[0].startsWith("domain,org_name,report_id,begin,end,source_ip,messages"), lines[0]);
        assertEquals("example.org,reporter.example,id-4,2024-06-17T00:00:00Z,2024-06-17T23:59:59Z,192.0.2.4,40,"
                + "none,pass,fail,example.org,,,example.org/s1=pass,example.org=fail,false", lines[1]);
        CliRun json = run("export", "--db", db);
        assertEquals(0, json.exit(), json.err());
        JsonNode rows = new ObjectMapper().readTree(json.out());
        assertEquals(16, rows.size());
        long messages = 0;
        for (JsonNode row : rows) {
            messages += row.get("messages").asLong();
        }
        assertEquals(10 + 20 + 30 + 40 + 50 + 60 + 70 + 80 + 8, messages);
        Path file = tmp.resolve("out.csv");
        CliRun toFile = run("export", "--db", db, "--format", "CSV", "-o", file.toString());
        assertEquals("Exported 16 records to " + file + "\n", toFile.out().replace("\r\n", "\n"));
        assertEquals(17, Files.readAllLines(file).size());
    }

    @Test
    void exportWithoutAStoreSaysWhatToDo() {
        CliRun r = run("export", "--db", tmp.resolve("none.db").toString());
        assertEquals(1, r.exit());
        assertEquals("aligned export: no report store at " + tmp.resolve("none.db")
                + ": import reports first (aligned import PATH...) or pass --db\n", r.err().replace("\r\n", "\n"));
        assertTrue(!Files.exists(tmp.resolve("none.db")), "export does not create a store");
    }

    @Test
    void anUnknownExportFormatIsAUsageError() {
        CliRun r = run("export", "--db", db, "--format", "xml");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("unknown format 'xml': use json or csv"), r.err());
    }

    @Test
    void theProgressLineIsDrawnOnATerminalAndClearedAtTheEnd() {
        StringWriter err = new StringWriter();
        ImportCommand.Progress p = new ImportCommand.Progress(new PrintWriter(err), 2, true);
        p.step(1, 0, 0, 10);
        p.step(1, 1, 0, 10);
        p.done();
        String s = err.toString();
        assertTrue(s.startsWith("\r1/2 files  1 new  0 dup  0 failed  10 records  "), s);
        assertTrue(s.contains("\r2/2 files  1 new  1 dup  0 failed  10 records  "), "the last step is always drawn: " + s);
        assertTrue(s.endsWith("\r\033[K"), s);
        StringWriter quiet = new StringWriter();
        ImportCommand.Progress off = new ImportCommand.Progress(new PrintWriter(quiet), 2, false);
        off.step(1, 0, 0, 1);
        off.done();
        assertEquals("", quiet.toString(), "nothing on a pipe");
    }

    @Test
    void aMaildirMessageStillInTmpIsNotImported() {
        assertTrue(ImportCommand.wanted(in.resolve("Maildir/new/1718400000.M1P1.host")));
        assertTrue(!ImportCommand.wanted(in.resolve("Maildir/tmp/1718400002.M3P1.host")));
        assertTrue(!ImportCommand.wanted(in.resolve("Maildir/dovecot-uidlist")));
        assertTrue(!ImportCommand.wanted(in.resolve(".DS_Store")));
    }
}
