package dev.aligned.server.ingest;

/** What happens to a mailbox message once the store has committed what it carried. */
public enum AfterIngest {
    /**
     * Move it to the processed (or error) folder with IMAP MOVE (RFC 6851); when the server lacks MOVE, flag it
     * instead (as {@link #FLAG}).
     */
    MOVE,
    /** Leave it in place and set the keyword {@code $AlignedProcessed} (or {@code $AlignedError}). */
    FLAG
}
