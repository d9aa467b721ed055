package dev.aligned.report;

/** A DMARC-aligned DKIM or SPF result in {@code policy_evaluated}. Written in reports as {@link #token()} (lower case). */
public enum DmarcResult {
    PASS("pass"),
    FAIL("fail");

    private final String token;

    DmarcResult(String token) {
        this.token = token;
    }

    /** The value as written in reports, in lower case. */
    public String token() {
        return token;
    }

    /** The constant whose token is {@code token} (exact, lower case), if any. */
    public static java.util.Optional<DmarcResult> ofToken(String token) {
        for (DmarcResult v : values()) {
            if (v.token.equals(token)) {
                return java.util.Optional.of(v);
            }
        }
        return java.util.Optional.empty();
    }
}
