package dev.aligned.server.reporting;

import java.util.List;
import java.util.Objects;

/** What {@link FailureReporter#consider} decided for one message. */
public sealed interface FailureDecision {

    /** One or more failure reports were queued, one per listed destination. */
    record Queued(List<String> destinations) implements FailureDecision {
        public Queued {
            destinations = List.copyOf(destinations);
        }
    }

    /** No report is due: the message passed as far as {@code fo=} is concerned, or there is no {@code ruf}. */
    record NotDue(String reason) implements FailureDecision {
        public NotDue {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** A report was due but the per-domain rate limit was reached. */
    record RateLimited(String reason) implements FailureDecision {
        public RateLimited {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
