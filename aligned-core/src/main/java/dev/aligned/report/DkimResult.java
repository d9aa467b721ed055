package dev.aligned.report;

/** A raw DKIM verification result (RFC 8601 2.7.1). Written in reports as {@link #token()} (lower case). */
public enum DkimResult {
    NONE("none"),
    PASS("pass"),
    FAIL("fail"),
    POLICY("policy"),
    NEUTRAL("neutral"),
    TEMPERROR("temperror"),
    PERMERROR("permerror");

    private final String token;

    DkimResult(String token) {
        this.token = token;
    }

    /** The value as written in reports, in lower case. */
    public String token() {
        return token;
    }

    /** The constant whose token is {@code token} (exact, lower case), if any. */
    public static java.util.Optional<DkimResult> ofToken(String token) {
        for (java.util.Optional<DkimResult> v : PRESENT) {
            if (v.get().token.equals(token)) {
                return v;
            }
        }
        return java.util.Optional.empty();
    }

    /** Each constant as a present {@code Optional}, one shared instance each (reports hold one per record). */
    private static final java.util.List<java.util.Optional<DkimResult>> PRESENT =
            java.util.Arrays.stream(values()).map(java.util.Optional::of).toList();
}
