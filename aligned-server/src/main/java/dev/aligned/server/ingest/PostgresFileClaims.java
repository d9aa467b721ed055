package dev.aligned.server.ingest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@link FileClaims} on the {@code file_claims} table: offers are rows, a batch is a transaction holding row locks
 * taken with {@code FOR UPDATE SKIP LOCKED}; its connection is the node's claim (a dead node's transaction rolls
 * back and its rows are free again).
 */
final class PostgresFileClaims implements FileClaims {
    private static final int INSERT_BATCH = 500;

    private final PGSimpleDataSource ds = new PGSimpleDataSource();
    private final String display;
    private final java.time.Clock clock;

    PostgresFileClaims(String jdbcUrl, Secret password) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + jdbcUrl.replaceAll("\\?.*", ""));
        }
        ds.setURL(jdbcUrl);
        if (password != null) {
            ds.setPassword(password.reveal());
        }
        ds.setApplicationName("aligned file claims");
        this.display = jdbcUrl.replaceAll("\\?.*", "");
        this.clock = java.time.Clock.systemUTC();
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static String dirKey(Path directory) {
        return sha256(directory.toAbsolutePath().normalize().toString());
    }

    private MailboxLock.LockUnavailableException unavailable(SQLException e) {
        return new MailboxLock.LockUnavailableException("cannot claim files in " + display + ": " + e.getMessage(), e);
    }

    @Override
    public void offer(Path directory, Collection<String> names) {
        if (names.isEmpty()) {
            return;
        }
        String dir = dirKey(directory);
        long now = clock.millis();
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO file_claims (claim_key, dir_key, name, found_at) "
                        + "VALUES (?, ?, ?, ?) ON CONFLICT (claim_key) DO NOTHING")) {
            c.setAutoCommit(false);
            int n = 0;
            for (String name : names) {
                ps.setString(1, sha256(dir + "\0" + name));
                ps.setString(2, dir);
                ps.setString(3, name);
                ps.setLong(4, now);
                ps.addBatch();
                if (++n % INSERT_BATCH == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
            c.commit();
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    @Override
    public Batch claim(Path directory, int max) {
        String dir = dirKey(directory);
        Connection c = null;
        try {
            c = ds.getConnection();
            c.setAutoCommit(false);
            Map<String, String> claimed = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT claim_key, name FROM file_claims WHERE dir_key = ? "
                    + "ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED")) {
                ps.setString(1, dir);
                ps.setInt(2, max);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        claimed.put(rs.getString(2), rs.getString(1));
                    }
                }
            }
            return new PgBatch(c, claimed);
        } catch (SQLException e) {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw unavailable(e);
        }
    }

    private final class PgBatch implements Batch {
        private final Connection conn;
        private final Map<String, String> keys;

        PgBatch(Connection conn, Map<String, String> keys) {
            this.conn = conn;
            this.keys = keys;
        }

        @Override
        public List<String> names() {
            return List.copyOf(keys.keySet());
        }

        @Override
        public void done(String name) {
            String key = keys.get(name);
            if (key == null) {
                throw new IllegalArgumentException("not claimed in this batch: " + name);
            }
            try (PreparedStatement ps = conn.prepareStatement("DELETE FROM file_claims WHERE claim_key = ?")) {
                ps.setString(1, key);
                ps.executeUpdate();
            } catch (SQLException e) {
                throw unavailable(e);
            }
        }

        @Override
        public void close() {
            try (conn) {
                conn.commit();
            } catch (SQLException e) {
                // the claims return to the table: files already moved are found gone and their rows deleted later
            }
        }
    }

    @Override
    public String toString() {
        return "PostgresFileClaims[" + display + "]";
    }
}
