package dev.aligned.report;

import java.util.Objects;
import java.util.Optional;

/** {@code <reason>}: a policy override type and an optional comment. */
public record OverrideReason(Optional<PolicyOverride> type, Optional<String> comment) {
    public OverrideReason {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(comment, "comment");
    }
}
