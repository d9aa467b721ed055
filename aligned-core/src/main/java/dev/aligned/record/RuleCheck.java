package dev.aligned.record;

import java.util.Locale;
import java.util.Objects;

/**
 * One mailbox-provider sender requirement, judged from what the DNS shows.
 *
 * @param provider who made the rule ({@code Google}, {@code Yahoo}, {@code Microsoft})
 * @param rule     the requirement, in a few words
 * @param source   where the rule is published (name and date)
 * @param status   met, not met, or cannot tell from DNS
 * @param detail   why this status
 */
public record RuleCheck(String provider, String rule, String source, Status status, String detail) {

    /** Whether the DNS shows the rule met. */
    public enum Status {
        MET, NOT_MET, CANNOT_TELL;

        /** {@code met}, {@code not-met}, {@code cannot-tell}. */
        public String keyword() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public RuleCheck {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
    }
}
