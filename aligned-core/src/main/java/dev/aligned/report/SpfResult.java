package dev.aligned.report;

/** A raw SPF result (RFC 8601 2.7.2). Written in reports as {@link #token()} (lower case). */
public enum SpfResult {
    NONE("none"),
    NEUTRAL("neutral"),
    PASS("pass"),
    FAIL("fail"),
    SOFTFAIL("softfail"),
    POLICY("policy"),
    TEMPERROR("temperror"),
    PERMERROR("permerror");

    private final String token;

    SpfResult(String token) {
        this.token = token;
    }

    /** The value as written in reports, in lower case. */
    public String token() {
        return token;
    }

    /** The constant whose token is {@code token} (exact, lower case), if any. */
    public static java.util.Optional<SpfResult> ofToken(String token) {
        for (java.util.Optional<SpfResult> v : PRESENT) {
            if (v.get().token.equals(token)) {
                return v;
            }
        }
        return java.util.Optional.empty();
    }

    /** Each constant as a present {@code Optional}, one shared instance each (reports hold one per record). */
    private static final java.util.List<java.util.Optional<SpfResult>> PRESENT =
            java.util.Arrays.stream(values()).map(java.util.Optional::of).toList();
}
