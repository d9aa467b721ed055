package dev.aligned.store;

import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;

/**
 * Which rollups to read: an optional domain and an inclusive range of UTC days.
 *
 * <pre>{@code
 * RollupQuery q = RollupQuery.domain("example.com").between(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 1, 31));
 * }</pre>
 */
public record RollupQuery(Optional<String> domain, Optional<LocalDate> from, Optional<LocalDate> to) {
    public RollupQuery {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        domain = domain.map(DomainKey::of);
    }

    /** Every rollup. */
    public static RollupQuery all() {
        return new RollupQuery(Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The rollups of one domain (case and trailing dot ignored). */
    public static RollupQuery domain(String domain) {
        return new RollupQuery(Optional.of(domain), Optional.empty(), Optional.empty());
    }

    /** This query limited to the days {@code from} to {@code to}, both included. */
    public RollupQuery between(LocalDate from, LocalDate to) {
        return new RollupQuery(domain, Optional.of(from), Optional.of(to));
    }
}
