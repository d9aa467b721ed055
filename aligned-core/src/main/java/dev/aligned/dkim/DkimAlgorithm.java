package dev.aligned.dkim;

import java.util.Optional;

/** The signing algorithms of the {@code a=} tag that Aligned knows. */
public enum DkimAlgorithm {
    /** RSA with SHA-1: obsolete (RFC 8301), refused by default when verifying, never used to sign. */
    RSA_SHA1("rsa-sha1", "rsa", "sha1", "SHA-1", "SHA1withRSA"),
    /** RSA with SHA-256 (RFC 6376). */
    RSA_SHA256("rsa-sha256", "rsa", "sha256", "SHA-256", "SHA256withRSA"),
    /** Ed25519 over a SHA-256 hash (RFC 8463). */
    ED25519_SHA256("ed25519-sha256", "ed25519", "sha256", "SHA-256", "Ed25519");

    private final String tag;
    private final String keyType;
    private final String hashTag;
    private final String digest;
    private final String jca;

    DkimAlgorithm(String tag, String keyType, String hashTag, String digest, String jca) {
        this.tag = tag;
        this.keyType = keyType;
        this.hashTag = hashTag;
        this.digest = digest;
        this.jca = jca;
    }

    /** The {@code a=} value, e.g. {@code rsa-sha256}. */
    public String tag() {
        return tag;
    }

    /** The key type, as in a key record's {@code k=}: {@code rsa} or {@code ed25519}. */
    public String keyType() {
        return keyType;
    }

    /** The hash name used in a key record's {@code h=}: {@code sha1} or {@code sha256}. */
    public String hashTag() {
        return hashTag;
    }

    /** The JCA message digest name. */
    String digest() {
        return digest;
    }

    /** The JCA signature algorithm name. */
    String jcaSignature() {
        return jca;
    }

    /** The algorithm for an {@code a=} value (ASCII case ignored). */
    public static Optional<DkimAlgorithm> fromTag(String tag) {
        for (DkimAlgorithm a : values()) {
            if (a.tag.equalsIgnoreCase(tag)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return tag;
    }
}
