package dev.aligned.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aligned.store.testing.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The store contract on a real PostgreSQL (Debian's {@code postgresql} package, started by
 * {@link PostgresServer}); skipped with a stated reason when PostgreSQL is not installed, failed when CI is set.
 */
class PostgresReportStoreTest extends ReportStoreContract {
    private String url;

    @Override
    String newDatabaseUrl() throws Exception {
        url = PostgresServer.shared().createDatabase();
        return url;
    }

    @Test
    void recordPacksHaveNoForeignKeyAndTheOtherKeysAreInPlace() throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT conrelid::regclass::text FROM pg_constraint WHERE contype = 'f' "
                     + "AND conrelid::regclass::text IN ('record_packs', 'reports') ORDER BY 1")) {
            List<String> tables = new ArrayList<>();
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
            assertEquals(List.of("reports"), tables, "reports -> blobs; record_packs has none (schema 6 dropped the record-level keys, schema 9 keeps it so)");
        }
    }
}
