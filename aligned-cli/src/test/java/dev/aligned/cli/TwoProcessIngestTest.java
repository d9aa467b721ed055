package dev.aligned.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aligned.server.ingest.testing.MailServer;
import dev.aligned.store.ReportStore;
import dev.aligned.store.testing.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real {@code aligned ingest --once} processes on one mailbox and one store at the same time: the mailbox lock
 * (a PostgreSQL advisory lock; a lock file beside a SQLite database) lets one read at a time, every report is
 * stored once, none is dropped. The IMAP password reaches the children only through the environment.
 */
class TwoProcessIngestTest {
    static final int MESSAGES = 24;
    static final String PASSWORD = "child-imap-pw-5d1";

    @TempDir
    Path tmp;

    @Test
    void twoProcessesOnPostgresql() throws Exception {
        race(PostgresServer.shared().createDatabase());
    }

    @Test
    void twoProcessesOnSqlite() throws Exception {
        race("jdbc:sqlite:" + tmp.resolve("aligned.db"));
    }

    private void race(String url) throws Exception {
        try (MailServer mail = MailServer.start(IngestCommandTest.USER, PASSWORD)) {
            for (int i = 0; i < MESSAGES; i++) {
                mail.deliver(IngestCommandTest.report("proc-" + i));
            }
            Path cfg = tmp.resolve("aligned.yaml");
            Files.writeString(cfg, "imap:\n  - name: rua\n    host: 127.0.0.1\n    port: " + mail.imapPort()
                    + "\n    security: none\n    user: " + IngestCommandTest.USER
                    + "\n    password: ${CHILD_IMAP_PASSWORD}\n    max_messages_per_poll: 2\n");
            ReportStore.builder().url(url).build().close(); // schema first: the race is about messages
            List<Process> procs = new ArrayList<>();
            for (int n = 0; n < 2; n++) {
                String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
                ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                        "dev.aligned.cli.Main", "ingest", "--config", cfg.toString(), "--db", url, "--once", "--json")
                        .redirectErrorStream(true).redirectOutput(tmp.resolve("out-" + n).toFile());
                pb.environment().put("CHILD_IMAP_PASSWORD", PASSWORD);
                procs.add(pb.start());
            }
            long fresh = 0;
            long dup = 0;
            for (int n = 0; n < 2; n++) {
                assertTrue(procs.get(n).waitFor(5, TimeUnit.MINUTES));
                String out = Files.readString(tmp.resolve("out-" + n));
                assertEquals(0, procs.get(n).exitValue(), out);
                assertFalse(out.contains(PASSWORD));
                JsonNode j = new ObjectMapper().readTree(out.substring(out.indexOf('{')));
                String status = j.get("sources").get(0).get("status").asText();
                assertTrue(status.equals("polled") || status.equals("skipped"), out);
                fresh += j.get("new").asLong();
                dup += j.get("duplicate").asLong();
            }
            assertEquals(MESSAGES, fresh, "every report stored by exactly one process");
            assertEquals(0, dup, "no message read by both");
            assertEquals(0, mail.count("INBOX"), "none left behind");
            assertEquals(MESSAGES, mail.count("Aligned.Processed"));
            try (ReportStore s = ReportStore.builder().url(url).build()) {
                assertEquals(MESSAGES, s.stats().reports());
            }
        }
    }
}
