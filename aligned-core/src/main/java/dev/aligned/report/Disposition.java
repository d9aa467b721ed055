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
        for (Disposition v : values()) {
            if (v.token.equals(token)) {
                return java.util.Optional.of(v);
            }
        }
        return java.util.Optional.empty();
    }
}
