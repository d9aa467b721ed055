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
        for (java.util.Optional<DmarcResult> v : PRESENT) {
            if (v.get().token.equals(token)) {
                return v;
            }
        }
        return java.util.Optional.empty();
    }

    /** Each constant as a present {@code Optional}, one shared instance each (reports hold one per record). */
    private static final java.util.List<java.util.Optional<DmarcResult>> PRESENT =
            java.util.Arrays.stream(values()).map(java.util.Optional::of).toList();
}
