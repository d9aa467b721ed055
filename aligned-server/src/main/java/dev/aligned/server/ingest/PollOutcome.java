package dev.aligned.server.ingest;

import dev.aligned.store.IngestFailure;
import java.util.List;
import java.util.Objects;

/** What one poll of an ingestion source did. */
public sealed interface PollOutcome {
    /** The source's name (mailbox or directory). */
    String source();

    /**
     * The source was read.
     *
     * @param inputs messages or files looked at in this poll
     * @param newReports reports stored for the first time
     * @param duplicates reports that were already stored
     * @param records records stored
     * @param failures inputs that failed (moved to the error folder, reason kept in the store)
     * @param more whether inputs were left for the next poll (the per-poll bound was reached)
     */
    record Polled(String source, int inputs, long newReports, long duplicates, long records,
            List<IngestFailure> failures, boolean more) implements PollOutcome {
        public Polled {
            Objects.requireNonNull(source, "source");
            failures = List.copyOf(failures);
        }
    }

    /** Another poller (this process or another node) holds the mailbox's lock; nothing was read. */
    record Skipped(String source, String reason) implements PollOutcome {
        public Skipped {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The source or the store could not be used (connection refused or dropped, login failed, database down).
     * Inputs handled before the failure stay handled; the rest are read on the next poll.
     */
    record Unavailable(String source, String error) implements PollOutcome {
        public Unavailable {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(error, "error");
        }
    }
}
