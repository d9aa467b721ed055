package dev.aligned.store;

import dev.aligned.store.testing.PostgresServer;

/**
 * The store contract on a real PostgreSQL (Debian's {@code postgresql} package, started by
 * {@link PostgresServer}); skipped with a stated reason when PostgreSQL is not installed, failed when CI is set.
 */
class PostgresReportStoreTest extends ReportStoreContract {
    @Override
    String newDatabaseUrl() throws Exception {
        return PostgresServer.shared().createDatabase();
    }
}
