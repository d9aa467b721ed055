package dev.aligned.report;

/** How the DMARC policy record was found (RFC 9990): the RFC 7489 public suffix list or the RFC 9989 tree walk. Written in reports as {@link #token()} (lower case). */
public enum DiscoveryMethod {
    PSL("psl"),
    TREEWALK("treewalk");

    private final String token;

    DiscoveryMethod(String token) {
        this.token = token;
    }

    /** The value as written in reports, in lower case. */
    public String token() {
        return token;
    }

    /** The constant whose token is {@code token} (exact, lower case), if any. */
    public static java.util.Optional<DiscoveryMethod> ofToken(String token) {
        for (java.util.Optional<DiscoveryMethod> v : PRESENT) {
            if (v.get().token.equals(token)) {
                return v;
            }
        }
        return java.util.Optional.empty();
    }

    /** Each constant as a present {@code Optional}, one shared instance each (reports hold one per record). */
    private static final java.util.List<java.util.Optional<DiscoveryMethod>> PRESENT =
            java.util.Arrays.stream(values()).map(java.util.Optional::of).toList();
}
