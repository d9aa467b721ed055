package dev.aligned.dmarc;

import dev.aligned.dns.DomainName;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one DMARC evaluation found: the result, the record and policy that apply, the disposition a
 * receiver honouring the policy would apply, and why.
 *
 * @param authorDomain         the RFC5322.From domain evaluated
 * @param mode                 the specification followed
 * @param result               pass / fail / none / temperror / permerror
 * @param policyDomain         where the applicable policy record was found
 * @param record               the applicable policy record
 * @param recordProblems       what the parser found wrong or obsolete in that record (errors and warnings)
 * @param policy               the Domain Owner Assessment Policy that applies to this author domain
 *                             ({@code p}, {@code sp} or {@code np}; {@code none} under the section 4.10.1 fallback)
 * @param policySource         which tag {@code policy} came from ({@code p}, {@code sp}, {@code np}, or
 *                             {@code p-fallback} for a record acting as {@code p=none})
 * @param disposition          what a receiver honouring the policy does ({@code none} unless the result is fail)
 * @param organizationalDomain the author domain's organizational domain, when it had to be found
 * @param testing              {@code t=y} (RFC 9989) lowered the disposition, or RFC 7489 {@code pct} sampled
 *                             the message out
 * @param checks               the alignment check of each identifier
 * @param reasons              why, one sentence each, in the order decided
 */
public record DmarcEvaluation(DomainName authorDomain, DmarcMode mode, DmarcResult result,
        Optional<DomainName> policyDomain, Optional<DmarcRecord> record, List<DmarcProblem> recordProblems,
        Optional<DmarcRecord.Policy> policy,
        Optional<String> policySource, Disposition disposition, Optional<DomainName> organizationalDomain,
        boolean testing, List<IdentifierCheck> checks, List<String> reasons) {

    public DmarcEvaluation {
        Objects.requireNonNull(authorDomain, "authorDomain");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(policyDomain, "policyDomain");
        Objects.requireNonNull(record, "record");
        recordProblems = List.copyOf(recordProblems);
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(policySource, "policySource");
        Objects.requireNonNull(disposition, "disposition");
        Objects.requireNonNull(organizationalDomain, "organizationalDomain");
        checks = List.copyOf(checks);
        reasons = List.copyOf(reasons);
    }

    /** True when the SPF identifier is aligned (and passed). */
    public boolean spfAligned() {
        return checks.stream().anyMatch(c -> c.mechanism() == IdentifierCheck.Mechanism.SPF
                && c.status() == IdentifierCheck.Status.ALIGNED);
    }

    /** True when at least one passing DKIM signature is aligned. */
    public boolean dkimAligned() {
        return checks.stream().anyMatch(c -> c.mechanism() == IdentifierCheck.Mechanism.DKIM
                && c.status() == IdentifierCheck.Status.ALIGNED);
    }
}
