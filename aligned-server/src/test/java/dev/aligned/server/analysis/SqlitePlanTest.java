package dev.aligned.server.analysis;

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
 * ROWID} table, after which SQLite's planner (no statistics) took a day range of the primary key instead, reading
 * every source of the domain: 30 times slower on a 10-million-record year (docs/benchmarks.md, dashboard latency).
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
                ResultSet rs = s.executeQuery("EXPLAIN QUERY PLAN SELECT SUM(messages) FROM source_days" + q.byIp()
                        + " WHERE domain = 'example.com' AND source_ip = '192.0.2.1' AND day >= 0 AND day <= 99999")) {
            StringBuilder plan = new StringBuilder();
            while (rs.next()) {
                plan.append(rs.getString("detail")).append('\n');
            }
            assertTrue(plan.toString().contains("USING INDEX source_days_ip (domain=? AND source_ip=?"),
                    plan.toString());
        }
    }
}
