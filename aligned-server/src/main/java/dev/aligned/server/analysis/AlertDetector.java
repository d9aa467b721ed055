package dev.aligned.server.analysis;

import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds what is worth an alert and sends each alert once to every sink: a new sending source, a DMARC pass-rate
 * drop, an input that failed to parse, a DNS record (SPF, DMARC, DKIM for the selectors seen) that changed.
 * Deduplication and the last seen state live in the database ({@code alerts_sent}, {@code known_sources},
 * {@code dns_snapshots}), so several nodes and restarts do not repeat an alert.
 *
 * <pre>{@code
 * AlertDetector alerts = AlertDetector.builder(analysis)
 *         .sink(AlertSink.webhook(URI.create("https://hooks.example.com/dmarc"), Duration.ofSeconds(10)))
 *         .passRateDrop(0.10).build();
 * AlertDetector.Run run = alerts.run();        // after each ingest, or on a timer
 * }</pre>
 */
public final class AlertDetector {
    /** Most new-source alerts per domain and run; the rest are summed into one alert. */
    public static final int MAX_SOURCE_ALERTS = 10;

    private final Analysis analysis;
    private final List<AlertSink> sinks;
    private final double dropThreshold;
    private final int baselineDays;
    private final long minMessages;

    private AlertDetector(Builder b) {
        this.analysis = b.analysis;
        this.sinks = List.copyOf(b.sinks);
        this.dropThreshold = b.dropThreshold;
        this.baselineDays = b.baselineDays;
        this.minMessages = b.minMessages;
    }

    /** A builder over an open {@link Analysis}. */
    public static Builder builder(Analysis analysis) {
        return new Builder(Objects.requireNonNull(analysis, "analysis"));
    }

    /**
     * What one run did.
     *
     * @param raised the new alerts (each sent to every sink)
     * @param failures deliveries that failed; their alerts are raised again on the next run
     */
    public record Run(List<Alert> raised, List<String> failures) {
        public Run {
            raised = List.copyOf(raised);
            failures = List.copyOf(failures);
        }
    }

    /** Detects, sends what was not sent before, and records it as sent when at least one sink took it. */
    public Run run() {
        List<Alert> fresh = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Alert a : detect()) {
            if (alreadySent(a)) {
                continue;
            }
            boolean delivered = sinks.isEmpty();
            for (AlertSink s : sinks) {
                AlertSink.Delivery d = s.send(a);
                if (d.delivered()) {
                    delivered = true;
                } else {
                    failures.add(s + ": " + a.title() + ": " + d.detail());
                }
            }
            if (delivered) {
                markSent(a);
                fresh.add(a);
            }
        }
        return new Run(fresh, failures);
    }

    /** Every alert the current state calls for (sent or not); updates known sources and DNS snapshots. */
    List<Alert> detect() {
        List<Alert> out = new ArrayList<>();
        Instant now = analysis.clock().instant();
        for (String domain : analysis.domains()) {
            out.addAll(newSources(domain, now));
            passRateDrop(domain, now).ifPresent(out::add);
            out.addAll(dnsChanges(domain, now));
        }
        out.addAll(parseFailures(now));
        return out;
    }

    private Queries q() {
        return analysis.queries();
    }

    private boolean alreadySent(Alert a) {
        return q().run("reading sent alerts", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM alerts_sent WHERE kind = ? AND domain = ? "
                    + "AND akey = ?")) {
                ps.setString(1, a.kind());
                ps.setString(2, a.domain());
                ps.setString(3, a.key());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    private void markSent(Alert a) {
        q().run("recording a sent alert", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO alerts_sent (kind, domain, akey, title, "
                    + "sent_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, domain, akey) DO NOTHING")) {
                ps.setString(1, a.kind());
                ps.setString(2, a.domain());
                ps.setString(3, a.key());
                ps.setString(4, a.title());
                ps.setLong(5, a.at().toEpochMilli());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Sources not seen before for the domain. The first run for a domain learns its sources without alerting
     * (else every source would be "new").
     */
    List<Alert> newSources(String domain, Instant now) {
        return q().run("finding new sources of " + domain, c -> {
            boolean first = !exists(c, "SELECT 1 FROM known_sources WHERE domain = ? LIMIT 1", domain);
            List<String[]> fresh = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT s.source_ip, MIN(s.day), SUM(s.messages) "
                    + "FROM source_day_counts s LEFT JOIN known_sources k ON k.domain = s.domain AND k.source_ip = "
                    + "s.source_ip WHERE s.domain = ? AND k.source_ip IS NULL GROUP BY s.source_ip ORDER BY 3 DESC")) {
                ps.setString(1, domain);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        fresh.add(new String[] {rs.getString(1), Integer.toString(rs.getInt(2)),
                                Long.toString(rs.getLong(3))});
                    }
                }
            }
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO known_sources (domain, source_ip, first_day) "
                    + "VALUES (?, ?, ?) ON CONFLICT (domain, source_ip) DO NOTHING")) {
                for (String[] f : fresh) {
                    ps.setString(1, domain);
                    ps.setString(2, f[0]);
                    ps.setInt(3, Integer.parseInt(f[1]));
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            List<Alert> out = new ArrayList<>();
            if (first) {
                return out;
            }
            for (int i = 0; i < fresh.size() && i < MAX_SOURCE_ALERTS; i++) {
                String[] f = fresh.get(i);
                out.add(new Alert("new-source", domain, f[0], "New sending source " + f[0] + " for " + domain,
                        f[2] + " messages from " + f[0] + " since " + LocalDate.ofEpochDay(Integer.parseInt(f[1]))
                                + ". If it is one of your services, make sure it passes DMARC; otherwise it may be "
                                + "spoofing " + domain + ".", now));
            }
            if (fresh.size() > MAX_SOURCE_ALERTS) {
                long rest = 0;
                for (int i = MAX_SOURCE_ALERTS; i < fresh.size(); i++) {
                    rest += Long.parseLong(fresh.get(i)[2]);
                }
                out.add(new Alert("new-source", domain, "more:" + fresh.get(MAX_SOURCE_ALERTS)[0],
                        (fresh.size() - MAX_SOURCE_ALERTS) + " more new sending sources for " + domain,
                        rest + " messages from " + (fresh.size() - MAX_SOURCE_ALERTS) + " further new IPs.", now));
            }
            return out;
        });
    }

    /** The latest report day's DMARC pass rate against the {@code baselineDays} before it. */
    Optional<Alert> passRateDrop(String domain, Instant now) {
        return q().run("checking the pass rate of " + domain, c -> {
            int latest;
            try (PreparedStatement ps = c.prepareStatement("SELECT MAX(day) FROM daily_totals WHERE domain = ?")) {
                ps.setString(1, domain);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    latest = rs.getInt(1);
                    if (rs.wasNull()) {
                        return Optional.<Alert>empty();
                    }
                }
            }
            long[] day = sums(c, domain, latest, latest);
            long[] base = sums(c, domain, latest - baselineDays, latest - 1);
            if (day[0] < minMessages || base[0] < minMessages) {
                return Optional.<Alert>empty();
            }
            double rate = (double) day[1] / day[0];
            double baseRate = (double) base[1] / base[0];
            if (baseRate - rate < dropThreshold) {
                return Optional.<Alert>empty();
            }
            LocalDate d = LocalDate.ofEpochDay(latest);
            return Optional.of(new Alert("pass-rate-drop", domain, d.toString(), String.format(java.util.Locale.ROOT,
                    "DMARC pass rate of %s fell to %.1f%% on %s", domain, 100 * rate, d), String.format(
                    java.util.Locale.ROOT, "%.1f%% of %d messages passed DMARC on %s, against %.1f%% of %d in the %d "
                            + "days before. Open the sources of %s to see which sender started failing.", 100 * rate,
                    day[0], d, 100 * baseRate, base[0], baselineDays, domain), now));
        });
    }

    private static long[] sums(Connection c, String domain, int from, int to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(messages), 0), COALESCE(SUM(CASE WHEN "
                + "dkim = 'pass' OR spf = 'pass' THEN messages ELSE 0 END), 0) FROM daily_totals WHERE domain = ? "
                + "AND day >= ? AND day <= ?")) {
            ps.setString(1, domain);
            ps.setInt(2, from);
            ps.setInt(3, to);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    /** Inputs whose latest attempt failed or partly failed, with their errors. */
    List<Alert> parseFailures(Instant now) {
        return q().run("finding parse failures", c -> {
            List<Alert> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT a.id, a.blob_sha256, a.source, a.outcome, "
                    + "a.finished_at FROM ingest_attempts a WHERE a.outcome IN ('failed', 'partial') "
                    + "ORDER BY a.id DESC LIMIT 100");
                 PreparedStatement errs = c.prepareStatement("SELECT source, error FROM ingest_errors "
                         + "WHERE attempt_id = ? ORDER BY n LIMIT 5")) {
                try (ResultSet rs = ps.executeQuery()) {
                    List<Object[]> rows = new ArrayList<>();
                    while (rs.next()) {
                        rows.add(new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)});
                    }
                    for (Object[] r : rows) {
                        StringBuilder detail = new StringBuilder("Input " + r[2] + " (SHA-256 " + r[1] + ") "
                                + (r[3].equals("failed") ? "could not be parsed" : "was only partly parsed") + ":");
                        errs.setLong(1, (Long) r[0]);
                        try (ResultSet e = errs.executeQuery()) {
                            while (e.next()) {
                                detail.append("\n- ").append(e.getString(1)).append(": ").append(e.getString(2));
                            }
                        }
                        detail.append("\nThe original is archived; it can be parsed again after an upgrade.");
                        out.add(new Alert("parse-failure", "", (String) r[1], "A report failed to parse: " + r[2],
                                detail.toString(), now));
                    }
                }
            }
            return out;
        });
    }

    /** SPF, DMARC and DKIM (selectors seen) records whose text differs from the last seen text. */
    List<Alert> dnsChanges(String domain, Instant now) {
        List<Alert> out = new ArrayList<>();
        Optional<DomainName> name = DomainName.parse(domain);
        if (name.isEmpty()) {
            return out;
        }
        List<String[]> seen = new ArrayList<>();
        txt(name.get(), "v=spf1").ifPresent(t -> seen.add(new String[] {"spf", t}));
        DomainName.parse("_dmarc." + domain).flatMap(n -> txt(n, "v=dmarc1"))
                .ifPresent(t -> seen.add(new String[] {"dmarc", t}));
        for (String sel : analysis.selectors(domain)) {
            DomainName.parse(sel + "._domainkey." + domain).flatMap(n -> txt(n, ""))
                    .ifPresent(t -> seen.add(new String[] {"dkim:" + sel, t}));
        }
        return q().run("comparing DNS records of " + domain, c -> {
            for (String[] s : seen) {
                Optional<String> before = Optional.empty();
                try (PreparedStatement ps = c.prepareStatement("SELECT text FROM dns_snapshots WHERE domain = ? "
                        + "AND rtype = ?")) {
                    ps.setString(1, domain);
                    ps.setString(2, s[0]);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            before = Optional.of(rs.getString(1));
                        }
                    }
                }
                if (before.isPresent() && before.get().equals(s[1])) {
                    continue;
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO dns_snapshots (domain, rtype, text, "
                        + "seen_at) VALUES (?, ?, ?, ?) ON CONFLICT (domain, rtype) DO UPDATE SET text = "
                        + "excluded.text, seen_at = excluded.seen_at")) {
                    ps.setString(1, domain);
                    ps.setString(2, s[0]);
                    ps.setString(3, s[1]);
                    ps.setLong(4, now.toEpochMilli());
                    ps.executeUpdate();
                }
                if (before.isPresent()) {
                    String label = s[0].toUpperCase(java.util.Locale.ROOT).replace("DKIM:", "DKIM selector ");
                    out.add(new Alert("dns-changed", domain, s[0] + ":" + Integer.toHexString(s[1].hashCode()),
                            label + " record of " + domain + " changed", "Before: " + (before.get().isEmpty()
                                    ? "(none)" : before.get()) + "\nNow: " + (s[1].isEmpty() ? "(none)" : s[1])
                                    + "\nIf you did not make this change, check who can edit the zone of " + domain
                                    + ".", now));
                }
            }
            return out;
        });
    }

    /**
     * The TXT record starting with {@code prefix} (case-insensitive; any when empty), "" when there is none, or
     * empty when DNS failed (a failure is not a change).
     */
    private Optional<String> txt(DomainName name, String prefix) {
        DnsAnswer a = analysis.dns().lookup(name, DnsType.TXT);
        return switch (a) {
            case DnsAnswer.TempFailure f -> Optional.empty();
            case DnsAnswer.NxDomain n -> Optional.of("");
            case DnsAnswer.NoData n -> Optional.of("");
            case DnsAnswer.Records r -> Optional.of(r.of(DnsRecord.Txt.class).stream().map(DnsRecord.Txt::text)
                    .filter(t -> t.toLowerCase(java.util.Locale.ROOT).startsWith(prefix)).sorted()
                    .reduce((x, y) -> x + "\n" + y).orElse(""));
        };
    }

    private static boolean exists(Connection c, String sql, String domain) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, domain);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Builds an {@link AlertDetector}. */
    public static final class Builder {
        private final Analysis analysis;
        private final List<AlertSink> sinks = new ArrayList<>();
        private double dropThreshold = 0.10;
        private int baselineDays = 7;
        private long minMessages = 100;

        Builder(Analysis analysis) {
            this.analysis = analysis;
        }

        /** Adds a sink; alerts go to every sink. */
        public Builder sink(AlertSink sink) {
            sinks.add(Objects.requireNonNull(sink, "sink"));
            return this;
        }

        /** The drop in pass rate (0..1, absolute, default 0.10) against the baseline that raises an alert. */
        public Builder passRateDrop(double threshold) {
            if (!(threshold > 0 && threshold <= 1)) {
                throw new IllegalArgumentException("pass-rate drop threshold must be in (0, 1], got " + threshold);
            }
            this.dropThreshold = threshold;
            return this;
        }

        /** The days before the latest report day the rate is compared with (default 7). */
        public Builder baselineDays(int days) {
            if (days < 1 || days > 365) {
                throw new IllegalArgumentException("baseline days must be 1..365, got " + days);
            }
            this.baselineDays = days;
            return this;
        }

        /** Fewer messages than this on the day or in the baseline raise no pass-rate alert (default 100). */
        public Builder minMessages(long min) {
            if (min < 1) {
                throw new IllegalArgumentException("min messages must be >= 1, got " + min);
            }
            this.minMessages = min;
            return this;
        }

        /** The detector. */
        public AlertDetector build() {
            return new AlertDetector(this);
        }
    }
}
