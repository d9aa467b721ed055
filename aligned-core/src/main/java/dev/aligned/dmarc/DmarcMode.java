package dev.aligned.dmarc;

/** Which DMARC specification the evaluator follows. */
public enum DmarcMode {
    /**
     * RFC 9989 (the default): DNS tree walk for policy discovery and organizational domains, {@code psd},
     * {@code np} and {@code t} honoured, {@code pct} ignored.
     */
    RFC9989,
    /**
     * RFC 7489: Public Suffix List for organizational domains, one fallback query at the organizational
     * domain, {@code pct} honoured (with the injected random source), {@code np}, {@code psd} and {@code t}
     * ignored.
     */
    RFC7489;

    /** {@code rfc9989} or {@code rfc7489}. */
    public String keyword() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
