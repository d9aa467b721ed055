package dev.aligned.dkim;

import java.time.Duration;
import java.util.Objects;

/**
 * What a verifier accepts, and how much work it does for one message.
 *
 * @param acceptRsaSha1 accept rsa-sha1 signatures (RFC 8301 says no; true only for reading old mail)
 * @param minRsaBits the smallest RSA modulus accepted (RFC 8301: 1024)
 * @param maxSignatures the most DKIM-Signature fields checked per message; later ones get {@link DkimResult.Policy}
 * @param clockSkew how far in the future a {@code t=} may be, and how long after {@code x=} a signature still counts
 */
public record DkimPolicy(boolean acceptRsaSha1, int minRsaBits, int maxSignatures, Duration clockSkew) {
    /** rsa-sha1 refused, RSA at least 1024 bits, 10 signatures, 5 minutes of skew. */
    public static final DkimPolicy DEFAULT = new DkimPolicy(false, 1024, 10, Duration.ofMinutes(5));

    public DkimPolicy {
        if (minRsaBits < 512) {
            throw new IllegalArgumentException("minRsaBits must be at least 512, got " + minRsaBits);
        }
        if (maxSignatures < 1) {
            throw new IllegalArgumentException("maxSignatures must be positive, got " + maxSignatures);
        }
        Objects.requireNonNull(clockSkew, "clockSkew");
        if (clockSkew.isNegative()) {
            throw new IllegalArgumentException("clockSkew must not be negative, got " + clockSkew);
        }
    }

    /** This policy with rsa-sha1 accepted or refused. */
    public DkimPolicy withAcceptRsaSha1(boolean accept) {
        return new DkimPolicy(accept, minRsaBits, maxSignatures, clockSkew);
    }

    /** This policy with another minimum RSA size. */
    public DkimPolicy withMinRsaBits(int bits) {
        return new DkimPolicy(acceptRsaSha1, bits, maxSignatures, clockSkew);
    }

    /** This policy with another signature cap. */
    public DkimPolicy withMaxSignatures(int max) {
        return new DkimPolicy(acceptRsaSha1, minRsaBits, max, clockSkew);
    }
}
