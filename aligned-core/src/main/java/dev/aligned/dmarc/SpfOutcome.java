package dev.aligned.dmarc;

import dev.aligned.dns.DomainName;
import java.util.Objects;

/**
 * What SPF said, as DMARC needs it (RFC 9989 section 5.3.3): the domain checked and the result.
 *
 * @param domain   the domain SPF checked: the MAIL FROM domain, or for a null reverse-path the HELO name
 *                 (RFC 7208 section 2.4), which is then still the MAIL FROM identity
 * @param result   the SPF result
 * @param identity which SPF identity was checked; only {@link Identity#MAIL_FROM} can align
 */
public record SpfOutcome(DomainName domain, AuthResult result, Identity identity) {

    /** The SPF identity that was checked. */
    public enum Identity {
        /** The MAIL FROM identity (including postmaster@HELO for a null reverse-path). */
        MAIL_FROM,
        /** A separate HELO check: never used for DMARC (RFC 9989 section 4.4.2). */
        HELO
    }

    public SpfOutcome {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(identity, "identity");
    }

    /** A MAIL FROM outcome. */
    public static SpfOutcome mailFrom(DomainName domain, AuthResult result) {
        return new SpfOutcome(domain, result, Identity.MAIL_FROM);
    }
}
