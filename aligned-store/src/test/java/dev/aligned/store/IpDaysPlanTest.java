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
 * On SQLite, the reads of one source IP ({@link IpDays}: the source pages' counts, newest records and reporters)
 * search the key {@code (domain, day, source_ip)} once per day of the range and never scan a table: since schema 12
 * no index is in IP order. Without statistics SQLite's planner could otherwise take a day range of the key, reading
 * every source of the domain (30 times slower for the busiest IP of a 10-million-record year), or scan
 * {@code reports} and look each report's pack of the IP up by primary key. The same plans with statistics.
 */
class IpDaysPlanTest {
    private static final String DAY_SEARCH = "(domain=? AND day=? AND source_ip=?)";

    @TempDir
    Path tmp;

    @Test
    void theCountsOfOneSourceAreOneKeySearchPerDay() throws Exception {
        for (String url : List.of(emptyStore(), analyzedStore())) {
            String p = plan(url, IpDays.counts("SUM(messages), SUM(CASE WHEN dkim = 'pass' THEN messages END)", ""));
            assertTrue(p.contains("SEARCH c USING PRIMARY KEY " + DAY_SEARCH), p);
            // the facts of each row by the dictionary's key, not a scan of the dictionary
            assertTrue(p.contains("SEARCH s USING PRIMARY KEY (shape=?)"), p);
            assertNoScan(p, "c", "s", "source_day_counts");
        }
    }

    @Test
    void theNewestRecordsOfOneSourceAreChosenFromTheIndexThenReadByKey() throws Exception {
        for (String url : List.of(emptyStore(), analyzedStore())) {
            String p = plan(url, IpDays.newestPacks(true));
            assertTrue(p.contains("SEARCH p USING COVERING INDEX record_packs_day " + DAY_SEARCH), p);
            // the sort is of the IP's index entries in the range (day, report id), not of packs
            assertTrue(p.contains("SEARCH pk USING PRIMARY KEY (report_id=? AND source_ip=?)"), p);
            assertTrue(p.contains("SEARCH r USING INTEGER PRIMARY KEY (rowid=?)"), p);
            assertNoScan(p, "p", "pk", "r", "record_packs");
        }
    }

    @Test
    void theReportersOfOneSourceAreIndexSearchesOfThatSource() throws Exception {
        for (String url : List.of(emptyStore(), analyzedStore())) {
            String p = plan(url, SourceReporters.sql(true));
            assertTrue(p.contains("SEARCH p USING COVERING INDEX record_packs_day " + DAY_SEARCH), p);
            assertTrue(p.contains("SEARCH r USING INTEGER PRIMARY KEY (rowid=?)"), p);
            assertTrue(p.contains("SEARCH source_reporters USING PRIMARY KEY "
                    + "(domain=? AND source_ip=? AND day>? AND day<?)"), p);
            assertNoScan(p, "p", "r", "source_reporters", "record_packs");
        }
    }

    @Test
    void theEndsOfTheRangeAreOneSearchEach() throws Exception {
        String p = plan(emptyStore(), IpDays.counts("COUNT(*)", ""));
        assertTrue(p.contains("SEARCH source_day_counts USING COVERING INDEX sqlite_autoindex_source_day_counts_1 "
                + "(domain=? AND day>?)") || p.contains("SEARCH source_day_counts USING PRIMARY KEY (domain=? AND day>?)"), p);
        assertTrue(p.contains("(domain=? AND day<?)"), p);
    }

    @Test
    void retentionReadsTheOldReportsThenTheirPacksByReport() throws Exception {
        String p = plan(emptyStore(), SourceReporters.KEEP_PURGED);
        assertTrue(p.contains("SCAN r"), p);
        assertTrue(p.contains("SEARCH p USING PRIMARY KEY (report_id=?)"), p);
    }

    private static void assertNoScan(String plan, String... tables) {
        for (String t : tables) {
            assertFalse(plan.contains("SCAN " + t + "\n") || plan.contains("SCAN " + t + " "), "scan of " + t + ":\n" + plan);
        }
    }

    private String emptyStore() {
        String url = "jdbc:sqlite:" + tmp.resolve("plan.db");
        ReportStore.builder().url(url).build().close();
        return url;
    }

    /** A store where one IP has many reports, after {@code ANALYZE}: the planner still starts from the days. */
    private String analyzedStore() throws Exception {
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
        return url;
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
