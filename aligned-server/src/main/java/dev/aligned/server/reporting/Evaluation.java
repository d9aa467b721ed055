package dev.aligned.server.reporting;

import dev.aligned.auth.AuthenticationResult;
import dev.aligned.dkim.DkimResult;
import dev.aligned.dmarc.AuthResult;
import dev.aligned.dmarc.Disposition;
import dev.aligned.dmarc.DkimOutcome;
import dev.aligned.dmarc.DmarcEvaluation;
import dev.aligned.dmarc.DmarcMode;
import dev.aligned.dmarc.DmarcRecord;
import dev.aligned.dmarc.DmarcResult;
import dev.aligned.dmarc.SpfOutcome;
import dev.aligned.dns.DomainName;
import dev.aligned.report.IpAddresses;
import dev.aligned.report.OverrideReason;
import dev.aligned.report.PolicyOverride;
import dev.aligned.spf.SpfResult;
import java.net.InetAddress;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What one evaluated message contributes to the reports sent to a domain owner: when and from where it came,
 * the identifiers, the policy that applied (the whole published record, so {@code p, sp, np, adkim, aspf,
 * pct, t, fo, rua, ruf} are all at hand), the disposition the receiver applied and why it differs from the
 * policy, and the DMARC, aligned and raw DKIM/SPF results.
 *
 * <p>Only messages for which a DMARC policy record was found are reportable; {@link #of} returns empty for the
 * others (no From domain, no record). Envelope addresses are kept as domains only: aggregate reports need no
 * local parts.
 *
 * <pre>{@code
 * AuthenticationResult auth = authenticator.authenticate(bytes, clientIp, helo, mailFrom);
 * Evaluation.of(clock.instant(), clientIp, auth, mailFrom, rcptTo)
 *         .map(e -> monitorOnly ? e.withApplied(Disposition.NONE, PolicyOverride.LOCAL_POLICY, "monitor mode") : e)
 *         .ifPresent(evaluationLog::record);
 * }</pre>
 *
 * @param received     when the message was received (UTC)
 * @param sourceIp     the connecting client's address, canonical (dotted quad, RFC 5952 IPv6)
 * @param headerFrom   the RFC5322.From (author) domain
 * @param envelopeFrom the RFC5321.MailFrom domain (empty for the null reverse-path)
 * @param envelopeTo   the domain of the first RFC5321.RcptTo, when known
 * @param policyDomain where the applicable DMARC record was found: the report's {@code policy_published/domain}
 * @param policy       that record as published
 * @param mode         the specification the evaluation followed (RFC 9989 tree walk or RFC 7489 PSL)
 * @param disposition  the disposition the receiver applied
 * @param overrides    why {@code disposition} differs from what the policy asks, if it does
 * @param dmarc        the DMARC result
 * @param dkimAligned  an aligned DKIM signature passed
 * @param spfAligned   SPF passed for an aligned MAIL FROM domain
 * @param dkim         each DKIM signature's domain, selector and result, top first
 * @param spf          the SPF check of the MAIL FROM identity (or the HELO, for a null reverse-path), if one ran
 */
public record Evaluation(Instant received, String sourceIp, DomainName headerFrom, Optional<DomainName> envelopeFrom,
        Optional<DomainName> envelopeTo, DomainName policyDomain, DmarcRecord policy, DmarcMode mode,
        Disposition disposition, List<OverrideReason> overrides, DmarcResult dmarc, boolean dkimAligned,
        boolean spfAligned, List<DkimOutcome> dkim, Optional<SpfOutcome> spf) {

    public Evaluation {
        Objects.requireNonNull(received, "received");
        Objects.requireNonNull(sourceIp, "sourceIp");
        Objects.requireNonNull(headerFrom, "headerFrom");
        Objects.requireNonNull(envelopeFrom, "envelopeFrom");
        Objects.requireNonNull(envelopeTo, "envelopeTo");
        Objects.requireNonNull(policyDomain, "policyDomain");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(disposition, "disposition");
        overrides = List.copyOf(overrides);
        Objects.requireNonNull(dmarc, "dmarc");
        dkim = List.copyOf(dkim);
        Objects.requireNonNull(spf, "spf");
        Optional<String> ip = IpAddresses.canonical(sourceIp);
        if (ip.isEmpty()) {
            throw new IllegalArgumentException("sourceIp is not an IP address: '" + sourceIp + "'");
        }
        sourceIp = ip.get();
    }

    /**
     * The evaluation of a message authenticated by {@link dev.aligned.auth.EmailAuthenticator}, with the
     * disposition the policy asks for; empty when no DMARC record applies (nothing to report).
     *
     * @param mailFrom the SMTP MAIL FROM address as given ({@code <>} or empty for the null reverse-path)
     * @param rcptTo   the SMTP RCPT TO addresses; the first one's domain is the report's {@code envelope_to}
     */
    public static Optional<Evaluation> of(Instant received, InetAddress clientIp, AuthenticationResult auth,
            String mailFrom, List<String> rcptTo) {
        Objects.requireNonNull(auth, "auth");
        if (auth.evaluation().isEmpty()) {
            return Optional.empty();
        }
        List<DkimOutcome> dkim = new ArrayList<>();
        for (DkimResult k : auth.dkim()) {
            Optional<DomainName> d = DomainName.parse(k.signature().domain());
            Optional<AuthResult> r = AuthResult.parse(k.keyword());
            if (d.isPresent() && !d.get().isRoot() && r.isPresent()) {
                String sel = k.signature().selector();
                dkim.add(new DkimOutcome(d.get(), sel == null || sel.isEmpty() ? Optional.empty() : Optional.of(sel),
                        r.get()));
            }
        }
        SpfResult s = auth.spf();
        Optional<SpfOutcome> spf = DomainName.parse(s.details().domain()).filter(d -> !d.isRoot())
                .flatMap(d -> AuthResult.parse(s.code()).map(r -> SpfOutcome.mailFrom(d, r)));
        return of(received, clientIp, auth.evaluation().get(), mailFrom, rcptTo, dkim, spf);
    }

    /**
     * The evaluation from a {@link DmarcEvaluation} and the raw results it was made from; empty when no DMARC
     * record applies. The disposition is the one the policy asks for; a {@code t=y} (or RFC 7489 {@code pct})
     * reduction is reported as the {@code policy_test_mode} (or {@code sampled_out}) override.
     */
    public static Optional<Evaluation> of(Instant received, InetAddress clientIp, DmarcEvaluation e, String mailFrom,
            List<String> rcptTo, List<DkimOutcome> dkim, Optional<SpfOutcome> spf) {
        Objects.requireNonNull(e, "evaluation");
        Objects.requireNonNull(clientIp, "clientIp");
        if (e.policyDomain().isEmpty() || e.record().isEmpty()) {
            return Optional.empty();
        }
        List<OverrideReason> overrides = new ArrayList<>();
        if (e.testing()) {
            overrides.add(new OverrideReason(Optional.of(e.mode() == DmarcMode.RFC7489
                    ? PolicyOverride.SAMPLED_OUT : PolicyOverride.POLICY_TEST_MODE), Optional.empty()));
        }
        Optional<DomainName> to = rcptTo == null || rcptTo.isEmpty() ? Optional.empty() : domainOf(rcptTo.get(0));
        return Optional.of(new Evaluation(received, clientIp.getHostAddress(), e.authorDomain(),
                domainOf(mailFrom == null ? "" : mailFrom), to, e.policyDomain().get(), e.record().get(), e.mode(),
                e.disposition(), overrides, e.result(), e.dkimAligned(), e.spfAligned(), dkim, spf));
    }

    /**
     * This evaluation with the disposition the receiver actually applied (e.g. {@code none} in monitor mode) and
     * the override that explains it, appended to the existing ones.
     */
    public Evaluation withApplied(Disposition applied, PolicyOverride why, String comment) {
        List<OverrideReason> o = new ArrayList<>(overrides);
        o.add(new OverrideReason(Optional.of(why), Optional.ofNullable(comment).filter(c -> !c.isBlank())));
        return new Evaluation(received, sourceIp, headerFrom, envelopeFrom, envelopeTo, policyDomain, policy, mode,
                applied, o, dmarc, dkimAligned, spfAligned, dkim, spf);
    }

    /** The UTC day the message was received on (the default aggregate reporting period). */
    public LocalDate day() {
        return LocalDate.ofInstant(received, ZoneOffset.UTC);
    }

    /** True when DMARC failed: what failure reports are about. */
    public boolean failed() {
        return dmarc instanceof DmarcResult.Fail;
    }

    /** The domain of an address ({@code local@domain}, optionally in angle brackets); empty when there is none. */
    static Optional<DomainName> domainOf(String address) {
        String a = address.strip();
        if (a.startsWith("<") && a.endsWith(">")) {
            a = a.substring(1, a.length() - 1);
        }
        int at = a.lastIndexOf('@');
        if (at < 0 || at == a.length() - 1) {
            return Optional.empty();
        }
        return DomainName.parse(a.substring(at + 1).toLowerCase(Locale.ROOT)).filter(d -> !d.isRoot());
    }
}
