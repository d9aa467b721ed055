package dev.aligned.store;

import java.util.Objects;
import java.util.Optional;

/** Which records to export: an optional policy domain. */
public record ExportQuery(Optional<String> domain) {
    public ExportQuery {
        Objects.requireNonNull(domain, "domain");
        domain = domain.map(DomainKey::of);
    }

    /** Every stored record. */
    public static ExportQuery all() {
        return new ExportQuery(Optional.empty());
    }

    /** The records of one policy domain. */
    public static ExportQuery domain(String domain) {
        return new ExportQuery(Optional.of(domain));
    }
}
