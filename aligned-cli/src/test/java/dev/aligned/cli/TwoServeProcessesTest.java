package dev.aligned.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.server.ingest.testing.DovecotServer;
import dev.aligned.store.testing.PostgresServer;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several nodes on one PostgreSQL: real {@code aligned serve} child processes poll one Dovecot mailbox (STARTTLS,
 * IDLE) and watch one directory (files moved to a processed folder after commit). One node is killed with SIGKILL
 * in the middle and started again; more reports arrive while they run. At the end the store holds every report
 * exactly once, the mailbox and the directory are empty, nothing went to an error folder. Needs Dovecot and root
 * (see {@link DovecotServer#available()}): skipped with the reason elsewhere, a failure when CI is set.
 */
class TwoServeProcessesTest {
    static final String USER = "dmarc@example.com";
    static final String PASSWORD = "serve-imap-pw-77a";
    static final int MAIL = 150;
    static final int FILES = 150;
    static final int LATE = 10;

    @TempDir
    Path tmp;

    Process serve(Path cfg, String url, String name) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.aligned.cli.Main", "serve", "--no-web", "--config", cfg.toString(), "--db", url)
                .redirectErrorStream(true).redirectOutput(tmp.resolve(name + ".out").toFile());
        pb.environment().put("CHILD_IMAP_PASSWORD", PASSWORD);
        return pb.start();
    }

    static Properties starttls() {
        Properties p = new Properties();
        p.setProperty("mail.imap.starttls.enable", "true");
        p.setProperty("mail.imap.starttls.required", "true");
        p.setProperty("mail.imap.ssl.trust", "127.0.0.1");
        return p;
    }

    static void append(DovecotServer d, List<byte[]> messages) throws Exception {
        Store s = Session.getInstance(starttls()).getStore("imap");
        s.connect("127.0.0.1", d.port(), USER, PASSWORD);
        try {
            Folder f = s.getFolder("INBOX");
            List<Message> ms = new ArrayList<>();
            for (byte[] m : messages) {
                ms.add(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(m)));
            }
            f.appendMessages(ms.toArray(Message[]::new));
        } finally {
            s.close();
        }
    }

    static int count(DovecotServer d, String folder) throws Exception {
        Store s = Session.getInstance(starttls()).getStore("imap");
        s.connect("127.0.0.1", d.port(), USER, PASSWORD);
        try {
            Folder f = s.getFolder(folder.replace('/', s.getDefaultFolder().getSeparator()));
            return f.exists() ? f.getMessageCount() : 0;
        } finally {
            s.close();
        }
    }

    static long files(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    void await(BooleanSupplier condition, Duration max, String what, List<Process> nodes) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                StringBuilder logs = new StringBuilder();
                for (String n : List.of("a", "b", "c")) {
                    Path f = tmp.resolve(n + ".out");
                    logs.append("--- ").append(n).append('\n').append(Files.exists(f) ? Files.readString(f) : "");
                }
                nodes.forEach(Process::destroyForcibly);
                throw new AssertionError("not " + what + " within " + max + "\n" + logs);
            }
            Thread.sleep(100);
        }
    }

    static long reports(String url) {
        try {
            return KillDuringImportTest.count(url, "SELECT COUNT(*) FROM reports");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void twoServeNodesWithOneKilledMidwayStoreEveryMailboxAndDirectoryReportExactlyOnce() throws Exception {
        Optional<String> why = DovecotServer.available();
        if (why.isPresent() && System.getenv("CI") != null) {
            throw new AssertionError(why.get() + " (CI is set, so this is a failure, not a skip)");
        }
        Assumptions.assumeTrue(why.isEmpty(), why.orElse(""));
        String url = PostgresServer.shared().createDatabase();
        Path spool = Files.createDirectories(tmp.resolve("spool"));
        long expectedMessages = 0;
        try (DovecotServer dovecot = DovecotServer.start(USER, PASSWORD)) {
            List<byte[]> mail = new ArrayList<>();
            for (int i = 0; i < MAIL; i++) {
                mail.add(IngestCommandTest.report("mail-" + i));
                expectedMessages += 4;
            }
            append(dovecot, mail);
            for (int i = 0; i < FILES; i++) {
                Files.write(spool.resolve(String.format("r%03d.xml", i)), ServeCommandTest.report("file-" + i));
                expectedMessages += 4;
            }
            Path cfg = tmp.resolve("aligned.yaml");
            Files.writeString(cfg, "imap:\n  - name: rua\n    host: 127.0.0.1\n    port: " + dovecot.port()
                    + "\n    security: starttls\n    trust_hosts: [127.0.0.1]\n    user: " + USER
                    + "\n    password: ${CHILD_IMAP_PASSWORD}\n    poll_interval: 1s\n    timeout: 10s"
                    + "\n    max_messages_per_poll: 20\n"
                    + "directories:\n  - path: " + spool + "\n    poll_interval: 1s\n    processed_folder: done"
                    + "\n    error_folder: error\n");
            // the files must be older than the two seconds a moving directory waits for writers
            Thread.sleep(2100);
            List<Process> nodes = new ArrayList<>();
            nodes.add(serve(cfg, url, "a"));
            nodes.add(serve(cfg, url, "b"));
            await(() -> reports(url) >= (MAIL + FILES) / 5, Duration.ofMinutes(3), "a fifth stored", nodes);
            nodes.get(0).destroyForcibly(); // SIGKILL: no shutdown hook, claims and the mailbox lock die with it
            assertTrue(nodes.get(0).waitFor(30, TimeUnit.SECONDS));
            long atKill = reports(url);
            nodes.add(serve(cfg, url, "c"));
            await(() -> reports(url) == MAIL + FILES, Duration.ofMinutes(3), "all stored", nodes);
            List<byte[]> late = new ArrayList<>();
            for (int i = 0; i < LATE; i++) {
                late.add(IngestCommandTest.report("late-mail-" + i));
                Path tmpName = spool.resolve(".late-" + i + ".xml"); // hidden while written, then renamed
                Files.write(tmpName, ServeCommandTest.report("late-file-" + i));
                Files.move(tmpName, spool.resolve("late-" + i + ".xml"));
                expectedMessages += 8;
            }
            append(dovecot, late);
            await(() -> reports(url) == MAIL + FILES + 2 * LATE, Duration.ofMinutes(2), "late reports stored", nodes);
            await(() -> {
                try {
                    return count(dovecot, "INBOX") == 0 && files(spool) == files(spool.resolve("done"));
                } catch (Exception e) {
                    return false;
                }
            }, Duration.ofMinutes(1), "mailbox and directory emptied", nodes);
            for (Process p : nodes.subList(1, 3)) {
                p.destroy(); // SIGTERM: the shutdown hook stops the server
            }
            for (Process p : nodes.subList(1, 3)) {
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "stopped on SIGTERM");
            }
            for (String n : List.of("a", "b", "c")) {
                String out = Files.readString(tmp.resolve(n + ".out"));
                assertFalse(out.contains(PASSWORD), "no password in the output of " + n);
                assertTrue(out.contains("Aligned serving "), out);
                if (!n.equals("a")) {
                    assertTrue(out.contains("Stopping."), out);
                }
            }
            int total = MAIL + FILES + 2 * LATE;
            assertTrue(atKill < total, "killed before the end: " + atKill);
            assertEquals(total, KillDuringImportTest.count(url, "SELECT COUNT(*) FROM reports"));
            assertEquals(total, KillDuringImportTest.count(url, "SELECT COUNT(DISTINCT report_id) FROM reports"));
            assertEquals(0, KillDuringImportTest.count(url, "SELECT COUNT(*) FROM reports WHERE conflict_of IS NOT NULL"));
            assertEquals(total, KillDuringImportTest.count(url, "SELECT COALESCE(SUM(records), 0) FROM record_packs"));
            assertEquals(total, KillDuringImportTest.count(url, "SELECT COUNT(*) FROM blobs WHERE state = 'parsed'"));
            assertEquals(total, KillDuringImportTest.count(url, "SELECT COUNT(*) FROM blobs"));
            assertEquals(expectedMessages, KillDuringImportTest.count(url, "SELECT SUM(messages) FROM source_days"),
                    "rollups count every message once");
            assertEquals(0, KillDuringImportTest.count(url, "SELECT COUNT(*) FROM file_claims"), "no claim left");
            assertEquals(0, count(dovecot, "INBOX"));
            assertEquals(MAIL + LATE, count(dovecot, "Aligned/Processed"));
            assertEquals(0, count(dovecot, "Aligned/Error"));
            assertEquals(FILES + LATE, files(spool.resolve("done")));
            assertEquals(0, files(spool.resolve("error")));
        }
    }
}
