package dev.aligned.server.analysis;

import dev.aligned.store.testing.PostgresServer;

/**
 * The analysis contract on a real PostgreSQL started by the store's {@link PostgresServer} harness (Debian
 * package {@code postgresql}; the harness skips with its reason when it is missing and fails when CI is set).
 */
class PostgresAnalysisTest extends AnalysisContract {
    @Override
    String newDatabaseUrl() throws Exception {
        return PostgresServer.shared().createDatabase();
    }
}
