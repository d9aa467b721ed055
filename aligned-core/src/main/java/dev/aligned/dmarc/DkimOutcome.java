package dev.aligned.dmarc;

import dev.aligned.dns.DomainName;
import java.util.Objects;
import java.util.Optional;

/**
 * What one DKIM signature check said, as DMARC needs it (RFC 9989 section 5.3.3).
 *
 * @param domain   the signature's {@code d=} domain
 * @param selector the signature's {@code s=} selector, when known
 * @param result   the verification result
 */
public record DkimOutcome(DomainName domain, Optional<String> selector, AuthResult result) {
    public DkimOutcome {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(result, "result");
    }

    /** An outcome without a selector. */
    public static DkimOutcome of(DomainName domain, AuthResult result) {
        return new DkimOutcome(domain, Optional.empty(), result);
    }
}
