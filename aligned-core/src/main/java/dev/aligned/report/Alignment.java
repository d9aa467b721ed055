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
        for (java.util.Optional<Alignment> v : PRESENT) {
            if (v.get().token.equals(token)) {
                return v;
            }
        }
        return java.util.Optional.empty();
    }

    /** Each constant as a present {@code Optional}, one shared instance each (reports hold one per record). */
    private static final java.util.List<java.util.Optional<Alignment>> PRESENT =
            java.util.Arrays.stream(values()).map(java.util.Optional::of).toList();
}
