package dev.aligned.store;

import java.time.Instant;
import java.util.Objects;

/** An archived input: its hash, size, first source, state and when it arrived. */
public record BlobInfo(String sha256, long size, String firstSource, BlobState state, Instant receivedAt) {
    public BlobInfo {
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(firstSource, "firstSource");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}
