package dev.aligned.report;

import java.util.Objects;
import java.util.Optional;

/** An {@code auth_results/dkim} entry: one signature's {@code d=}, {@code s=} and verification result. */
public record DkimAuthResult(
        String domain, Optional<String> selector, Optional<DkimResult> result, Optional<String> humanResult) {
    public DkimAuthResult {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(humanResult, "humanResult");
    }
}
