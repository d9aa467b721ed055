package dev.aligned.server.analysis;

import dev.aligned.dns.DnsResolver;
import dev.aligned.record.CheckReport;
import dev.aligned.record.DomainChecker;
import dev.aligned.store.ReportStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the dashboard shows, computed from the daily rollups the report store keeps (never from a scan of raw
 * records per page view): per-domain volume and pass rates, sources with reverse DNS and their sending service,
 * classification with fixes, policy readiness, receiver disagreements and DKIM selectors seen.
 *
 * <pre>{@code
 * try (Analysis analysis = Analysis.builder().url("jdbc:sqlite:/var/lib/aligned/aligned.db")
 *         .dns(DnsjavaResolver.builder().build()).build()) {
 *     Period month = Period.lastDays(30, Clock.systemUTC());
 *     for (DomainSummary d : analysis.overview(month)) {
 *         System.out.printf("%s %d %.1f%%%n", d.domain(), d.volume().messages(), 100 * d.volume().dmarcPassRate());
 *     }
 *     analysis.enrichReverseDns();                       // after ingest: PTR names, forward-confirmed, cached
 *     Readiness r = analysis.readiness("example.com", 30);
 *     System.out.println(r.ready() ? "ready for " + r.next().tags() : "not yet: " + r.why());
 * }
 * }</pre>
 *
 * <p>Counts are messages summed from report record {@code count}s. Thread-safe; concurrent calls run in parallel
 * over a small pool of connections (up to 4; SQLite in WAL mode lets readers run beside each other and the writer).
 */
public final class Analysis implements AutoCloseable {
    /** Most source rows {@link #sources} lists; the rest are summed into one line. */
    public static final int MAX_SOURCE_ROWS = 500;
    /** Most records {@link #source} lists. */
    public static final int MAX_DETAIL_RECORDS = 200;

    private final Queries queries;
    private final ReverseDns reverseDns;
    private final Classifier classifier;
    private final DnsResolver dns;
    private final Clock clock;

    private Analysis(Queries queries, ReverseDns reverseDns, Classifier classifier, DnsResolver dns, Clock clock) {
        this.queries = queries;
        this.reverseDns = reverseDns;
        this.classifier = classifier;
        this.dns = dns;
        this.clock = clock;
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The domains that have reports, sorted. */
    public List<String> domains() {
        return queries.domains();
    }

    /** One line per domain with reports in {@code period}, most messages first. */
    public List<DomainSummary> overview(Period period) {
        return queries.overview(period);
    }

    /** One domain over {@code period}: totals, dispositions, daily trend. */
    public DomainStats domain(String domain, Period period) {
        return queries.domain(key(domain), period);
    }

    /** The sources of a domain over {@code period}, classified, most messages first. */
    public Sources sources(String domain, Period period) {
        return queries.sources(key(domain), period, reverseDns, classifier);
    }

    /** One source IP of a domain: its row, reporters, auth results and latest records. */
    public SourceDetail source(String domain, String ip, Period period) {
        return queries.source(key(domain), ip, period, reverseDns, classifier);
    }

    /** Replays the last {@code days} days under the next policy step. */
    public Readiness readiness(String domain, int days) {
        if (days < 1 || days > Period.MAX_DAYS) {
            throw new IllegalArgumentException("days must be 1.." + Period.MAX_DAYS + ", got " + days);
        }
        return ReadinessReplay.compute(this, key(domain), Period.lastDays(days, clock));
    }

    /** Where the receiver's {@code policy_evaluated} disagrees with alignment recomputed from auth results. */
    public List<Disagreement> disagreements(String domain, Period period) {
        return queries.disagreements(key(domain), period);
    }

    /** DKIM selectors seen in reports for the domain and its subdomains, most messages first. */
    public List<SelectorSeen> selectorsSeen(String domain) {
        return queries.selectorsSeen(key(domain));
    }

    /** The selector names of {@link #selectorsSeen} for the domain itself ({@code d=} equal to the domain). */
    public List<String> selectors(String domain) {
        String d = key(domain);
        return selectorsSeen(d).stream().filter(s -> s.domain().equals(d)).map(SelectorSeen::selector).distinct()
                .toList();
    }

    /** Runs the domain checker with the selectors seen in reports (and the common ones) through the injected DNS. */
    public CheckReport check(String domain) {
        return DomainChecker.builder().resolver(dns).clock(clock).selectors(selectors(domain)).build().check(domain);
    }

    /**
     * Looks up reverse DNS for source IPs that have no fresh cache entry (newest sources first), forward-confirms
     * the names, and caches the outcome. Bounded by the builder's budget and concurrency; safe to call after each
     * ingest or on a timer. DNS failures are cached briefly and retried; they never fail the call.
     */
    public EnrichResult enrichReverseDns() {
        return reverseDns.enrich(queries);
    }

    /** The windows {@link #refresh} precomputes: the last 7, 30, 90 and 365 days. */
    public static final List<Integer> WINDOWS = List.of(7, 30, 90, 365);

    /**
     * The enrichment stage to run after ingest (and once a day): reverse DNS for new sources, then the ranked
     * source lists of the last {@link #WINDOWS} days of every domain whose reports changed, so the sources page of
     * a big domain reads a few hundred rows instead of grouping a year of sources.
     */
    public Refreshed refresh() {
        EnrichResult names = enrichReverseDns();
        return new Refreshed(names, queries.refreshWindows(WINDOWS));
    }

    /**
     * What {@link #refresh} did.
     *
     * @param windows source windows computed (those already current are skipped)
     */
    public record Refreshed(EnrichResult reverseDns, int windows) {
    }

    /**
     * A number that changes whenever a report is stored (the highest report id): cheap to poll, so a caller can
     * run {@link #refresh} only when there is something new.
     */
    public long storeVersion() {
        return queries.version(null);
    }

    /** Precomputes only the source windows (no DNS). */
    public int refreshWindows() {
        return queries.refreshWindows(WINDOWS);
    }

    Queries queries() {
        return queries;
    }

    Classifier classifier() {
        return classifier;
    }

    ReverseDns reverseDns() {
        return reverseDns;
    }

    Clock clock() {
        return clock;
    }

    DnsResolver dns() {
        return dns;
    }

    static String key(String domain) {
        Objects.requireNonNull(domain, "domain");
        String d = domain.trim().toLowerCase(java.util.Locale.ROOT);
        return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
    }

    @Override
    public void close() {
        queries.close();
    }

    /** Builds an {@link Analysis}. */
    public static final class Builder {
        private String url;
        private String user;
        private String password;
        private DnsResolver dns;
        private Clock clock = Clock.systemUTC();
        private SendingServiceCatalog services = SendingServiceCatalog.bundled();
        private Duration reverseDnsTtl = Duration.ofDays(7);
        private Duration reverseDnsRetry = Duration.ofHours(1);
        private int reverseDnsConcurrency = 8;
        private int reverseDnsBudget = 2_000;
        private boolean cacheResults = true;

        Builder() {
        }

        /** The store's JDBC URL ({@code jdbc:sqlite:FILE} or {@code jdbc:postgresql://...}); the schema is migrated. */
        public Builder url(String jdbcUrl) {
            this.url = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            return this;
        }

        /** The database user (PostgreSQL). */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /** The database password (PostgreSQL); never logged. */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /** The resolver for reverse DNS and the domain checker (default: none — names stay empty). */
        public Builder dns(DnsResolver dns) {
            this.dns = Objects.requireNonNull(dns, "dns");
            return this;
        }

        /** The clock for "last N days" and cache expiry (default system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The sending-service catalogue (default: the bundled {@code sending-services.yaml}). */
        public Builder services(SendingServiceCatalog services) {
            this.services = Objects.requireNonNull(services, "services");
            return this;
        }

        /** How long a reverse-DNS answer is cached (default 7 days); failures are retried after {@code retry}. */
        public Builder reverseDnsCache(Duration ttl, Duration retry) {
            if (ttl.isNegative() || retry.isNegative()) {
                throw new IllegalArgumentException("cache durations must not be negative: " + ttl + ", " + retry);
            }
            this.reverseDnsTtl = ttl;
            this.reverseDnsRetry = retry;
            return this;
        }

        /** Parallel lookups (default 8) and most IPs looked up per {@link #enrichReverseDns} call (default 2000). */
        public Builder reverseDnsLimits(int concurrency, int budget) {
            if (concurrency < 1 || concurrency > 256) {
                throw new IllegalArgumentException("concurrency must be 1..256, got " + concurrency);
            }
            if (budget < 0) {
                throw new IllegalArgumentException("budget must be >= 0, got " + budget);
            }
            this.reverseDnsConcurrency = concurrency;
            this.reverseDnsBudget = budget;
            return this;
        }

        /**
         * Whether per-period results are kept in memory until the next report is stored (default true; the
         * benchmark turns it off to time the queries themselves).
         */
        public Builder cacheResults(boolean cache) {
            this.cacheResults = cache;
            return this;
        }

        /** Migrates the schema (through {@link ReportStore}) and opens a connection. */
        public Analysis build() {
            Objects.requireNonNull(url, "url: call url(jdbcUrl)");
            ReportStore.builder().url(url).user(user).password(password).clock(clock).build().close();
            DnsResolver resolver = dns != null ? dns : UnavailableDns.INSTANCE;
            Queries q = Queries.open(url, user, password, clock, cacheResults);
            ReverseDns r = new ReverseDns(resolver, clock, reverseDnsTtl, reverseDnsRetry, reverseDnsConcurrency,
                    reverseDnsBudget);
            return new Analysis(q, r, new Classifier(services), resolver, clock);
        }
    }
}
