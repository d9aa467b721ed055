package dev.aligned.server.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import org.postgresql.ds.PGSimpleDataSource;

/** {@link MailboxLock} on PostgreSQL session-level advisory locks: one connection per lease. */
final class PostgresMailboxLock implements MailboxLock {
    private final PGSimpleDataSource ds = new PGSimpleDataSource();
    private final String display;

    PostgresMailboxLock(String jdbcUrl, Secret password) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + jdbcUrl.replaceAll("\\?.*", ""));
        }
        ds.setURL(jdbcUrl);
        if (password != null) {
            ds.setPassword(password.reveal());
        }
        ds.setApplicationName("aligned mailbox lock");
        this.display = jdbcUrl.replaceAll("\\?.*", "");
    }

    @Override
    public Optional<Lease> tryLock(String mailboxKey) {
        long key = MailboxLock.lockKey(mailboxKey);
        Connection c = null;
        try {
            c = ds.getConnection();
            c.setAutoCommit(true);
            boolean got;
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                ps.setLong(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    got = rs.getBoolean(1);
                }
            }
            if (!got) {
                c.close();
                return Optional.empty();
            }
            return Optional.of(new PgLease(c, key));
        } catch (SQLException e) {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new LockUnavailableException("cannot take the mailbox lock in " + display + ": " + e.getMessage(), e);
        }
    }

    private static final class PgLease implements Lease {
        private final Connection conn;
        private final long key;

        PgLease(Connection conn, long key) {
            this.conn = conn;
            this.key = key;
        }

        @Override
        public boolean isValid() {
            try {
                return !conn.isClosed() && conn.isValid(5);
            } catch (SQLException e) {
                return false;
            }
        }

        @Override
        public void close() {
            try (conn) {
                if (!conn.isClosed()) {
                    try (PreparedStatement ps = conn.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                        ps.setLong(1, key);
                        ps.execute();
                    }
                }
            } catch (SQLException e) {
                // closing the connection releases a session lock anyway
            }
        }
    }

    @Override
    public String toString() {
        return "PostgresMailboxLock[" + display + "]";
    }
}
