package dev.aligned.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on an SQLite file on disk, plus what is SQLite-specific (WAL, directory creation). */
class SqliteReportStoreTest extends ReportStoreContract {
    @TempDir
    Path dir;

    @Override
    String newDatabaseUrl() {
        return "jdbc:sqlite:" + dir.resolve("nested/dirs/aligned.db");
    }

    @Test
    void theDatabaseFileIsCreatedWithItsDirectoryAndRunsInWalMode() throws Exception {
        Path file = dir.resolve("nested/dirs/aligned.db");
        assertTrue(Files.isRegularFile(file));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
            rs.next();
            assertEquals("wal", rs.getString(1));
        }
    }
}
