package dev.aligned.cli;

import dev.aligned.server.ingest.ConfigError;
import dev.aligned.server.ingest.ConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * How the commands that read {@code aligned.yaml} report a file they cannot use: one line naming the command,
 * the file and the number of problems, then each problem with its key.
 *
 * <pre>{@code
 * IngestConfig cfg = ConfigFiles.load(file, err, "ingest", "docs/configuration.md", () -> IngestConfig.load(file, env));
 * if (cfg == null) return 2;
 * }</pre>
 */
final class ConfigFiles {
    private ConfigFiles() {
    }

    /** Reads a configuration (or one section of it). */
    @FunctionalInterface
    interface Loader<T> {
        T load() throws IOException, ConfigException;
    }

    /**
     * What {@code loader} reads from {@code file}, or null after printing why not (prefixed
     * {@code aligned COMMAND:}; a missing file points to {@code docs} for an example).
     */
    static <T> T load(Path file, PrintWriter err, String command, String docs, Loader<T> loader) {
        try {
            return loader.load();
        } catch (NoSuchFileException e) {
            err.println("aligned " + command + ": " + file + ": no such file; see " + docs + " for an example");
        } catch (IOException e) {
            err.println("aligned " + command + ": cannot read " + file + ": " + e.getMessage());
        } catch (ConfigException e) {
            printProblems(err, command, file, e, "");
        }
        return null;
    }

    /** {@code aligned COMMAND: FILE: N problems WHERE}, then each problem on its own indented line. */
    static void printProblems(PrintWriter err, String command, Path file, ConfigException e, String where) {
        err.println("aligned " + command + ": " + file + ": " + e.errors().size() + " problem"
                + (e.errors().size() == 1 ? "" : "s") + where);
        for (ConfigError x : e.errors()) {
            err.println("  " + x);
        }
    }
}
