package dev.aligned.spf;

import java.util.List;
import java.util.Objects;

/** The outcome of {@link SpfRecord#parse(String)}: a valid record, or the syntax errors (at most 10). */
public sealed interface SpfParseResult {

    /** The record parsed without error. */
    record Valid(SpfRecord record) implements SpfParseResult {
        public Valid {
            Objects.requireNonNull(record, "record");
        }
    }

    /** The record has syntax errors (never empty), in order of column; evaluation would give permerror. */
    record Invalid(String text, List<SpfSyntaxError> errors) implements SpfParseResult {
        public Invalid {
            Objects.requireNonNull(text, "text");
            errors = List.copyOf(errors);
            if (errors.isEmpty()) {
                throw new IllegalArgumentException("Invalid needs at least one error");
            }
        }

        /** The first error, the one evaluation reports. */
        public SpfSyntaxError first() {
            return errors.get(0);
        }
    }
}
