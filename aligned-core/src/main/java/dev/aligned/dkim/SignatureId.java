package dev.aligned.dkim;

import java.util.Objects;

/**
 * Which signature a result is about, as written in it (empty strings for tags that were missing).
 *
 * @param domain the {@code d=} value
 * @param selector the {@code s=} value
 * @param algorithm the {@code a=} value
 * @param identity the {@code i=} value, or empty
 * @param index the 0-based position of this DKIM-Signature among the message's DKIM-Signature fields, top first
 */
public record SignatureId(String domain, String selector, String algorithm, String identity, int index) {
    public SignatureId {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(identity, "identity");
    }
}
