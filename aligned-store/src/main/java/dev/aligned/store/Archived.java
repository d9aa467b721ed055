package dev.aligned.store;

import java.util.Objects;

/**
 * An archived input.
 *
 * @param sha256 the SHA-256 of the original bytes, lower-case hex
 * @param attemptId the ingestion attempt this archive call recorded
 * @param isNew whether these bytes were archived by this call (false: already in the store)
 * @param state the state of the archived bytes after this call
 * @param reports how many reports an earlier parse found in them (0 when not parsed yet)
 */
public record Archived(String sha256, long attemptId, boolean isNew, BlobState state, int reports) {
    public Archived {
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(state, "state");
    }
}
