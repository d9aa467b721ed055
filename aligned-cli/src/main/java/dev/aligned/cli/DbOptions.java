package dev.aligned.cli;

import dev.aligned.store.DataDirectory;
import dev.aligned.store.ReportStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The {@code --db} option of the commands that use the report store: a JDBC URL ({@code jdbc:sqlite:FILE},
 * {@code jdbc:postgresql://HOST:PORT/DB?user=U}) or the path of a SQLite file; default
 * {@code ~/.local/share/aligned/aligned.db} (or {@code $XDG_DATA_HOME/aligned/aligned.db}). A PostgreSQL
 * password comes from the environment variable {@code ALIGNED_DB_PASSWORD}, never from the command line.
 */
final class DbOptions {
    @Option(names = "--db", paramLabel = "URL",
            description = "Report store: jdbc:sqlite:FILE, jdbc:postgresql://HOST:PORT/DB?user=U, or a SQLite file "
                    + "path (default: ${XDG_DATA_HOME:-~/.local/share}/aligned/aligned.db). "
                    + "PostgreSQL password from $ALIGNED_DB_PASSWORD.")
    String db;

    /** The JDBC URL to use. */
    String url() {
        return db == null ? DataDirectory.defaultDatabaseUrl() : DataDirectory.urlFor(db);
    }

    /** What to call the store in messages: the file for SQLite, the URL without parameters otherwise. */
    String display() {
        String u = url();
        int q = u.indexOf('?');
        u = q >= 0 ? u.substring(0, q) : u;
        return u.startsWith("jdbc:sqlite:") ? u.substring("jdbc:sqlite:".length()) : u;
    }

    /** Whether the URL names a SQLite file that does not exist yet. */
    boolean missingSqliteFile() {
        String u = url();
        if (!u.toLowerCase(Locale.ROOT).startsWith("jdbc:sqlite:")) {
            return false;
        }
        String path = u.substring("jdbc:sqlite:".length());
        int q = path.indexOf('?');
        path = q >= 0 ? path.substring(0, q) : path;
        return !path.startsWith(":memory:") && !Files.exists(Path.of(path.startsWith("file:") ? path.substring(5) : path));
    }

    /** Opens (creating and migrating) the store. */
    ReportStore open() {
        return ReportStore.builder().url(url()).password(System.getenv("ALIGNED_DB_PASSWORD"))
                .onUpgrade(m -> System.err.println("aligned: " + m)).build();
    }
}
