package dev.aligned.report;

/** The identity an SPF result applies to ({@code helo} appears in RFC 7489 reports). Written in reports as {@link #token()} (lower case). */
public enum SpfScope {
    MFROM("mfrom"),
    HELO("helo");

    private final String token;

    SpfScope(String token) {
        this.token = token;
    }

    /** The value as written in reports, in lower case. */
    public String token() {
        return token;
    }

    /** The constant whose token is {@code token} (exact, lower case), if any. */
    public static java.util.Optional<SpfScope> ofToken(String token) {
        for (java.util.Optional<SpfScope> v : PRESENT) {
            if (v.get().token.equals(token)) {
                return v;
            }
        }
        return java.util.Optional.empty();
    }

    /** Each constant as a present {@code Optional}, one shared instance each (reports hold one per record). */
    private static final java.util.List<java.util.Optional<SpfScope>> PRESENT =
            java.util.Arrays.stream(values()).map(java.util.Optional::of).toList();
}
