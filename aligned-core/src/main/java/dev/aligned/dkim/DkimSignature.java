package dev.aligned.dkim;

import dev.aligned.internal.TagValueList;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A parsed DKIM-Signature header field value (RFC 6376 section 3.5). Parsing never throws: a malformed
 * signature comes back as {@link Invalid} with the position and the problem, e.g.
 * {@code "DKIM-Signature, line 2, column 3: d= is not a valid domain (character '(' at offset 15)"}.
 *
 * <pre>{@code
 * switch (DkimSignature.parse(field.value())) {
 *     case DkimSignature.Valid v -> System.out.println(v.signature().domain());
 *     case DkimSignature.Invalid i -> System.out.println(i.reason());
 * }
 * }</pre>
 *
 * @param tags the tag list, with positions
 * @param algorithm {@code a=}
 * @param signature {@code b=}, decoded
 * @param bodyHash {@code bh=}, decoded
 * @param headerCanonicalization the first half of {@code c=} (default simple)
 * @param bodyCanonicalization the second half of {@code c=} (default simple)
 * @param domain {@code d=}, as written
 * @param selector {@code s=}, as written
 * @param signedHeaders {@code h=}, names as written, in order
 * @param identity {@code i=}, when present
 * @param length {@code l=}, when present
 * @param timestamp {@code t=}, when present
 * @param expiration {@code x=}, when present
 */
public record DkimSignature(TagValueList tags, DkimAlgorithm algorithm, byte[] signature, byte[] bodyHash,
        Canonicalization headerCanonicalization, Canonicalization bodyCanonicalization, String domain,
        String selector, List<String> signedHeaders, Optional<String> identity, OptionalLong length,
        Optional<Instant> timestamp, Optional<Instant> expiration) {

    private static final String WHERE = "DKIM-Signature";
    private static final List<String> REQUIRED = List.of("v", "a", "b", "bh", "d", "h", "s");

    public DkimSignature {
        Objects.requireNonNull(tags, "tags");
        Objects.requireNonNull(algorithm, "algorithm");
        signedHeaders = List.copyOf(signedHeaders);
    }

    /** The outcome of parsing. */
    public sealed interface Parse permits Valid, Invalid {
        /** Who signed, as far as could be read. */
        SignatureId id();
    }

    /** A well-formed signature. */
    public record Valid(SignatureId id, DkimSignature signature) implements Parse {
    }

    /** A malformed signature and why. */
    public record Invalid(SignatureId id, String reason) implements Parse {
    }

    /** Parses a DKIM-Signature value (the text after the colon, folding included, one char per octet). */
    public static Parse parse(String value) {
        return parse(value, 0);
    }

    /** Parses a DKIM-Signature value; {@code index} is recorded in the {@link SignatureId}. */
    public static Parse parse(String value, int index) {
        Objects.requireNonNull(value, "value");
        TagValueList tags = TagValueList.parse(value);
        SignatureId id = new SignatureId(tags.value("d").orElse(""), tags.value("s").orElse(""),
                tags.value("a").orElse(""), tags.value("i").orElse(""), index);
        if (!tags.isValid()) {
            return new Invalid(id, WHERE + ", " + tags.firstError().orElseThrow());
        }
        for (String r : REQUIRED) {
            if (!tags.has(r)) {
                return new Invalid(id, WHERE + ": required tag " + r + "= is missing");
            }
        }
        String v = tags.value("v").orElseThrow();
        if (!v.equals("1")) {
            return invalid(id, tags, "v", "unsupported version v=" + v + " (expected 1)");
        }
        String a = tags.value("a").orElseThrow();
        Optional<DkimAlgorithm> alg = DkimAlgorithm.fromTag(a);
        if (alg.isEmpty()) {
            return invalid(id, tags, "a", "unknown algorithm a=" + a);
        }
        byte[] b = base64(tags.value("b").orElseThrow());
        if (b == null || b.length == 0) {
            return invalid(id, tags, "b", "b= is not valid base64");
        }
        byte[] bh = base64(tags.value("bh").orElseThrow());
        if (bh == null || bh.length == 0) {
            return invalid(id, tags, "bh", "bh= is not valid base64");
        }
        Canonicalization hc = Canonicalization.SIMPLE;
        Canonicalization bc = Canonicalization.SIMPLE;
        Optional<String> c = tags.value("c");
        if (c.isPresent()) {
            String[] parts = c.get().split("/", -1);
            if (parts.length > 2) {
                return invalid(id, tags, "c", "c=" + c.get() + " has more than one '/'");
            }
            hc = canon(parts[0]);
            bc = parts.length == 2 ? canon(parts[1]) : Canonicalization.SIMPLE;
            if (hc == null || bc == null) {
                return invalid(id, tags, "c", "unknown canonicalization c=" + c.get()
                        + " (expected simple or relaxed, e.g. c=relaxed/relaxed)");
            }
        }
        String d = tags.value("d").orElseThrow();
        String dProblem = DkimNames.problem(d);
        if (dProblem != null) {
            return invalidAt(id, tags, tags.tag("d").orElseThrow().valueStart() + DkimNames.badOffset(d),
                    "d=" + d + " is not a valid domain (" + dProblem + ")");
        }
        if (!d.contains(".")) {
            return invalid(id, tags, "d", "d=" + d + " is a top-level domain; a signing domain has at least two labels");
        }
        String s = tags.value("s").orElseThrow();
        String sProblem = DkimNames.problem(s);
        if (sProblem != null) {
            return invalidAt(id, tags, tags.tag("s").orElseThrow().valueStart() + DkimNames.badOffset(s),
                    "s=" + s + " is not a valid selector (" + sProblem + ")");
        }
        List<String> h = new ArrayList<>();
        String hv = tags.value("h").orElseThrow();
        for (int from = 0; from <= hv.length(); ) {
            int to = hv.indexOf(':', from);
            if (to < 0) {
                to = hv.length();
            }
            String n = TagValueList.stripWhitespace(trimmed(hv, from, to));
            if (n.isEmpty()) {
                return invalid(id, tags, "h", "h= has an empty header field name");
            }
            h.add(n);
            from = to + 1;
        }
        if (h.stream().noneMatch(n -> n.equalsIgnoreCase("from"))) {
            return invalid(id, tags, "h", "h= does not include From (RFC 6376 section 5.4)");
        }
        Optional<String> i = tags.value("i");
        if (i.isPresent()) {
            int at = i.get().lastIndexOf('@');
            if (at < 0) {
                return invalid(id, tags, "i", "i=" + i.get() + " has no '@'");
            }
            String idDomain = i.get().substring(at + 1);
            if (DkimNames.problem(idDomain) != null || !DkimNames.isSameOrSubdomain(idDomain, d)) {
                return invalid(id, tags, "i", "i= domain " + idDomain + " is not d=" + d + " or a subdomain of it");
            }
        }
        OptionalLong l = OptionalLong.empty();
        Optional<String> lv = tags.value("l");
        if (lv.isPresent()) {
            if (!digits(lv.get(), 76)) {
                return invalid(id, tags, "l", "l=" + lv.get() + " is not a number");
            }
            l = lv.get().length() > 18 ? OptionalLong.of(Long.MAX_VALUE) : OptionalLong.of(Long.parseLong(lv.get()));
        }
        Optional<String> q = tags.value("q");
        if (q.isPresent()) {
            boolean dnsTxt = false;
            for (String m : q.get().split(":")) {
                String method = TagValueList.stripWhitespace(m);
                if (method.equalsIgnoreCase("dns/txt") || method.equalsIgnoreCase("dns")) {
                    dnsTxt = true;
                }
            }
            if (!dnsTxt) {
                return invalid(id, tags, "q", "q=" + q.get() + " offers no query method Aligned knows (dns/txt)");
            }
        }
        Optional<Instant> t = Optional.empty();
        if (tags.has("t")) {
            String tv = tags.value("t").orElseThrow();
            if (!digits(tv, 18)) {
                return invalid(id, tags, "t", "t=" + tv + " is not a number of seconds");
            }
            t = Optional.of(Instant.ofEpochSecond(Math.min(Long.parseLong(tv), Instant.MAX.getEpochSecond())));
        }
        Optional<Instant> x = Optional.empty();
        if (tags.has("x")) {
            String xv = tags.value("x").orElseThrow();
            if (!digits(xv, 18)) {
                return invalid(id, tags, "x", "x=" + xv + " is not a number of seconds");
            }
            x = Optional.of(Instant.ofEpochSecond(Math.min(Long.parseLong(xv), Instant.MAX.getEpochSecond())));
            if (t.isPresent() && !x.get().isAfter(t.get())) {
                return invalid(id, tags, "x", "x= is not after t= (the signature expires before it was made)");
            }
        }
        return new Valid(id, new DkimSignature(tags, alg.get(), b, bh, hc, bc, d, s, h, i, l, t, x));
    }

    /** {@code s[from, to)} without the folding whitespace around it. */
    private static String trimmed(String s, int from, int to) {
        while (from < to && isFws(s.charAt(from))) {
            from++;
        }
        while (to > from && isFws(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }

    private static boolean isFws(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static Invalid invalid(SignatureId id, TagValueList tags, String tag, String message) {
        int offset = tags.tag(tag).map(TagValueList.Tag::nameOffset).orElse(0);
        return new Invalid(id, WHERE + ", " + tags.describe(offset) + ": " + message);
    }

    private static Invalid invalidAt(SignatureId id, TagValueList tags, int offset, String message) {
        return new Invalid(id, WHERE + ", " + tags.describe(offset) + ": " + message);
    }

    private static Canonicalization canon(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "simple" -> Canonicalization.SIMPLE;
            case "relaxed" -> Canonicalization.RELAXED;
            default -> null;
        };
    }

    static boolean digits(String s, int max) {
        if (s.isEmpty() || s.length() > max) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Decodes base64 after removing whitespace; null when invalid. */
    static byte[] base64(String value) {
        // octets, whitespace squeezed out in place (a char above U+00FF becomes '?', which is not base64)
        byte[] text = value.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        int n = 0;
        for (byte c : text) {
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                text[n++] = c;
            }
        }
        try {
            return Base64.getDecoder().decode(n == text.length ? text : java.util.Arrays.copyOf(text, n));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The {@code d=} value in lower case. */
    public String domainLowerCase() {
        return domain.toLowerCase(Locale.ROOT);
    }
}
