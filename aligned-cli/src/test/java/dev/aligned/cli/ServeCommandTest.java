package dev.aligned.cli;

import static dev.aligned.store.testing.TestReports.email;
import static dev.aligned.store.testing.TestReports.utf8;
import static dev.aligned.store.testing.TestReports.xml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.server.AlignedServer;
import dev.aligned.store.Archived;
import dev.aligned.store.BlobState;
import dev.aligned.store.ReportStore;
import dev.aligned.store.testing.TestReports.Rec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServeCommandTest {
    static final long DAY = 1718236800L;

    @TempDir
    Path tmp;

    static byte[] report(String id) {
        return utf8(xml("reporter.example", id, "example.com", DAY, DAY + 86399,
                List.of(new Rec("192.0.2.1", 4, "none", "pass", "pass"))));
    }

    /** A {@code serve} running on its own thread. */
    record Serving(ServeCommand cmd, Thread thread, StringWriter out, StringWriter err, AtomicInteger exit) {
        static Serving start(Map<String, String> env, String... args) throws InterruptedException {
            CommandLine cl = Main.newCommandLine();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            ServeCommand cmd = (ServeCommand) cl.getSubcommands().get("serve").getCommand();
            cmd.env = env;
            AtomicInteger exit = new AtomicInteger(-1);
            Thread t = Thread.ofPlatform().start(() -> exit.set(cl.execute(args)));
            Serving s = new Serving(cmd, t, out, err, exit);
            s.await(() -> out.toString().contains("to stop") || !t.isAlive(), "started");
            return s;
        }

        void await(BooleanSupplier condition, String what) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("not " + what + " within 30 s; out: " + out + " err: " + err);
                }
                Thread.sleep(20);
            }
        }

        int stop() throws InterruptedException {
            cmd.stop();
            thread.join(30_000);
            assertFalse(thread.isAlive(), "serve stopped");
            return exit.get();
        }
    }

    static long reports(String url) {
        try (ReportStore s = ReportStore.builder().url(url).build()) {
            return s.stats().reports();
        }
    }

    @Test
    void serveRunsTheWatchedDirectoryAndTheSmtpReceiverAndPrintsOneLinePerComponent() throws Exception {
        Path spool = Files.createDirectories(tmp.resolve("spool"));
        Files.write(spool.resolve("a.xml"), report("dir-1"));
        String db = tmp.resolve("aligned.db").toString();
        Path cfg = tmp.resolve("aligned.yaml");
        Files.writeString(cfg, "directories:\n  - path: " + spool + "\n    poll_interval: 1s\n"
                + "smtp:\n  listen: 127.0.0.1:0\n");
        Serving s = Serving.start(Map.of(), "serve", "--no-web", "--config", cfg.toString(), "--db", db);
        String out = s.out().toString();
        assertTrue(out.startsWith("Aligned serving " + db + "\n"), out);
        assertTrue(out.contains("\n  directory " + spool + "\n"), out);
        Matcher m = Pattern.compile("\n  SMTP receiver on 127.0.0.1:(\\d+)\n").matcher(out);
        assertTrue(m.find(), out);
        java.util.Properties p = new java.util.Properties();
        p.setProperty("mail.smtp.host", "127.0.0.1");
        p.setProperty("mail.smtp.port", m.group(1));
        jakarta.mail.Transport.send(new jakarta.mail.internet.MimeMessage(jakarta.mail.Session.getInstance(p),
                new java.io.ByteArrayInputStream(email("r.xml", "text/xml", report("smtp-1")))));
        s.await(() -> reports("jdbc:sqlite:" + db) == 2, "two reports stored");
        Files.write(spool.resolve("b.xml"), report("dir-2"));
        s.await(() -> reports("jdbc:sqlite:" + db) == 3, "the file added while serving stored");
        assertEquals(0, s.stop(), s.err().toString());
        assertTrue(s.out().toString().contains("  " + spool + "  1 new  0 duplicate  0 failed  (1 records)"),
                s.out().toString());
        assertTrue(s.out().toString().endsWith("Stopping.\n"), s.out().toString());
    }

    @Test
    void serveParsesWhatAnEarlierProcessArchivedButDidNotStore() throws Exception {
        String url = "jdbc:sqlite:" + tmp.resolve("aligned.db");
        try (ReportStore store = ReportStore.builder().url(url).clock(leftBehind()).build()) {
            Archived a = store.archive("crashed.xml", report("pending-1"));
            assertEquals(BlobState.RECEIVED, a.state()); // as after a crash between archive and store
        }
        Serving s = Serving.start(Map.of(), "serve", "--no-web", "--db", url);
        assertTrue(s.out().toString().contains("  pending  1 new  0 duplicate  0 failed  (1 records)"),
                s.out().toString());
        assertTrue(s.out().toString().contains("Nothing to run: give --config FILE"), s.out().toString());
        assertEquals(0, s.stop());
        assertEquals(1, reports(url));
    }

    @Test
    void ingestOnceAlsoParsesWhatWasArchivedButNotStored() throws Exception {
        String url = "jdbc:sqlite:" + tmp.resolve("aligned.db");
        try (ReportStore store = ReportStore.builder().url(url).clock(leftBehind()).build()) {
            store.archive("crashed.xml", report("pending-2"));
        }
        Path spool = Files.createDirectories(tmp.resolve("empty"));
        Path cfg = tmp.resolve("aligned.yaml");
        Files.writeString(cfg, "directories:\n  - " + spool + "\n");
        CliRun r = CliRun.run("ingest", "--config", cfg.toString(), "--db", url, "--once");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("  pending" + " ".repeat(spool.toString().length() - 7)
                + "  1 input  1 new  0 duplicate  0 failed  (1 records)"), r.out());
        assertEquals(1, reports(url));
    }

    @Test
    void aBadConfigurationFileIsAUsageErrorNamingTheKey() throws Exception {
        Path cfg = tmp.resolve("aligned.yaml");
        Files.writeString(cfg, "smtp:\n  listen: 127.0.0.1:99999\n");
        CliRun r = CliRun.run("serve", "--config", cfg.toString(), "--db", tmp.resolve("a.db").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("aligned serve: " + cfg + ": 1 problem\n  smtp.listen"), r.err());
    }

    @Test
    void aPortInUseIsARuntimeFailureThatSaysWhatToCheck() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            Path cfg = tmp.resolve("aligned.yaml");
            Files.writeString(cfg, "http:\n  listen: 127.0.0.1:" + taken.getLocalPort() + "\n");
            CliRun r = CliRun.run("serve", "--no-web", "--config", cfg.toString(), "--db", tmp.resolve("a.db").toString());
            assertEquals(1, r.exit(), r.out());
            assertTrue(r.err().startsWith("aligned serve: cannot listen: "), r.err());
            assertTrue(r.err().contains("smtp.listen and http.listen (is the port in use?)"), r.err());
        }
    }

    /** A clock far enough back that what it archives counts as left behind by a stopped process. */
    private static Clock leftBehind() {
        return Clock.offset(Clock.systemUTC(), AlignedServer.RESUME_AFTER.plusMinutes(1).negated());
    }

    @Test
    void serveLeavesARecentlyArchivedInputToTheNodeThatIsParsingIt() throws Exception {
        String url = "jdbc:sqlite:" + tmp.resolve("aligned.db");
        try (ReportStore store = ReportStore.builder().url(url).build()) {
            store.archive("in-flight.xml", report("in-flight-1"));
        }
        Serving s = Serving.start(Map.of(), "serve", "--no-web", "--db", url);
        assertFalse(s.out().toString().contains("  pending  "), s.out().toString());
        assertEquals(0, s.stop());
        assertEquals(0, reports(url));
    }
}
