package dev.aligned.report;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code policy_published}: the DMARC record the reporter applied. Every tag is optional because reporters
 * omit them; a missing {@code p} is reported as a warning by the parser.
 *
 * @param domain the domain where the policy was found
 * @param pct RFC 7489 {@code pct} (not part of RFC 9990, which the writer therefore does not emit)
 * @param np RFC 9990 non-existent subdomain policy
 * @param testing RFC 9990 {@code t=} flag
 * @param discoveryMethod RFC 9990 {@code psl} or {@code treewalk}
 */
public record PolicyPublished(
        String domain,
        Optional<Alignment> adkim,
        Optional<Alignment> aspf,
        Optional<Disposition> p,
        Optional<Disposition> sp,
        Optional<Disposition> np,
        OptionalInt pct,
        Optional<String> fo,
        Optional<Testing> testing,
        Optional<DiscoveryMethod> discoveryMethod) {

    public PolicyPublished {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(adkim, "adkim");
        Objects.requireNonNull(aspf, "aspf");
        Objects.requireNonNull(p, "p");
        Objects.requireNonNull(sp, "sp");
        Objects.requireNonNull(np, "np");
        Objects.requireNonNull(pct, "pct");
        Objects.requireNonNull(fo, "fo");
        Objects.requireNonNull(testing, "testing");
        Objects.requireNonNull(discoveryMethod, "discoveryMethod");
    }
}
