package dev.aligned.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.store.testing.TestReports;
import dev.aligned.store.testing.TestReports.Rec;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On SQLite, the reporters of one source ({@link SourceReporters}) are index ranges of that IP: its record packs
 * through {@code record_packs_source}, which covers the read (schema 10 added the packs' messages to it), each pack's report by its id, and its {@code source_reporters} rows by the
 * primary key; never a scan of a table (without statistics SQLite's planner could otherwise scan {@code reports}
 * and look each report's pack of the IP up by primary key).
 */
class SourceReportersPlanTest {
    @TempDir
    Path tmp;

    @Test
    void theReportersOfOneSourceAreIndexRangesOfThatSource() throws Exception {
        String url = "jdbc:sqlite:" + tmp.resolve("plan.db");
        ReportStore.builder().url(url).build().close();
        String p = plan(url, SourceReporters.sql(true));
        assertTrue(p.contains("SEARCH p USING COVERING INDEX record_packs_source "
                + "(domain=? AND source_ip=? AND day>? AND day<?)"), p);
        assertTrue(p.contains("SEARCH r USING INTEGER PRIMARY KEY (rowid=?)"), p);
        assertTrue(p.contains("SEARCH source_reporters USING PRIMARY KEY (domain=? AND source_ip=? AND day>? AND day<?)"),
                p);
        assertFalse(p.contains("SCAN p") || p.contains("SCAN r") || p.contains("SCAN source_reporters"), p);
    }

    @Test
    void theirPlanIsTheSameOnAStoreWithStatistics() throws Exception {
        // ANALYZE on a store where one IP has many reports: the planner still starts from the IP's packs
        String url = "jdbc:sqlite:" + tmp.resolve("analyzed.db");
        try (ReportStore store = ReportStore.builder().url(url).build()) {
            Ingestor ingestor = Ingestor.builder(store).build();
            for (int i = 0; i < 40; i++) {
                List<Rec> recs = new ArrayList<>();
                for (int k = 0; k < 20; k++) {
                    recs.add(new Rec("198.51.100." + k, 1, "none", "pass", "pass"));
                }
                long begin = ReportStoreContract.BEGIN + (i % 5) * 86400L;
                assertEquals(1, ingestor.ingest("r" + i + ".xml", TestReports.utf8(TestReports.xml("org" + (i % 3)
                        + ".example", "r-" + i, "example.com", begin, begin + 86399, recs))).newReports());
            }
        }
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("ANALYZE");
        }
        String p = plan(url, SourceReporters.sql(true));
        assertTrue(p.contains("SEARCH p USING COVERING INDEX record_packs_source "
                + "(domain=? AND source_ip=? AND day>? AND day<?)"), p);
        assertFalse(p.contains("SCAN p") || p.contains("SCAN r") || p.contains("SCAN source_reporters"), p);
    }

    @Test
    void retentionReadsTheOldReportsThenTheirPacksByReport() throws Exception {
        String url = "jdbc:sqlite:" + tmp.resolve("retention.db");
        ReportStore.builder().url(url).build().close();
        String p = plan(url, SourceReporters.KEEP_PURGED);
        assertTrue(p.contains("SCAN r"), p);
        assertTrue(p.contains("SEARCH p USING PRIMARY KEY (report_id=?)"), p);
    }

    private static String plan(String url, String sql) throws Exception {
        StringBuilder plan = new StringBuilder();
        try (Connection c = DriverManager.getConnection(url);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("EXPLAIN QUERY PLAN " + sql.replace("?", "1"))) {
            while (rs.next()) {
                plan.append(rs.getString("detail")).append('\n');
            }
        }
        return plan.toString();
    }
}
