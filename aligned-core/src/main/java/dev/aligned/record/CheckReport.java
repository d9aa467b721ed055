package dev.aligned.record;

import dev.aligned.dns.DomainName;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link DomainChecker} made of one domain: {@link Checked} with findings, or {@link NotChecked} when the
 * input is not a domain name.
 *
 * <pre>{@code
 * switch (checker.check("example.com")) {
 *     case CheckReport.Checked c -> c.findings().forEach(System.out::println);
 *     case CheckReport.NotChecked n -> System.err.println(n.input() + ": " + n.reason());
 * }
 * }</pre>
 */
public sealed interface CheckReport {

    /** The text that was asked to be checked. */
    String input();

    /** The input is not a domain name; nothing was looked up. */
    record NotChecked(String input, String reason) implements CheckReport {
        public NotChecked {
            Objects.requireNonNull(input, "input");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The domain was checked.
     *
     * @param input     the text given
     * @param domain    the domain checked, normalised
     * @param checkedAt when (from the checker's clock)
     * @param grade     the summary grade
     * @param nextStep  the one thing to do next, in plain words
     * @param findings  errors first, then warnings, then info; in check order within a severity
     * @param rules     mailbox-provider sender requirements as far as DNS shows them
     * @param spf       what SPF publishes
     * @param dmarc     what DMARC publishes and where the policy comes from
     * @param dkim      the DKIM keys found
     * @param mx        the mail exchangers, lowest preference first ({@code "10 mx.example.com"})
     * @param bimi      the BIMI record text at {@code default._bimi}, if any
     * @param mtaSts    the MTA-STS TXT record text at {@code _mta-sts}, if any
     * @param tlsRpt    the TLS-RPT record text at {@code _smtp._tls}, if any
     */
    record Checked(String input, DomainName domain, Instant checkedAt, Grade grade, String nextStep,
            List<Finding> findings, List<RuleCheck> rules, SpfSummary spf, DmarcSummary dmarc,
            List<DkimKeySummary> dkim, List<String> mx, Optional<String> bimi, Optional<String> mtaSts,
            Optional<String> tlsRpt) implements CheckReport {
        public Checked {
            Objects.requireNonNull(input, "input");
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(checkedAt, "checkedAt");
            Objects.requireNonNull(grade, "grade");
            Objects.requireNonNull(nextStep, "nextStep");
            findings = List.copyOf(findings);
            rules = List.copyOf(rules);
            Objects.requireNonNull(spf, "spf");
            Objects.requireNonNull(dmarc, "dmarc");
            dkim = List.copyOf(dkim);
            mx = List.copyOf(mx);
            Objects.requireNonNull(bimi, "bimi");
            Objects.requireNonNull(mtaSts, "mtaSts");
            Objects.requireNonNull(tlsRpt, "tlsRpt");
        }

        /** The findings with the given code. */
        public List<Finding> findings(FindingCode code) {
            return findings.stream().filter(f -> f.code() == code).toList();
        }

        /** True when a finding with this code was reported. */
        public boolean has(FindingCode code) {
            return findings.stream().anyMatch(f -> f.code() == code);
        }

        /** How many findings have the given severity. */
        public long count(Severity severity) {
            return findings.stream().filter(f -> f.severity() == severity).count();
        }
    }

    /** A summary grade: A (nothing to fix, policy enforced) to F (mail from the domain is not protected). */
    enum Grade {
        A, B, C, D, F
    }

    /**
     * The domain's SPF record and its tree.
     *
     * @param record      the record text, when there is exactly one
     * @param lookups     DNS-querying terms in the whole tree (limit 10)
     * @param voidLookups lookups that found nothing (limit 2)
     * @param tree        the include/redirect tree, one line per record, indented two spaces a level, each
     *                    with the lookups it costs
     * @param services    sending services recognised from the includes
     */
    record SpfSummary(Optional<String> record, int lookups, int voidLookups, List<String> tree, List<String> services) {
        public SpfSummary {
            Objects.requireNonNull(record, "record");
            tree = List.copyOf(tree);
            services = List.copyOf(services);
        }
    }

    /**
     * The DMARC record that applies and where it comes from.
     *
     * @param record       the record text at {@code _dmarc.<domain>}, when there is exactly one
     * @param policyDomain where the applicable policy was found by the tree walk
     * @param policy       the policy that applies to the domain ({@code none}, {@code quarantine}, {@code reject})
     * @param policySource the tag it comes from ({@code p}, {@code sp}, {@code np}, {@code p-fallback})
     * @param walk         the tree walk, one sentence a step
     */
    record DmarcSummary(Optional<String> record, Optional<DomainName> policyDomain, Optional<String> policy,
            Optional<String> policySource, List<String> walk) {
        public DmarcSummary {
            Objects.requireNonNull(record, "record");
            Objects.requireNonNull(policyDomain, "policyDomain");
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(policySource, "policySource");
            walk = List.copyOf(walk);
        }
    }

    /**
     * A DKIM key record found at a selector.
     *
     * @param selector  the selector
     * @param keyType   {@code rsa}, {@code ed25519} or what k= says
     * @param bits      the key size, 0 when unknown (unreadable or revoked)
     * @param testing   t=y
     * @param revoked   empty p=
     * @param requested true when the selector was named by the caller, false when it was one of the common ones
     */
    record DkimKeySummary(String selector, String keyType, int bits, boolean testing, boolean revoked,
            boolean requested) {
        public DkimKeySummary {
            Objects.requireNonNull(selector, "selector");
            Objects.requireNonNull(keyType, "keyType");
        }
    }
}
