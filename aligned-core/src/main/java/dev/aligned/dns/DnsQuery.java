package dev.aligned.dns;

import java.util.Objects;

/** One question to the DNS: a name and a record type. */
public record DnsQuery(DomainName name, DnsType type) {
    public DnsQuery {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }

    /** A query for {@code type} records at {@code name} (normalised by {@link DomainName#of(String)}). */
    public static DnsQuery of(String name, DnsType type) {
        return new DnsQuery(DomainName.of(name), type);
    }

    /** Asks {@code resolver} this question. */
    public DnsAnswer askOf(DnsResolver resolver) {
        return resolver.lookup(name, type);
    }

    @Override
    public String toString() {
        return type + " " + (name.isRoot() ? "." : name.name());
    }
}
