package dev.aligned.dmarc;

import dev.aligned.dns.DomainName;
import java.util.Objects;
import java.util.Optional;

/**
 * The alignment check of one identifier (the SPF MAIL FROM domain or one DKIM {@code d=}) against the Author
 * Domain.
 *
 * @param mechanism          SPF or DKIM
 * @param domain             the identifier's domain
 * @param result             what SPF or DKIM said about it
 * @param status             the alignment verdict
 * @param organizationalDomain the identifier's organizational domain, when it had to be found
 * @param detail             one sentence saying why
 */
public record IdentifierCheck(Mechanism mechanism, DomainName domain, AuthResult result, Status status,
        Optional<DomainName> organizationalDomain, String detail) {

    /** The underlying mechanism. */
    public enum Mechanism {
        SPF, DKIM;

        /** {@code spf} or {@code dkim}. */
        public String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The alignment verdict of one identifier. */
    public enum Status {
        /** Authenticated and aligned: enough for DMARC pass. */
        ALIGNED,
        /** Authenticated but not aligned. */
        NOT_ALIGNED,
        /** Not authenticated (the result is not pass), so alignment does not matter. */
        NOT_AUTHENTICATED,
        /** SPF's HELO identity, which DMARC never uses. */
        HELO_IDENTITY,
        /** Alignment could not be decided: a DNS query failed temporarily. */
        UNKNOWN,
        /** Not checked because of {@link DmarcLimits#maxDkimIdentifiers()}. */
        NOT_CHECKED
    }

    public IdentifierCheck {
        Objects.requireNonNull(mechanism, "mechanism");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(organizationalDomain, "organizationalDomain");
        Objects.requireNonNull(detail, "detail");
    }
}
