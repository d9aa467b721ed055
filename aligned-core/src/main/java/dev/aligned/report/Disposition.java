package dev.aligned.report;

/** A published policy ({@code p}, {@code sp}, {@code np}). Written in reports as {@link #token()} (lower case). */
public enum Disposition {
    NONE("none"),
    QUARANTINE("quarantine"),
    REJECT("reject");

    private final String token;

    Disposition(String token) {
        this.token = token;
    }

    /** The value as written in reports, in lower case. */
    public String token() {
        return token;
    }

    /** The constant whose token is {@code token} (exact, lower case), if any. */
    public static java.util.Optional<Disposition> ofToken(String token) {
        for (java.util.Optional<Disposition> v : PRESENT) {
            if (v.get().token.equals(token)) {
                return v;
            }
        }
        return java.util.Optional.empty();
    }

    /** Each constant as a present {@code Optional}, one shared instance each (reports hold one per record). */
    private static final java.util.List<java.util.Optional<Disposition>> PRESENT =
            java.util.Arrays.stream(values()).map(java.util.Optional::of).toList();
}
