package dev.aligned.store;

import java.util.Objects;

/** What happened to one report of an input. */
public sealed interface ReportOutcome {

    /** Where the report came from (file, {@code !entry} in archives, {@code #n} in mbox). */
    String source();

    /**
     * Stored for the first time.
     *
     * @param kind {@code aggregate} or {@code failure}
     * @param records the number of {@code <record>} rows stored (0 for failure reports)
     */
    record New(String source, String kind, int records) implements ReportOutcome {
        public New {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(kind, "kind");
        }
    }

    /** Already stored (same identity and content, or the same bytes); nothing written. */
    record Duplicate(String source) implements ReportOutcome {
        public Duplicate {
            Objects.requireNonNull(source, "source");
        }
    }

    /**
     * Stored and flagged: an earlier report has the same (org, report_id, domain) and different content.
     *
     * @param records the number of records stored
     * @param countedInRollups false when the earlier report covers the same period (a re-sent, changed report:
     *     counting both would count the period twice); true when the period differs (a reporter reusing ids)
     */
    record Conflict(String source, long conflictsWith, int records, boolean countedInRollups)
            implements ReportOutcome {
        public Conflict {
            Objects.requireNonNull(source, "source");
        }
    }

    /** Could not be read; kept with its error (and the original bytes) for a later re-parse. */
    record Failed(String source, String error) implements ReportOutcome {
        public Failed {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(error, "error");
        }
    }
}
