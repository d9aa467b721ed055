package dev.aligned.report;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of reading one report from one input: {@link Parsed} (possibly with warnings about what was
 * repaired) or {@link Failed} (with a message naming the file and, for XML, the line:column).
 */
public sealed interface ReportResult permits ReportResult.Parsed, ReportResult.Failed {

    /** Where the report came from: the file name, plus {@code !entry} inside archives and {@code #n} in mbox. */
    String source();

    /**
     * A report that was read.
     *
     * @param warnings what the lenient parser accepted and repaired, each with its position where known
     */
    record Parsed(String source, Report report, List<String> warnings) implements ReportResult {
        public Parsed {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(report, "report");
            warnings = List.copyOf(warnings);
        }
    }

    /** An input that held no readable report; {@code error} says what, where, and what to do. */
    record Failed(String source, String error) implements ReportResult {
        public Failed {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(error, "error");
        }
    }
}
