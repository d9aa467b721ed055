package dev.aligned.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code source_shapes} rows (schema 11) one store has seen committed, so that storing a report inserts only
 * the shapes of its rows that may be new. A shape's id is computed from its facts ({@link V11__source_shapes#shapeId}),
 * never looked up: a new shape is inserted with {@code ON CONFLICT DO NOTHING}, so two stores (nodes) adding the same
 * shape, or a shape whose first insert was rolled back, stay correct whatever this set says. Ids join the set only
 * after the transaction that inserted them committed ({@link #committed}); a rollback forgets them
 * ({@link #rolledBack}). Bounded: past {@link #MAX} ids it starts over (the inserts then do nothing).
 *
 * <pre>{@code
 * shapes.insertNew(conn, sums.sources());   // in the store's transaction
 * conn.commit();
 * shapes.committed();
 * }</pre>
 *
 * Not thread-safe: the store calls it under its lock.
 */
final class SourceShapes {
    static final int MAX = 100_000;
    private final Set<Long> known = new HashSet<>();
    private final Set<Long> pending = new HashSet<>();

    /** Inserts the shapes of {@code rows} not known to be committed, in id order (concurrent writers lock alike). */
    void insertNew(Connection conn, List<AnalysisRollups.SourceRow> rows) throws SQLException {
        TreeMap<Long, AnalysisRollups.SourceRow> fresh = null;
        for (AnalysisRollups.SourceRow r : rows) {
            long id = r.shape();
            if (!known.contains(id) && !pending.contains(id)) {
                if (fresh == null) {
                    fresh = new TreeMap<>();
                }
                fresh.putIfAbsent(id, r);
            }
        }
        if (fresh == null) {
            return;
        }
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO source_shapes (shape, k, header_from, "
                + "disposition, dkim, spf, dkim_aligned, spf_aligned, dkim_auth, spf_auth, reasons) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (shape) DO NOTHING")) {
            for (var e : fresh.entrySet()) {
                AnalysisRollups.Facts f = e.getValue().facts();
                int i = 0;
                ps.setLong(++i, e.getKey());
                ps.setString(++i, e.getValue().hash());
                ps.setString(++i, f.headerFrom());
                ps.setString(++i, f.disposition());
                ps.setString(++i, f.dkim());
                ps.setString(++i, f.spf());
                ps.setInt(++i, f.dkimAligned());
                ps.setInt(++i, f.spfAligned());
                ps.setString(++i, f.dkimAuth());
                ps.setString(++i, f.spfAuth());
                ps.setString(++i, f.reasons());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        pending.addAll(fresh.keySet());
    }

    /** The transaction that ran {@link #insertNew} committed: its shapes are in the table for good. */
    void committed() {
        if (pending.isEmpty()) {
            return;
        }
        if (known.size() + pending.size() > MAX) {
            known.clear();
        }
        known.addAll(pending);
        pending.clear();
    }

    /** The transaction rolled back: its shapes may not be in the table. */
    void rolledBack() {
        pending.clear();
    }
}
