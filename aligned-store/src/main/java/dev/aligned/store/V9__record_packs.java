package dev.aligned.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Schema 9 (issue 7, import throughput): {@code records} and {@code auth_results} become {@code record_packs},
 * one row per report and source IP holding that IP's records of the report in one binary value
 * ({@link RecordPack}): ~0.4 rows and two B-tree inserts per imported record instead of ~4.6. A Java migration
 * because the packed value is binary; registered by {@link #flyway} next to the SQL migrations of
 * {@code db/migration}. Streams the old rows (ordered by report, seq; fetch size set), one report in memory at
 * a time, and writes the packs in batches; then drops the old tables and builds the per-IP index.
 */
final class V9__record_packs extends BaseJavaMigration {
    private static final int BATCH = 500;
    private final Dialect dialect;

    V9__record_packs(Dialect dialect) {
        this.dialect = dialect;
    }

    /**
     * Flyway over {@code ds} with the SQL migrations, their placeholders, this migration and
     * {@link V10__source_reporters_from_packs}.
     */
    static org.flywaydb.core.Flyway flyway(ClassLoader loader, javax.sql.DataSource ds, Dialect dialect) {
        return org.flywaydb.core.Flyway.configure(loader)
                .dataSource(ds)
                .locations("classpath:db/migration")
                .placeholders(dialect.placeholders())
                .javaMigrations(new V9__record_packs(dialect), new V10__source_reporters_from_packs(dialect),
                        new V11__source_shapes(dialect))
                .load();
    }

    /** The table, as schema 9 creates it (the upgrade and a new store alike). */
    static String createTable(Dialect dialect) {
        return "CREATE TABLE record_packs (report_id BIGINT NOT NULL, source_ip TEXT NOT NULL, domain TEXT NOT NULL, "
                + "day INTEGER NOT NULL, records INTEGER NOT NULL, messages BIGINT NOT NULL, packed "
                + dialect.placeholders().get("bytes") + " NOT NULL, PRIMARY KEY (report_id, source_ip))"
                + (dialect == Dialect.SQLITE ? " WITHOUT ROWID" : "");
    }

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        try (Statement st = c.createStatement()) {
            st.execute(createTable(dialect));
        }
        convert(c);
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE auth_results");
            st.execute("DROP TABLE records");
            // built after the copy (one sort instead of an insert per row); serves the source pages' newest-first
            // read of one IP, as records_source_newest did
            st.execute("CREATE INDEX record_packs_source ON record_packs (domain, source_ip, day DESC, report_id DESC)");
        }
    }

    private record Row(long reportId, int seq, String domain, int day, String sourceIp, long messages,
            String disposition, String dkim, String spf, String reasons, String headerFrom, String envelopeFrom,
            String envelopeTo, List<StoredRecord.Auth> dkimResults, List<StoredRecord.Auth> spfResults) {
    }

    private static void convert(Connection c) throws SQLException {
        try (PreparedStatement recs = c.prepareStatement("SELECT report_id, seq, domain, day, source_ip, messages, "
                + "disposition, dkim, spf, reasons, header_from, envelope_from, envelope_to FROM records "
                + "ORDER BY report_id, seq");
             PreparedStatement auths = c.prepareStatement("SELECT report_id, seq, method, domain, selector, result, "
                     + "human_result FROM auth_results ORDER BY report_id, seq, method, n");
             PreparedStatement ins = c.prepareStatement("INSERT INTO record_packs (report_id, source_ip, domain, day, "
                     + "records, messages, packed) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            recs.setFetchSize(1000);
            auths.setFetchSize(1000);
            int[] pending = {0};
            try (ResultSet rs = recs.executeQuery(); ResultSet as = auths.executeQuery()) {
                boolean haveAuth = as.next();
                List<Row> report = new ArrayList<>();
                while (rs.next()) {
                    long id = rs.getLong(1);
                    int seq = rs.getInt(2);
                    if (!report.isEmpty() && report.get(0).reportId() != id) {
                        write(ins, report, pending);
                        report.clear();
                    }
                    List<StoredRecord.Auth> dkim = new ArrayList<>();
                    List<StoredRecord.Auth> spf = new ArrayList<>();
                    // auth results of records that no longer exist (none expected) are skipped
                    while (haveAuth && (as.getLong(1) < id || (as.getLong(1) == id && as.getInt(2) <= seq))) {
                        if (as.getLong(1) == id && as.getInt(2) == seq) {
                            StoredRecord.Auth a = new StoredRecord.Auth(as.getString(4),
                                    Optional.ofNullable(as.getString(5)), Optional.ofNullable(as.getString(6)),
                                    Optional.ofNullable(as.getString(7)));
                            (as.getString(3).equals("dkim") ? dkim : spf).add(a);
                        }
                        haveAuth = as.next();
                    }
                    report.add(new Row(id, seq, rs.getString(3), rs.getInt(4), rs.getString(5), rs.getLong(6),
                            rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11),
                            rs.getString(12), rs.getString(13), dkim, spf));
                }
                if (!report.isEmpty()) {
                    write(ins, report, pending);
                }
            }
            if (pending[0] > 0) {
                ins.executeBatch();
            }
        }
    }

    /** The packs of one report's rows (in seq order), added to the insert batch. */
    private static void write(PreparedStatement ins, List<Row> report, int[] pending) throws SQLException {
        Map<String, List<Row>> byIp = new HashMap<>();
        for (Row r : report) {
            byIp.computeIfAbsent(r.sourceIp(), k -> new ArrayList<>()).add(r);
        }
        for (Map.Entry<String, List<Row>> e : byIp.entrySet()) {
            List<StoredRecord> recs = new ArrayList<>(e.getValue().size());
            long messages = 0;
            for (Row r : e.getValue()) {
                recs.add(new StoredRecord(r.seq(), r.messages(), Optional.ofNullable(r.disposition()),
                        Optional.ofNullable(r.dkim()), Optional.ofNullable(r.spf()), Optional.ofNullable(r.reasons()),
                        r.headerFrom(), Optional.ofNullable(r.envelopeFrom()), Optional.ofNullable(r.envelopeTo()),
                        r.dkimResults(), r.spfResults()));
                messages += r.messages();
            }
            Row first = e.getValue().get(0);
            ins.setLong(1, first.reportId());
            ins.setString(2, e.getKey());
            ins.setString(3, first.domain());
            ins.setInt(4, first.day());
            ins.setInt(5, recs.size());
            ins.setLong(6, messages);
            ins.setBytes(7, RecordPack.encode(recs));
            ins.addBatch();
            if (++pending[0] == BATCH) {
                ins.executeBatch();
                pending[0] = 0;
            }
        }
    }
}
