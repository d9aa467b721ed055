package dev.aligned.server.reporting;

import dev.aligned.dns.DomainName;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Addresses and domains never mailed, whatever a DMARC record asks: an entry with an {@code @} is one address
 * (compared case-insensitively), any other entry a domain, which also covers its subdomains.
 *
 * <pre>{@code
 * Suppression s = Suppression.of(List.of("noisy.example", "dmarc@bounce.example"));
 * s.reason("reports@noisy.example");   // Optional[suppressed: noisy.example is on the suppression list]
 * }</pre>
 */
public record Suppression(List<String> entries) {
    /** Nothing suppressed. */
    public static final Suppression NONE = new Suppression(List.of());

    public Suppression {
        entries = entries.stream().map(e -> e.strip().toLowerCase(Locale.ROOT)).filter(e -> !e.isEmpty()).toList();
    }

    /** A list from configuration. */
    public static Suppression of(List<String> entries) {
        return new Suppression(entries);
    }

    /** Why {@code address} must not be mailed, or empty when it may. */
    public Optional<String> reason(String address) {
        String a = address.strip().toLowerCase(Locale.ROOT);
        int at = a.lastIndexOf('@');
        Optional<DomainName> domain = at >= 0 ? DomainName.parse(a.substring(at + 1)) : Optional.empty();
        for (String e : entries) {
            if (e.indexOf('@') >= 0) {
                if (e.equals(a)) {
                    return Optional.of("suppressed: " + e + " is on the suppression list");
                }
            } else if (domain.isPresent()) {
                Optional<DomainName> d = DomainName.parse(e);
                if (d.isPresent() && (domain.get().equals(d.get()) || domain.get().isSubdomainOf(d.get()))) {
                    return Optional.of("suppressed: " + e + " is on the suppression list");
                }
            }
        }
        return Optional.empty();
    }
}
