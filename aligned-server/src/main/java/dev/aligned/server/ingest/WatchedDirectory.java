package dev.aligned.server.ingest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A directory read recursively for report files (xml, gz, zip, eml, mbox, Maildir), every {@code pollInterval}.
 * With a processed folder, each file is moved there (or to the error folder when it failed) once the store has
 * committed it, keeping its path relative to the watched directory; without, files stay where they are.
 *
 * @param path the directory
 * @param pollInterval the time between two listings (at least 1 s)
 * @param processedFolder where stored files go; empty: files stay in place
 * @param errorFolder where files that failed go; present exactly when {@code processedFolder} is
 */
public record WatchedDirectory(Path path, Duration pollInterval, Optional<Path> processedFolder,
        Optional<Path> errorFolder) {
    public WatchedDirectory {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(processedFolder, "processedFolder");
        Objects.requireNonNull(errorFolder, "errorFolder");
        if (pollInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("poll_interval: must be at least 1s, got " + pollInterval);
        }
        if (processedFolder.isPresent() != errorFolder.isPresent()) {
            throw new IllegalArgumentException("processed_folder and error_folder: give both or neither");
        }
    }

    /** A directory whose files stay in place. */
    public WatchedDirectory(Path path, Duration pollInterval) {
        this(path, pollInterval, Optional.empty(), Optional.empty());
    }

    /** A directory whose files are moved to {@code processed} or {@code error} after the store has committed them. */
    public static WatchedDirectory moving(Path path, Duration pollInterval, Path processed, Path error) {
        return new WatchedDirectory(path, pollInterval, Optional.of(processed), Optional.of(error));
    }

    /** Whether files are moved after ingestion. */
    public boolean movesFiles() {
        return processedFolder.isPresent();
    }
}
