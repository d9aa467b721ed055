package dev.aligned.dmarc;

import java.util.Locale;
import java.util.Optional;

/**
 * The result of an underlying SPF check or DKIM signature as DMARC sees it (RFC 8601 result keywords). Only
 * {@link #PASS} produces an authenticated identifier.
 */
public enum AuthResult {
    PASS, FAIL, SOFTFAIL, NEUTRAL, NONE, TEMPERROR, PERMERROR, POLICY;

    /** The keyword in lower case, as in Authentication-Results. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a keyword case-insensitively ({@code pass}, {@code fail}, ...); empty for anything else. */
    public static Optional<AuthResult> parse(String keyword) {
        if (keyword == null) {
            return Optional.empty();
        }
        for (AuthResult r : values()) {
            if (r.name().equalsIgnoreCase(keyword.strip())) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
