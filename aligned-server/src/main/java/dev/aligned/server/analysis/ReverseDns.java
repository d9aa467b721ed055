package dev.aligned.server.analysis;

import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import dev.aligned.report.IpAddresses;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Reverse DNS for source IPs, forward-confirmed (the PTR name's A/AAAA records contain the IP), cached in the
 * {@code reverse_dns} table. Lookups happen only in {@link #enrich}, after storage; page views read the cache.
 */
final class ReverseDns {
    /** Most PTR names checked per IP (a PTR set can be long; the first few decide). */
    static final int MAX_NAMES = 3;
    /** Sources seen in this many recent days are enriched. */
    static final int RECENT_DAYS = 45;

    private final DnsResolver dns;
    private final Clock clock;
    private final Duration ttl;
    private final Duration retry;
    private final int concurrency;
    private final int budget;

    ReverseDns(DnsResolver dns, Clock clock, Duration ttl, Duration retry, int concurrency, int budget) {
        this.dns = dns;
        this.clock = clock;
        this.ttl = ttl;
        this.retry = retry;
        this.concurrency = concurrency;
        this.budget = budget;
    }

    /** Cached names for {@code ips} (expired entries included: a stale name beats none). */
    Map<String, ReverseName> cached(Queries q, List<String> ips) {
        Map<String, ReverseName> out = new HashMap<>();
        if (ips.isEmpty()) {
            return out;
        }
        return q.run("reading reverse DNS", c -> {
            for (int from = 0; from < ips.size(); from += 400) {
                List<String> part = ips.subList(from, Math.min(ips.size(), from + 400));
                String marks = String.join(", ", java.util.Collections.nCopies(part.size(), "?"));
                try (PreparedStatement ps = c.prepareStatement("SELECT ip, name, confirmed, state FROM reverse_dns "
                        + "WHERE ip IN (" + marks + ")")) {
                    for (int i = 0; i < part.size(); i++) {
                        ps.setString(i + 1, part.get(i));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.put(rs.getString(1), new ReverseName(rs.getString(2), rs.getInt(3) == 1,
                                    rs.getString(4)));
                        }
                    }
                }
            }
            return out;
        });
    }

    record Outcome(String ip, ReverseName name, boolean retrySoon) {
    }

    EnrichResult enrich(Queries q) {
        long now = clock.millis();
        int since = (int) LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(RECENT_DAYS).toEpochDay();
        List<String> todo = new ArrayList<>();
        long[] waiting = new long[1];
        q.run("choosing IPs for reverse DNS", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT s.source_ip, SUM(s.messages) FROM source_day_counts s "
                    + "LEFT JOIN reverse_dns r ON r.ip = s.source_ip WHERE s.day >= ? "
                    + "AND (r.ip IS NULL OR r.expires_at < ?) GROUP BY s.source_ip ORDER BY 2 DESC, 1")) {
                ps.setInt(1, since);
                ps.setLong(2, now);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (todo.size() < budget) {
                            todo.add(rs.getString(1));
                        } else {
                            waiting[0]++;
                        }
                    }
                }
            }
            return null;
        });
        List<Outcome> outcomes = new ArrayList<>(todo.size());
        Semaphore permits = new Semaphore(concurrency);
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (String ip : todo) {
                futures.add(ex.submit(() -> {
                    permits.acquire();
                    try {
                        return lookup(ip);
                    } finally {
                        permits.release();
                    }
                }));
            }
            for (Future<Outcome> f : futures) {
                try {
                    outcomes.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("reverse DNS lookup failed unexpectedly: " + e.getCause(),
                            e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        int confirmed = 0;
        int unconfirmed = 0;
        int none = 0;
        int unavailable = 0;
        for (Outcome o : outcomes) {
            switch (o.name().state()) {
                case "confirmed" -> confirmed++;
                case "unconfirmed" -> unconfirmed++;
                case "none" -> none++;
                default -> unavailable++;
            }
        }
        q.run("caching reverse DNS", c -> {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO reverse_dns (ip, name, confirmed, state, "
                    + "checked_at, expires_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (ip) DO UPDATE SET "
                    + "name = excluded.name, confirmed = excluded.confirmed, state = excluded.state, "
                    + "checked_at = excluded.checked_at, expires_at = excluded.expires_at")) {
                for (Outcome o : outcomes) {
                    ps.setString(1, o.ip());
                    ps.setString(2, o.name().name());
                    ps.setInt(3, o.name().forwardConfirmed() ? 1 : 0);
                    ps.setString(4, o.name().state());
                    ps.setLong(5, now);
                    ps.setLong(6, now + (o.retrySoon() ? retry : ttl).toMillis());
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (java.sql.SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            return null;
        });
        return new EnrichResult(outcomes.size(), confirmed, unconfirmed, none, unavailable,
                (int) Math.min(Integer.MAX_VALUE, waiting[0] + todo.size() - outcomes.size()));
    }

    /** PTR then forward confirmation for one IP. Never throws for what DNS answers. */
    Outcome lookup(String ipText) {
        Optional<String> canonical = IpAddresses.canonical(ipText);
        if (canonical.isEmpty()) {
            return new Outcome(ipText, new ReverseName("", false, "none"), false);
        }
        InetAddress ip;
        try {
            ip = InetAddress.getByName(canonical.get()); // a literal: no lookup
        } catch (UnknownHostException e) {
            return new Outcome(ipText, new ReverseName("", false, "none"), false);
        }
        DomainName reverse = DomainName.of(reverseName(ip));
        DnsAnswer ptr = dns.lookup(reverse, DnsType.PTR);
        return switch (ptr) {
            case DnsAnswer.NxDomain n -> new Outcome(ipText, new ReverseName("", false, "none"), false);
            case DnsAnswer.NoData n -> new Outcome(ipText, new ReverseName("", false, "none"), false);
            case DnsAnswer.TempFailure f -> new Outcome(ipText, new ReverseName("", false, "unavailable"), true);
            case DnsAnswer.Records r -> confirm(ipText, ip, r.of(DnsRecord.Ptr.class));
        };
    }

    private Outcome confirm(String ipText, InetAddress ip, List<DnsRecord.Ptr> ptrs) {
        if (ptrs.isEmpty()) {
            return new Outcome(ipText, new ReverseName("", false, "none"), false);
        }
        DnsType type = ip.getAddress().length == 4 ? DnsType.A : DnsType.AAAA;
        boolean anyFailure = false;
        for (DnsRecord.Ptr p : ptrs.subList(0, Math.min(MAX_NAMES, ptrs.size()))) {
            DnsAnswer fwd = dns.lookup(p.target(), type);
            if (fwd instanceof DnsAnswer.Records r && r.records().stream().anyMatch(x ->
                    x instanceof DnsRecord.A v4 && v4.address().equals(ip)
                            || x instanceof DnsRecord.Aaaa v6 && v6.address().equals(ip))) {
                return new Outcome(ipText, new ReverseName(p.target().name(), true, "confirmed"), false);
            }
            anyFailure |= fwd instanceof DnsAnswer.TempFailure;
        }
        return new Outcome(ipText, new ReverseName(ptrs.get(0).target().name(), false, "unconfirmed"), anyFailure);
    }

    static String reverseName(InetAddress ip) {
        byte[] b = ip.getAddress();
        StringBuilder sb = new StringBuilder();
        if (b.length == 4) {
            for (int i = 3; i >= 0; i--) {
                sb.append(b[i] & 0xFF).append('.');
            }
            return sb.append("in-addr.arpa").toString();
        }
        for (int i = 15; i >= 0; i--) {
            sb.append(Character.forDigit(b[i] & 0xF, 16)).append('.')
                    .append(Character.forDigit((b[i] >> 4) & 0xF, 16)).append('.');
        }
        return sb.append("ip6.arpa").toString();
    }
}
