package dev.aligned.store;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What ingesting one input did.
 *
 * @param sha256 the SHA-256 of the input's bytes (empty when they could not be read, e.g. too large)
 * @param alreadyArchived whether the same bytes were in the store before this call
 * @param outcomes one outcome per report found (a duplicate input counts as its earlier reports, duplicated)
 */
public record IngestResult(String source, Optional<String> sha256, boolean alreadyArchived,
        List<ReportOutcome> outcomes) {
    public IngestResult {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(sha256, "sha256");
        outcomes = List.copyOf(outcomes);
    }

    /** Reports stored for the first time by this call (flagged conflicts included). */
    public long newReports() {
        return outcomes.stream().filter(o -> o instanceof ReportOutcome.New || o instanceof ReportOutcome.Conflict)
                .count();
    }

    /** Reports that were already stored. */
    public long duplicates() {
        return outcomes.stream().filter(o -> o instanceof ReportOutcome.Duplicate).count();
    }

    /** Reports that could not be read. */
    public List<ReportOutcome.Failed> failures() {
        return outcomes.stream().filter(o -> o instanceof ReportOutcome.Failed)
                .map(o -> (ReportOutcome.Failed) o).toList();
    }

    /** Records stored by this call. */
    public long records() {
        long n = 0;
        for (ReportOutcome o : outcomes) {
            n += switch (o) {
                case ReportOutcome.New x -> x.records();
                case ReportOutcome.Conflict x -> x.records();
                case ReportOutcome.Duplicate x -> 0;
                case ReportOutcome.Failed x -> 0;
            };
        }
        return n;
    }
}
