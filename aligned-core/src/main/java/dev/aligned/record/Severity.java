package dev.aligned.record;

import java.util.Locale;

/** How much a finding matters. */
public enum Severity {
    /** Mail is, or will be, rejected or unauthenticated because of it; fix it. */
    ERROR,
    /** It works, but is weak, risky or close to a limit; fix it when you can. */
    WARNING,
    /** Worth knowing; nothing to fix. */
    INFO;

    /** {@code error}, {@code warning} or {@code info}. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }
}
