package dev.aligned.auth;

import dev.aligned.dkim.DkimPolicy;
import dev.aligned.dkim.DkimSignature;
import dev.aligned.dkim.DkimResult;
import dev.aligned.dkim.DkimVerifier;
import dev.aligned.dmarc.AuthResult;
import dev.aligned.dmarc.DkimOutcome;
import dev.aligned.dmarc.DmarcEvaluation;
import dev.aligned.dmarc.DmarcEvaluator;
import dev.aligned.dmarc.DmarcInput;
import dev.aligned.dmarc.DmarcMode;
import dev.aligned.dmarc.DmarcResult;
import dev.aligned.dmarc.SpfOutcome;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.DomainName;
import dev.aligned.mail.FromHeader;
import dev.aligned.mail.HeaderSection;
import dev.aligned.mail.RawMessage;
import dev.aligned.spf.SpfEvaluator;
import dev.aligned.spf.SpfResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Authenticates one message: SPF (MAIL FROM), DKIM (every signature) and DMARC, in one call. The three run
 * concurrently on virtual threads over one per-message memoising resolver, so their DNS lookups overlap and
 * no name is asked twice; DMARC policy discovery starts at once from the From field, and only alignment
 * waits for SPF and DKIM.
 *
 * <pre>{@code
 * EmailAuthenticator auth = EmailAuthenticator.builder(resolver).authservId("mx.example.org").build();
 * AuthenticationResult r = auth.authenticate(bytes, InetAddress.getByName("192.0.2.10"),
 *         "mail.example.com", "bounce@example.com");
 * System.out.println(r.authenticationResults());   // Authentication-Results: mx.example.org; spf=pass ...
 * System.out.println(r.receivedSpf());
 * }</pre>
 */
public final class EmailAuthenticator {
    private final DnsResolver dns;
    private final String authservId;
    private final DmarcMode mode;
    private final Clock clock;
    private final DkimPolicy dkimPolicy;
    private final boolean prefetchAlignment;

    private EmailAuthenticator(Builder b) {
        this.dns = b.dns;
        this.authservId = b.authservId;
        this.mode = b.mode;
        this.clock = b.clock;
        this.dkimPolicy = b.dkimPolicy;
        this.prefetchAlignment = b.prefetchAlignment;
    }

    /** A builder using {@code dns} for every lookup. */
    public static Builder builder(DnsResolver dns) {
        return new Builder(dns);
    }

    /**
     * Authenticates {@code rawMessage} as received from {@code clientIp}, which said {@code helo} and gave
     * {@code mailFrom} (empty or {@code <>} for the null reverse-path). Never throws for message content or DNS.
     */
    public AuthenticationResult authenticate(byte[] rawMessage, InetAddress clientIp, String helo, String mailFrom) {
        Objects.requireNonNull(rawMessage, "rawMessage");
        Objects.requireNonNull(clientIp, "clientIp");
        String h = helo == null ? "" : helo;
        String mf = mailFrom == null ? "" : mailFrom;
        RawMessage message = RawMessage.parse(rawMessage);
        try {
            return run(message.header(), message.bodyStream(), clientIp, h, mf);
        } catch (IOException e) {
            throw new UncheckedIOException("reading from memory cannot fail", e);
        }
    }

    /**
     * Authenticates a message whose header section is already read and whose body is still to be streamed (a
     * milter's spilled body, a large file): the body is read once, for DKIM, and never held. Never throws for
     * message content or DNS; only I/O errors of {@code body} propagate.
     */
    public AuthenticationResult authenticate(HeaderSection header, InputStream body, InetAddress clientIp,
            String helo, String mailFrom) throws IOException {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(clientIp, "clientIp");
        return run(header, body, clientIp, helo == null ? "" : helo, mailFrom == null ? "" : mailFrom);
    }

    private AuthenticationResult run(HeaderSection header, InputStream body, InetAddress clientIp, String h,
            String mf) throws IOException {
        FromHeader.Result from = FromHeader.extract(header);
        MemoResolver memo = new MemoResolver(dns);
        SpfEvaluator spfEvaluator = SpfEvaluator.builder().resolver(memo).receiver(authservId).clock(clock).build();
        DkimVerifier verifier = DkimVerifier.builder(memo).clock(clock).policy(dkimPolicy).build();
        DmarcEvaluator dmarcEvaluator = DmarcEvaluator.builder(memo).mode(mode).build();

        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<SpfResult> spfF = pool.submit(() -> spfEvaluator.checkMailFrom(clientIp, mf, h));
            Future<List<DkimResult>> dkimF = pool.submit(() -> verifier.verify(header, body));
            Optional<DomainName> author = from instanceof FromHeader.Author a ? Optional.of(a.domain())
                    : Optional.empty();
            // Policy discovery needs only the From domain: start it now, alongside SPF and DKIM. With
            // prefetching on, it also walks for the identifiers SPF and DKIM may authenticate (the MAIL FROM
            // domain and each signature's d=), as if they passed, so the final evaluation finds them cached.
            Future<DmarcEvaluation> discovery = author.isPresent()
                    ? pool.submit(() -> dmarcEvaluator.evaluate(prefetchInput(author.get(), header, mf, h))) : null;
            SpfResult spf = spfF.get();
            List<DkimResult> dkim = dkimF.get();
            if (discovery != null) {
                discovery.get(); // its answers are in the memo now
            }
            if (author.isEmpty()) {
                DmarcResult r = switch (from) {
                    case FromHeader.MultipleDomains m -> new DmarcResult.None("the From field holds addresses in "
                            + m.domains().size() + " domains; RFC 9989 section 5.3.1 exempts the message from DMARC");
                    case FromHeader.NoFrom n -> new DmarcResult.PermError("the message has no From field");
                    case FromHeader.MultipleFields m -> new DmarcResult.PermError("the message has " + m.count()
                            + " From fields; RFC 5322 allows one");
                    case FromHeader.Malformed m -> new DmarcResult.PermError(m.message());
                    case FromHeader.Author a -> throw new IllegalStateException("unreachable");
                };
                return new AuthenticationResult(authservId, spf, dkim, from, r, Optional.empty());
            }
            DmarcInput input = DmarcInput.of(author.get());
            Optional<DomainName> spfDomain = DomainName.parse(spf.details().domain());
            Optional<AuthResult> spfResult = AuthResult.parse(spf.code());
            if (spfDomain.isPresent() && !spfDomain.get().isRoot() && spfResult.isPresent()) {
                input = input.withSpf(SpfOutcome.mailFrom(spfDomain.get(), spfResult.get()));
            }
            for (DkimResult k : dkim) {
                Optional<DomainName> d = DomainName.parse(k.signature().domain());
                Optional<AuthResult> res = AuthResult.parse(k.keyword());
                if (d.isPresent() && !d.get().isRoot() && res.isPresent()) {
                    input = input.withDkim(new DkimOutcome(d.get(), Optional.of(k.signature().selector()), res.get()));
                }
            }
            DmarcEvaluation e = dmarcEvaluator.evaluate(input);
            return new AuthenticationResult(authservId, spf, dkim, from, e.result(), Optional.of(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while authenticating", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(c);
        }
    }

    private DmarcInput prefetchInput(DomainName author, HeaderSection header, String mailFrom, String helo) {
        DmarcInput in = DmarcInput.of(author);
        if (!prefetchAlignment) {
            return in;
        }
        String mf = mailFrom.strip();
        if (mf.startsWith("<") && mf.endsWith(">")) {
            mf = mf.substring(1, mf.length() - 1);
        }
        String spfDomain = mf.isEmpty() ? helo : mf.substring(mf.lastIndexOf('@') + 1);
        Optional<DomainName> d = DomainName.parse(spfDomain);
        if (d.isPresent() && !d.get().isRoot()) {
            in = in.withSpf(SpfOutcome.mailFrom(d.get(), AuthResult.PASS));
        }
        for (var field : header.all("DKIM-Signature")) {
            String signer = switch (DkimSignature.parse(field.value())) {
                case DkimSignature.Valid v -> v.id().domain();
                case DkimSignature.Invalid i -> i.id().domain();
            };
            Optional<DomainName> sd = DomainName.parse(signer);
            if (sd.isPresent() && !sd.get().isRoot()) {
                in = in.withDkim(DkimOutcome.of(sd.get(), AuthResult.PASS));
            }
        }
        return in;
    }

    /** Builds an {@link EmailAuthenticator}. */
    public static final class Builder {
        private final DnsResolver dns;
        private String authservId = "localhost";
        private DmarcMode mode = DmarcMode.RFC9989;
        private Clock clock = Clock.systemUTC();
        private DkimPolicy dkimPolicy = DkimPolicy.DEFAULT;
        private boolean prefetchAlignment = true;

        private Builder(DnsResolver dns) {
            this.dns = Objects.requireNonNull(dns, "dns");
        }

        /** The authserv-id written into Authentication-Results (default {@code localhost}). */
        public Builder authservId(String id) {
            Objects.requireNonNull(id, "id");
            if (id.isBlank() || id.chars().anyMatch(c -> c <= ' ' || c >= 0x7f || c == ';')) {
                throw new IllegalArgumentException("authserv-id must be a host name without spaces or ';', was '"
                        + id + "'");
            }
            this.authservId = id;
            return this;
        }

        /** The DMARC mode (default RFC 9989). */
        public Builder dmarcMode(DmarcMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** The clock for DKIM {@code t=}/{@code x=} and SPF macros. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** What DKIM accepts (default {@link DkimPolicy#DEFAULT}). */
        public Builder dkimPolicy(DkimPolicy policy) {
            this.dkimPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Whether DMARC's organizational-domain walks for the MAIL FROM domain and the signatures' {@code d=}
         * domains start together with SPF and DKIM (default true: lower latency; a few queries are wasted when
         * those identifiers then fail and alignment would not have needed them).
         */
        public Builder prefetchAlignment(boolean prefetch) {
            this.prefetchAlignment = prefetch;
            return this;
        }

        /** The authenticator. */
        public EmailAuthenticator build() {
            return new EmailAuthenticator(this);
        }
    }
}
