package dev.aligned.report;

import java.util.Objects;
import java.util.Optional;

/** An {@code auth_results/spf} entry. */
public record SpfAuthResult(
        String domain, Optional<SpfScope> scope, Optional<SpfResult> result, Optional<String> humanResult) {
    public SpfAuthResult {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(humanResult, "humanResult");
    }
}
