package dev.aligned.cli;

import static dev.aligned.store.testing.TestReports.email;
import static dev.aligned.store.testing.TestReports.utf8;
import static dev.aligned.store.testing.TestReports.xml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aligned.server.ingest.testing.MailServer;
import dev.aligned.store.ReportStore;
import dev.aligned.store.testing.PostgresServer;
import dev.aligned.store.testing.TestReports.Rec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class IngestCommandTest {
    static final String USER = "dmarc@example.com";
    static final String PASSWORD = "imap-pass-4f9e2c";
    static final long DAY = 1718236800L;

    @TempDir
    Path tmp;
    MailServer mail;
    Path spool;
    String dbFile;

    record Run(int exit, String out, String err) {
    }

    /** Runs {@code aligned ingest ...} with {@code env} as the environment. */
    static Run run(Map<String, String> env, String... args) {
        CommandLine cl = Main.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        ((IngestCommand) cl.getSubcommands().get("ingest").getCommand()).env = env;
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static byte[] report(String id) {
        return email(id + ".xml", "text/xml", utf8(xml("reporter.example", id, "example.com", DAY, DAY + 86399,
                List.of(new Rec("192.0.2.1", 4, "none", "pass", "pass")))));
    }

    @BeforeEach
    void start() throws Exception {
        mail = MailServer.start(USER, PASSWORD);
        spool = tmp.resolve("spool");
        Files.createDirectories(spool);
        Files.write(spool.resolve("file-report.xml"), utf8(xml("other.example", "f-1", "example.com", DAY,
                DAY + 86399, List.of(new Rec("192.0.2.9", 1, "none", "fail", "fail")))));
        dbFile = tmp.resolve("aligned.db").toString();
    }

    @AfterEach
    void stop() {
        mail.close();
    }

    Path config(String extra) throws Exception {
        Path f = tmp.resolve("aligned.yaml");
        Files.writeString(f, "database:\n  url: " + dbFile + "\n"
                + "imap:\n  - name: rua\n    host: 127.0.0.1\n    port: " + mail.imapPort() + "\n"
                + "    security: none\n    user: " + USER + "\n    password: ${TEST_IMAP_PASSWORD}\n"
                + "    timeout: 10s\n" + extra
                + "directories:\n  - path: spool\n", StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void onceReadsTheMailboxAndTheDirectoryAndPrintsASummary() throws Exception {
        mail.deliver(report("m-1"));
        mail.deliver(report("m-2"));
        Run r = run(Map.of("TEST_IMAP_PASSWORD", PASSWORD), "ingest", "--config", config("").toString(), "--once");
        assertEquals(0, r.exit(), r.err() + r.out());
        assertEquals("Ingested into " + dbFile + "\n"
                + "  rua" + " ".repeat(spool.toString().length() - 3) + "  2 inputs  2 new  0 duplicate  0 failed  (2 records)\n"
                + "  " + spool + "  1 input  1 new  0 duplicate  0 failed  (1 records)\n"
                + "Next: aligned export --format csv --db " + dbFile + "\n", r.out());
        assertEquals(0, mail.count("INBOX"));
        assertEquals(2, mail.count("Aligned.Processed"));
        assertFalse((r.out() + r.err()).contains(PASSWORD));

        Run again = run(Map.of("TEST_IMAP_PASSWORD", PASSWORD), "ingest", "--config", config("").toString(),
                "--once", "--json");
        assertEquals(0, again.exit(), again.err());
        JsonNode j = new ObjectMapper().readTree(again.out());
        assertEquals(0, j.get("new").asInt(), "the file is recognised as stored, the mailbox is empty");
        assertEquals(1, j.get("duplicate").asInt());
        assertEquals("polled", j.get("sources").get(0).get("status").asText());
        try (ReportStore s = ReportStore.builder().url("jdbc:sqlite:" + dbFile).build()) {
            assertEquals(3, s.stats().reports());
        }
    }

    @Test
    void jsonListsEachSourceWithItsFailures() throws Exception {
        mail.deliver(("From: x@example.net\r\nTo: " + USER + "\r\nSubject: hi\r\n\r\nnot a report\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        Run r = run(Map.of("TEST_IMAP_PASSWORD", PASSWORD), "ingest", "--config", config("").toString(), "--once",
                "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(1, j.get("failed").asInt());
        JsonNode rua = j.get("sources").get(0);
        assertEquals("rua", rua.get("source").asText());
        assertEquals(1, rua.get("failures").size());
        assertTrue(rua.get("failures").get(0).get("source").asText().startsWith("imap://" + USER + "@127.0.0.1:"));
        assertEquals(1, mail.count("Aligned.Error"));
    }

    @Test
    void configurationErrorsExitWithTwoAndNameEveryKey() throws Exception {
        Path f = tmp.resolve("bad.yaml");
        Files.writeString(f, "imap:\n  - host: 127.0.0.1\n    user: u\n    password: ${MISSING_PW}\n    port: 0\n"
                + "    security: none\n");
        Run r = run(Map.of(), "ingest", "--config", f.toString(), "--once");
        assertEquals(2, r.exit());
        assertEquals("aligned ingest: " + f + ": 2 problems\n"
                + "  imap[0].password: environment variable MISSING_PW is not set; export it before starting Aligned "
                + "(referenced as ${MISSING_PW})\n"
                + "  imap[0].port: must be between 1 and 65535, got 0\n", r.err());
    }

    @Test
    void aMissingConfigurationFileIsAUsageError() {
        Run r = run(Map.of(), "ingest", "--config", tmp.resolve("nope.yaml").toString(), "--once");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("nope.yaml: no such file"), r.err());
    }

    @Test
    void aWrongPasswordExitsWithOneAndNeverPrintsAPassword() throws Exception {
        mail.deliver(report("m-3"));
        String wrong = "not-the-" + PASSWORD;
        Run r = run(Map.of("TEST_IMAP_PASSWORD", wrong), "ingest", "--config", config("").toString(), "--once");
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.out().contains("rua") && r.out().contains("unavailable: imap://" + USER), r.out());
        assertTrue(r.out().contains("login as " + USER + " failed"), r.out());
        assertFalse((r.out() + r.err()).contains(wrong));
        assertEquals(1, mail.count("INBOX"));
    }

    @Test
    void withoutOnceItKeepsIngestingUntilStopped() throws Exception {
        CommandLine cl = Main.newCommandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(new StringWriter(), true));
        IngestCommand cmd = (IngestCommand) cl.getSubcommands().get("ingest").getCommand();
        cmd.env = Map.of("TEST_IMAP_PASSWORD", PASSWORD);
        Path cfg = config("    poll_interval: 5m\n");
        AtomicInteger exit = new AtomicInteger(-1);
        Thread t = Thread.ofPlatform().start(() -> exit.set(cl.execute("ingest", "--config", cfg.toString())));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!out.toString().contains("1 new") && System.nanoTime() < deadline) {
            Thread.sleep(50); // the directory's report
        }
        Thread.sleep(500); // the mailbox is now in IDLE
        mail.deliver(report("live-1"));
        while (mail.count("Aligned.Processed") < 1 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(1, mail.count("Aligned.Processed"), out.toString());
        cmd.stop();
        t.join(15_000);
        assertFalse(t.isAlive(), "stopped");
        assertEquals(0, exit.get());
        assertTrue(out.toString().startsWith("Ingesting from 2 sources into " + dbFile + "; Ctrl-C to stop.\n"),
                out.toString());
        assertTrue(out.toString().contains("  rua  1 new  0 duplicate  0 failed  (1 records)"), out.toString());
    }

    @Test
    void onPostgresqlTheMailboxIsGuardedByTheDatabaseLock() throws Exception {
        String url = PostgresServer.shared().createDatabase();
        mail.deliver(report("pg-1"));
        Run r = run(Map.of("TEST_IMAP_PASSWORD", PASSWORD), "ingest", "--config", config("").toString(), "--db", url,
                "--once", "--json");
        assertEquals(0, r.exit(), r.err() + r.out());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(2, j.get("new").asInt());
        // a second node holding the mailbox's advisory lock makes this one skip the mailbox
        mail.deliver(report("pg-2"));
        dev.aligned.server.ingest.MailboxLock other = dev.aligned.server.ingest.MailboxLock.postgres(url, null);
        String key = "imap://" + USER + "@127.0.0.1:" + mail.imapPort() + "/INBOX";
        try (var lease = other.tryLock(key).orElseThrow()) {
            Run skipped = run(Map.of("TEST_IMAP_PASSWORD", PASSWORD), "ingest", "--config", config("").toString(),
                    "--db", url, "--once");
            assertEquals(0, skipped.exit(), skipped.err());
            assertTrue(skipped.out().contains("rua" + " ".repeat(spool.toString().length() - 3)
                    + "  skipped: another poller holds the lock on " + key), skipped.out());
            assertEquals(1, mail.count("INBOX"));
        }
    }

    @Test
    void withoutOnceTheSmtpAndHttpReceiversTakeReports() throws Exception {
        Path f = tmp.resolve("receivers.yaml");
        Files.writeString(f, "database:\n  url: " + dbFile + "\nsmtp:\n  listen: 127.0.0.1:0\n"
                + "http:\n  listen: 127.0.0.1:0\n  token: ${TEST_TOKEN}\n");
        CommandLine cl = Main.newCommandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(new StringWriter(), true));
        IngestCommand cmd = (IngestCommand) cl.getSubcommands().get("ingest").getCommand();
        cmd.env = Map.of("TEST_TOKEN", "tok-123");
        AtomicInteger exit = new AtomicInteger(-1);
        Thread t = Thread.ofPlatform().start(() -> exit.set(cl.execute("ingest", "--config", f.toString())));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!out.toString().contains("Ctrl-C") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        java.util.regex.Matcher sm = java.util.regex.Pattern.compile("SMTP receiver on 127.0.0.1:(\\d+)")
                .matcher(out.toString());
        java.util.regex.Matcher hm = java.util.regex.Pattern.compile("HTTP upload on (http://127.0.0.1:\\d+/api/reports)")
                .matcher(out.toString());
        assertTrue(sm.find() && hm.find(), out.toString());
        java.util.Properties p = new java.util.Properties();
        p.setProperty("mail.smtp.host", "127.0.0.1");
        p.setProperty("mail.smtp.port", sm.group(1));
        jakarta.mail.Transport.send(new jakarta.mail.internet.MimeMessage(jakarta.mail.Session.getInstance(p),
                new java.io.ByteArrayInputStream(report("via-smtp"))));
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(hm.group(1)))
                        .header("Authorization", "Bearer tok-123")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(report("via-http"))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        cmd.stop();
        t.join(15_000);
        assertFalse(t.isAlive());
        assertEquals(0, exit.get());
        assertTrue(out.toString().contains("from 0 sources and 2 receivers"), out.toString());
        try (ReportStore s = ReportStore.builder().url("jdbc:sqlite:" + dbFile).build()) {
            assertEquals(2, s.stats().reports());
        }
    }

    @Test
    void theTopLevelHelpListsIngest() {
        Run r = run(Map.of(), "--help");
        assertTrue(r.out().contains("ingest"), r.out());
    }
}
