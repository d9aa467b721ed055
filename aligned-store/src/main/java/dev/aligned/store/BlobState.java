package dev.aligned.store;

import java.util.Locale;

/** Where an archived input stands. */
public enum BlobState {
    /** Archived, not parsed yet (or the process stopped before the parse was stored). */
    RECEIVED,
    /** Every report in it was parsed and stored. */
    PARSED,
    /** Some reports were stored, some failed to parse (the errors are kept). */
    PARTIAL,
    /** Nothing in it could be parsed (the errors are kept); can be parsed again after an upgrade. */
    FAILED;

    String token() {
        return name().toLowerCase(Locale.ROOT);
    }

    static BlobState ofToken(String token) {
        return valueOf(token.toUpperCase(Locale.ROOT));
    }
}
