package dev.aligned.store;

import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Schema 10 (issue 7, import throughput): the reporters of a source ({@link SourceReporters}) are read from the
 * record packs, no longer upserted into {@code source_reporters} with each stored report. The table stays, for what
 * the packs no longer give: this migration subtracts from each row what the packs still count (per domain, source
 * IP, day and reporter: the packs of the reports counted in the rollups, one report each, with their messages), so
 * that packs plus table read exactly what the table alone read before; rows that come to zero are not kept. What is
 * left counts the reports whose records retention had purged (the packs of which are gone). Retention adds to it
 * from then on, before it deletes packs. The packs' index {@code record_packs_source} is rebuilt with their
 * {@code messages} as a last column, so that it covers the reporters' read.
 *
 * <p>A rebuild rather than an update of every row: the new table holds only what is left (usually few rows), and
 * PostgreSQL is not left with a dead tuple per old row. A Java migration only because the table is {@code WITHOUT
 * ROWID} on SQLite (as schema 8 made it) and not on PostgreSQL; registered by {@link V9__record_packs#flyway}.
 */
final class V10__source_reporters_from_packs extends BaseJavaMigration {
    private final Dialect dialect;

    V10__source_reporters_from_packs(Dialect dialect) {
        this.dialect = dialect;
    }

    @Override
    public void migrate(Context context) throws Exception {
        try (Statement st = context.getConnection().createStatement()) {
            st.execute("CREATE TABLE source_reporters_v10 (domain TEXT NOT NULL, day INTEGER NOT NULL, "
                    + "source_ip TEXT NOT NULL, org_name TEXT NOT NULL, reports BIGINT NOT NULL, "
                    + "messages BIGINT NOT NULL, PRIMARY KEY (domain, source_ip, day, org_name))"
                    + (dialect == Dialect.SQLITE ? " WITHOUT ROWID" : ""));
            // table minus packs, in one grouping; a key only the packs have (never written so by the store) would
            // keep a negative row, so that the reporters read the same as before in any case
            st.execute("INSERT INTO source_reporters_v10 (domain, day, source_ip, org_name, reports, messages) "
                    + "SELECT domain, day, source_ip, org_name, SUM(reports), SUM(messages) FROM ("
                    + "SELECT domain, day, source_ip, org_name, reports, messages FROM source_reporters "
                    + "UNION ALL SELECT p.domain, p.day, p.source_ip, r.org_name, -1, -p.messages "
                    + "FROM record_packs p JOIN reports r ON r.id = p.report_id WHERE r.in_rollups = 1"
                    + ") u GROUP BY domain, source_ip, day, org_name "
                    + "HAVING SUM(reports) <> 0 OR SUM(messages) <> 0");
            st.execute("DROP TABLE source_reporters");
            st.execute("ALTER TABLE source_reporters_v10 RENAME TO source_reporters");
            if (dialect == Dialect.POSTGRESQL) {
                // the primary key's constraint and index keep the name a new store gives them
                st.execute("ALTER TABLE source_reporters RENAME CONSTRAINT source_reporters_v10_pkey "
                        + "TO source_reporters_pkey");
            }
            // the packs' index also carries their messages: the reporters of an IP are then read from the index
            // and the reports, without a lookup of each pack's row (on SQLite 3x less CPU for an IP with 11,000
            // reports in a year; docs/benchmarks.md); the newest-records reads use it as before
            st.execute("DROP INDEX record_packs_source");
            st.execute("CREATE INDEX record_packs_source ON record_packs (domain, source_ip, day DESC, "
                    + "report_id DESC, messages)");
        }
    }
}
