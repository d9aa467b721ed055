package dev.aligned.server.ingest;

import java.util.function.Consumer;

/** A place reports arrive at: an IMAP mailbox, a watched directory. */
public interface IngestSource {
    /** A short name for output. */
    String name();

    /** Reads what is waiting, once. Never throws for trouble at the source: that is {@link PollOutcome.Unavailable}. */
    PollOutcome pollOnce();

    /** Reads until {@link #stop()}, passing every poll's outcome to {@code listener}. */
    void run(Consumer<PollOutcome> listener);

    /** Makes {@link #run} return soon. */
    void stop();
}
