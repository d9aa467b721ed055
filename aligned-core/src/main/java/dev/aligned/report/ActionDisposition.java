package dev.aligned.report;

/** The disposition applied to the messages of a record; {@code pass} is RFC 9990's "no action, passed DMARC". Written in reports as {@link #token()} (lower case). */
public enum ActionDisposition {
    NONE("none"),
    PASS("pass"),
    QUARANTINE("quarantine"),
    REJECT("reject");

    private final String token;

    ActionDisposition(String token) {
        this.token = token;
    }

    /** The value as written in reports, in lower case. */
    public String token() {
        return token;
    }

    /** The constant whose token is {@code token} (exact, lower case), if any. */
    public static java.util.Optional<ActionDisposition> ofToken(String token) {
        for (java.util.Optional<ActionDisposition> v : PRESENT) {
            if (v.get().token.equals(token)) {
                return v;
            }
        }
        return java.util.Optional.empty();
    }

    /** Each constant as a present {@code Optional}, one shared instance each (reports hold one per record). */
    private static final java.util.List<java.util.Optional<ActionDisposition>> PRESENT =
            java.util.Arrays.stream(values()).map(java.util.Optional::of).toList();
}
