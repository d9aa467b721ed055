package dev.aligned.spf;

/** The qualifier in front of a mechanism (RFC 7208 section 4.6.2) and the result it gives on a match. */
public enum Qualifier {
    /** {@code +}, the default: a match gives {@code pass}. */
    PASS('+', "pass"),
    /** {@code -}: a match gives {@code fail}. */
    FAIL('-', "fail"),
    /** {@code ~}: a match gives {@code softfail}. */
    SOFTFAIL('~', "softfail"),
    /** {@code ?}: a match gives {@code neutral}. */
    NEUTRAL('?', "neutral");

    private final char symbol;
    private final String result;

    Qualifier(char symbol, String result) {
        this.symbol = symbol;
        this.result = result;
    }

    /** The character written in records. */
    public char symbol() {
        return symbol;
    }

    /** The name of the result a match gives ({@code pass}, {@code fail}, ...). */
    public String result() {
        return result;
    }

    static Qualifier of(char c) {
        return switch (c) {
            case '+' -> PASS;
            case '-' -> FAIL;
            case '~' -> SOFTFAIL;
            case '?' -> NEUTRAL;
            default -> null;
        };
    }
}
