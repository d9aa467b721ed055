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

    private int databases;

    @Override
    String newDatabaseUrl() {
        // the first is the store under test; a test asking for another database gets a new file beside it
        return "jdbc:sqlite:" + dir.resolve(databases++ == 0 ? "nested/dirs/aligned.db" : "nested/dirs/other-" + databases + ".db");
    }

    @Test
    void theStoresConnectionHasTheLargeCacheAndMemoryMapTheFullYearImportWasMeasuredWith() {
        JdbcReportStore s = (JdbcReportStore) store;
        assertEquals(-JdbcReportStore.SQLITE_CACHE_KIB, s.sqlitePragma("cache_size"), "256 MiB, in KiB (negative)");
        assertEquals(JdbcReportStore.SQLITE_MMAP_BYTES, s.sqlitePragma("mmap_size"));
        assertEquals(2, s.sqlitePragma("synchronous"), "FULL: a commit is on disk");
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
