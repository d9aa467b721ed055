package dev.aligned.cli;

import static dev.aligned.store.testing.TestReports.email;
import static dev.aligned.store.testing.TestReports.utf8;
import static dev.aligned.store.testing.TestReports.xml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aligned.store.testing.PostgresServer;
import dev.aligned.store.testing.TestReports.Rec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real {@code aligned import} processes over the same directory and the same store at the same time: every
 * report is stored once, every rollup message counted once, and neither process fails (SQLite serialises them
 * with IMMEDIATE transactions and a busy timeout; PostgreSQL with unique keys, ordered rollup upserts and a
 * retry on deadlock).
 */
class ConcurrentImportTest {
    static final int FILES = 150;
    static final int PER_FILE = 3;
    static final long DAY = 1718236800L;

    @TempDir
    Path tmp;

    @Test
    void twoSqliteImportersAtOnceStoreEachReportOnce() throws Exception {
        String url = "jdbc:sqlite:" + tmp.resolve("aligned.db");
        race(url);
    }

    @Test
    void twoPostgresImportersAtOnceStoreEachReportOnce() throws Exception {
        race(PostgresServer.shared().createDatabase());
    }

    private void race(String url) throws Exception {
        Path in = tmp.resolve("in");
        Files.createDirectories(in);
        long expected = 0;
        for (int f = 0; f < FILES; f++) {
            StringBuilder mbox = new StringBuilder();
            for (int k = 0; k < PER_FILE; k++) {
                int n = f * PER_FILE + k;
                // the same few rollup rows for every report, in an order that differs between reports
                List<Rec> recs = n % 2 == 0
                        ? List.of(new Rec("192.0.2.1", 2, "none", "pass", "pass"), new Rec("192.0.2.2", 5, "none", "fail", "fail"))
                        : List.of(new Rec("192.0.2.2", 5, "none", "fail", "fail"), new Rec("192.0.2.1", 2, "none", "pass", "pass"));
                expected += 7;
                String msg = new String(email("r.xml", "text/xml",
                        utf8(xml("reporter.example", "race-" + n, "example.com", DAY, DAY + 86399, recs))));
                mbox.append("From a@b Mon Jan  1 00:00:00 2024\n").append(msg.replace("\r\n", "\n")).append('\n');
            }
            Files.writeString(in.resolve(String.format("m%04d.mbox", f)), mbox);
        }
        // create the schema first, so that the race is about reports, not about migrations
        assertEquals(0, KillDuringImportTest.child(List.of(in.resolve("m0000.mbox").toString()), url,
                tmp.resolve("warmup.out")).waitFor());
        Process a = KillDuringImportTest.child(List.of(in.toString()), url, tmp.resolve("a.out"));
        Process b = KillDuringImportTest.child(List.of(in.toString()), url, tmp.resolve("b.out"));
        assertTrue(a.waitFor(10, TimeUnit.MINUTES) && b.waitFor(10, TimeUnit.MINUTES), "both finished");
        String outA = Files.readString(tmp.resolve("a.out"));
        String outB = Files.readString(tmp.resolve("b.out"));
        assertEquals(0, a.exitValue(), outA);
        assertEquals(0, b.exitValue(), outB);
        JsonNode ja = new ObjectMapper().readTree(outA.substring(outA.indexOf('{')));
        JsonNode jb = new ObjectMapper().readTree(outB.substring(outB.indexOf('{')));
        int total = FILES * PER_FILE;
        assertEquals(total, ja.get("new").asInt() + ja.get("duplicate").asInt(), outA);
        assertEquals(total, jb.get("new").asInt() + jb.get("duplicate").asInt(), outB);
        assertEquals(total - PER_FILE, ja.get("new").asInt() + jb.get("new").asInt(),
                "each report is new for exactly one of the two (the warm-up stored the first file)");
        assertEquals(total, KillDuringImportTest.count(url, "SELECT COUNT(*) FROM reports"));
        assertEquals(2L * total, KillDuringImportTest.count(url, "SELECT COALESCE(SUM(records), 0) FROM record_packs"));
        assertEquals(expected, KillDuringImportTest.count(url, "SELECT SUM(messages) FROM source_days"));
        assertEquals(FILES, KillDuringImportTest.count(url, "SELECT COUNT(*) FROM blobs"));
    }
}
