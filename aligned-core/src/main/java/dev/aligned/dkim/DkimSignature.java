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
        // the tags this parser reads, found in one pass (rather than a map look-up for each question below)
        TagValueList.Tag tagV = null;
        TagValueList.Tag tagA = null;
        TagValueList.Tag tagB = null;
        TagValueList.Tag tagBh = null;
        TagValueList.Tag tagC = null;
        TagValueList.Tag tagD = null;
        TagValueList.Tag tagH = null;
        TagValueList.Tag tagI = null;
        TagValueList.Tag tagL = null;
        TagValueList.Tag tagQ = null;
        TagValueList.Tag tagS = null;
        TagValueList.Tag tagT = null;
        TagValueList.Tag tagX = null;
        for (TagValueList.Tag tag : tags.tags()) {
            switch (tag.name()) {
                case "v" -> tagV = tag;
                case "a" -> tagA = tag;
                case "b" -> tagB = tag;
                case "bh" -> tagBh = tag;
                case "c" -> tagC = tag;
                case "d" -> tagD = tag;
                case "h" -> tagH = tag;
                case "i" -> tagI = tag;
                case "l" -> tagL = tag;
                case "q" -> tagQ = tag;
                case "s" -> tagS = tag;
                case "t" -> tagT = tag;
                case "x" -> tagX = tag;
                default -> {
                }
            }
        }
        SignatureId id = new SignatureId(valueOf(tagD), valueOf(tagS), valueOf(tagA), valueOf(tagI), index);
        if (!tags.isValid()) {
            return new Invalid(id, WHERE + ", " + tags.firstError().orElseThrow());
        }
        TagValueList.Tag[] required = {tagV, tagA, tagB, tagBh, tagD, tagH, tagS}; // the order of REQUIRED
        for (int r = 0; r < required.length; r++) {
            if (required[r] == null) {
                return new Invalid(id, WHERE + ": required tag " + REQUIRED.get(r) + "= is missing");
            }
        }
        String v = tagV.value();
        if (!v.equals("1")) {
            return invalid(id, tags, tagV, "unsupported version v=" + v + " (expected 1)");
        }
        String a = tagA.value();
        Optional<DkimAlgorithm> alg = DkimAlgorithm.fromTag(a);
        if (alg.isEmpty()) {
            return invalid(id, tags, tagA, "unknown algorithm a=" + a);
        }
        byte[] b = base64(tagB.value());
        if (b == null || b.length == 0) {
            return invalid(id, tags, tagB, "b= is not valid base64");
        }
        byte[] bh = base64(tagBh.value());
        if (bh == null || bh.length == 0) {
            return invalid(id, tags, tagBh, "bh= is not valid base64");
        }
        Canonicalization hc = Canonicalization.SIMPLE;
        Canonicalization bc = Canonicalization.SIMPLE;
        Optional<String> c = Optional.ofNullable(tagC).map(TagValueList.Tag::value);
        if (c.isPresent()) {
            String[] parts = c.get().split("/", -1);
            if (parts.length > 2) {
                return invalid(id, tags, tagC, "c=" + c.get() + " has more than one '/'");
            }
            hc = canon(parts[0]);
            bc = parts.length == 2 ? canon(parts[1]) : Canonicalization.SIMPLE;
            if (hc == null || bc == null) {
                return invalid(id, tags, tagC, "unknown canonicalization c=" + c.get()
                        + " (expected simple or relaxed, e.g. c=relaxed/relaxed)");
            }
        }
        String d = tagD.value();
        String dProblem = DkimNames.problem(d);
        if (dProblem != null) {
            return invalidAt(id, tags, tagD.valueStart() + DkimNames.badOffset(d),
                    "d=" + d + " is not a valid domain (" + dProblem + ")");
        }
        if (!d.contains(".")) {
            return invalid(id, tags, tagD,
                    "d=" + d + " is a top-level domain; a signing domain has at least two labels");
        }
        String s = tagS.value();
        String sProblem = DkimNames.problem(s);
        if (sProblem != null) {
            return invalidAt(id, tags, tagS.valueStart() + DkimNames.badOffset(s),
                    "s=" + s + " is not a valid selector (" + sProblem + ")");
        }
        List<String> h = new ArrayList<>();
        String hv = tagH.value();
        for (int from = 0; from <= hv.length(); ) {
            int to = hv.indexOf(':', from);
            if (to < 0) {
                to = hv.length();
            }
            String n = TagValueList.stripWhitespace(trimmed(hv, from, to));
            if (n.isEmpty()) {
                return invalid(id, tags, tagH, "h= has an empty header field name");
            }
            h.add(n);
            from = to + 1;
        }
        if (h.stream().noneMatch(n -> n.equalsIgnoreCase("from"))) {
            return invalid(id, tags, tagH, "h= does not include From (RFC 6376 section 5.4)");
        }
        Optional<String> i = Optional.ofNullable(tagI).map(TagValueList.Tag::value);
        if (i.isPresent()) {
            int at = i.get().lastIndexOf('@');
            if (at < 0) {
                return invalid(id, tags, tagI, "i=" + i.get() + " has no '@'");
            }
            String idDomain = i.get().substring(at + 1);
            if (DkimNames.problem(idDomain) != null || !DkimNames.isSameOrSubdomain(idDomain, d)) {
                return invalid(id, tags, tagI, "i= domain " + idDomain + " is not d=" + d + " or a subdomain of it");
            }
        }
        OptionalLong l = OptionalLong.empty();
        Optional<String> lv = Optional.ofNullable(tagL).map(TagValueList.Tag::value);
        if (lv.isPresent()) {
            if (!digits(lv.get(), 76)) {
                return invalid(id, tags, tagL, "l=" + lv.get() + " is not a number");
            }
            l = lv.get().length() > 18 ? OptionalLong.of(Long.MAX_VALUE) : OptionalLong.of(Long.parseLong(lv.get()));
        }
        Optional<String> q = Optional.ofNullable(tagQ).map(TagValueList.Tag::value);
        if (q.isPresent()) {
            boolean dnsTxt = false;
            for (String m : q.get().split(":")) {
                String method = TagValueList.stripWhitespace(m);
                if (method.equalsIgnoreCase("dns/txt") || method.equalsIgnoreCase("dns")) {
                    dnsTxt = true;
                }
            }
            if (!dnsTxt) {
                return invalid(id, tags, tagQ, "q=" + q.get() + " offers no query method Aligned knows (dns/txt)");
            }
        }
        Optional<Instant> t = Optional.empty();
        if (tagT != null) {
            String tv = tagT.value();
            if (!digits(tv, 18)) {
                return invalid(id, tags, tagT, "t=" + tv + " is not a number of seconds");
            }
            t = Optional.of(Instant.ofEpochSecond(Math.min(Long.parseLong(tv), Instant.MAX.getEpochSecond())));
        }
        Optional<Instant> x = Optional.empty();
        if (tagX != null) {
            String xv = tagX.value();
            if (!digits(xv, 18)) {
                return invalid(id, tags, tagX, "x=" + xv + " is not a number of seconds");
            }
            x = Optional.of(Instant.ofEpochSecond(Math.min(Long.parseLong(xv), Instant.MAX.getEpochSecond())));
            if (t.isPresent() && !x.get().isAfter(t.get())) {
                return invalid(id, tags, tagX, "x= is not after t= (the signature expires before it was made)");
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

    private static Invalid invalid(SignatureId id, TagValueList tags, TagValueList.Tag tag, String message) {
        return new Invalid(id, WHERE + ", " + tags.describe(tag.nameOffset()) + ": " + message);
    }

    private static String valueOf(TagValueList.Tag tag) {
        return tag == null ? "" : tag.value();
    }

    private static Invalid invalidAt(SignatureId id, TagValueList tags, int offset, String message) {
        return new Invalid(id, WHERE + ", " + tags.describe(offset) + ": " + message);
    }

    private static Canonicalization canon(String s) {
        if (s.equalsIgnoreCase("relaxed")) {
            return Canonicalization.RELAXED;
        }
        return s.equalsIgnoreCase("simple") ? Canonicalization.SIMPLE : null;
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

    private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long HIGHS = 0x8080808080808080L;
    private static final long BELOW_SP1 = 0x0101010101010101L * 0x21;

    /** 1 for the octets base64 keeps, 0 for the whitespace it drops. */
    private static final byte[] KEEP = new byte[256];

    static {
        java.util.Arrays.fill(KEEP, (byte) 1);
        KEEP[' '] = 0;
        KEEP['\t'] = 0;
        KEEP['\r'] = 0;
        KEEP['\n'] = 0;
    }

    /** Decodes base64 after removing whitespace; null when invalid. */
    static byte[] base64(String value) {
        // octets, whitespace squeezed out in place (a char above U+00FF becomes '?', which is not base64)
        byte[] text = value.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        int len = text.length;
        int n = 0;
        for (int i = 0; i < len; ) {
            int j = i; // the run of kept octets from i: eight at a time while none is at or below space
            while (j + 8 <= len && (~(((long) LONGS.get(text, j) | HIGHS) - BELOW_SP1) & ~(long) LONGS.get(text, j)
                    & HIGHS) == 0) {
                j += 8;
            }
            while (j < len && KEEP[text[j] & 0xFF] != 0) {
                j++;
            }
            if (n != i) {
                System.arraycopy(text, i, text, n, j - i);
            }
            n += j - i;
            while (j < len && KEEP[text[j] & 0xFF] == 0) {
                j++;
            }
            i = j;
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
