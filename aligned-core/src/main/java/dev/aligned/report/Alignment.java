package dev.aligned.report;

/** DKIM/SPF identifier alignment mode ({@code adkim}/{@code aspf}). Written in reports as {@link #token()} (lower case). */
public enum Alignment {
    R("r"),
    S("s");

    private final String token;

    Alignment(String token) {
        this.token = token;
    }

    /** The value as written in reports, in lower case. */
    public String token() {
        return token;
    }

    /** The constant whose token is {@code token} (exact, lower case), if any. */
    public static java.util.Optional<Alignment> ofToken(String token) {
        for (Alignment v : values()) {
            if (v.token.equals(token)) {
                return java.util.Optional.of(v);
            }
        }
        return java.util.Optional.empty();
    }
}
