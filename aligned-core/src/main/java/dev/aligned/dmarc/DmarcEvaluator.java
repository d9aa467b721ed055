package dev.aligned.dmarc;

import dev.aligned.dmarc.DmarcRecord.AlignmentMode;
import dev.aligned.dmarc.DmarcRecord.Policy;
import dev.aligned.dmarc.IdentifierCheck.Mechanism;
import dev.aligned.dmarc.IdentifierCheck.Status;
import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Evaluates DMARC for an Author Domain given SPF and DKIM outcomes: policy discovery, identifier alignment,
 * result, the policy that applies and the disposition a receiver honouring it would apply.
 *
 * <pre>{@code
 * DmarcEvaluator dmarc = DmarcEvaluator.builder(resolver).build();           // RFC 9989 tree walk
 * DmarcEvaluation e = dmarc.evaluate(DmarcInput.of(DomainName.of("example.com"))
 *         .withSpf(SpfOutcome.mailFrom(DomainName.of("bounce.example.com"), AuthResult.PASS))
 *         .withDkim(DkimOutcome.of(DomainName.of("example.com"), AuthResult.FAIL)));
 * switch (e.result()) {
 *     case DmarcResult.Pass p -> deliver();
 *     case DmarcResult.Fail f -> apply(e.disposition());                    // none, quarantine or reject
 *     case DmarcResult.None n -> deliver();                                 // no DMARC policy
 *     case DmarcResult.TempError t -> tempfail("451 4.7.0 " + t.reason());
 *     case DmarcResult.PermError p -> deliver();
 * }
 * }</pre>
 *
 * <p>DNS failures never turn into pass or fail by accident: a temporary failure during policy discovery, or
 * while finding an organizational domain that alignment depends on, gives {@code temperror} (unless another
 * identifier is aligned regardless). Thread-safe; each evaluation keeps its own query cache.
 */
public final class DmarcEvaluator {
    private final DnsResolver dns;
    private final DmarcMode mode;
    private final DmarcLimits limits;
    private final RandomGenerator random;
    private final PublicSuffixList psl;
    private final boolean alwaysFindOrganizationalDomain;

    private DmarcEvaluator(Builder b) {
        this.dns = b.dns;
        this.mode = b.mode;
        this.limits = b.limits;
        this.random = b.random;
        this.psl = b.psl;
        this.alwaysFindOrganizationalDomain = b.alwaysFindOrganizationalDomain;
    }

    /** A builder using {@code dns} for every lookup. */
    public static Builder builder(DnsResolver dns) {
        return new Builder(dns);
    }

    /** The mode this evaluator follows. */
    public DmarcMode mode() {
        return mode;
    }

    /** Evaluates one message's DMARC. Never throws for what the DNS holds. */
    public DmarcEvaluation evaluate(DmarcInput input) {
        Objects.requireNonNull(input, "input");
        return new Run(input).run();
    }

    /** Builds a {@link DmarcEvaluator}. */
    public static final class Builder {
        private final DnsResolver dns;
        private DmarcMode mode = DmarcMode.RFC9989;
        private DmarcLimits limits = DmarcLimits.DEFAULT;
        private RandomGenerator random;
        private PublicSuffixList psl;
        private boolean alwaysFindOrganizationalDomain;

        private Builder(DnsResolver dns) {
            this.dns = Objects.requireNonNull(dns, "dns");
        }

        /** RFC 9989 (default) or RFC 7489. */
        public Builder mode(DmarcMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Limits on untrusted input (default {@link DmarcLimits#DEFAULT}). */
        public Builder limits(DmarcLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** The random source for RFC 7489 {@code pct} sampling (default: the JDK's default generator). */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** The Public Suffix List for RFC 7489 mode (default: {@link PublicSuffixList#bundled()}). */
        public Builder publicSuffixList(PublicSuffixList psl) {
            this.psl = Objects.requireNonNull(psl, "psl");
            return this;
        }

        /**
         * Whether to find the author domain's organizational domain even when neither discovery nor alignment
         * needs it (RFC 9989 section 4.10.2 lists when it is not needed). Default false; diagnostic tools turn
         * it on to always report it, at the cost of up to 7 more queries.
         */
        public Builder alwaysFindOrganizationalDomain(boolean find) {
            this.alwaysFindOrganizationalDomain = find;
            return this;
        }

        /** The evaluator. */
        public DmarcEvaluator build() {
            if (random == null) {
                random = RandomGenerator.getDefault();
            }
            if (psl == null && mode == DmarcMode.RFC7489) {
                psl = PublicSuffixList.bundled();
            }
            return new DmarcEvaluator(this);
        }
    }

    /** What policy discovery found. */
    private sealed interface Discovery {
    }

    private record Discovered(DmarcLookup.Found found, String how) implements Discovery {
    }

    private record NotFound(String reason) implements Discovery {
    }

    private record DiscoveryFailed(String reason) implements Discovery {
    }

    /** One organizational-domain answer: the domain, or why it could not be found. */
    private record Org(Optional<DomainName> domain, String failure) {
        static Org of(DomainName d) {
            return new Org(Optional.of(d), "");
        }

        static Org failed(String why) {
            return new Org(Optional.empty(), why);
        }
    }

    /** One evaluation's state. */
    private final class Run {
        private final DmarcInput input;
        private final DomainName author;
        private final DmarcLookup lookup;
        private final List<String> reasons = new ArrayList<>();
        private final Map<DomainName, Org> orgCache = new HashMap<>();

        Run(DmarcInput input) {
            this.input = input;
            this.author = input.authorDomain();
            this.lookup = new DmarcLookup(dns, limits);
        }

        DmarcEvaluation run() {
            Discovery d = mode == DmarcMode.RFC9989 ? discover9989() : discover7489();
            DmarcLookup.Found found;
            switch (d) {
                case NotFound n -> {
                    reasons.add(n.reason());
                    return result(new DmarcResult.None(n.reason()), null, null, null, Disposition.NONE, false,
                            List.of());
                }
                case DiscoveryFailed f -> {
                    reasons.add(f.reason());
                    return result(new DmarcResult.TempError(f.reason()), null, null, null, Disposition.NONE, false,
                            List.of());
                }
                case Discovered ok -> {
                    found = ok.found();
                    reasons.add(ok.how());
                }
            }
            DmarcRecord rec = found.record();
            boolean fallback = false;
            if (rec.needsPolicyFallback()) {
                String what = rec.policy().isEmpty() ? (rec.policyInvalid() ? "an invalid p=" : "no p=")
                        : (rec.subdomainPolicyInvalid() ? "an invalid sp=" : "an invalid np=");
                if (!rec.rua().isEmpty()) {
                    fallback = true;
                    reasons.add("the record has " + what + " but a valid rua=, so it acts as p=none "
                            + "(RFC 9989 section 4.10.1)");
                } else if (rec.policy().isEmpty() && !rec.policyInvalid() && !rec.subdomainPolicyInvalid()
                        && !rec.nonExistentPolicyInvalid()) {
                    String why = "the record at _dmarc." + found.domain() + " has no p= and no valid rua=, so no "
                            + "DMARC processing applies (RFC 9989 section 4.10.1)";
                    reasons.add(why);
                    return result(new DmarcResult.None(why), found, null, null, Disposition.NONE, false, List.of());
                } else {
                    String why = "the record at _dmarc." + found.domain() + " has " + what
                            + " and no valid rua=, so it cannot be applied (RFC 9989 section 4.10.1); fix the record";
                    reasons.add(why);
                    return result(new DmarcResult.PermError(why), found, null, null, Disposition.NONE, false,
                            List.of());
                }
            }

            List<IdentifierCheck> checks = checks(rec);
            DmarcResult result;
            Optional<IdentifierCheck> aligned = checks.stream().filter(c -> c.status() == Status.ALIGNED).findFirst();
            Optional<IdentifierCheck> unknown = checks.stream().filter(c -> c.status() == Status.UNKNOWN).findFirst();
            if (aligned.isPresent()) {
                result = new DmarcResult.Pass();
                reasons.add("pass: " + aligned.get().mechanism().keyword() + " identifier " + aligned.get().domain()
                        + " is aligned");
            } else if (unknown.isPresent()) {
                String why = "alignment of " + unknown.get().mechanism().keyword() + " identifier "
                        + unknown.get().domain() + " could not be decided: " + unknown.get().detail();
                reasons.add(why);
                return result(new DmarcResult.TempError(why), found, null, null, Disposition.NONE, false, checks);
            } else {
                result = new DmarcResult.Fail();
                reasons.add(checks.stream().anyMatch(c -> c.status() == Status.NOT_ALIGNED)
                        ? "fail: no authenticated identifier is aligned with " + author
                        : "fail: no SPF or DKIM pass to align with " + author);
            }

            // The policy that applies to this author domain.
            Policy policy;
            String source;
            if (fallback) {
                policy = Policy.NONE;
                source = "p-fallback";
            } else if (found.domain().equals(author)) {
                policy = rec.policy().orElseThrow();
                source = "p";
            } else {
                Policy sub = rec.subdomainPolicy().orElse(rec.policy().orElseThrow());
                String subSource = rec.subdomainPolicy().isPresent() ? "sp" : "p";
                if (mode == DmarcMode.RFC9989 && rec.nonExistentPolicy().isPresent()
                        && rec.nonExistentPolicy().get() != sub) {
                    if (result instanceof DmarcResult.Fail) {
                        switch (dns.lookup(author, DnsType.A)) {
                            case DnsAnswer.NxDomain n -> {
                                policy = rec.nonExistentPolicy().get();
                                source = "np";
                                reasons.add(author + " does not exist (NXDOMAIN), so np= applies");
                            }
                            case DnsAnswer.TempFailure t -> {
                                String why = "cannot tell whether " + author + " exists, which decides between np= and "
                                        + subSource + "= (" + t.reason() + ")";
                                reasons.add(why);
                                return result(new DmarcResult.TempError(why), found, null, null, Disposition.NONE,
                                        false, checks);
                            }
                            case DnsAnswer.NoData n -> {
                                policy = sub;
                                source = subSource;
                            }
                            case DnsAnswer.Records r -> {
                                policy = sub;
                                source = subSource;
                            }
                        }
                    } else {
                        policy = sub;
                        source = subSource;
                        reasons.add("np= not checked: the message passed, so whether " + author
                                + " exists does not matter");
                    }
                } else {
                    policy = sub;
                    source = subSource;
                }
            }

            Disposition disposition = Disposition.NONE;
            boolean testing = false;
            if (result instanceof DmarcResult.Fail) {
                Policy applied = policy;
                if (mode == DmarcMode.RFC9989 && rec.testing() && policy != Policy.NONE) {
                    testing = true;
                    applied = policy.oneLevelLower();
                    reasons.add("t=y: the domain owner is testing, so " + policy.keyword() + " is applied one level "
                            + "lower, as " + applied.keyword());
                } else if (mode == DmarcMode.RFC7489 && rec.percent().isPresent() && rec.percent().getAsInt() < 100
                        && policy != Policy.NONE) {
                    int pct = rec.percent().getAsInt();
                    int draw = random.nextInt(100);
                    if (draw >= pct) {
                        testing = true;
                        applied = policy.oneLevelLower();
                        reasons.add("pct=" + pct + ": this message was not sampled, so " + applied.keyword()
                                + " applies instead of " + policy.keyword() + " (RFC 7489 section 6.6.4)");
                    } else {
                        reasons.add("pct=" + pct + ": this message was sampled, so " + policy.keyword() + " applies");
                    }
                }
                disposition = Disposition.of(applied);
                reasons.add("policy " + source + "=" + policy.keyword() + " from _dmarc." + found.domain()
                        + ": disposition " + disposition.keyword());
            }
            return result(result, found, policy, source, disposition, testing, checks);
        }

        private DmarcEvaluation result(DmarcResult r, DmarcLookup.Found found, Policy policy, String source,
                Disposition disposition, boolean testing, List<IdentifierCheck> checks) {
            if (alwaysFindOrganizationalDomain && found != null && !orgCache.containsKey(author)) {
                Org o = organizationalDomain(author);
                if (o.domain().isEmpty()) {
                    reasons.add("organizational domain not found: " + o.failure());
                }
            }
            Org org = orgCache.get(author);
            return new DmarcEvaluation(author, mode, r,
                    Optional.ofNullable(found).map(DmarcLookup.Found::domain),
                    Optional.ofNullable(found).map(DmarcLookup.Found::record),
                    found == null ? List.of() : found.problems(),
                    Optional.ofNullable(policy), Optional.ofNullable(source), disposition,
                    org == null ? Optional.empty() : org.domain(), testing, checks, reasons);
        }

        // ---- policy discovery ----

        private Discovery discover9989() {
            DmarcLookup.Outcome first = lookup.at(author);
            switch (first) {
                case DmarcLookup.Found f -> {
                    return new Discovered(f, "policy record found at _dmarc." + author);
                }
                case DmarcLookup.Failed f -> {
                    return new DiscoveryFailed(f.why());
                }
                case DmarcLookup.Absent a -> {
                    // walk on
                }
            }
            TreeWalk.Walk walk = TreeWalk.walk(lookup, author);
            if (walk.failure().isPresent()) {
                return new DiscoveryFailed("tree walk for " + author + " stopped: " + walk.failure().get().why());
            }
            DomainName org = TreeWalk.organizationalDomain(walk);
            orgCache.put(author, Org.of(org));
            List<DmarcLookup.Found> found = walk.found();
            if (found.isEmpty()) {
                return new NotFound("no DMARC policy record for " + author + " or any parent (queried "
                        + walk.steps().size() + " names)");
            }
            for (DmarcLookup.Found f : found) {
                if (f.domain().equals(org)) {
                    return new Discovered(f, "no record at _dmarc." + author + "; policy record of the organizational "
                            + "domain " + org + " applies (RFC 9989 tree walk)");
                }
            }
            for (DmarcLookup.Found f : found) {
                if (f.record().psd() == DmarcRecord.Psd.Y) {
                    return new Discovered(f, "no record at _dmarc." + author + " or its organizational domain "
                            + org + "; the public suffix domain " + f.domain() + " (psd=y) policy applies");
                }
            }
            // Cannot happen: the organizational domain is a found name unless a psd=y record decided it.
            return new NotFound("no applicable DMARC policy record for " + author);
        }

        private Discovery discover7489() {
            DmarcLookup.Outcome first = lookup.at(author);
            switch (first) {
                case DmarcLookup.Found f -> {
                    return new Discovered(f, "policy record found at _dmarc." + author);
                }
                case DmarcLookup.Failed f -> {
                    return new DiscoveryFailed(f.why());
                }
                case DmarcLookup.Absent a -> {
                    if (a.dmarcRecords() > 1) {
                        return new NotFound(a.why() + "; RFC 7489 section 6.6.3 ends policy discovery");
                    }
                }
            }
            DomainName org = pslOrg(author);
            orgCache.put(author, Org.of(org));
            if (org.equals(author)) {
                return new NotFound("no DMARC policy record at _dmarc." + author + ", which is its own "
                        + "organizational domain");
            }
            return switch (lookup.at(org)) {
                case DmarcLookup.Found f -> new Discovered(f, "no record at _dmarc." + author
                        + "; policy record of the organizational domain " + org + " applies (Public Suffix List)");
                case DmarcLookup.Failed f -> new DiscoveryFailed(f.why());
                case DmarcLookup.Absent a -> new NotFound("no DMARC policy record at _dmarc." + author + " or at _dmarc."
                        + org + " (" + a.why() + ")");
            };
        }

        private DomainName pslOrg(DomainName d) {
            return psl.registrableDomain(d).orElse(d);
        }

        // ---- alignment ----

        private List<IdentifierCheck> checks(DmarcRecord rec) {
            List<IdentifierCheck> out = new ArrayList<>();
            input.spf().ifPresent(spf -> {
                if (spf.identity() == SpfOutcome.Identity.HELO) {
                    out.add(new IdentifierCheck(Mechanism.SPF, spf.domain(), spf.result(), Status.HELO_IDENTITY,
                            Optional.empty(), "the HELO identity never aligns; DMARC uses SPF's MAIL FROM check"));
                } else if (spf.result() != AuthResult.PASS) {
                    out.add(new IdentifierCheck(Mechanism.SPF, spf.domain(), spf.result(), Status.NOT_AUTHENTICATED,
                            Optional.empty(), "SPF " + spf.result().keyword() + " does not authenticate "
                            + spf.domain()));
                } else {
                    out.add(align(Mechanism.SPF, spf.domain(), spf.result(), rec.spfAlignment()));
                }
            });
            Set<DomainName> passing = new LinkedHashSet<>();
            for (DkimOutcome k : input.dkim()) {
                if (k.result() == AuthResult.PASS) {
                    passing.add(k.domain());
                } else {
                    out.add(new IdentifierCheck(Mechanism.DKIM, k.domain(), k.result(), Status.NOT_AUTHENTICATED,
                            Optional.empty(), "DKIM " + k.result().keyword() + " does not authenticate " + k.domain()));
                }
            }
            // Identical domains first: they align without any query. Then the rest, up to the limit of walks.
            List<DomainName> order = new ArrayList<>();
            passing.stream().filter(author::equals).forEach(order::add);
            passing.stream().filter(d -> !d.equals(author)).forEach(order::add);
            int walked = 0;
            for (DomainName d : order) {
                boolean needsWalk = !d.equals(author) && rec.dkimAlignment() == AlignmentMode.RELAXED
                        && commonLabels(d, author) > 0;
                if (needsWalk && walked >= limits.maxDkimIdentifiers()) {
                    out.add(new IdentifierCheck(Mechanism.DKIM, d, AuthResult.PASS, Status.NOT_CHECKED,
                            Optional.empty(), "not checked: more than " + limits.maxDkimIdentifiers()
                            + " passing DKIM domains need an organizational-domain lookup"));
                    continue;
                }
                if (needsWalk) {
                    walked++;
                }
                out.add(align(Mechanism.DKIM, d, AuthResult.PASS, rec.dkimAlignment()));
            }
            return out;
        }

        private IdentifierCheck align(Mechanism m, DomainName id, AuthResult result, AlignmentMode alignment) {
            if (id.equals(author)) {
                return new IdentifierCheck(m, id, result, Status.ALIGNED, Optional.empty(),
                        id + " is identical to the author domain");
            }
            if (alignment == AlignmentMode.STRICT) {
                return new IdentifierCheck(m, id, result, Status.NOT_ALIGNED, Optional.empty(),
                        "strict alignment (" + (m == Mechanism.SPF ? "aspf" : "adkim") + "=s) needs " + id
                        + " to equal " + author);
            }
            if (commonLabels(id, author) == 0) {
                return new IdentifierCheck(m, id, result, Status.NOT_ALIGNED, Optional.empty(),
                        id + " and " + author + " share no parent domain");
            }
            Org authorOrg = organizationalDomain(author);
            Org idOrg = organizationalDomain(id);
            if (authorOrg.domain().isEmpty() || idOrg.domain().isEmpty()) {
                String why = authorOrg.domain().isEmpty() ? authorOrg.failure() : idOrg.failure();
                return new IdentifierCheck(m, id, result, Status.UNKNOWN, idOrg.domain(), why);
            }
            DomainName a = authorOrg.domain().get();
            DomainName i = idOrg.domain().get();
            if (a.equals(i)) {
                return new IdentifierCheck(m, id, result, Status.ALIGNED, idOrg.domain(),
                        "relaxed alignment: " + id + " and " + author + " share the organizational domain " + a);
            }
            return new IdentifierCheck(m, id, result, Status.NOT_ALIGNED, idOrg.domain(),
                    "relaxed alignment: the organizational domain of " + id + " is " + i + ", not " + a);
        }

        private Org organizationalDomain(DomainName d) {
            Org cached = orgCache.get(d);
            if (cached != null) {
                return cached;
            }
            Org org;
            if (mode == DmarcMode.RFC7489) {
                org = Org.of(pslOrg(d));
            } else {
                TreeWalk.Walk walk = TreeWalk.walk(lookup, d);
                org = walk.failure().isPresent()
                        ? Org.failed("tree walk for the organizational domain of " + d + " stopped: "
                                + walk.failure().get().why())
                        : Org.of(TreeWalk.organizationalDomain(walk));
            }
            orgCache.put(d, org);
            return org;
        }
    }

    private static int commonLabels(DomainName a, DomainName b) {
        List<String> la = a.labels();
        List<String> lb = b.labels();
        int n = 0;
        while (n < la.size() && n < lb.size()
                && la.get(la.size() - 1 - n).equals(lb.get(lb.size() - 1 - n))) {
            n++;
        }
        return n;
    }
}
