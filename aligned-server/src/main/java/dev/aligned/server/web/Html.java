package dev.aligned.server.web;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Pattern;

/**
 * The only way this package writes HTML (and SVG): text and attribute values are always escaped, tag and
 * attribute names must be constant identifiers, event-handler and {@code style} attributes are refused (the
 * Content-Security-Policy forbids inline script and style anyway), and URL attributes must be same-origin paths.
 * Report content (written by strangers) can therefore only ever become text.
 *
 * <pre>{@code
 * Html h = new Html();
 * h.open("td", "class", "num").text(report.orgName()).close();
 * }</pre>
 */
final class Html {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9:-]{0,40}");
    private static final java.util.Set<String> VOID = java.util.Set.of("input", "br", "meta", "link", "img", "hr",
            "col", "polyline", "line", "rect", "circle", "path");
    private static final java.util.Set<String> URL_ATTRS = java.util.Set.of("href", "src", "action", "formaction",
            "xlink:href", "poster", "data");

    private final StringBuilder out = new StringBuilder(8192);
    private final Deque<String> stack = new ArrayDeque<>();

    /** Opens {@code tag} with attributes given as name, value pairs; a null value leaves the attribute out. */
    Html open(String tag, String... attrs) {
        startTag(tag, attrs);
        out.append('>');
        stack.push(tag);
        return this;
    }

    /** A void or self-closing element (input, meta, SVG shapes). */
    Html empty(String tag, String... attrs) {
        startTag(tag, attrs);
        out.append(VOID.contains(tag) && !isSvgShape(tag) ? ">" : "/>");
        return this;
    }

    private static boolean isSvgShape(String tag) {
        return switch (tag) {
            case "polyline", "line", "rect", "circle", "path" -> true;
            default -> false;
        };
    }

    /** Closes the element opened last. */
    Html close() {
        if (stack.isEmpty()) {
            throw new IllegalStateException("close() without an open element");
        }
        out.append("</").append(stack.pop()).append('>');
        return this;
    }

    /** Text content, escaped. */
    Html text(Object value) {
        escape(value == null ? "" : value.toString(), out);
        return this;
    }

    /** {@code <tag attrs>text</tag>}. */
    Html el(String tag, Object text, String... attrs) {
        return open(tag, attrs).text(text).close();
    }

    /** Appends a fragment built by another builder (already escaped by construction). */
    Html append(Html fragment) {
        if (!fragment.stack.isEmpty()) {
            throw new IllegalStateException("fragment has unclosed elements: " + fragment.stack);
        }
        out.append(fragment.out);
        return this;
    }

    /** The markup; every opened element must be closed. */
    String render() {
        if (!stack.isEmpty()) {
            throw new IllegalStateException("unclosed elements: " + stack);
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void startTag(String tag, String[] attrs) {
        if (!NAME.matcher(tag).matches()) {
            throw new IllegalArgumentException("not a tag name: " + tag);
        }
        if (attrs.length % 2 != 0) {
            throw new IllegalArgumentException("attributes must be name, value pairs: " + attrs.length + " strings");
        }
        if (tag.equalsIgnoreCase("script") || tag.equalsIgnoreCase("style")) {
            // only the page layout may reference the external script and style sheet (attributes, no content)
            for (int i = 0; i < attrs.length; i += 2) {
                if (!attrs[i].equals("src") && !attrs[i].equals("defer")) {
                    throw new IllegalArgumentException("<" + tag + "> takes only src and defer");
                }
            }
        }
        out.append('<').append(tag);
        for (int i = 0; i < attrs.length; i += 2) {
            String name = attrs[i];
            String value = attrs[i + 1];
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("not an attribute name: " + name);
            }
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("on") || lower.equals("style") || lower.equals("srcdoc")) {
                throw new IllegalArgumentException("attribute " + name + " is not allowed (no inline script or style)");
            }
            if (value == null) {
                continue;
            }
            if (URL_ATTRS.contains(lower) && !sameOrigin(value)) {
                throw new IllegalArgumentException("attribute " + name + " must be a same-origin path, got " + value);
            }
            out.append(' ').append(name).append("=\"");
            escape(value, out);
            out.append('"');
        }
    }

    /** A path on this server: starts with one slash (not two: that is another host), or a fragment/query. */
    static boolean sameOrigin(String url) {
        if (url.startsWith("#") || url.startsWith("?")) {
            return true;
        }
        return url.startsWith("/") && !url.startsWith("//") && !url.startsWith("/\\");
    }

    /** Escapes {@code & < > " '}; NUL and other C0 controls but tab/LF/CR become U+FFFD. */
    static void escape(String s, StringBuilder b) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        b.append('\uFFFD');
                    } else {
                        b.append(c);
                    }
                }
            }
        }
    }

    /** {@code s} escaped, for tests and small uses. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        escape(s, b);
        return b.toString();
    }
}
