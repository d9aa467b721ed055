package dev.aligned.dmarc;

import dev.aligned.dns.DomainName;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The inputs of one DMARC evaluation: the Author Domain (from the RFC 5322 From field, as an A-label
 * {@link DomainName}) and the outcomes of SPF and DKIM.
 *
 * @param authorDomain the RFC5322.From domain
 * @param spf          the SPF outcome, when SPF was checked
 * @param dkim         one outcome per DKIM signature checked (any order)
 */
public record DmarcInput(DomainName authorDomain, Optional<SpfOutcome> spf, List<DkimOutcome> dkim) {
    public DmarcInput {
        Objects.requireNonNull(authorDomain, "authorDomain");
        if (authorDomain.isRoot()) {
            throw new IllegalArgumentException("authorDomain must not be the DNS root");
        }
        Objects.requireNonNull(spf, "spf");
        dkim = List.copyOf(dkim);
    }

    /** An input with the given author domain and no authentication results yet. */
    public static DmarcInput of(DomainName authorDomain) {
        return new DmarcInput(authorDomain, Optional.empty(), List.of());
    }

    /** This input with the SPF outcome set. */
    public DmarcInput withSpf(SpfOutcome outcome) {
        return new DmarcInput(authorDomain, Optional.of(outcome), dkim);
    }

    /** This input with one more DKIM outcome. */
    public DmarcInput withDkim(DkimOutcome outcome) {
        List<DkimOutcome> all = new java.util.ArrayList<>(dkim);
        all.add(outcome);
        return new DmarcInput(authorDomain, spf, all);
    }
}
