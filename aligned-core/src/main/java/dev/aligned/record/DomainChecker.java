package dev.aligned.record;

import dev.aligned.dmarc.PublicSuffixList;
import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsLookups;
import dev.aligned.dns.DnsQuery;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import dev.aligned.spf.SpfLimits;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Checks a domain's published mail records (SPF, DMARC, DKIM, MX, BIMI, MTA-STS, TLS-RPT) and reports what is
 * wrong, weak or missing, each finding with a stable code and the fix, plus the mailbox providers' sender
 * requirements as far as DNS shows them, a grade and the next step. Never throws for what the DNS holds.
 *
 * <pre>{@code
 * DomainChecker checker = DomainChecker.builder()
 *         .resolver(CachingResolver.builder(DnsjavaResolver.builder().build()).build())
 *         .selectors(List.of("mail2024"))          // DKIM selectors you sign with; common ones are tried too
 *         .concurrency(64)                         // for checkAll
 *         .build();
 * if (checker.check("example.com") instanceof CheckReport.Checked c) {
 *     System.out.println(c.grade() + ": " + c.nextStep());
 *     c.findings().forEach(System.out::println);  // error spf.lookup-limit: ... Fix: ...
 * }
 * }</pre>
 *
 * <p>Thread-safe. Each check asks every (name, type) at most once; give a {@code CachingResolver} to share
 * answers between domains.
 */
public final class DomainChecker {
    /** The selectors tried on every domain besides the ones given and the ones of recognised services. */
    public static final List<String> COMMON_SELECTORS = List.of("default", "google", "selector1", "selector2", "k1",
            "k2", "s1", "s2", "dkim", "mail", "smtp", "mx", "key1", "sig1", "fm1", "protonmail", "mandrill",
            "zendesk1", "20230601", "20221208", "20161025");

    static final String GOOGLE = "Google";
    static final String GOOGLE_SOURCE = "Google Email sender guidelines, requirements for bulk senders "
            + "(February 2024), support.google.com/a/answer/81126";
    static final String YAHOO = "Yahoo";
    static final String YAHOO_SOURCE = "Yahoo Sender Best Practices, requirements for bulk senders (February 2024), "
            + "senders.yahooinc.com/best-practices";
    static final String MICROSOFT = "Microsoft";
    static final String MICROSOFT_SOURCE = "Microsoft, Outlook.com requirements for high-volume senders (May 2025), "
            + "techcommunity.microsoft.com";

    private final DnsResolver resolver;
    private final Clock clock;
    private final List<String> selectors;
    private final boolean commonSelectors;
    private final int concurrency;
    private final List<InetAddress> sendingIps;
    private final SpfLimits limits;
    private final Duration timeout;
    private final PublicSuffixList psl;
    private final SendingServices services;
    private final boolean prefetch;

    private DomainChecker(Builder b) {
        this.resolver = b.resolver;
        this.clock = b.clock;
        this.selectors = List.copyOf(b.selectors);
        this.commonSelectors = b.commonSelectors;
        this.concurrency = b.concurrency;
        this.sendingIps = List.copyOf(b.sendingIps);
        this.limits = b.limits;
        this.timeout = b.timeout;
        this.psl = b.psl;
        this.services = SendingServices.bundled();
        this.prefetch = b.prefetch;
    }

    /** A builder; {@link Builder#resolver(DnsResolver)} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Checks one domain. Never throws for bad input or DNS content: a bad name gives {@link CheckReport.NotChecked}. */
    public CheckReport check(String domain) {
        Objects.requireNonNull(domain, "domain");
        String input = domain.strip();
        String problem = input.isEmpty() ? "empty domain name" : DomainName.problem(input);
        if (problem != null) {
            return new CheckReport.NotChecked(domain, problem);
        }
        DomainName name = DomainName.of(input);
        if (name.isRoot() || name.labelCount() < 2) {
            return new CheckReport.NotChecked(domain, "'" + input + "' is not a registered domain name (give e.g. "
                    + "example.com)");
        }
        return check(domain, name);
    }

    /**
     * Checks every domain, at most {@code concurrency} at once on virtual threads, and hands each report to
     * {@code sink} in input order (from the calling thread).
     */
    public void checkAll(Iterator<String> domains, Consumer<CheckReport> sink) {
        Objects.requireNonNull(domains, "domains");
        Objects.requireNonNull(sink, "sink");
        Semaphore permits = new Semaphore(concurrency);
        ArrayDeque<CompletableFuture<CheckReport>> pending = new ArrayDeque<>();
        int window = concurrency * 4;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            while (domains.hasNext()) {
                String d = domains.next();
                permits.acquireUninterruptibly();
                CompletableFuture<CheckReport> f = new CompletableFuture<>();
                pool.execute(() -> {
                    try {
                        f.complete(check(d));
                    } catch (Throwable t) {
                        f.complete(new CheckReport.NotChecked(d, "check failed: " + t));
                    } finally {
                        permits.release();
                    }
                });
                pending.add(f);
                while (!pending.isEmpty() && (pending.size() >= window || pending.peek().isDone())) {
                    sink.accept(join(pending.poll()));
                }
            }
            while (!pending.isEmpty()) {
                sink.accept(join(pending.poll()));
            }
        }
    }

    /** Checks every domain (see {@link #checkAll(Iterator, Consumer)}) and returns the reports in input order. */
    public List<CheckReport> checkAll(List<String> domains) {
        List<CheckReport> out = new ArrayList<>(domains.size());
        checkAll(domains.iterator(), out::add);
        return out;
    }

    private static CheckReport join(CompletableFuture<CheckReport> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking domains", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private CheckReport check(String input, DomainName domain) {
        MemoResolver dns = new MemoResolver(resolver);
        List<String> tried = selectorsToTry();
        if (prefetch) {
            prefetch(dns, domain, tried);
        }
        List<Finding> findings = new ArrayList<>();
        SpfLint spf = new SpfLint(dns, limits, services);
        DmarcLint dmarc = new DmarcLint(dns, psl);
        DkimLint dkim = new DkimLint(dns);
        OtherRecords other = new OtherRecords(dns);
        if (notFound(dns, domain)) {
            findings.add(new Finding(FindingCode.DOMAIN_NOT_FOUND, domain + " does not exist in the DNS (NXDOMAIN).",
                    "Check the spelling; if the domain is new, wait until its delegation is published."));
        } else {
            spf.check(domain);
            // services recognised from SPF bring their selectors along
            List<String> fromServices = new ArrayList<>();
            for (String s : spf.recognised) {
                services.all().stream().filter(x -> x.name().equals(s)).findFirst()
                        .ifPresent(x -> fromServices.addAll(x.selectors()));
            }
            Set<String> common = new LinkedHashSet<>(commonSelectors ? COMMON_SELECTORS : List.of());
            common.addAll(fromServices);
            dmarc.check(domain);
            dkim.check(domain, selectors, List.copyOf(common));
            other.check(domain);
            findings.addAll(spf.findings);
            findings.addAll(dmarc.findings);
            findings.addAll(dkim.findings);
            findings.addAll(other.findings);
            if (other.bimi.isPresent() && dmarc.policy.map(p -> p.equals("none")).orElse(true)) {
                findings.add(new Finding(FindingCode.BIMI_NEEDS_ENFORCEMENT, "A BIMI record is published, but "
                        + "mailbox providers show the logo only when DMARC is at p=quarantine or p=reject.",
                        "Move DMARC to p=quarantine or p=reject once reports show your mail passes."));
            }
        }
        List<Finding> sorted = new ArrayList<>(dedupe(findings));
        sorted.sort(Comparator.comparing(Finding::severity));
        List<RuleCheck> rules = rules(dns, domain, spf, dmarc, dkim, sorted);
        CheckReport.Grade grade = grade(sorted, spf, dmarc);
        String next = nextStep(sorted, grade);
        return new CheckReport.Checked(input, domain, clock.instant(), grade, next, sorted, rules,
                new CheckReport.SpfSummary(spf.recordText, spf.lookups, spf.voids.size(), spf.tree,
                        List.copyOf(spf.recognised)),
                new CheckReport.DmarcSummary(dmarc.recordText, dmarc.policyDomain, dmarc.policy, dmarc.policySource,
                        dmarc.walk),
                dkim.keys, other.mx, other.bimi, other.mtaSts, other.tlsRpt);
    }

    private static List<Finding> dedupe(List<Finding> findings) {
        return List.copyOf(new LinkedHashSet<>(findings));
    }

    private List<String> selectorsToTry() {
        Set<String> all = new LinkedHashSet<>(selectors);
        if (commonSelectors) {
            all.addAll(COMMON_SELECTORS);
        }
        return List.copyOf(all);
    }

    /** Asks the first-level questions concurrently so that the sequential checks find them answered. */
    private void prefetch(MemoResolver dns, DomainName domain, List<String> selectors) {
        List<DnsQuery> qs = new ArrayList<>();
        qs.add(new DnsQuery(domain, DnsType.TXT));
        qs.add(new DnsQuery(domain, DnsType.SPF));
        qs.add(new DnsQuery(domain, DnsType.MX));
        DomainName.parse("_dmarc." + domain.name()).ifPresent(n -> qs.add(new DnsQuery(n, DnsType.TXT)));
        for (DomainName n : OtherRecords.names(domain)) {
            qs.add(new DnsQuery(n, DnsType.TXT));
        }
        for (String s : selectors) {
            DkimLint.keyName(s, domain).ifPresent(n -> qs.add(new DnsQuery(n, DnsType.TXT)));
        }
        DnsLookups.all(dns, qs, timeout);
    }

    private static boolean notFound(DnsResolver dns, DomainName domain) {
        return dns.lookup(domain, DnsType.TXT) instanceof DnsAnswer.NxDomain
                && dns.lookup(domain, DnsType.MX) instanceof DnsAnswer.NxDomain;
    }

    // ------------------------------------------------------------------------------------------ rules

    private List<RuleCheck> rules(DnsResolver dns, DomainName domain, SpfLint spf, DmarcLint dmarc, DkimLint dkim,
            List<Finding> findings) {
        boolean spfOk = spf.recordText.isPresent() && findings.stream().noneMatch(f -> f.area() == Area.SPF
                && f.severity() == Severity.ERROR);
        boolean dkimOk = dkim.keys.stream().anyMatch(k -> !k.revoked() && k.bits() > 0);
        boolean dkimMissing = findings.stream().anyMatch(f -> f.code() == FindingCode.DKIM_SELECTOR_MISSING);
        RuleCheck.Status spfS = spfOk ? RuleCheck.Status.MET : RuleCheck.Status.NOT_MET;
        String spfD = spfOk ? "one valid SPF record within the lookup limits" : spf.recordText.isEmpty()
                ? "no usable SPF record" : "the SPF record has errors (see the SPF findings)";
        RuleCheck.Status dkimS = dkimOk ? RuleCheck.Status.MET : dkimMissing || !selectors.isEmpty()
                ? RuleCheck.Status.NOT_MET : RuleCheck.Status.CANNOT_TELL;
        String dkimD = dkimOk ? "a usable key at selector " + dkim.keys.stream().filter(k -> !k.revoked()
                && k.bits() > 0).findFirst().orElseThrow().selector() : dkimS == RuleCheck.Status.NOT_MET
                ? "no usable key at the selectors given" : "no key at the common selectors; the selector you sign "
                + "with is not known (give --dkim-selector)";
        boolean dmarcOk = dmarc.policy.isPresent();
        RuleCheck.Status dmarcS = dmarcOk ? RuleCheck.Status.MET : RuleCheck.Status.NOT_MET;
        String dmarcD = dmarcOk ? "p=" + dmarc.policy.get() + " applies (from "
                + dmarc.policyDomain.map(DomainName::name).orElse("?") + ")" : "no DMARC policy applies";
        RuleCheck.Status alignS;
        String alignD;
        if (dkimOk || spf.recordText.isPresent()) {
            alignS = RuleCheck.Status.MET;
            alignD = "the From domain publishes " + (dkimOk ? "a DKIM key" : "an SPF record") + ", so mail can "
                    + "authenticate as the From domain itself (whether each sender does shows in DMARC reports)";
        } else {
            alignS = RuleCheck.Status.NOT_MET;
            alignD = "neither an SPF record nor a DKIM key is published for the From domain";
        }
        RuleCheck.Status ptrS;
        String ptrD;
        if (sendingIps.isEmpty()) {
            ptrS = RuleCheck.Status.CANNOT_TELL;
            ptrD = "no sending IP addresses given";
        } else {
            List<String> bad = new ArrayList<>();
            for (InetAddress ip : sendingIps) {
                Optional<String> problem = fcrdns(dns, ip);
                problem.ifPresent(bad::add);
            }
            ptrS = bad.isEmpty() ? RuleCheck.Status.MET : RuleCheck.Status.NOT_MET;
            ptrD = bad.isEmpty() ? "every sending IP has forward-confirmed reverse DNS" : String.join("; ", bad);
        }
        List<RuleCheck> out = new ArrayList<>();
        for (String[] p : new String[][] {{GOOGLE, GOOGLE_SOURCE}, {YAHOO, YAHOO_SOURCE}}) {
            out.add(new RuleCheck(p[0], "SPF published", p[1], spfS, spfD));
            out.add(new RuleCheck(p[0], "DKIM published", p[1], dkimS, dkimD));
            out.add(new RuleCheck(p[0], "DMARC policy published (p=none or stronger)", p[1], dmarcS, dmarcD));
            out.add(new RuleCheck(p[0], "From domain aligned with SPF or DKIM", p[1], dmarcOk ? alignS
                    : RuleCheck.Status.NOT_MET, dmarcOk ? alignD : "without DMARC there is no alignment"));
            out.add(new RuleCheck(p[0], "Forward-confirmed reverse DNS for sending IPs", p[1], ptrS, ptrD));
        }
        out.add(new RuleCheck(MICROSOFT, "SPF published", MICROSOFT_SOURCE, spfS, spfD));
        out.add(new RuleCheck(MICROSOFT, "DKIM published", MICROSOFT_SOURCE, dkimS, dkimD));
        out.add(new RuleCheck(MICROSOFT, "DMARC p=none or stronger, aligned with SPF or DKIM", MICROSOFT_SOURCE,
                dmarcOk ? alignS : RuleCheck.Status.NOT_MET, dmarcOk ? dmarcD + "; " + alignD : dmarcD));
        return out;
    }

    /** Empty when {@code ip} has a PTR name whose addresses include {@code ip}; else what is missing. */
    static Optional<String> fcrdns(DnsResolver dns, InetAddress ip) {
        Optional<DomainName> rev = DomainName.parse(reverseName(ip));
        if (rev.isEmpty()) {
            return Optional.of(ip.getHostAddress() + ": no reverse name");
        }
        DnsAnswer a = dns.lookup(rev.get(), DnsType.PTR);
        if (!(a instanceof DnsAnswer.Records r)) {
            return Optional.of(ip.getHostAddress() + " has no PTR record");
        }
        DnsType type = ip instanceof Inet4Address ? DnsType.A : DnsType.AAAA;
        List<String> names = new ArrayList<>();
        for (DnsRecord.Ptr p : r.of(DnsRecord.Ptr.class).stream().limit(10).toList()) {
            names.add(p.target().name());
            if (dns.lookup(p.target(), type) instanceof DnsAnswer.Records fwd && fwd.records().stream()
                    .anyMatch(x -> x instanceof DnsRecord.A v4 && v4.address().equals(ip)
                            || x instanceof DnsRecord.Aaaa v6 && v6.address().equals(ip))) {
                return Optional.empty();
            }
        }
        return Optional.of(ip.getHostAddress() + " has PTR " + String.join(", ", names) + " but no such name has "
                + "it as its address");
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
            sb.append(Character.forDigit(b[i] & 0xF, 16)).append('.').append(Character.forDigit((b[i] >> 4) & 0xF, 16))
                    .append('.');
        }
        return sb.append("ip6.arpa").toString();
    }

    // ------------------------------------------------------------------------------------------ grade

    static CheckReport.Grade grade(List<Finding> findings, SpfLint spf, DmarcLint dmarc) {
        long errors = findings.stream().filter(f -> f.severity() == Severity.ERROR).count();
        long warnings = findings.stream().filter(f -> f.severity() == Severity.WARNING).count();
        boolean enforced = dmarc.policy.map(p -> !p.equals("none")).orElse(false);
        if (findings.stream().anyMatch(f -> f.code() == FindingCode.DOMAIN_NOT_FOUND)
                || (spf.recordText.isEmpty() && dmarc.policy.isEmpty()) || errors >= 3) {
            return CheckReport.Grade.F;
        }
        if (errors > 0) {
            return CheckReport.Grade.D;
        }
        if (!enforced) {
            return CheckReport.Grade.C;
        }
        return warnings == 0 ? CheckReport.Grade.A : CheckReport.Grade.B;
    }

    static String nextStep(List<Finding> findings, CheckReport.Grade grade) {
        for (Severity s : List.of(Severity.ERROR, Severity.WARNING)) {
            Optional<Finding> policyNone = findings.stream().filter(f -> f.code() == FindingCode.DMARC_POLICY_NONE)
                    .findFirst();
            if (s == Severity.WARNING && policyNone.isPresent()) {
                return policyNone.get().fix();
            }
            for (Finding f : findings) {
                if (f.severity() == s && !f.fix().isEmpty()) {
                    return f.fix();
                }
            }
        }
        return "Nothing to fix. Keep reading the aggregate reports (`aligned import`), and run `aligned check` "
                + "again after every DNS change.";
    }

    /** Builds a {@link DomainChecker}. */
    public static final class Builder {
        private DnsResolver resolver;
        private Clock clock = Clock.systemUTC();
        private List<String> selectors = List.of();
        private boolean commonSelectors = true;
        private int concurrency = 32;
        private List<InetAddress> sendingIps = List.of();
        private SpfLimits limits = SpfLimits.RFC7208;
        private Duration timeout = Duration.ofSeconds(30);
        private PublicSuffixList psl;
        private boolean prefetch = true;

        private Builder() {
        }

        /** The resolver every query goes to (required); a {@code CachingResolver} shares answers between checks. */
        public Builder resolver(DnsResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /** The clock that dates reports (default: system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** DKIM selectors the domain signs with; a missing one is an error. */
        public Builder selectors(List<String> selectors) {
            for (String s : selectors) {
                if (s == null || s.isBlank()) {
                    throw new IllegalArgumentException("a DKIM selector must not be empty: " + selectors);
                }
            }
            this.selectors = List.copyOf(selectors);
            return this;
        }

        /** Whether to try {@link #COMMON_SELECTORS} too (default true). */
        public Builder commonSelectors(boolean tryThem) {
            this.commonSelectors = tryThem;
            return this;
        }

        /** How many domains {@code checkAll} checks at once (1 to 10,000; default 32). */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1 || concurrency > 10_000) {
                throw new IllegalArgumentException("concurrency must be 1..10000, not " + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        /** Sending IP addresses whose forward-confirmed reverse DNS the provider rules need (default none). */
        public Builder sendingIps(List<InetAddress> ips) {
            this.sendingIps = List.copyOf(ips);
            return this;
        }

        /** The SPF limits to check against (default RFC 7208's 10 lookups, 2 void lookups). */
        public Builder spfLimits(SpfLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** How long the first round of concurrent queries of one domain may take (default 30 s). */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, not " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** The public suffix list used to tell whether a report address is outside the domain (default bundled). */
        public Builder publicSuffixList(PublicSuffixList psl) {
            this.psl = Objects.requireNonNull(psl, "psl");
            return this;
        }

        /**
         * Whether to ask the first-level questions of a domain concurrently (default true: fewer round trips
         * per domain on the Internet). In bulk checks against a near resolver, false can be faster: the
         * domains already run concurrently (see docs/benchmarks.md).
         */
        public Builder prefetch(boolean prefetch) {
            this.prefetch = prefetch;
            return this;
        }

        /** The checker. */
        public DomainChecker build() {
            if (resolver == null) {
                throw new IllegalStateException("DomainChecker needs a resolver: call resolver(...)");
            }
            if (psl == null) {
                psl = PublicSuffixList.bundled();
            }
            return new DomainChecker(this);
        }
    }
}
