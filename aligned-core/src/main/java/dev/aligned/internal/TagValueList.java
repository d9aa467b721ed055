package dev.aligned.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A tag=value list as defined by RFC 6376 section 3.2 (used by DKIM signatures and key records, and by DMARC
 * records), parsed leniently: every well-formed tag is kept in order with its position, and every problem is
 * reported as an {@link Error} with its position instead of an exception.
 *
 * <pre>{@code
 * TagValueList list = TagValueList.parse("v=1; a=rsa-sha256; d=example.com");
 * list.value("d");          // Optional[example.com]
 * list.errors();            // [] (or e.g. "column 12: duplicate tag 'a'")
 * }</pre>
 *
 * <p>Positions are 0-based offsets into the parsed text; {@link #describe(int)} turns one into
 * "column N" or "line L, column N" (for folded header fields). Values are returned with surrounding
 * whitespace removed and inner whitespace (including folding) kept as is.
 */
public final class TagValueList {
    /** The most errors kept; later ones are counted but not stored. */
    public static final int MAX_ERRORS = 20;

    /** One tag: its name as written, its value trimmed, and the offsets of both in the text. */
    public record Tag(String name, String value, int nameOffset, int valueStart, int valueEnd) {
        public Tag {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    /** One problem found, at an offset into the text. */
    public record Error(int offset, String message) {
        public Error {
            Objects.requireNonNull(message, "message");
        }
    }

    private final String text;
    private final List<Tag> tags;
    private final Map<String, Tag> byName;
    private final List<Error> errors;

    private TagValueList(String text, List<Tag> tags, Map<String, Tag> byName, List<Error> errors) {
        this.text = text;
        this.tags = tags;
        this.byName = byName;
        this.errors = errors;
    }

    /**
     * Parses {@code text}. Never throws for malformed input: syntax problems (a tag without '=', an invalid
     * tag name, a character not allowed in a value, a duplicate tag) are listed in {@link #errors()}; the
     * first occurrence of a duplicated tag is the one kept.
     */
    public static TagValueList parse(String text) {
        Objects.requireNonNull(text, "text");
        List<Tag> tags = new ArrayList<>();
        Map<String, Tag> byName = new LinkedHashMap<>();
        List<Error> errors = new ArrayList<>();
        // the text as octets, one per char; a char above U+00FF becomes '?', which the value check looks at as
        // a char (so the octets are only a fast way to pass the ordinary ones)
        byte[] octets = text.getBytes(StandardCharsets.ISO_8859_1);
        int n = text.length();
        int pos = 0;
        while (pos <= n) {
            int end = text.indexOf(';', pos);
            if (end < 0) {
                end = n;
            }
            parseSpec(text, octets, pos, end, tags, byName, errors);
            pos = end + 1;
        }
        return new TagValueList(text, Collections.unmodifiableList(tags), Collections.unmodifiableMap(byName),
                Collections.unmodifiableList(errors.size() > MAX_ERRORS ? errors.subList(0, MAX_ERRORS) : errors));
    }

    private static void parseSpec(String text, byte[] octets, int from, int to, List<Tag> tags,
            Map<String, Tag> byName, List<Error> errors) {
        int start = skipFws(text, from, to);
        if (start == to) {
            return; // empty tag-spec: trailing ';' or ';;', tolerated
        }
        int eq = text.indexOf('=', start);
        if (eq < 0 || eq >= to) {
            errors.add(new Error(start, "'" + clip(text.substring(start, trimEnd(text, start, to)))
                    + "' is not a tag=value pair (no '=')"));
            return;
        }
        int nameEnd = trimEnd(text, start, eq);
        String name = text.substring(start, nameEnd);
        String nameProblem = nameProblem(name);
        if (nameProblem != null) {
            errors.add(new Error(start, nameProblem));
            return;
        }
        int valueStart = skipFws(text, eq + 1, to);
        int valueEnd = trimEnd(text, valueStart, to);
        int bad = firstBadValueChar(text, octets, valueStart, valueEnd);
        if (bad >= 0) {
            errors.add(new Error(bad, "character " + describeChar(text.charAt(bad))
                    + " is not allowed in the value of tag '" + name + "'"));
            return;
        }
        Tag tag = new Tag(name, text.substring(valueStart, valueEnd), start, valueStart, valueEnd);
        if (byName.containsKey(name)) {
            errors.add(new Error(start, "duplicate tag '" + name + "'"));
            return;
        }
        byName.put(name, tag);
        tags.add(tag);
    }

    /** The octets allowed in a value: VALCHAR (%x21-3A / %x3C-7E) and folding whitespace. */
    private static final boolean[] VALUE_OCTET = new boolean[128];

    static {
        for (int c = 0x21; c <= 0x7e; c++) {
            VALUE_OCTET[c] = c != ';';
        }
        VALUE_OCTET[' '] = true;
        VALUE_OCTET['\t'] = true;
        VALUE_OCTET['\r'] = true;
        VALUE_OCTET['\n'] = true;
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long LOWS = 0x7F7F7F7F7F7F7F7FL;

    /**
     * The offset of the first char of {@code text[from, to)} not allowed in a value, or -1. Eight octets at a
     * time: a word whose octets are all 0x21 to 0x7E and none '?' (what a char above U+00FF became) holds only
     * VALCHARs; in any other word the chars at the octets that are not are checked one by one.
     */
    private static int firstBadValueChar(String text, byte[] octets, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long x = (long) LONGS.get(octets, i);
            long below = ~((x | HIGHS) - ONES * 0x21) & ~x; // octets under 0x21 (exact, no borrow)
            long q = x ^ (ONES * '?');
            long question = ~(((q & LOWS) + LOWS) | q); // octets equal to '?'
            long high = ((x & LOWS) + ONES) | x; // octets 0x7F and above
            for (long m = (below | question | high) & HIGHS; m != 0; m &= m - 1) { // the flagged octets only
                int k = i + (Long.numberOfTrailingZeros(m) >>> 3);
                if (!valueChar(text.charAt(k))) {
                    return k;
                }
            }
        }
        for (; i < to; i++) {
            if (!valueChar(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean valueChar(char c) {
        return c < VALUE_OCTET.length && VALUE_OCTET[c];
    }

    private static String nameProblem(String name) {
        if (name.isEmpty()) {
            return "missing tag name before '='";
        }
        char first = name.charAt(0);
        if (!isAlpha(first)) {
            return "invalid tag name '" + clip(name) + "' (must start with a letter)";
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isAlpha(c) && !(c >= '0' && c <= '9') && c != '_') {
                return "invalid tag name '" + clip(name) + "' (character " + describeChar(c) + ")";
            }
        }
        return null;
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isFws(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static int skipFws(String s, int from, int to) {
        int i = from;
        while (i < to && isFws(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int trimEnd(String s, int from, int to) {
        int i = to;
        while (i > from && isFws(s.charAt(i - 1))) {
            i--;
        }
        return i;
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    /** Describes a character for an error message: printable ASCII as itself, others as U+XXXX. */
    public static String describeChar(char c) {
        if (c == ' ') {
            return "space";
        }
        if (c > 0x20 && c < 0x7f) {
            return "'" + c + "'";
        }
        return String.format("U+%04X", (int) c);
    }

    /** The parsed text. */
    public String text() {
        return text;
    }

    /** The well-formed tags, in order (a duplicate's later occurrences excluded). */
    public List<Tag> tags() {
        return tags;
    }

    /** The problems found, in order, at most {@link #MAX_ERRORS}. */
    public List<Error> errors() {
        return errors;
    }

    /** True when no problem was found. */
    public boolean isValid() {
        return errors.isEmpty();
    }

    /** The tag named {@code name} (case-sensitive, as RFC 6376 requires). */
    public Optional<Tag> tag(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The trimmed value of tag {@code name}. */
    public Optional<String> value(String name) {
        Tag t = byName.get(name);
        return t == null ? Optional.empty() : Optional.of(t.value());
    }

    /** True when the tag is present. */
    public boolean has(String name) {
        return byName.containsKey(name);
    }

    /** "column N" (1-based) for single-line text, "line L, column N" when the text is folded. */
    public String describe(int offset) {
        return describe(text, offset);
    }

    /** "column N" (1-based) for single-line text, "line L, column N" when the text holds line breaks. */
    public static String describe(String text, int offset) {
        int line = 1;
        int lineStart = 0;
        int limit = Math.min(offset, text.length());
        for (int i = 0; i < limit; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        boolean multiLine = text.indexOf('\n') >= 0;
        int column = offset - lineStart + 1;
        return multiLine ? "line " + line + ", column " + column : "column " + column;
    }

    /** The first error as "column N: message", or empty when valid. */
    public Optional<String> firstError() {
        return errors.isEmpty() ? Optional.empty()
                : Optional.of(describe(errors.get(0).offset()) + ": " + errors.get(0).message());
    }

    /** Removes every whitespace character (SP, HTAB, CR, LF) from a value, as for base64 tags. */
    public static String stripWhitespace(String value) {
        StringBuilder sb = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (isFws(c)) {
                if (sb == null) {
                    sb = new StringBuilder(value.length());
                    sb.append(value, 0, i);
                }
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? value : sb.toString();
    }
}
