package dev.aligned.cli;

import dev.aligned.server.ingest.Secret;
import dev.aligned.server.reporting.ReportingConfig;
import dev.aligned.store.DataDirectory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Loads the {@code reporting:} configuration and picks the database for the receiver-side report commands. */
final class ReportingSetup {
    private ReportingSetup() {
    }

    /** The configuration, or null after printing every problem to {@code err}. */
    static ReportingConfig load(Path file, Map<String, String> env, PrintWriter err, String command) {
        return ConfigFiles.load(file, err, command, "docs/receiver.md", () -> ReportingConfig.load(file, env));
    }

    /** {@code --db}, else the file's {@code database.url}, else the default SQLite file. */
    static String url(String db, Optional<ReportingConfig> cfg) {
        if (db != null) {
            return DataDirectory.urlFor(db);
        }
        return cfg.flatMap(ReportingConfig::databaseUrl).map(DataDirectory::urlFor)
                .orElse(DataDirectory.defaultDatabaseUrl());
    }

    /** The file's {@code database.password}, else {@code $ALIGNED_DB_PASSWORD}. */
    static Optional<Secret> password(Optional<ReportingConfig> cfg, Map<String, String> env) {
        return cfg.flatMap(ReportingConfig::databasePassword)
                .or(() -> Optional.ofNullable(env.get("ALIGNED_DB_PASSWORD")).map(Secret::of));
    }
}
