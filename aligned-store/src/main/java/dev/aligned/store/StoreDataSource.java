package dev.aligned.store;

import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.api.FlywayException;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * A {@link DataSource} for the store's database, with the schema migrated: for components that keep their own
 * tables in the same database (receiver-side reporting's {@code evaluations} and {@code report_deliveries}).
 * SQLite connections get the same settings as {@link ReportStore}'s (WAL, synchronous FULL, busy time-out,
 * foreign keys, immediate transactions).
 *
 * <pre>{@code
 * DataSource ds = StoreDataSource.open("jdbc:sqlite:/var/lib/aligned/aligned.db", null, null);
 * try (Connection c = ds.getConnection()) { ... }
 * }</pre>
 */
public final class StoreDataSource {
    /** Flyway's per-migration INFO lines are noise for a CLI; kept at WARNING unless the application set a level. */
    private static final java.util.logging.Logger FLYWAY_LOG = java.util.logging.Logger.getLogger("org.flywaydb");

    static {
        if (FLYWAY_LOG.getLevel() == null) {
            FLYWAY_LOG.setLevel(java.util.logging.Level.WARNING);
        }
    }

    private StoreDataSource() {
    }

    /** Opens {@code url} with a 30 s busy time-out; see {@link #open(String, String, String, Duration)}. */
    public static DataSource open(String url, String user, String password) {
        return open(url, user, password, Duration.ofSeconds(30));
    }

    /**
     * A data source for {@code jdbc:sqlite:FILE} or {@code jdbc:postgresql://...}, after migrating its schema.
     *
     * @throws StoreException when the schema cannot be migrated
     */
    public static DataSource open(String url, String user, String password, Duration busyTimeout) {
        Objects.requireNonNull(url, "url");
        Dialect dialect = Dialect.of(url);
        DataSource ds = switch (dialect) {
            case SQLITE -> {
                createParentDirectory(url);
                SQLiteConfig cfg = new SQLiteConfig();
                cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
                cfg.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
                cfg.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, busyTimeout.toMillis()));
                cfg.enforceForeignKeys(true);
                cfg.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
                SQLiteDataSource s = new SQLiteDataSource(cfg);
                s.setUrl(url);
                yield s;
            }
            case POSTGRESQL -> {
                PGSimpleDataSource p = new PGSimpleDataSource();
                p.setReWriteBatchedInserts(true);
                p.setURL(url);
                if (user != null) {
                    p.setUser(user);
                }
                if (password != null) {
                    p.setPassword(password);
                }
                yield p;
            }
        };
        String display = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
        try {
            V9__record_packs.flyway(StoreDataSource.class.getClassLoader(), ds, dialect).migrate();
        } catch (FlywayException e) {
            throw new StoreException("cannot migrate the schema of " + display + ": " + e.getMessage(), e);
        }
        return ds;
    }

    private static void createParentDirectory(String url) {
        String path = url.substring("jdbc:sqlite:".length());
        if (path.startsWith("file:")) {
            path = path.substring(5);
        }
        int q = path.indexOf('?');
        path = q >= 0 ? path.substring(0, q) : path;
        if (path.isEmpty() || path.startsWith(":memory:")) {
            return;
        }
        java.nio.file.Path parent = java.nio.file.Path.of(path).toAbsolutePath().getParent();
        try {
            if (parent != null) {
                java.nio.file.Files.createDirectories(parent);
            }
        } catch (java.io.IOException e) {
            throw new StoreException("cannot create the directory " + parent + " for the database: " + e, e);
        }
    }
}
