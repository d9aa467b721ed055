package dev.aligned.dkim;

/** A canonicalisation algorithm of the {@code c=} tag (RFC 6376 section 3.4). */
public enum Canonicalization {
    /** Tolerates almost no change. */
    SIMPLE,
    /** Tolerates whitespace changes and header re-folding. */
    RELAXED;

    /** The tag value: {@code simple} or {@code relaxed}. */
    public String tag() {
        return this == SIMPLE ? "simple" : "relaxed";
    }
}
