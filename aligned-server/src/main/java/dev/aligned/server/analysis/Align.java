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

    /** Organizational domains already computed (page views classify the same few hundred names again). */
    private static final java.util.Map<String, Optional<DomainName>> MEMO = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MEMO_MAX = 50_000;

    static Optional<DomainName> organizational(String name) {
        Optional<DomainName> known = MEMO.get(name);
        if (known != null) {
            return known;
        }
        Optional<DomainName> org = DomainName.parse(name).flatMap(PublicSuffixList.bundled()::registrableDomain);
        if (MEMO.size() >= MEMO_MAX) {
            MEMO.clear(); // bounded: names come from reports written by strangers
        }
        MEMO.put(name, org);
        return org;
    }

    /** The registrable domain of {@code name} as text, or {@code name} when it has none. */
    static String base(String name) {
        return organizational(name).map(DomainName::name).orElse(name);
    }
}
