package dev.aligned.spf;

import dev.aligned.dns.DnsResolver;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Evaluates SPF (RFC 7208 {@code check_host()}) for a client address and the MAIL FROM or HELO identity.
 * Safe for concurrent use; records are parsed once and cached by text.
 *
 * <pre>{@code
 * SpfEvaluator spf = SpfEvaluator.builder()
 *         .resolver(dns)                       // any dev.aligned.dns.DnsResolver
 *         .receiver("mx.example.org")          // %{r} in explanations, receiver= in Received-SPF
 *         .build();
 * SpfResult r = spf.checkMailFrom(InetAddress.getByName("192.0.2.10"), "alice@example.com", "mail.example.com");
 * System.out.println(r.code() + " " + r.mechanism().map(SpfResult.Match::term).orElse("(default)"));
 * System.out.println(ReceivedSpf.render(r, "mx.example.org"));
 * }</pre>
 */
public final class SpfEvaluator {
    private static final int PARSE_CACHE_SIZE = 4096;

    final DnsResolver resolver;
    final SpfLimits limits;
    final Clock clock;
    final String receiver;
    final String defaultExplanation;
    final boolean trace;
    final long timeLimitMillis;
    private static final int NAME_CACHE_SIZE = 8192;
    private static final Object INVALID_NAME = new Object();
    private final ConcurrentHashMap<String, SpfParseResult> parsed = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Object> names = new ConcurrentHashMap<>();

    private SpfEvaluator(Builder b) {
        this.resolver = Objects.requireNonNull(b.resolver, "resolver (call builder().resolver(...))");
        this.limits = b.limits;
        this.clock = b.clock;
        this.receiver = b.receiver;
        this.defaultExplanation = b.defaultExplanation;
        this.trace = b.trace;
        this.timeLimitMillis = b.timeLimit.toMillis();
    }

    /** A builder; {@link Builder#resolver(DnsResolver)} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Checks the MAIL FROM identity (RFC 7208 section 2.4). An empty {@code mailFrom} (the null reverse-path
     * {@code <>}) checks {@code postmaster@helo}; a sender without local part uses {@code postmaster}.
     */
    public SpfResult checkMailFrom(InetAddress clientIp, String mailFrom, String helo) {
        Objects.requireNonNull(clientIp, "clientIp");
        String h = helo == null ? "" : helo;
        String mf = mailFrom == null ? "" : mailFrom.trim();
        if (mf.equals("<>")) {
            mf = "";
        } else if (mf.length() >= 2 && mf.charAt(0) == '<' && mf.charAt(mf.length() - 1) == '>') {
            mf = mf.substring(1, mf.length() - 1);
        }
        String sender = mf.isEmpty() ? "postmaster@" + h : mf;
        return new Evaluation(this, clientIp, sender, h, SpfResult.Identity.MAILFROM).run();
    }

    /** Checks the HELO identity (RFC 7208 section 2.3): {@code check_host(ip, helo, postmaster@helo)}. */
    public SpfResult checkHelo(InetAddress clientIp, String helo) {
        Objects.requireNonNull(clientIp, "clientIp");
        String h = helo == null ? "" : helo;
        return new Evaluation(this, clientIp, "postmaster@" + h, h, SpfResult.Identity.HELO).run();
    }

    SpfParseResult parse(String text) {
        SpfParseResult r = parsed.get(text);
        if (r == null) {
            r = SpfRecord.parse(text);
            if (parsed.size() >= PARSE_CACHE_SIZE) {
                parsed.clear();
            }
            parsed.put(text, r);
        }
        return r;
    }

    /** {@code DomainName.parse(text)}, remembered (names repeat across checks); empty for invalid names. */
    java.util.Optional<dev.aligned.dns.DomainName> name(String text) {
        Object n = names.get(text);
        if (n == null) {
            java.util.Optional<dev.aligned.dns.DomainName> p = dev.aligned.dns.DomainName.parse(text);
            n = p.isPresent() ? p.get() : INVALID_NAME;
            if (names.size() >= NAME_CACHE_SIZE) {
                names.clear();
            }
            names.put(text, n);
        }
        return n == INVALID_NAME ? java.util.Optional.empty()
                : java.util.Optional.of((dev.aligned.dns.DomainName) n);
    }

    /** Builds an {@link SpfEvaluator}. */
    public static final class Builder {
        private DnsResolver resolver;
        private SpfLimits limits = SpfLimits.RFC7208;
        private Clock clock = Clock.systemUTC();
        private String receiver = "unknown";
        private String defaultExplanation;
        private boolean trace = true;
        private java.time.Duration timeLimit = java.time.Duration.ofSeconds(20);

        private Builder() {
        }

        /** The DNS (required). */
        public Builder resolver(DnsResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /** The processing limits (default {@link SpfLimits#RFC7208}). */
        public Builder limits(SpfLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** The clock for {@code %{t}} (default the system UTC clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The receiving host's domain name, for {@code %{r}} (default {@code unknown}). */
        public Builder receiver(String receiver) {
            this.receiver = Objects.requireNonNull(receiver, "receiver");
            return this;
        }

        /**
         * The explanation given with {@code fail} when the domain has no usable {@code exp=} (default none).
         * It may hold macros, as an explanation record would ({@code "%{i} is not one of %{d}'s senders"}).
         */
        public Builder defaultExplanation(String text) {
            this.defaultExplanation = Objects.requireNonNull(text, "text");
            return this;
        }

        /** Whether results carry a trace of the steps (default true; false saves a little work). */
        public Builder trace(boolean trace) {
            this.trace = trace;
            return this;
        }

        /**
         * The most time one check may take, measured with the {@link #clock(Clock)} before each DNS query
         * (default 20 s, the minimum RFC 7208 section 4.6.4 suggests); past it the result is {@code temperror}.
         * {@link java.time.Duration#ZERO} disables the limit.
         */
        public Builder timeLimit(java.time.Duration limit) {
            Objects.requireNonNull(limit, "limit");
            if (limit.isNegative()) {
                throw new IllegalArgumentException("time limit must not be negative: " + limit);
            }
            this.timeLimit = limit;
            return this;
        }

        /** The evaluator. */
        public SpfEvaluator build() {
            return new SpfEvaluator(this);
        }
    }
}
