package dev.aligned.server.web;

import dev.aligned.store.StoreException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The dashboard's own connection to the report store's database (opened after the store migrated the schema):
 * reads for the pages, writes for accounts. One connection, used by one request at a time; SQLite in WAL mode lets
 * it read while the store writes.
 */
final class WebDb implements AutoCloseable {
    private final Connection conn;
    private final boolean sqlite;
    private final ReentrantLock lock = new ReentrantLock();

    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private WebDb(Connection conn, boolean sqlite) {
        this.conn = conn;
        this.sqlite = sqlite;
    }

    static WebDb open(String jdbcUrl, String user, String password) {
        boolean sqlite = jdbcUrl.toLowerCase(Locale.ROOT).startsWith("jdbc:sqlite:");
        try {
            Properties p = new Properties();
            if (sqlite) {
                // as the store's own connection: WAL, a busy timeout, and BEGIN IMMEDIATE so that a transaction that
                // reads before it writes waits for the lock instead of failing at once with SQLITE_BUSY
                org.sqlite.SQLiteConfig cfg = new org.sqlite.SQLiteConfig();
                cfg.setJournalMode(org.sqlite.SQLiteConfig.JournalMode.WAL);
                cfg.setBusyTimeout(30_000);
                cfg.enforceForeignKeys(true);
                cfg.setTransactionMode(org.sqlite.SQLiteConfig.TransactionMode.IMMEDIATE);
                p = cfg.toProperties();
            } else {
                if (user != null) {
                    p.setProperty("user", user);
                }
                if (password != null) {
                    p.setProperty("password", password);
                }
            }
            Connection c = DriverManager.getConnection(jdbcUrl, p);
            c.setAutoCommit(true);
            return new WebDb(c, sqlite);
        } catch (SQLException e) {
            String display = jdbcUrl.contains("?") ? jdbcUrl.substring(0, jdbcUrl.indexOf('?')) : jdbcUrl;
            throw new StoreException("the dashboard cannot open " + display + ": " + e.getMessage(), e);
        }
    }

    boolean sqlite() {
        return sqlite;
    }

    /** Runs {@code work} alone on the connection, in autocommit mode. */
    <T> T read(Work<T> work) {
        lock.lock();
        try {
            return work.run(conn);
        } catch (SQLException e) {
            throw new StoreException("dashboard query failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} in one transaction. */
    <T> T tx(Work<T> work) {
        lock.lock();
        try {
            conn.setAutoCommit(false);
            try {
                T t = work.run(conn);
                conn.commit();
                return t;
            } catch (SQLException | RuntimeException e) {
                conn.rollback();
                throw e;
            } finally {
                conn.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("dashboard update failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Runs a query with positional parameters and maps every row. */
    static <T> List<T> query(Connection c, String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
                return out;
            }
        }
    }

    static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        }
    }

    static long insert(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql + " RETURNING id")) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void bind(PreparedStatement ps, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object v = params[i];
            if (v instanceof Integer n) {
                ps.setInt(i + 1, n);
            } else if (v instanceof Long n) {
                ps.setLong(i + 1, n);
            } else if (v instanceof Boolean b) {
                ps.setInt(i + 1, b ? 1 : 0);
            } else if (v == null) {
                ps.setNull(i + 1, java.sql.Types.VARCHAR);
            } else {
                ps.setString(i + 1, v.toString());
            }
        }
    }

    @Override
    public void close() {
        try {
            conn.close();
        } catch (SQLException ignored) {
            // closing: nothing left to do with the error
        }
    }
}
