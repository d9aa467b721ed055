package dev.aligned.report;

import java.io.IOException;

/** Internal signal that a {@link ReportLimits} value was exceeded; turned into a {@link ReportResult.Failed}. */
final class LimitExceededException extends IOException {
    LimitExceededException(String message) {
        super(message);
    }
}
