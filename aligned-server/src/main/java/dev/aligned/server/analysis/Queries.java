package dev.aligned.server.analysis;

import dev.aligned.store.IpDays;
import dev.aligned.store.SourceReporters;
import dev.aligned.store.StoredRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The SQL of the analysis stage over a small pool of connections ({@link #MAX_CONNECTIONS}). Reads the V3 rollups
 * ({@code daily_totals}, {@code source_days}); only {@link #source} reads record packs (schema 9), those of one IP
 * found day by day ({@link IpDays}, schema 12): its reporters ({@link SourceReporters}, one pack per report) and
 * its newest {@link Analysis#MAX_DETAIL_RECORDS} records. Results of the heavier per-period queries are cached until
 * a report is stored (the highest report id changes).
 */
final class Queries implements AutoCloseable {
    private final Pool pool;
    private final boolean postgres;
    private final Clock clock;
    private final Map<Object, Object> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Object, Object> e) {
            return size() > 256;
        }
    };
    private final boolean caching;

    private Queries(Pool pool, boolean postgres, Clock clock, boolean caching) {
        this.pool = pool;
        this.postgres = postgres;
        this.clock = clock;
        this.caching = caching;
    }

    /** Most connections one instance opens: page requests run in parallel up to this many. */
    static final int MAX_CONNECTIONS = 4;

    static Queries open(String url, String user, String password, Clock clock, boolean caching) {
        boolean pg = url.toLowerCase(java.util.Locale.ROOT).startsWith("jdbc:postgresql:");
        javax.sql.DataSource ds;
        if (pg) {
            PGSimpleDataSource p = new PGSimpleDataSource();
            p.setURL(url);
            if (user != null) {
                p.setUser(user);
            }
            if (password != null) {
                p.setPassword(password);
            }
            ds = p;
        } else {
            SQLiteConfig cfg = new SQLiteConfig();
            cfg.setJournalMode(SQLiteConfig.JournalMode.WAL); // readers run beside each other and beside the writer
            cfg.setBusyTimeout(30_000);
            cfg.setCacheSize(-64_000); // 64 MB page cache: the rollups of a busy year stay in memory
            SQLiteDataSource s = new SQLiteDataSource(cfg);
            s.setUrl(url);
            ds = s;
        }
        Pool pool = new Pool(ds, display(url), MAX_CONNECTIONS);
        pool.release(pool.acquire()); // fail here, not on the first page, when the database cannot be opened
        return new Queries(pool, pg, clock, caching);
    }

    /**
     * A small bounded pool: connections opened on demand up to {@code max}, handed out one caller at a time and
     * returned in auto-commit mode (a connection left in a transaction is closed instead of reused).
     */
    static final class Pool {
        private final javax.sql.DataSource ds;
        private final String display;
        private final java.util.concurrent.Semaphore permits;
        private final java.util.concurrent.ConcurrentLinkedDeque<Connection> idle =
                new java.util.concurrent.ConcurrentLinkedDeque<>();
        private volatile boolean closed;

        Pool(javax.sql.DataSource ds, String display, int max) {
            this.ds = ds;
            this.display = display;
            this.permits = new java.util.concurrent.Semaphore(max, true);
        }

        Connection acquire() {
            if (closed) {
                throw new AnalysisException("the analysis of " + display + " is closed", null);
            }
            permits.acquireUninterruptibly();
            Connection c = idle.pollFirst();
            if (c != null) {
                return c;
            }
            try {
                c = ds.getConnection();
                c.setAutoCommit(true);
                return c;
            } catch (SQLException e) {
                permits.release();
                throw new AnalysisException("cannot open " + display + ": " + e.getMessage(), e);
            }
        }

        void release(Connection c) {
            try {
                if (closed || c.isClosed() || !c.getAutoCommit()) {
                    c.close();
                } else {
                    idle.addFirst(c);
                }
            } catch (SQLException e) {
                // a broken connection is dropped; the next caller opens a new one
            } finally {
                permits.release();
            }
        }

        void close() throws SQLException {
            closed = true;
            SQLException first = null;
            for (Connection c; (c = idle.pollFirst()) != null;) {
                try {
                    c.close();
                } catch (SQLException e) {
                    first = first == null ? e : first;
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }

    private static String display(String url) {
        return url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
    }

    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    <T> T run(String what, Work<T> work) {
        Connection c = pool.acquire();
        try {
            return work.run(c);
        } catch (SQLException e) {
            throw new AnalysisException(what + " failed: " + e.getMessage(), e);
        } finally {
            pool.release(c);
        }
    }

    /** The highest report id of {@code domain} (0 when none): changes whenever a report for it is stored. */
    long version(String domain) {
        return run("reading the version of " + domain, c -> version(c, domain));
    }

    private static long version(Connection c, String domain) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(domain == null ? "SELECT COALESCE(MAX(id), 0) FROM reports"
                : "SELECT COALESCE(MAX(id), 0) FROM reports WHERE domain = ?")) {
            if (domain != null) {
                ps.setString(1, domain);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private record Versioned(long version, Object value) {
    }

    /**
     * A cached result for {@code key}, recomputed when a report for {@code domain} (any domain when null) was
     * stored since.
     */
    @SuppressWarnings("unchecked")
    <T> T cached(String domain, Object key, java.util.function.Supplier<T> compute) {
        if (!caching) {
            return compute.get();
        }
        long version = version(domain);
        synchronized (cache) {
            if (cache.get(key) instanceof Versioned v && v.version() == version) {
                return (T) v.value();
            }
        }
        T t = compute.get();
        synchronized (cache) {
            cache.put(key, new Versioned(version, t));
        }
        return t;
    }

    Clock clock() {
        return clock;
    }

    // ------------------------------------------------------------------ domains and overview

    List<String> domains() {
        return run("listing domains", c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT domain FROM daily_totals ORDER BY domain");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return List.copyOf(out);
        });
    }

    private static final String VOLUME_SUMS = "SUM(messages), "
            + "SUM(CASE WHEN dkim = 'pass' OR spf = 'pass' THEN messages ELSE 0 END), "
            + "SUM(CASE WHEN dkim_aligned = 1 THEN messages ELSE 0 END), "
            + "SUM(CASE WHEN spf_aligned = 1 THEN messages ELSE 0 END)";

    private static Volume volume(ResultSet rs, int first) throws SQLException {
        return Volume.of(rs.getLong(first), rs.getLong(first + 1), rs.getLong(first + 2), rs.getLong(first + 3));
    }

    List<DomainSummary> overview(Period p) {
        return cached(null, List.of("overview", p), () -> run("reading the overview", c -> {
            List<DomainSummary> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT domain, " + VOLUME_SUMS + ", "
                    + "SUM(CASE WHEN disposition = 'quarantine' THEN messages ELSE 0 END), "
                    + "SUM(CASE WHEN disposition = 'reject' THEN messages ELSE 0 END), MAX(day) "
                    + "FROM daily_totals WHERE day >= ? AND day <= ? GROUP BY domain ORDER BY 2 DESC, domain")) {
                ps.setInt(1, p.fromEpochDay());
                ps.setInt(2, p.toEpochDay());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new DomainSummary(rs.getString(1), volume(rs, 2), rs.getLong(6), rs.getLong(7),
                                LocalDate.ofEpochDay(rs.getInt(8)), ""));
                    }
                }
            }
            List<DomainSummary> withPolicy = new ArrayList<>(out.size());
            for (DomainSummary d : out) {
                withPolicy.add(new DomainSummary(d.domain(), d.volume(), d.quarantined(), d.rejected(),
                        d.lastReportDay(), latestPolicy(c, d.domain()).map(LatestPolicy::p).orElse("")));
            }
            return List.copyOf(withPolicy);
        }));
    }

    /** The policy published in the domain's latest report. */
    record LatestPolicy(String p, int pct, boolean testing, String adkim, String aspf) {
    }

    Optional<LatestPolicy> latestPolicy(String domain) {
        return run("reading the latest policy", c -> latestPolicy(c, domain));
    }

    private static Optional<LatestPolicy> latestPolicy(Connection c, String domain) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT policy_p, policy_pct, policy_testing, policy_adkim, "
                + "policy_aspf FROM reports WHERE domain = ? ORDER BY day DESC, id DESC LIMIT 1")) {
            ps.setString(1, domain);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                int pct = rs.getInt(2);
                if (rs.wasNull()) {
                    pct = 100;
                }
                return Optional.of(new LatestPolicy(nz(rs.getString(1)), pct, "y".equals(rs.getString(3)),
                        nz(rs.getString(4)), nz(rs.getString(5))));
            }
        }
    }

    static String nz(String s) {
        return s == null ? "" : s;
    }

    // ------------------------------------------------------------------ one domain

    DomainStats domain(String domain, Period p) {
        return cached(domain, List.of("domain", domain, p), () -> run("reading " + domain, c -> {
            Map<LocalDate, Volume> days = new java.util.TreeMap<>();
            Map<String, Long> dispositions = new java.util.TreeMap<>();
            Volume total = Volume.ZERO;
            try (PreparedStatement ps = c.prepareStatement("SELECT day, disposition, " + VOLUME_SUMS
                    + " FROM daily_totals WHERE domain = ? AND day >= ? AND day <= ? GROUP BY day, disposition")) {
                ps.setString(1, domain);
                ps.setInt(2, p.fromEpochDay());
                ps.setInt(3, p.toEpochDay());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Volume v = volume(rs, 3);
                        days.merge(LocalDate.ofEpochDay(rs.getInt(1)), v, Volume::plus);
                        dispositions.merge(rs.getString(2), v.messages(), Long::sum);
                        total = total.plus(v);
                    }
                }
            }
            Optional<long[]> window = window(c, domain, p);
            long sources = window.isPresent() ? window.get()[0] : count(c, "SELECT COUNT(DISTINCT source_ip) "
                    + "FROM source_day_counts WHERE domain = ? AND day >= ? AND day <= ?", domain, p);
            long reports = count(c, "SELECT COUNT(*) FROM reports WHERE domain = ? AND day >= ? AND day <= ? "
                    + "AND in_rollups = 1",
                    domain, p);
            List<TrendPoint> trend = new ArrayList<>();
            days.forEach((d, v) -> trend.add(new TrendPoint(d, v)));
            List<DispositionCount> disp = new ArrayList<>();
            dispositions.forEach((d, n) -> disp.add(new DispositionCount(d, n)));
            disp.sort((a, b) -> Long.compare(b.messages(), a.messages()));
            return new DomainStats(domain, p, total, disp, trend, sources, reports);
        }));
    }

    private static long count(Connection c, String sql, String domain, Period p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, domain);
            ps.setInt(2, p.fromEpochDay());
            ps.setInt(3, p.toEpochDay());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    // ------------------------------------------------------------------ sources

    /**
     * What classification needs about one source, summed over a period.
     *
     * @param forwardedReason messages whose policy_evaluated carried forwarded/trusted_forwarder/mailing_list
     * @param dkimPassAny messages with any passing DKIM signature (aligned or not)
     * @param spfPassAny messages with a passing SPF check (aligned or not)
     * @param dkimAuth the most common DKIM detail ({@code d/s=result ...}) among failing messages, else overall
     * @param spfAuth the same for SPF ({@code domain=result ...})
     */
    record SourceFacts(String ip, Volume volume, long forwardedReason, long dkimPassAny, long spfPassAny,
            String dkimAuth, String spfAuth, String headerFrom) {
    }

    private static final String SOURCE_SUMS = "SUM(messages), "
            + "SUM(CASE WHEN dkim = 'pass' OR spf = 'pass' THEN messages ELSE 0 END), "
            + "SUM(CASE WHEN dkim_aligned = 1 THEN messages ELSE 0 END), "
            + "SUM(CASE WHEN spf_aligned = 1 THEN messages ELSE 0 END), "
            + "SUM(CASE WHEN reasons LIKE '%forward%' OR reasons LIKE '%mailing_list%' THEN messages ELSE 0 END), "
            + "SUM(CASE WHEN dkim_auth LIKE '%=pass%' THEN messages ELSE 0 END), "
            + "SUM(CASE WHEN spf_auth LIKE '%=pass%' THEN messages ELSE 0 END), "
            + "MAX(CASE WHEN dkim_aligned = 0 AND spf_aligned = 0 THEN dkim_auth END), MAX(dkim_auth), "
            + "MAX(CASE WHEN dkim_aligned = 0 AND spf_aligned = 0 THEN spf_auth END), MAX(spf_auth), "
            + "MAX(header_from)";

    private static SourceFacts facts(ResultSet rs, String ip, int first) throws SQLException {
        String dkimFail = rs.getString(first + 7);
        String spfFail = rs.getString(first + 9);
        return new SourceFacts(ip, volume(rs, first), rs.getLong(first + 4), rs.getLong(first + 5),
                rs.getLong(first + 6), dkimFail != null ? dkimFail : nz(rs.getString(first + 8)),
                spfFail != null ? spfFail : nz(rs.getString(first + 10)), nz(rs.getString(first + 11)));
    }

    record SourceTable(List<SourceFacts> top, long total, long otherSources, long otherMessages, long otherPass) {
    }

    /**
     * The sources of a domain over {@code p}, the first {@code max} by messages. Read from a precomputed window
     * ({@code source_windows}, see {@link #refreshWindows}) when one matches the period and is current, else
     * grouped from {@code source_days}.
     */
    SourceTable sourceFacts(String domain, Period p, int max) {
        return cached(domain, List.of("sources", domain, p, max), () -> run("reading the sources of " + domain, c -> {
            if (max <= Analysis.MAX_SOURCE_ROWS) {
                Optional<SourceTable> w = windowRows(c, domain, p, max);
                if (w.isPresent()) {
                    return w.get();
                }
            }
            return live(c, domain, p, max);
        }));
    }

    private static SourceTable live(Connection c, String domain, Period p, int max) throws SQLException {
        List<SourceFacts> all = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT source_ip, " + SOURCE_SUMS + " FROM source_days "
                + "WHERE domain = ? AND day >= ? AND day <= ? GROUP BY source_ip")) {
            ps.setString(1, domain);
            ps.setInt(2, p.fromEpochDay());
            ps.setInt(3, p.toEpochDay());
            ps.setFetchSize(5000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    all.add(facts(rs, rs.getString(1), 2));
                }
            }
        }
        all.sort((a, b) -> a.volume().messages() != b.volume().messages()
                ? Long.compare(b.volume().messages(), a.volume().messages()) : a.ip().compareTo(b.ip()));
        List<SourceFacts> top = List.copyOf(all.subList(0, Math.min(max, all.size())));
        long otherMessages = 0;
        long otherPass = 0;
        for (int i = top.size(); i < all.size(); i++) {
            otherMessages += all.get(i).volume().messages();
            otherPass += all.get(i).volume().dmarcPass();
        }
        return new SourceTable(top, all.size(), all.size() - top.size(), otherMessages, otherPass);
    }

    /** A current window for exactly this period: {total_sources, other_sources, other_messages, other_pass}. */
    private static Optional<long[]> window(Connection c, String domain, Period p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT total_sources, other_sources, other_messages, "
                + "other_pass, version FROM source_windows WHERE domain = ? AND from_day = ? AND to_day = ?")) {
            ps.setString(1, domain);
            ps.setInt(2, p.fromEpochDay());
            ps.setInt(3, p.toEpochDay());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getLong(5) != version(c, domain)) {
                    return Optional.empty();
                }
                return Optional.of(new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)});
            }
        }
    }

    private static Optional<SourceTable> windowRows(Connection c, String domain, Period p, int max)
            throws SQLException {
        Optional<long[]> w = window(c, domain, p);
        if (w.isEmpty()) {
            return Optional.empty();
        }
        List<SourceFacts> rows = new ArrayList<>();
        long extraMessages = 0;
        long extraPass = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT source_ip, messages, dmarc_pass, dkim_aligned, "
                + "spf_aligned, forwarded, dkim_pass_any, spf_pass_any, dkim_auth, spf_auth, header_from "
                + "FROM source_window_rows WHERE domain = ? AND from_day = ? AND to_day = ? ORDER BY rank")) {
            ps.setString(1, domain);
            ps.setInt(2, p.fromEpochDay());
            ps.setInt(3, p.toEpochDay());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    SourceFacts f = new SourceFacts(rs.getString(1), Volume.of(rs.getLong(2), rs.getLong(3),
                            rs.getLong(4), rs.getLong(5)), rs.getLong(6), rs.getLong(7), rs.getLong(8),
                            rs.getString(9), rs.getString(10), rs.getString(11));
                    if (rows.size() < max) {
                        rows.add(f);
                    } else {
                        extraMessages += f.volume().messages();
                        extraPass += f.volume().dmarcPass();
                    }
                }
            }
        }
        long[] v = w.get();
        return Optional.of(new SourceTable(List.copyOf(rows), v[0], v[0] - rows.size(), v[2] + extraMessages,
                v[3] + extraPass));
    }

    /**
     * Computes the source windows of every domain for the last {@code days} days ending today (by the clock), for
     * each entry of {@code days}, unless already current; drops windows that ended before yesterday.
     *
     * @return how many windows were computed
     */
    int refreshWindows(List<Integer> days) {
        int computed = 0;
        for (String domain : domains()) {
            for (int n : days) {
                Period p = Period.lastDays(n, clock);
                computed += run("refreshing the sources of " + domain, c -> {
                    if (window(c, domain, p).isPresent()) {
                        return 0;
                    }
                    long version = version(c, domain);
                    SourceTable t = live(c, domain, p, Analysis.MAX_SOURCE_ROWS);
                    c.setAutoCommit(false);
                    try {
                        int today = p.toEpochDay();
                        for (String table : List.of("source_window_rows", "source_windows")) {
                            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE domain = ? "
                                    + "AND ((from_day = ? AND to_day = ?) OR to_day < ?)")) {
                                ps.setString(1, domain);
                                ps.setInt(2, p.fromEpochDay());
                                ps.setInt(3, today);
                                ps.setInt(4, today - 1);
                                ps.executeUpdate();
                            }
                        }
                        try (PreparedStatement ps = c.prepareStatement("INSERT INTO source_windows (domain, from_day, "
                                + "to_day, version, computed_at, total_sources, other_sources, other_messages, "
                                + "other_pass) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                            ps.setString(1, domain);
                            ps.setInt(2, p.fromEpochDay());
                            ps.setInt(3, today);
                            ps.setLong(4, version);
                            ps.setLong(5, clock.millis());
                            ps.setLong(6, t.total());
                            ps.setLong(7, t.otherSources());
                            ps.setLong(8, t.otherMessages());
                            ps.setLong(9, t.otherPass());
                            ps.executeUpdate();
                        }
                        try (PreparedStatement ps = c.prepareStatement("INSERT INTO source_window_rows (domain, "
                                + "from_day, to_day, rank, source_ip, messages, dmarc_pass, dkim_aligned, spf_aligned, "
                                + "forwarded, dkim_pass_any, spf_pass_any, dkim_auth, spf_auth, header_from) "
                                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                            int rank = 0;
                            for (SourceFacts f : t.top()) {
                                int i = 0;
                                ps.setString(++i, domain);
                                ps.setInt(++i, p.fromEpochDay());
                                ps.setInt(++i, today);
                                ps.setInt(++i, ++rank);
                                ps.setString(++i, f.ip());
                                ps.setLong(++i, f.volume().messages());
                                ps.setLong(++i, f.volume().dmarcPass());
                                ps.setLong(++i, f.volume().dkimAligned());
                                ps.setLong(++i, f.volume().spfAligned());
                                ps.setLong(++i, f.forwardedReason());
                                ps.setLong(++i, f.dkimPassAny());
                                ps.setLong(++i, f.spfPassAny());
                                ps.setString(++i, f.dkimAuth());
                                ps.setString(++i, f.spfAuth());
                                ps.setString(++i, f.headerFrom());
                                ps.addBatch();
                            }
                            ps.executeBatch();
                        }
                        c.commit();
                    } catch (SQLException | RuntimeException e) {
                        c.rollback();
                        throw e;
                    } finally {
                        c.setAutoCommit(true);
                    }
                    return 1;
                });
            }
        }
        return computed;
    }

    Optional<SourceFacts> oneSource(String domain, String ip, Period p) {
        return run("reading source " + ip, c -> {
            // the IP's rows day by day (schema 12: no index in IP order; IpDays)
            try (PreparedStatement ps = c.prepareStatement(IpDays.counts(SOURCE_SUMS, ""))) {
                IpDays.bind(ps, domain, ip, p.fromEpochDay(), p.toEpochDay());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || rs.getLong(1) == 0 && rs.wasNull()) {
                        return Optional.empty();
                    }
                    return Optional.of(facts(rs, ip, 1));
                }
            }
        });
    }

    Sources sources(String domain, Period p, ReverseDns rdns, Classifier classifier) {
        SourceTable t = sourceFacts(domain, p, Analysis.MAX_SOURCE_ROWS);
        Map<String, ReverseName> names = rdns.cached(this, t.top().stream().map(SourceFacts::ip).toList());
        List<SourceRow> rows = new ArrayList<>(t.top().size());
        for (SourceFacts f : t.top()) {
            rows.add(classifier.row(domain, f, names.getOrDefault(f.ip(), ReverseName.PENDING)));
        }
        return new Sources(domain, p, rows, t.total(), t.otherSources(), t.otherMessages());
    }

    SourceDetail source(String domain, String ip, Period p, ReverseDns rdns, Classifier classifier) {
        SourceFacts f = oneSource(domain, ip, p).orElse(new SourceFacts(ip, Volume.ZERO, 0, 0, 0, "", "", ""));
        ReverseName name = rdns.cached(this, List.of(ip)).getOrDefault(ip, ReverseName.PENDING);
        SourceRow row = classifier.row(domain, f, name);
        return run("reading the records of " + ip, c -> {
            List<ReporterCount> reporters = new ArrayList<>();
            // from the IP's record packs (one per report, never its records) and what retention kept of them
            for (SourceReporters.Row r : SourceReporters.read(c, domain, ip, p.fromEpochDay(), p.toEpochDay(),
                    Analysis.MAX_SOURCE_ROWS)) {
                reporters.add(new ReporterCount(r.orgName(), r.reports(), r.messages()));
            }
            // the auth results from the daily rollup of this IP (up to 4 DKIM and 2 SPF entries a record), not
            // from a join of raw records with auth_results: a busy IP has thousands of records a month
            Map<String, long[]> byAuth = new java.util.TreeMap<>();
            Map<String, String> fromOf = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(IpDays.counts("dkim_auth, spf_auth, header_from, "
                    + "SUM(messages)", "GROUP BY dkim_auth, spf_auth, header_from"))) {
                IpDays.bind(ps, domain, ip, p.fromEpochDay(), p.toEpochDay());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long n = rs.getLong(4);
                        String from = rs.getString(3);
                        java.util.Set<String> once = new java.util.HashSet<>();
                        for (Classifier.Auth a : Classifier.parseDkim(rs.getString(1))) {
                            String k = "dkim\u0000" + a.domain() + "\u0000" + a.selector() + "\u0000" + a.result();
                            if (once.add(k)) {
                                byAuth.computeIfAbsent(k, x -> new long[1])[0] += n;
                                fromOf.putIfAbsent(k, from);
                            }
                        }
                        for (Classifier.Auth a : Classifier.parseSpf(rs.getString(2))) {
                            String k = "spf\u0000" + a.domain() + "\u0000\u0000" + a.result();
                            if (once.add(k)) {
                                byAuth.computeIfAbsent(k, x -> new long[1])[0] += n;
                                fromOf.putIfAbsent(k, from);
                            }
                        }
                    }
                }
            }
            List<AuthCount> auths = new ArrayList<>();
            byAuth.forEach((k, v) -> {
                String[] t = k.split("\u0000", -1);
                auths.add(new AuthCount(t[0], t[1], t[2], t[3], Align.relaxed(t[1], fromOf.get(k)), v[0]));
            });
            auths.sort((x, y) -> Long.compare(y.messages(), x.messages()));
            List<RecordRow> records = newestRecords(c, domain, p, ip);
            return new SourceDetail(domain, p, row, reporters, auths, records);
        });
    }

    /**
     * The newest {@link Analysis#MAX_DETAIL_RECORDS} records of one source IP (newest report first, then seq) with
     * their auth results, decoded from its newest record packs ({@link SourceReporters#newestPacks}) until the cap
     * is reached; every pack holds at least one record, so the cap bounds the packs read.
     */
    private static List<RecordRow> newestRecords(Connection c, String domain, Period p, String ip)
            throws SQLException {
        List<RecordRow> out = new ArrayList<>();
        for (SourceReporters.Pack pk : SourceReporters.newestPacks(c, domain, ip, p.fromEpochDay(), p.toEpochDay(),
                Analysis.MAX_DETAIL_RECORDS)) {
            LocalDate day = LocalDate.ofEpochDay(pk.day());
            for (StoredRecord r : StoredRecord.unpack(pk.reportRowId(), ip, pk.packed())) {
                if (out.size() == Analysis.MAX_DETAIL_RECORDS) {
                    return out;
                }
                StringBuilder dkim = new StringBuilder();
                for (StoredRecord.Auth a : r.dkimResults()) {
                    dkim.append(' ').append(a.domain()).append('/').append(a.selector().orElse("")).append('=')
                            .append(a.result().orElse(""));
                }
                StringBuilder spf = new StringBuilder();
                for (StoredRecord.Auth a : r.spfResults()) {
                    spf.append(' ').append(a.domain()).append('=').append(a.result().orElse(""));
                }
                out.add(new RecordRow(day, pk.orgName(), pk.reportId(), r.messages(), r.disposition().orElse(""),
                        r.dkim().orElse(""), r.spf().orElse(""), r.headerFrom(), r.envelopeFrom().orElse(""),
                        dkim.toString().trim(), spf.toString().trim(), r.reasons().orElse("")));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ disagreements and selectors

    List<Disagreement> disagreements(String domain, Period p) {
        return cached(domain, List.of("disagreements", domain, p), () -> run("reading disagreements of " + domain, c -> {
            List<Disagreement> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT day, source_ip, header_from, dkim, spf, "
                    + "dkim_aligned, spf_aligned, SUM(messages) FROM source_days WHERE domain = ? AND day >= ? "
                    + "AND day <= ? AND ((dkim = 'pass' AND dkim_aligned = 0) OR (dkim = 'fail' AND dkim_aligned = 1) "
                    + "OR (spf = 'pass' AND spf_aligned = 0) OR (spf = 'fail' AND spf_aligned = 1)) "
                    + "GROUP BY day, source_ip, header_from, dkim, spf, dkim_aligned, spf_aligned "
                    + "ORDER BY day DESC, 8 DESC, source_ip LIMIT 1000")) {
                ps.setString(1, domain);
                ps.setInt(2, p.fromEpochDay());
                ps.setInt(3, p.toEpochDay());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        LocalDate day = LocalDate.ofEpochDay(rs.getInt(1));
                        String dkim = rs.getString(4);
                        String spf = rs.getString(5);
                        String dkimCalc = rs.getInt(6) == 1 ? "pass" : "fail";
                        String spfCalc = rs.getInt(7) == 1 ? "pass" : "fail";
                        if (!dkim.isEmpty() && !dkim.equals(dkimCalc)) {
                            out.add(new Disagreement(day, rs.getString(2), rs.getString(3), "dkim", dkim, dkimCalc,
                                    rs.getLong(8)));
                        }
                        if (!spf.isEmpty() && !spf.equals(spfCalc)) {
                            out.add(new Disagreement(day, rs.getString(2), rs.getString(3), "spf", spf, spfCalc,
                                    rs.getLong(8)));
                        }
                    }
                }
            }
            return List.copyOf(out);
        }));
    }

    List<SelectorSeen> selectorsSeen(String domain) {
        return cached(domain, List.of("selectors", domain), () -> run("reading selectors of " + domain, c -> {
            List<SelectorSeen> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT d, selector, messages, passed, last_day FROM "
                    + "dkim_selectors WHERE domain = ? ORDER BY messages DESC, d, selector LIMIT 1000")) {
                ps.setString(1, domain);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new SelectorSeen(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                                LocalDate.ofEpochDay(rs.getInt(5))));
                    }
                }
            }
            return List.copyOf(out);
        }));
    }

    boolean postgres() {
        return postgres;
    }

    @Override
    public void close() {
        try {
            pool.close();
        } catch (SQLException e) {
            throw new AnalysisException("closing: " + e.getMessage(), e);
        }
    }
}
