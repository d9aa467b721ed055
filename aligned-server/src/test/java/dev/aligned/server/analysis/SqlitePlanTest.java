package dev.aligned.server.analysis;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.store.ReportStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source page's reads of one IP use the IP's index on SQLite. Schema 8 made {@code source_days} a {@code WITHOUT
 * ROWID} table (since schema 11 {@code source_day_counts}, joined with the {@code source_shapes} dictionary), after
 * which SQLite's planner (no statistics) took a day range of the primary key instead, reading every source of the
 * domain: 30 times slower on a 10-million-record year (docs/benchmarks.md, dashboard latency).
 * The newest records of the IP (schema 9: its record packs) are a range of {@code record_packs_source} read in
 * index order, stopped after the page's cap: no sort of the IP's packs.
 */
class SqlitePlanTest {
    @TempDir
    Path tmp;

    @Test
    void oneSourceIsReadThroughTheSourceIndex() throws Exception {
        String url = "jdbc:sqlite:" + tmp.resolve("plan.db");
        ReportStore.builder().url(url).build().close();
        try (Queries q = Queries.open(url, null, null, Clock.systemUTC(), false);
                Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("EXPLAIN QUERY PLAN SELECT SUM(messages), SUM(CASE WHEN dkim = "
                        + "'pass' THEN messages END) FROM " + q.sourceDaysOfIp() + " WHERE domain = 'example.com' AND source_ip = '192.0.2.1' AND day >= 0 AND day <= 99999")) {
            StringBuilder plan = new StringBuilder();
            while (rs.next()) {
                plan.append(rs.getString("detail")).append('\n');
            }
            String p = plan.toString();
            assertTrue(p.contains("SEARCH source_day_counts USING INDEX source_day_counts_ip (domain=? AND source_ip=?"),
                    p);
            // the facts of each row by the dictionary's key, not a scan of the dictionary
            assertTrue(p.contains("SEARCH source_shapes USING PRIMARY KEY (shape=?)"), p);

        }
    }

    @Test
    void theNewestRecordsOfOneSourceAreAnIndexRangeInPageOrder() throws Exception {
        String url = "jdbc:sqlite:" + tmp.resolve("plan.db");
        ReportStore.builder().url(url).build().close();
        try (Queries q = Queries.open(url, null, null, Clock.systemUTC(), false);
                Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("EXPLAIN QUERY PLAN " + q.newestPacksSql()
                        .replaceFirst("\\?", "'example.com'").replaceFirst("\\?", "0").replaceFirst("\\?", "99999")
                        .replaceFirst("\\?", "'192.0.2.1'").replaceFirst("\\?", "500"))) {
            StringBuilder plan = new StringBuilder();
            while (rs.next()) {
                plan.append(rs.getString("detail")).append('\n');
            }
            String p = plan.toString();
            assertTrue(p.contains("SCAN pk USING INDEX record_packs_source (domain=? AND source_ip=?")
                    || p.contains("SEARCH pk USING INDEX record_packs_source (domain=? AND source_ip=?"), p);
            assertFalse(p.contains("TEMP B-TREE"), "no sort: " + p);
        }
    }
}
