package dev.aligned.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Schema 11 (issue 7, import throughput): {@code source_days} is split into a narrow table of counts,
 * {@code source_day_counts (domain, day, source_ip, shape, messages, records)}, and a dictionary of the long
 * detail columns, {@code source_shapes (shape, k, header_from, disposition, dkim, spf, dkim_aligned, spf_aligned,
 * dkim_auth, spf_auth, reasons)}; a view named {@code source_days} joins them back into the old columns, so that
 * readers of the old table keep working. A Java migration because the shape id is computed from the old key
 * {@code k} ({@link #shapeId}), which SQLite's SQL cannot do. Registered by {@link V9__record_packs#flyway}.
 */
final class V11__source_shapes extends BaseJavaMigration {
    private final Dialect dialect;

    V11__source_shapes(Dialect dialect) {
        this.dialect = dialect;
    }

    /**
     * The shape id of the key hash {@code k} (32 hex digits, the first 16 bytes of the SHA-256 of the facts; see
     * {@code AnalysisRollups.Facts}): its first 64 bits as a signed long. Deterministic, so every node and every
     * transaction, committed or rolled back, gives the same facts the same id without reading the dictionary.
     * Two different facts get the same id with probability about n&sup2;/2<sup>65</sup> for n shapes (n = 10<sup>6</sup>:
     * 3&middot;10<sup>-8</sup>); the import then counts the second under the first's facts (its insert of the
     * shape does nothing), and this migration refuses to merge them (it fails naming both keys). A key that is not
     * hex (never written by the store) gets the first 64 bits of its own SHA-256.
     */
    static long shapeId(String k) {
        if (k.length() >= 16) {
            long v = 0;
            boolean hex = true;
            for (int i = 0; i < 16 && hex; i++) {
                int d = Character.digit(k.charAt(i), 16);
                hex = d >= 0;
                v = v << 4 | (d & 0xF);
            }
            if (hex) {
                return v;
            }
        }
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(k.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.nio.ByteBuffer.wrap(h).getLong();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the JDK", e);
        }
    }

    /** The statements that create the two tables, their index and the view (the upgrade and a new store alike). */
    static String[] create(Dialect dialect) {
        String noRowid = dialect == Dialect.SQLITE ? " WITHOUT ROWID" : "";
        return new String[] {
            "CREATE TABLE source_shapes (shape BIGINT NOT NULL PRIMARY KEY, k VARCHAR(32) NOT NULL, "
                    + "header_from TEXT NOT NULL, disposition TEXT NOT NULL, dkim TEXT NOT NULL, spf TEXT NOT NULL, "
                    + "dkim_aligned SMALLINT NOT NULL, spf_aligned SMALLINT NOT NULL, dkim_auth TEXT NOT NULL, "
                    + "spf_auth TEXT NOT NULL, reasons TEXT NOT NULL)" + noRowid,
            "CREATE TABLE source_day_counts (domain TEXT NOT NULL, day INTEGER NOT NULL, source_ip TEXT NOT NULL, "
                    + "shape BIGINT NOT NULL, messages BIGINT NOT NULL, records BIGINT NOT NULL, "
                    + "PRIMARY KEY (domain, day, source_ip, shape))" + noRowid,
        };
    }

    /** The view with the columns of the old {@code source_days} table. */
    static final String VIEW = "CREATE VIEW source_days AS SELECT c.domain, c.day, c.source_ip, s.k, s.header_from, "
            + "s.disposition, s.dkim, s.spf, s.dkim_aligned, s.spf_aligned, s.dkim_auth, s.spf_auth, s.reasons, "
            + "c.messages, c.records FROM source_day_counts c JOIN source_shapes s ON s.shape = c.shape";

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        try (Statement st = c.createStatement()) {
            for (String sql : create(dialect)) {
                st.execute(sql);
            }
        }
        copyShapes(c);
        try (Statement st = c.createStatement()) {
            st.execute("CREATE INDEX source_shapes_k ON source_shapes (k)"); // for the copy only
            st.execute("INSERT INTO source_day_counts (domain, day, source_ip, shape, messages, records) "
                    + "SELECT d.domain, d.day, d.source_ip, s.shape, d.messages, d.records FROM source_days d "
                    + "JOIN source_shapes s ON s.k = d.k ORDER BY d.domain, d.day, d.source_ip, s.shape");
            st.execute("DROP INDEX source_shapes_k");
            st.execute("DROP TABLE source_days"); // and its index source_days_ip
            // built after the copy (one sort instead of an insert per row)
            st.execute("CREATE INDEX source_day_counts_ip ON source_day_counts (domain, source_ip, day)");
            st.execute(VIEW);
        }
    }

    /** One row per distinct key of the old table (rows with the same key have the same facts: it is their hash). */
    private static void copyShapes(Connection c) throws SQLException {
        Map<Long, String> seen = new HashMap<>();
        try (PreparedStatement sel = c.prepareStatement("SELECT k, MIN(header_from), MIN(disposition), MIN(dkim), "
                + "MIN(spf), MIN(dkim_aligned), MIN(spf_aligned), MIN(dkim_auth), MIN(spf_auth), MIN(reasons) "
                + "FROM source_days GROUP BY k ORDER BY k");
             PreparedStatement ins = c.prepareStatement("INSERT INTO source_shapes (shape, k, header_from, "
                     + "disposition, dkim, spf, dkim_aligned, spf_aligned, dkim_auth, spf_auth, reasons) "
                     + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            sel.setFetchSize(1000);
            int pending = 0;
            try (ResultSet rs = sel.executeQuery()) {
                while (rs.next()) {
                    String k = rs.getString(1);
                    long id = shapeId(k);
                    String other = seen.put(id, k);
                    if (other != null) {
                        throw new SQLException("source_days keys " + other + " and " + k + " give the same shape id "
                                + id + " (a 64-bit collision): the schema 11 upgrade cannot keep them apart");
                    }
                    ins.setLong(1, id);
                    ins.setString(2, k);
                    for (int i = 2; i <= 10; i++) {
                        if (i == 6 || i == 7) {
                            ins.setInt(i + 1, rs.getInt(i));
                        } else {
                            ins.setString(i + 1, rs.getString(i));
                        }
                    }
                    ins.addBatch();
                    if (++pending == 500) {
                        ins.executeBatch();
                        pending = 0;
                    }
                }
            }
            if (pending > 0) {
                ins.executeBatch();
            }
        }
    }
}
