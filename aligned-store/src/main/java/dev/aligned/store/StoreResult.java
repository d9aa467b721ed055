package dev.aligned.store;

import java.util.List;
import java.util.Objects;

/** What storing the parse results of one archived input did, report by report, and the input's new state. */
public record StoreResult(String sha256, BlobState state, List<ReportOutcome> outcomes) {
    public StoreResult {
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(state, "state");
        outcomes = List.copyOf(outcomes);
    }
}
