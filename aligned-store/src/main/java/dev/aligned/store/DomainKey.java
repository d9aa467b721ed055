package dev.aligned.store;

import java.util.Locale;

/** The form domains are stored in: trimmed, ASCII lower case, without a trailing dot. */
final class DomainKey {
    private DomainKey() {
    }

    static String of(String domain) {
        String d = domain.trim().toLowerCase(Locale.ROOT);
        while (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        return d;
    }
}
