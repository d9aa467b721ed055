package dev.aligned.internal;

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
        int n = text.length();
        int pos = 0;
        while (pos <= n) {
            int end = text.indexOf(';', pos);
            if (end < 0) {
                end = n;
            }
            parseSpec(text, pos, end, tags, byName, errors);
            pos = end + 1;
        }
        return new TagValueList(text, Collections.unmodifiableList(tags), Collections.unmodifiableMap(byName),
                Collections.unmodifiableList(errors.size() > MAX_ERRORS ? errors.subList(0, MAX_ERRORS) : errors));
    }

    private static void parseSpec(String text, int from, int to, List<Tag> tags, Map<String, Tag> byName,
            List<Error> errors) {
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
        for (int i = valueStart; i < valueEnd; i++) {
            char c = text.charAt(i);
            if (c >= VALUE_OCTET.length || !VALUE_OCTET[c]) {
                errors.add(new Error(i, "character " + describeChar(c) + " is not allowed in the value of tag '"
                        + name + "'"));
                return;
            }
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
