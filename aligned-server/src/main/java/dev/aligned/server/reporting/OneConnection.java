package dev.aligned.server.reporting;

import dev.aligned.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * One JDBC connection, opened on first use (and again after it was closed), on which units of work run one at a
 * time, each in its own transaction: committed when it returns, rolled back when it throws. An
 * {@link SQLException} becomes a {@link StoreException} saying what failed. The JDBC reporting stores
 * ({@link JdbcDeliveryQueue}, {@link JdbcEvaluationLog}) each keep one.
 *
 * <pre>{@code
 * OneConnection db = new OneConnection(dataSource, new ReentrantLock(), "the delivery queue");
 * int n = db.inTransaction("counting deliveries", c -> count(c));
 * }</pre>
 */
final class OneConnection implements AutoCloseable {
    private final DataSource dataSource;
    private final ReentrantLock lock;
    private final String name;
    private Connection connection;

    /**
     * @param lock held while a unit of work runs (a caller may hold it around several, as group commit does)
     * @param name what the connection serves, for the message when closing fails
     */
    OneConnection(DataSource dataSource, ReentrantLock lock, String name) {
        this.dataSource = dataSource;
        this.lock = lock;
        this.name = name;
    }

    /** Work on the connection, inside a transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in a transaction; {@code what} names it in the message if it fails. */
    <T> T inTransaction(String what, Work<T> work) {
        lock.lock();
        try {
            if (connection == null || connection.isClosed()) {
                connection = dataSource.getConnection();
            }
            Connection c = connection;
            c.setAutoCommit(false);
            try {
                T t = work.run(c);
                c.commit();
                return t;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException(what + " failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (connection != null) {
                connection.close();
                connection = null;
            }
        } catch (SQLException e) {
            throw new StoreException("closing " + name + " failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }
}
