package dev.aligned.dns;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of one DNS query. The four cases are kept apart because the protocols depend on it: SPF counts
 * NXDOMAIN and NODATA as void lookups and turns a temporary failure into {@code temperror}.
 */
public sealed interface DnsAnswer {

    /** The name that was asked for. */
    DomainName name();

    /** The type that was asked for. */
    DnsType type();

    /** The name exists and has records of the asked type. {@code records} is never empty. */
    record Records(DomainName name, DnsType type, List<DnsRecord> records, Duration ttl) implements DnsAnswer {
        public Records {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            records = List.copyOf(records);
            if (records.isEmpty()) {
                throw new IllegalArgumentException("Records needs at least one record; use NoData for none");
            }
            Objects.requireNonNull(ttl, "ttl");
        }

        /** The records of the given class, in answer order. */
        public <T extends DnsRecord> List<T> of(Class<T> kind) {
            return records.stream().filter(kind::isInstance).map(kind::cast).toList();
        }
    }

    /** The name does not exist (RCODE 3). {@code negativeTtl} comes from the SOA minimum when known. */
    record NxDomain(DomainName name, DnsType type, Duration negativeTtl) implements DnsAnswer {
        public NxDomain {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(negativeTtl, "negativeTtl");
        }
    }

    /** The name exists but has no records of the asked type. */
    record NoData(DomainName name, DnsType type, Duration negativeTtl) implements DnsAnswer {
        public NoData {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(negativeTtl, "negativeTtl");
        }
    }

    /** No answer could be had: a timeout, SERVFAIL, REFUSED, or a network error. {@code reason} says which. */
    record TempFailure(DomainName name, DnsType type, String reason) implements DnsAnswer {
        public TempFailure {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
