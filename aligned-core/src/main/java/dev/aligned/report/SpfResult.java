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
        for (SpfResult v : values()) {
            if (v.token.equals(token)) {
                return java.util.Optional.of(v);
            }
        }
        return java.util.Optional.empty();
    }
}
