package dev.aligned.dns;

import java.net.IDN;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A DNS domain name, normalised once: ASCII lower case, no trailing dot, internationalised labels converted
 * to A-labels, each label 1..63 octets and the whole name at most 253 octets.
 *
 * <p>Labels may hold any printable ASCII character (space included) other than the dot: DNS itself allows
 * them, and SPF macro expansion produces such names from local parts. {@link #isHostname()} tells whether a
 * name is also a letter-digit-hyphen host name (underscores allowed, as in {@code _dmarc.example.com}).
 *
 * <pre>{@code
 * DomainName d = DomainName.of("Mail.Example.COM.");   // -> mail.example.com
 * d.parent();                                            // -> example.com
 * DomainName.parse("bad..name");                        // -> Optional.empty()
 * }</pre>
 */
public final class DomainName implements Comparable<DomainName> {
    /** The maximum length of a name in its dotted text form without the trailing dot (RFC 1035 section 2.3.4). */
    public static final int MAX_LENGTH = 253;
    /** The maximum length of one label (RFC 1035 section 2.3.4). */
    public static final int MAX_LABEL_LENGTH = 63;

    /** The DNS root, the empty name. */
    public static final DomainName ROOT = new DomainName("", List.of());

    private final String name;
    private final List<String> labels;

    private DomainName(String name, List<String> labels) {
        this.name = name;
        this.labels = labels;
    }

    /**
     * Normalises {@code text} into a domain name.
     *
     * @throws IllegalArgumentException naming the problem when {@code text} is not a valid name
     */
    public static DomainName of(String text) {
        Objects.requireNonNull(text, "text");
        String problem = problem(text);
        if (problem != null) {
            throw new IllegalArgumentException("invalid domain name '" + text + "': " + problem);
        }
        return build(text);
    }

    /** Like {@link #of(String)}, but returns empty instead of throwing for an invalid name. */
    public static Optional<DomainName> parse(String text) {
        if (text == null || problem(text) != null) {
            return Optional.empty();
        }
        return Optional.of(build(text));
    }

    /** Says what is wrong with {@code text} as a domain name, or returns {@code null} when it is valid. */
    public static String problem(String text) {
        String ascii;
        try {
            ascii = toAscii(text);
        } catch (IllegalArgumentException e) {
            return "not a valid internationalised name (" + e.getMessage() + ")";
        }
        if (ascii.endsWith(".")) {
            ascii = ascii.substring(0, ascii.length() - 1);
        }
        if (ascii.isEmpty()) {
            return text.isEmpty() ? "empty" : null;
        }
        if (ascii.length() > MAX_LENGTH) {
            return "longer than " + MAX_LENGTH + " characters";
        }
        int start = 0;
        for (int i = 0; i <= ascii.length(); i++) {
            if (i == ascii.length() || ascii.charAt(i) == '.') {
                int len = i - start;
                if (len == 0) {
                    return "empty label at position " + (start + 1);
                }
                if (len > MAX_LABEL_LENGTH) {
                    return "label '" + ascii.substring(start, i) + "' is longer than " + MAX_LABEL_LENGTH + " characters";
                }
                start = i + 1;
            } else {
                char c = ascii.charAt(i);
                if (c < ' ' || c >= 0x7f) {
                    return "character " + describe(c) + " at position " + (i + 1);
                }
            }
        }
        return null;
    }

    private static String describe(char c) {
        return c == ' ' ? "space" : String.format("U+%04X", (int) c);
    }

    private static String toAscii(String text) {
        boolean ascii = true;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return text;
        }
        // Convert label by label so that labels IDN rejects for reasons other than non-ASCII are kept intact.
        String[] parts = text.split("[.\u3002\uff0e\uff61]", -1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                sb.append('.');
            }
            String p = parts[i];
            sb.append(p.chars().allMatch(ch -> ch < 0x80) ? p : IDN.toASCII(p, IDN.ALLOW_UNASSIGNED));
        }
        return sb.toString();
    }

    private static DomainName build(String text) {
        String ascii = toAscii(text);
        if (ascii.endsWith(".")) {
            ascii = ascii.substring(0, ascii.length() - 1);
        }
        if (ascii.isEmpty()) {
            return ROOT;
        }
        String lower = lowerAscii(ascii);
        List<String> labels = List.of(lower.split("\\.", -1));
        return new DomainName(lower, labels);
    }

    private static String lowerAscii(String s) {
        char[] chars = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (chars == null) {
                    chars = s.toCharArray();
                }
                chars[i] = (char) (c + 32);
            }
        }
        return chars == null ? s : new String(chars);
    }

    /** The name in dotted form, lower case, without the trailing dot ({@code ""} for the root). */
    public String name() {
        return name;
    }

    /** The labels, leftmost first. */
    public List<String> labels() {
        return labels;
    }

    /** The number of labels ({@code example.com} has 2). */
    public int labelCount() {
        return labels.size();
    }

    /** True when every label is letters, digits, hyphens and underscores, not starting or ending with '-'. */
    public boolean isHostname() {
        for (String label : labels) {
            if (label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                    return false;
                }
            }
        }
        return true;
    }

    /** True for the root name. */
    public boolean isRoot() {
        return labels.isEmpty();
    }

    /** The name with the leftmost label removed; the root's parent is the root. */
    public DomainName parent() {
        if (labels.size() <= 1) {
            return ROOT;
        }
        return new DomainName(name.substring(labels.get(0).length() + 1), labels.subList(1, labels.size()));
    }

    /** The rightmost {@code count} labels of this name ({@code count} is clamped to the label count). */
    public DomainName suffix(int count) {
        if (count >= labels.size()) {
            return this;
        }
        if (count <= 0) {
            return ROOT;
        }
        List<String> kept = labels.subList(labels.size() - count, labels.size());
        return new DomainName(String.join(".", kept), kept);
    }

    /** {@code label.this}. */
    public DomainName child(String label) {
        return of(isRoot() ? label : label + "." + name);
    }

    /** True when this name equals {@code other} or lies below it. */
    public boolean isSubdomainOf(DomainName other) {
        if (other.isRoot()) {
            return true;
        }
        return name.equals(other.name) || name.endsWith("." + other.name);
    }

    /** The name in Unicode (U-labels), for display. */
    public String toUnicode() {
        return IDN.toUnicode(name, IDN.ALLOW_UNASSIGNED);
    }

    @Override
    public int compareTo(DomainName o) {
        return name.compareTo(o.name);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DomainName d && d.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
