package dev.aligned.server.analysis;

import dev.aligned.dmarc.PublicSuffixList;
import dev.aligned.dns.DomainName;
import java.util.Optional;

/** Relaxed alignment and organizational domains by the bundled public suffix list. */
final class Align {
    private Align() {
    }

    static boolean relaxed(String domain, String from) {
        if (domain.isEmpty() || from.isEmpty()) {
            return false;
        }
        if (domain.equalsIgnoreCase(from)) {
            return true;
        }
        Optional<DomainName> a = organizational(domain);
        return a.isPresent() && a.equals(organizational(from));
    }

    static Optional<DomainName> organizational(String name) {
        return DomainName.parse(name).flatMap(PublicSuffixList.bundled()::registrableDomain);
    }

    /** The registrable domain of {@code name} as text, or {@code name} when it has none. */
    static String base(String name) {
        return organizational(name).map(DomainName::name).orElse(name);
    }
}
