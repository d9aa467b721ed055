package dev.aligned.server.analysis;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The analysis contract on an SQLite file (the embedded default). */
class SqliteAnalysisTest extends AnalysisContract {
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ALWAYS)
    static Path dir;

    @Override
    String newDatabaseUrl() {
        return "jdbc:sqlite:" + dir.resolve("aligned.db");
    }
}
