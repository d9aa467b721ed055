package dev.aligned.cli;

import static dev.aligned.store.testing.TestReports.utf8;
import static dev.aligned.store.testing.TestReports.xml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aligned.store.StoredRecord;
import dev.aligned.store.testing.PostgresServer;
import dev.aligned.store.testing.TestReports.Rec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once under a crash: a real child JVM runs {@code aligned import} over many generated reports, is killed
 * with SIGKILL in the middle, is run again, and the store then holds every report exactly once, with its records
 * and rollups counted once.
 */
class KillDuringImportTest {
    static final int REPORTS = 1500;
    static final long DAY = 1718236800L;

    @TempDir
    Path tmp;

    @Test
    void anSqliteImportKilledMidwayAndRerunStoresEachReportExactlyOnce() throws Exception {
        String url = "jdbc:sqlite:" + tmp.resolve("aligned.db");
        killAndResume(url, url);
    }

    @Test
    void aPostgresImportKilledMidwayAndRerunStoresEachReportExactlyOnce() throws Exception {
        String url = PostgresServer.shared().createDatabase();
        killAndResume(url, url);
    }

    private void killAndResume(String dbArg, String jdbcUrl) throws Exception {
        Path in = tmp.resolve("in");
        long expectedMessages = generate(in);

        Process first = child(in, dbArg, tmp.resolve("first.out"));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        long stored = 0;
        while (stored < REPORTS / 5) {
            if (!first.isAlive()) {
                fail("the import finished (exit " + first.exitValue() + ") before it could be killed; stored "
                        + stored + ": " + Files.readString(tmp.resolve("first.out")));
            }
            if (System.nanoTime() > deadline) {
                first.destroyForcibly();
                fail("the import stored only " + stored + " reports in 5 minutes");
            }
            Thread.sleep(20);
            stored = count(jdbcUrl, "SELECT COUNT(*) FROM reports");
        }
        first.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no rollback by the JVM
        first.waitFor();
        assertTrue(first.exitValue() == 137 || first.exitValue() == 9, "killed, exit " + first.exitValue());

        long afterKill = count(jdbcUrl, "SELECT COUNT(*) FROM reports");
        assertTrue(afterKill < REPORTS, "killed before the end: " + afterKill + " of " + REPORTS);
        assertEquals(2 * afterKill, count(jdbcUrl, "SELECT COALESCE(SUM(records), 0) FROM record_packs"),
                "every stored report has all its records: no half-written transaction survived");
        assertNoOrphans(jdbcUrl);

        Process second = child(in, dbArg, tmp.resolve("second.out"));
        assertTrue(second.waitFor(10, TimeUnit.MINUTES), "the re-run finished");
        String out = Files.readString(tmp.resolve("second.out"));
        assertEquals(0, second.exitValue(), out);
        JsonNode summary = new ObjectMapper().readTree(out.substring(out.indexOf('{')));
        assertEquals(REPORTS, summary.get("new").asLong() + summary.get("duplicate").asLong(), out);
        assertEquals(0, summary.get("failed").asLong(), out);

        assertEquals(REPORTS, count(jdbcUrl, "SELECT COUNT(*) FROM reports"));
        assertEquals(REPORTS, count(jdbcUrl, "SELECT COUNT(DISTINCT report_id) FROM reports"));
        assertEquals(0, count(jdbcUrl, "SELECT COUNT(*) FROM reports WHERE conflict_of IS NOT NULL"));
        assertEquals(2L * REPORTS, count(jdbcUrl, "SELECT COALESCE(SUM(records), 0) FROM record_packs"));
        assertEquals(REPORTS, count(jdbcUrl, "SELECT COUNT(*) FROM blobs"));
        assertEquals(0, count(jdbcUrl, "SELECT COUNT(*) FROM blobs WHERE state <> 'parsed'"));
        assertEquals(expectedMessages, count(jdbcUrl, "SELECT SUM(messages) FROM source_days"),
                "rollups count every message once");
        assertNoOrphans(jdbcUrl);
    }

    /**
     * No record pack without its report, every report with all its records, and every record whole (its auth
     * results in its pack): record_packs has no foreign key, so this is what the one-transaction-per-report write
     * has to guarantee.
     */
    private static void assertNoOrphans(String jdbcUrl) throws SQLException {
        assertEquals(0, count(jdbcUrl, "SELECT COUNT(*) FROM record_packs p WHERE NOT EXISTS "
                + "(SELECT 1 FROM reports r WHERE r.id = p.report_id)"), "record packs without their report");
        assertEquals(0, count(jdbcUrl, "SELECT COUNT(*) FROM reports r WHERE r.record_count <> "
                + "(SELECT COALESCE(SUM(p.records), 0) FROM record_packs p WHERE p.report_id = r.id)"),
                "reports without all their records");
        long records = 0;
        try (Connection c = DriverManager.getConnection(jdbcUrl);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT report_id, source_ip, records, packed FROM record_packs")) {
            while (rs.next()) {
                List<StoredRecord> unpacked = StoredRecord.unpack(rs.getLong(1),
                        rs.getString(2), rs.getBytes(4));
                assertEquals(rs.getInt(3), unpacked.size(), "a pack holds the records it counts");
                for (StoredRecord r : unpacked) {
                    assertEquals(1, r.dkimResults().size(), "the record's DKIM result");
                    assertEquals(1, r.spfResults().size(), "the record's SPF result");
                    records++;
                }
            }
        }
        assertTrue(records > 0, "packs were read");
    }

    /** Writes {@link #REPORTS} distinct report files and returns the total message count in them. */
    private static long generate(Path dir) throws IOException {
        Files.createDirectories(dir);
        long messages = 0;
        for (int i = 0; i < REPORTS; i++) {
            long begin = DAY + (i % 30) * 86400L;
            List<Rec> recs = List.of(new Rec("192.0.2." + (i % 250), i + 1, "none", "pass", "fail"),
                    new Rec("198.51.100." + (i % 7), 3, "quarantine", "fail", "fail"));
            messages += i + 1 + 3;
            Files.write(dir.resolve(String.format("r%05d.xml", i)),
                    utf8(xml("reporter.example", "kill-" + i, "example.com", begin, begin + 86399, recs)));
        }
        return messages;
    }

    private static Process child(Path in, String db, Path output) throws IOException {
        return child(List.of(in.toString()), db, output);
    }

    /** Starts {@code aligned import PATHS --db DB --json} in a new JVM with this test's class path. */
    static Process child(List<String> paths, String db, Path output) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.aligned.cli.Main", "import"));
        cmd.addAll(paths);
        cmd.addAll(List.of("--db", db, "--json"));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    static long count(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            if (url.startsWith("jdbc:sqlite:")) {
                s.execute("PRAGMA busy_timeout = 10000");
            }
            try (ResultSet rs = s.executeQuery(sql)) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            if (e.getMessage().contains("no such table") || "42P01".equals(e.getSQLState())) {
                return 0; // the child has not created the schema yet
            }
            throw e;
        }
    }
}
