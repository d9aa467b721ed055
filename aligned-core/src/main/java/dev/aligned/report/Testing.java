package dev.aligned.report;

/** The RFC 9989 {@code t=} testing flag as reported. Written in reports as {@link #token()} (lower case). */
public enum Testing {
    N("n"),
    Y("y");

    private final String token;

    Testing(String token) {
        this.token = token;
    }

    /** The value as written in reports, in lower case. */
    public String token() {
        return token;
    }

    /** The constant whose token is {@code token} (exact, lower case), if any. */
    public static java.util.Optional<Testing> ofToken(String token) {
        for (java.util.Optional<Testing> v : PRESENT) {
            if (v.get().token.equals(token)) {
                return v;
            }
        }
        return java.util.Optional.empty();
    }

    /** Each constant as a present {@code Optional}, one shared instance each (reports hold one per record). */
    private static final java.util.List<java.util.Optional<Testing>> PRESENT =
            java.util.Arrays.stream(values()).map(java.util.Optional::of).toList();
}
