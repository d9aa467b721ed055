package dev.aligned.dns;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * An in-memory resolver over a fixed set of records that records every query it answers. Tests assert lookup
 * counts with {@link #queries()}; the CLI's {@code --dns FILE} loads one from a master file or OpenSPF zonedata.
 *
 * <p>Answers as an authoritative server would: records of the asked type; CNAMEs followed (at most 8); a name
 * that exists with other types, or only has names below it, gives NODATA; any other name NXDOMAIN; a name
 * marked as timing out gives a temporary failure (for every type, or for the types given).
 *
 * <pre>{@code
 * FixtureResolver dns = FixtureResolver.builder()
 *         .add("example.com", DnsRecord.Txt.of("v=spf1 -all"))
 *         .timeout("slow.example.com")
 *         .build();
 * }</pre>
 */
public final class FixtureResolver implements DnsResolver {
    private static final int MAX_CNAME_CHAIN = 8;

    /** One query answered, in the order asked. */
    public record Query(DomainName name, DnsType type) {
        @Override
        public String toString() {
            return type + " " + name;
        }
    }

    private final Map<DomainName, Map<DnsType, List<DnsRecord>>> zone;
    private final Map<DomainName, Set<DnsType>> timeouts;
    private final Set<DomainName> existing;
    private final Duration ttl;
    private final boolean recording;
    private final ConcurrentLinkedQueue<Query> queries = new ConcurrentLinkedQueue<>();

    private FixtureResolver(Builder b) {
        Map<DomainName, Map<DnsType, List<DnsRecord>>> z = new LinkedHashMap<>();
        b.zone.forEach((name, byType) -> {
            Map<DnsType, List<DnsRecord>> copy = new LinkedHashMap<>();
            byType.forEach((t, l) -> copy.put(t, List.copyOf(l)));
            z.put(name, Collections.unmodifiableMap(copy));
        });
        this.zone = Collections.unmodifiableMap(z);
        Map<DomainName, Set<DnsType>> t = new HashMap<>();
        b.timeouts.forEach((n, types) -> t.put(n, Set.copyOf(types)));
        this.timeouts = Map.copyOf(t);
        Set<DomainName> ex = new HashSet<>();
        for (DomainName n : b.zone.keySet()) {
            for (DomainName p = n; !p.isRoot(); p = p.parent()) {
                ex.add(p);
            }
        }
        for (DomainName n : b.existing) {
            for (DomainName p = n; !p.isRoot(); p = p.parent()) {
                ex.add(p);
            }
        }
        this.existing = Set.copyOf(ex);
        this.ttl = b.ttl;
        this.recording = b.recording;
    }

    /** A builder for an empty zone. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public DnsAnswer lookup(DomainName name, DnsType type) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (recording) {
            queries.add(new Query(name, type));
        }
        DomainName current = name;
        List<DnsRecord> chain = new ArrayList<>();
        for (int hops = 0; hops <= MAX_CNAME_CHAIN; hops++) {
            Set<DnsType> timingOut = timeouts.get(current);
            if (timingOut != null && timingOut.contains(type)) {
                return new DnsAnswer.TempFailure(name, type, "timeout (fixture) at " + current);
            }
            Map<DnsType, List<DnsRecord>> byType = zone.get(current);
            List<DnsRecord> found = byType == null ? null : byType.get(type);
            if (found != null && !found.isEmpty()) {
                if (chain.isEmpty()) {
                    return new DnsAnswer.Records(name, type, found, ttl);
                }
                List<DnsRecord> all = new ArrayList<>(chain);
                all.addAll(found);
                return new DnsAnswer.Records(name, type, all.stream().filter(r -> r.type() == type).toList(), ttl);
            }
            List<DnsRecord> cname = byType == null ? null : byType.get(DnsType.CNAME);
            if (type != DnsType.CNAME && cname != null && !cname.isEmpty()) {
                chain.add(cname.get(0));
                current = ((DnsRecord.Cname) cname.get(0)).target();
                continue;
            }
            if (existing.contains(current)) {
                return new DnsAnswer.NoData(name, type, ttl);
            }
            return new DnsAnswer.NxDomain(name, type, ttl);
        }
        return new DnsAnswer.TempFailure(name, type, "CNAME chain longer than " + MAX_CNAME_CHAIN + " at " + name);
    }

    /** Every query answered so far, in order (empty when built with {@code recording(false)}). */
    public List<Query> queries() {
        return List.copyOf(queries);
    }

    /** Forgets the queries recorded so far. */
    public void clearQueries() {
        queries.clear();
    }

    /** The names this fixture holds records for. */
    public Set<DomainName> names() {
        return zone.keySet();
    }

    /** The records of {@code type} held at {@code name}, without following CNAMEs (empty when none). */
    public List<DnsRecord> recordsAt(DomainName name, DnsType type) {
        Map<DnsType, List<DnsRecord>> byType = zone.get(name);
        return byType == null ? List.of() : byType.getOrDefault(type, List.of());
    }

    /** True when queries for {@code type} at {@code name} are configured to time out. */
    public boolean timesOut(DomainName name, DnsType type) {
        Set<DnsType> t = timeouts.get(name);
        return t != null && t.contains(type);
    }

    /** Builds a {@link FixtureResolver}. */
    public static final class Builder {
        private final Map<DomainName, Map<DnsType, List<DnsRecord>>> zone = new LinkedHashMap<>();
        private final Map<DomainName, Set<DnsType>> timeouts = new HashMap<>();
        private final Set<DomainName> existing = new HashSet<>();
        private Duration ttl = Duration.ofSeconds(300);
        private boolean recording = true;

        private Builder() {
        }

        /** Adds records at {@code name}. */
        public Builder add(String name, DnsRecord... records) {
            return add(DomainName.of(name), List.of(records));
        }

        /** Adds records at {@code name}. */
        public Builder add(DomainName name, List<? extends DnsRecord> records) {
            Map<DnsType, List<DnsRecord>> byType = zone.computeIfAbsent(name, k -> new LinkedHashMap<>());
            for (DnsRecord r : records) {
                byType.computeIfAbsent(r.type(), k -> new ArrayList<>()).add(r);
            }
            return this;
        }

        /** Declares that {@code name} exists even with no records (queries give NODATA, not NXDOMAIN). */
        public Builder exists(DomainName name) {
            existing.add(name);
            return this;
        }

        /** Every query for {@code name} fails temporarily. */
        public Builder timeout(String name) {
            return timeout(DomainName.of(name));
        }

        /** Every query for {@code name} fails temporarily. */
        public Builder timeout(DomainName name) {
            timeouts.computeIfAbsent(name, k -> EnumSet.noneOf(DnsType.class)).addAll(EnumSet.allOf(DnsType.class));
            return this;
        }

        /** Queries of {@code type} for {@code name} fail temporarily. */
        public Builder timeout(DomainName name, DnsType type) {
            timeouts.computeIfAbsent(name, k -> EnumSet.noneOf(DnsType.class)).add(type);
            return this;
        }

        /** The TTL given on every answer (default 300 s). */
        public Builder ttl(Duration ttl) {
            this.ttl = Objects.requireNonNull(ttl, "ttl");
            return this;
        }

        /** Whether to record queries (default true); benchmarks and long batch runs turn it off. */
        public Builder recording(boolean recording) {
            this.recording = recording;
            return this;
        }

        /** Adds everything {@code other} holds (records, time-outs). */
        public Builder addAll(FixtureResolver other) {
            other.zone.forEach((n, byType) -> byType.forEach((t, l) -> add(n, l)));
            other.timeouts.forEach((n, types) ->
                    timeouts.computeIfAbsent(n, k -> EnumSet.noneOf(DnsType.class)).addAll(types));
            existing.addAll(other.existing);
            return this;
        }

        /** The resolver. */
        public FixtureResolver build() {
            return new FixtureResolver(this);
        }
    }
}
