package dev.aligned.spf;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed {@code macro-string} (RFC 7208 section 7.1): literal text and macros, validated once and expanded
 * many times. Instances come from the record parser; {@link #text()} gives the source text back.
 */
public final class MacroString {
    /** A piece of literal text, or one {@code %{...}} macro (the escapes {@code %% %_ %-} become literals). */
    sealed interface Part permits Literal, Macro {
    }

    record Literal(String text) implements Part {
    }

    /**
     * {@code %{letter digits r delimiters}}; {@code keep} is 0 for all parts; {@code delimiters} null for ".";
     * {@code escape} for an upper-case letter (URL-escape the result).
     */
    record Macro(char letter, int keep, boolean reverse, String delimiters, boolean escape) implements Part {
    }

    private final String text;
    private final Part[] parts;
    private final boolean endsWithMacro;
    /** For a macro-free string: the target it names, computed on first use (immutable, so a race is harmless). */
    private Object literalTarget;

    private MacroString(String text, Part[] parts, boolean endsWithMacro) {
        this.text = text;
        this.parts = parts;
        this.endsWithMacro = endsWithMacro;
    }

    /** The source text. */
    public String text() {
        return text;
    }

    Part[] parts() {
        return parts;
    }

    Object literalTarget() {
        return literalTarget;
    }

    void literalTarget(Object target) {
        literalTarget = target;
    }

    /** True when the source ends in a {@code macro-expand} (including {@code %%}, {@code %_}, {@code %-}). */
    boolean endsWithMacro() {
        return endsWithMacro;
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MacroString m && m.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** Where parsing stopped and why; {@code offset} is relative to the start of the parsed range. */
    record Problem(int offset, String message) {
    }

    /** Receives the parse result: exactly one of the two. */
    static final class Outcome {
        MacroString value;
        Problem problem;
        /** Source index where the trailing literal run starts (after the last macro or escape). */
        int tailStart;
    }

    /**
     * Parses {@code s[from, to)}. In {@code explanation} mode the letters c, r, t and spaces are allowed
     * (an {@code explain-string}).
     */
    static Outcome parse(String s, int from, int to, boolean explanation) {
        Outcome out = new Outcome();
        out.tailStart = from;
        List<Part> parts = null;
        StringBuilder lit = null;
        int litStart = from;
        boolean lastWasMacro = false;
        int i = from;
        while (i < to) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 1 >= to) {
                    out.problem = new Problem(i - from, "'%' at the end: write '%%' for a percent sign");
                    return out;
                }
                char n = s.charAt(i + 1);
                String escaped = switch (n) {
                    case '%' -> "%";
                    case '_' -> " ";
                    case '-' -> "%20";
                    default -> null;
                };
                if (lit == null) {
                    lit = new StringBuilder();
                    lit.append(s, litStart, i);
                }
                if (escaped != null) {
                    lit.append(escaped);
                    i += 2;
                    out.tailStart = i;
                    lastWasMacro = true;
                    continue;
                }
                if (n != '{') {
                    out.problem = new Problem(i - from, "invalid macro '%" + printable(n)
                            + "': '%' must be followed by '{', '%', '_' or '-'");
                    return out;
                }
                int close = -1;
                for (int k = i + 2; k < to; k++) {
                    if (s.charAt(k) == '}') {
                        close = k;
                        break;
                    }
                }
                if (close < 0) {
                    out.problem = new Problem(i - from, "unterminated macro '" + s.substring(i, to) + "': missing '}'");
                    return out;
                }
                Object m = macro(s, i, close, explanation);
                if (m instanceof Problem p) {
                    out.problem = new Problem(p.offset() + i - from, p.message());
                    return out;
                }
                if (parts == null) {
                    parts = new ArrayList<>(4);
                }
                if (lit.length() > 0) {
                    parts.add(new Literal(lit.toString()));
                }
                lit.setLength(0);
                parts.add((Macro) m);
                i = close + 1;
                litStart = i;
                out.tailStart = i;
                lastWasMacro = true;
                continue;
            }
            if (c < 0x21 || c > 0x7e) {
                if (!(explanation && c == ' ')) {
                    out.problem = new Problem(i - from, describe(c));
                    return out;
                }
            }
            if (lit != null) {
                lit.append(c);
            }
            lastWasMacro = false;
            i++;
        }
        String text = s.substring(from, to);
        Part[] arr;
        if (parts == null && lit == null) {
            arr = text.isEmpty() ? new Part[0] : new Part[] {new Literal(text)};
        } else {
            if (parts == null) {
                parts = new ArrayList<>(1);
            }
            if (lit.length() > 0) {
                parts.add(new Literal(lit.toString()));
            }
            arr = parts.toArray(new Part[0]);
        }
        out.value = new MacroString(text, arr, lastWasMacro);
        return out;
    }

    private static Object macro(String s, int start, int close, boolean explanation) {
        // s[start] = '%', s[start+1] = '{', s[close] = '}'
        int i = start + 2;
        if (i == close) {
            return new Problem(0, "empty macro '%{}': a macro letter is required");
        }
        char letter = s.charAt(i);
        char lower = (char) (letter | 0x20);
        String body = s.substring(start, close + 1);
        switch (lower) {
            case 's', 'l', 'o', 'd', 'i', 'p', 'h', 'v' -> {
            }
            case 'c', 'r', 't' -> {
                if (!explanation) {
                    return new Problem(0, "macro '" + body + "' is allowed only in explanation text (the TXT record"
                            + " an exp= modifier points to)");
                }
            }
            default -> {
                return new Problem(0, "unknown macro letter '" + printable(letter) + "' in '" + body
                        + "' (letters: s l o d i p h v, and c r t in explanations)");
            }
        }
        if (letter >= 0x80 || !Character.isLetter(letter)) {
            return new Problem(0, "unknown macro letter '" + printable(letter) + "' in '" + body + "'");
        }
        i++;
        long keep = 0;
        int digitsStart = i;
        while (i < close && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            if (keep < 1_000_000) {
                keep = keep * 10 + (s.charAt(i) - '0');
            }
            i++;
        }
        if (i > digitsStart && keep == 0) {
            return new Problem(digitsStart - start, "macro '" + body + "' keeps 0 parts: the number must be 1 or more");
        }
        boolean reverse = false;
        if (i < close && (s.charAt(i) == 'r' || s.charAt(i) == 'R')) {
            reverse = true;
            i++;
        }
        int delimStart = i;
        while (i < close) {
            char d = s.charAt(i);
            if (d != '.' && d != '-' && d != '+' && d != ',' && d != '/' && d != '_' && d != '=') {
                return new Problem(i - start, "invalid character '" + printable(d) + "' in macro '" + body
                        + "' (after the letter: digits, 'r', then delimiters . - + , / _ =)");
            }
            i++;
        }
        String delims = i > delimStart ? s.substring(delimStart, i) : null;
        if (".".equals(delims)) {
            delims = null;
        }
        return new Macro(lower, (int) Math.min(keep, Integer.MAX_VALUE), reverse, delims, letter != lower);
    }

    static String printable(char c) {
        return c >= 0x21 && c <= 0x7e ? String.valueOf(c) : String.format("U+%04X", (int) c);
    }

    static String describe(char c) {
        if (c == ' ') {
            return "space";
        }
        if (c >= 0x80) {
            return "non-ASCII character " + String.format("U+%04X", (int) c) + " (SPF records are ASCII only)";
        }
        return "control character " + String.format("U+%04X", (int) c) + " (terms are separated by spaces only)";
    }
}
