package dev.aligned.server.ingest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/** A directory read recursively for report files (xml, gz, zip, eml, mbox, Maildir), every {@code pollInterval}. */
public record WatchedDirectory(Path path, Duration pollInterval) {
    public WatchedDirectory {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (pollInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("poll_interval: must be at least 1s, got " + pollInterval);
        }
    }
}
