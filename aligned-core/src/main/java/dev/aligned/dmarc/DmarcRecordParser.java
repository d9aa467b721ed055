package dev.aligned.dmarc;

import dev.aligned.dmarc.DmarcProblem.Severity;
import dev.aligned.dmarc.DmarcRecord.AlignmentMode;
import dev.aligned.dmarc.DmarcRecord.FailureOption;
import dev.aligned.dmarc.DmarcRecord.Policy;
import dev.aligned.dmarc.DmarcRecord.Psd;
import dev.aligned.dmarc.DmarcRecord.ReportUri;
import dev.aligned.internal.TagValueList;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Parses DMARC record text (RFC 9989 section 4.7/4.8, plus RFC 7489's {@code pct, rf, ri}) on top of the
 * shared RFC 6376 tag=value parser ({@link TagValueList}). Never throws for
 * bad input: every problem is a {@link DmarcProblem} with its column.
 *
 * <pre>{@code
 * switch (DmarcRecordParser.parse("v=DMARC1; p=reject; pct=50")) {
 *     case DmarcParseResult.Valid v -> {
 *         v.record().policy();                   // Optional[REJECT]
 *         v.problems().forEach(System.out::println);
 *         // DMARC record, column 21: warning: pct= was removed by RFC 9989 ... use t=y ...
 *     }
 *     case DmarcParseResult.NotDmarc n -> System.out.println(n.reason());
 * }
 * }</pre>
 *
 * <p>Rules: the first tag must be {@code v=DMARC1} (value case-sensitive) or the text is not a DMARC record;
 * unknown tags are ignored with a warning; an invalid value is discarded with an error and the default
 * applies; a tag given twice keeps its first value (the repeat is an error), except p, sp and np, which then
 * count as invalid (RFC 6376 section 3.2). Tag names and keyword values
 * are case-insensitive (RFC 5234 quoted strings).
 */
public final class DmarcRecordParser {
    private static final Set<String> KNOWN = Set.of("v", "p", "sp", "np", "psd", "t", "adkim", "aspf", "rua", "ruf",
            "fo", "pct", "rf", "ri");

    private final DmarcLimits limits;
    private final List<DmarcProblem> problems = new ArrayList<>();
    private int dropped;

    private DmarcRecordParser(DmarcLimits limits) {
        this.limits = limits;
    }

    /** Parses {@code text} under {@link DmarcLimits#DEFAULT}. */
    public static DmarcParseResult parse(String text) {
        return parse(text, DmarcLimits.DEFAULT);
    }

    /** Parses {@code text} under the given limits. */
    public static DmarcParseResult parse(String text, DmarcLimits limits) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(limits, "limits");
        return new DmarcRecordParser(limits).run(text);
    }

    private void problem(int column, Severity severity, String message) {
        if (problems.size() < limits.maxProblems()) {
            problems.add(new DmarcProblem(Math.max(1, column), severity, message));
        } else {
            dropped++;
        }
    }

    private List<DmarcProblem> finish() {
        List<DmarcProblem> out = new ArrayList<>(problems);
        if (dropped > 0) {
            out.add(new DmarcProblem(1, Severity.WARNING, dropped + " more problems not listed"));
        }
        return out;
    }

    private DmarcParseResult run(String text) {
        if (text.length() > limits.maxRecordLength()) {
            problem(1, Severity.ERROR, "record is " + text.length() + " characters long, over the limit of "
                    + limits.maxRecordLength() + "; it is not treated as a DMARC record");
            return new DmarcParseResult.NotDmarc(finish());
        }
        TagValueList list = TagValueList.parse(text);
        List<TagValueList.Tag> tags = list.tags();
        int firstOffset = tags.isEmpty() ? Integer.MAX_VALUE : tags.get(0).nameOffset();
        boolean garbageFirst = list.errors().stream().anyMatch(e -> e.offset() < firstOffset);
        if (tags.isEmpty() || garbageFirst) {
            problem(1, Severity.ERROR, "a DMARC record must start with v=DMARC1; this text is ignored");
            return new DmarcParseResult.NotDmarc(finish());
        }
        TagValueList.Tag v = tags.get(0);
        if (!v.name().equalsIgnoreCase("v")) {
            problem(v.nameOffset() + 1, Severity.ERROR, "the first tag is '" + clip(v.name())
                    + "', but a DMARC record must start with v=DMARC1; this text is ignored");
            return new DmarcParseResult.NotDmarc(finish());
        }
        if (!v.value().equals("DMARC1")) {
            String hint = v.value().equalsIgnoreCase("DMARC1") ? " (the value is case-sensitive)" : "";
            problem(v.valueStart() + 1, Severity.ERROR, "v=" + clip(v.value()) + " is not v=DMARC1" + hint
                    + "; this text is ignored");
            return new DmarcParseResult.NotDmarc(finish());
        }
        if (firstOffset > 0) {
            problem(1, Severity.WARNING, "whitespace before v=DMARC1; some receivers will not recognise the record");
        }
        java.util.Set<String> repeatedPolicyTags = new java.util.TreeSet<>();
        for (TagValueList.Error e : list.errors()) {
            String repeated = repeatedPolicyTag(e.message());
            if (repeated != null) {
                repeatedPolicyTags.add(repeated);
                problem(e.offset() + 1, Severity.ERROR, e.message() + REPEATED_POLICY_NOTE.formatted(repeated));
            } else {
                problem(e.offset() + 1, Severity.ERROR, e.message() + "; ignored");
            }
        }
        Map<String, TagValueList.Tag> seen = new HashMap<>();
        seen.put("v", v);
        Builder b = new Builder(text);
        for (int i = 1; i < tags.size(); i++) {
            TagValueList.Tag t = tags.get(i);
            String name = t.name().toLowerCase(Locale.ROOT);
            if (!KNOWN.contains(name)) {
                problem(t.nameOffset() + 1, Severity.WARNING, "unknown tag '" + clip(t.name()) + "' ignored");
                continue;
            }
            TagValueList.Tag first = seen.putIfAbsent(name, t);
            if (first != null) {
                boolean policyTag = POLICY_TAGS.contains(name);
                if (policyTag) {
                    repeatedPolicyTags.add(name);
                }
                problem(t.nameOffset() + 1, Severity.ERROR, "duplicate tag '" + name + "' (first at column "
                        + (first.nameOffset() + 1) + ")" + (policyTag ? REPEATED_POLICY_NOTE.formatted(name)
                        : "; this one is ignored"));
                continue;
            }
            if (name.equals("p") && i != 1) {
                problem(t.nameOffset() + 1, Severity.WARNING,
                        "p= is not right after v=DMARC1; RFC 7489 receivers require it there (RFC 9989 does not)");
            }
            tag(b, name, t);
        }
        for (String name : repeatedPolicyTags) {
            // RFC 6376 section 3.2, whose tag-list syntax DMARC records use: a repeated tag makes the list
            // invalid. Which of two policies the owner meant cannot be known, so the tag counts as invalid and
            // RFC 9989 section 4.10.1 decides (p=none when rua= is valid, otherwise no usable policy).
            switch (name) {
                case "p" -> b.p = Optional.empty();
                case "sp" -> b.sp = Optional.empty();
                default -> b.np = Optional.empty();
            }
            markInvalid(b, name);
        }
        if (!seen.containsKey("p")) {
            problem(1, Severity.WARNING, b.rua.isEmpty()
                    ? "no p= tag and no valid rua=: RFC 9989 receivers apply no DMARC processing (section 4.10.1); "
                      + "add p=none, p=quarantine or p=reject"
                    : "no p= tag: RFC 9989 receivers act as if p=none (section 4.10.1); add p= to state a policy");
        }
        if (seen.containsKey("fo") && !seen.containsKey("ruf")) {
            TagValueList.Tag fo = seen.get("fo");
            problem(fo.nameOffset() + 1, Severity.WARNING, "fo= has no effect without ruf=");
        }
        problems.sort((x, y) -> Integer.compare(x.column(), y.column()));
        return new DmarcParseResult.Valid(b.build(), finish());
    }

    private static boolean isWsp(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    private void tag(Builder b, String name, TagValueList.Tag t) {
        String value = t.value();
        int col = t.valueStart() + 1;
        if (value.isEmpty()) {
            problem(t.nameOffset() + 1, Severity.ERROR, name + "= has no value; " + defaultNote(name));
            markInvalid(b, name);
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                problem(col + i, Severity.ERROR, name + "= holds a control character " + String.format("U+%04X", (int) c)
                        + "; " + defaultNote(name));
                markInvalid(b, name);
                return;
            }
        }
        switch (name) {
            case "p" -> {
                b.p = policy(name, value, col);
                b.pInvalid = b.p.isEmpty();
            }
            case "sp" -> {
                b.sp = policy(name, value, col);
                b.spInvalid = b.sp.isEmpty();
            }
            case "np" -> {
                b.np = policy(name, value, col);
                b.npInvalid = b.np.isEmpty();
            }
            case "psd" -> {
                switch (value.toLowerCase(Locale.ROOT)) {
                    case "y" -> b.psd = Psd.Y;
                    case "n" -> b.psd = Psd.N;
                    case "u" -> b.psd = Psd.U;
                    default -> problem(col, Severity.ERROR, "psd=" + clip(value)
                            + " is not y, n or u; the default psd=u applies");
                }
            }
            case "t" -> {
                switch (value.toLowerCase(Locale.ROOT)) {
                    case "y" -> b.testing = true;
                    case "n" -> b.testing = false;
                    default -> problem(col, Severity.ERROR, "t=" + clip(value)
                            + " is not y or n; the default t=n applies");
                }
            }
            case "adkim" -> b.adkim = alignment(name, value, col);
            case "aspf" -> b.aspf = alignment(name, value, col);
            case "rua" -> b.rua = uris(name, value, col);
            case "ruf" -> b.ruf = uris(name, value, col);
            case "fo" -> b.fo = failureOptions(value, col);
            case "pct" -> {
                problem(t.nameOffset() + 1, Severity.WARNING, "pct= was removed by RFC 9989 and RFC 9989 receivers "
                        + "ignore it; to test a policy use t=y (policy applied one level lower) instead");
                if (value.matches("[0-9]{1,3}") && Integer.parseInt(value) <= 100) {
                    b.pct = OptionalInt.of(Integer.parseInt(value));
                } else {
                    problem(col, Severity.ERROR, "pct=" + clip(value)
                            + " is not a whole number from 0 to 100; RFC 7489's default pct=100 applies");
                }
            }
            case "rf" -> {
                problem(t.nameOffset() + 1, Severity.WARNING, "rf= was removed by RFC 9989: failure reports always use "
                        + "the RFC 6591 (AFRF) format; remove the tag");
                b.rf = Optional.of(value);
                for (String f : value.split(":", -1)) {
                    if (!f.strip().equalsIgnoreCase("afrf")) {
                        problem(col, Severity.ERROR, "rf=" + clip(value)
                                + " names a format other than afrf; RFC 7489 receivers ignore it");
                        break;
                    }
                }
            }
            case "ri" -> {
                problem(t.nameOffset() + 1, Severity.WARNING, "ri= was removed by RFC 9989: receivers send aggregate "
                        + "reports at least every 24 hours (section 5.3.8); remove the tag");
                if (value.matches("[0-9]{1,10}") && Long.parseLong(value) <= 0xFFFF_FFFFL) {
                    b.ri = OptionalLong.of(Long.parseLong(value));
                } else {
                    problem(col, Severity.ERROR, "ri=" + clip(value)
                            + " is not a number of seconds; RFC 7489's default ri=86400 applies");
                }
            }
            default -> throw new IllegalStateException("unhandled known tag " + name);
        }
    }

    private static final java.util.Set<String> POLICY_TAGS = java.util.Set.of("p", "sp", "np");
    private static final String REPEATED_POLICY_NOTE = "; a record may not repeat a tag (RFC 6376 section 3.2 "
            + "tag-list syntax), so %s= counts as invalid";

    /** The policy tag a TagValueList "duplicate tag 'x'" error names (any case), or null. */
    private static String repeatedPolicyTag(String message) {
        String prefix = "duplicate tag '";
        if (!message.startsWith(prefix) || !message.endsWith("'")) {
            return null;
        }
        String name = message.substring(prefix.length(), message.length() - 1).toLowerCase(Locale.ROOT);
        return POLICY_TAGS.contains(name) ? name : null;
    }

    private static void markInvalid(Builder b, String name) {
        switch (name) {
            case "p" -> b.pInvalid = true;
            case "sp" -> b.spInvalid = true;
            case "np" -> b.npInvalid = true;
            default -> {
                // other tags fall back to their defaults
            }
        }
    }

    private static String defaultNote(String name) {
        return switch (name) {
            case "p" -> "treated as missing";
            case "sp", "np" -> "treated as invalid (RFC 9989 section 4.10.1)";
            case "psd" -> "the default psd=u applies";
            case "t" -> "the default t=n applies";
            case "adkim", "aspf" -> "the default r (relaxed) applies";
            case "fo" -> "the default fo=0 applies";
            default -> "ignored";
        };
    }

    private Optional<Policy> policy(String name, String value, int col) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "none":
                return Optional.of(Policy.NONE);
            case "quarantine":
                return Optional.of(Policy.QUARANTINE);
            case "reject":
                return Optional.of(Policy.REJECT);
            default:
                problem(col, Severity.ERROR, name + "=" + clip(value)
                        + " is not none, quarantine or reject; " + defaultNote(name));
                return Optional.empty();
        }
    }

    private AlignmentMode alignment(String name, String value, int col) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "r":
                return AlignmentMode.RELAXED;
            case "s":
                return AlignmentMode.STRICT;
            default:
                problem(col, Severity.ERROR, name + "=" + clip(value)
                        + " is not r or s; the default r (relaxed) applies");
                return AlignmentMode.RELAXED;
        }
    }

    private Set<FailureOption> failureOptions(String value, int col) {
        Set<FailureOption> out = EnumSet.noneOf(FailureOption.class);
        int pos = 0;
        for (String part : value.split(":", -1)) {
            String p = part.strip().toLowerCase(Locale.ROOT);
            int at = col + pos + (part.length() - part.stripLeading().length());
            pos += part.length() + 1;
            FailureOption o = switch (p) {
                case "0" -> FailureOption.ALL_FAIL;
                case "1" -> FailureOption.ANY_FAIL;
                case "d" -> FailureOption.DKIM;
                case "s" -> FailureOption.SPF;
                default -> null;
            };
            if (o == null) {
                problem(at, Severity.ERROR, "fo: '" + clip(part.strip()) + "' is not 0, 1, d or s; ignored");
            } else if ((o == FailureOption.ALL_FAIL && out.contains(FailureOption.ANY_FAIL))
                    || (o == FailureOption.ANY_FAIL && out.contains(FailureOption.ALL_FAIL))) {
                problem(at, Severity.ERROR, "fo: 0 and 1 exclude each other; the later one is ignored");
            } else if (!out.add(o)) {
                problem(at, Severity.WARNING, "fo: '" + p + "' given twice");
            }
        }
        if (out.isEmpty()) {
            out.add(FailureOption.ALL_FAIL);
        }
        return out;
    }

    private List<ReportUri> uris(String name, String value, int col) {
        List<ReportUri> out = new ArrayList<>();
        int pos = 0;
        for (String part : value.split(",", -1)) {
            int lead = 0;
            while (lead < part.length() && isWsp(part.charAt(lead))) {
                lead++;
            }
            int at = col + pos + lead;
            pos += part.length() + 1;
            String u = part.strip();
            if (u.isEmpty()) {
                problem(at, Severity.ERROR, name + ": empty URI between commas; ignored");
                continue;
            }
            OptionalLong size = OptionalLong.empty();
            int bang = u.indexOf('!');
            if (bang >= 0) {
                String suffix = u.substring(bang + 1);
                OptionalLong parsed = size(suffix);
                if (parsed.isEmpty()) {
                    problem(at + bang, Severity.ERROR, name + ": '!" + clip(suffix)
                            + "' is not a size (digits and an optional k, m, g or t); URI ignored");
                    continue;
                }
                problem(at + bang, Severity.WARNING, name + ": the '!" + suffix + "' size limit is obsolete "
                        + "(RFC 9989 section 4.8) and RFC 9989 receivers ignore it; remove it");
                size = parsed;
                u = u.substring(0, bang);
            }
            String scheme;
            try {
                URI parsed = new URI(u);
                if (parsed.getScheme() == null) {
                    problem(at, Severity.ERROR, name + ": '" + clip(u)
                            + "' has no scheme; write it as mailto:" + clip(u) + "; ignored");
                    continue;
                }
                scheme = parsed.getScheme().toLowerCase(Locale.ROOT);
            } catch (URISyntaxException e) {
                problem(at + Math.max(0, e.getIndex()), Severity.ERROR, name + ": '" + clip(u)
                        + "' is not a valid URI (" + e.getReason() + "); ignored");
                continue;
            }
            if (scheme.equals("mailto")) {
                String addr = u.substring(u.indexOf(':') + 1);
                int q = addr.indexOf('?');
                if (q >= 0) {
                    addr = addr.substring(0, q);
                }
                int atSign = addr.lastIndexOf('@');
                if (atSign <= 0 || atSign == addr.length() - 1
                        || dev.aligned.dns.DomainName.problem(addr.substring(atSign + 1)) != null) {
                    problem(at, Severity.ERROR, name + ": '" + clip(u)
                            + "' is not a mailto: URI with an address like dmarc@example.com; ignored");
                    continue;
                }
            }
            if (out.size() >= limits.maxReportUris()) {
                problem(at, Severity.ERROR, name + ": more than " + limits.maxReportUris() + " URIs; the rest are ignored");
                break;
            }
            out.add(new ReportUri(u, scheme, size, at));
        }
        return out;
    }

    private static OptionalLong size(String s) {
        if (!s.matches("[0-9]{1,12}[kmgtKMGT]?")) {
            return OptionalLong.empty();
        }
        char last = Character.toLowerCase(s.charAt(s.length() - 1));
        long mult = switch (last) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            case 't' -> 1L << 40;
            default -> 1L;
        };
        String digits = mult == 1 ? s : s.substring(0, s.length() - 1);
        long n = Long.parseLong(digits);
        if (n > Long.MAX_VALUE / mult) {
            return OptionalLong.of(Long.MAX_VALUE);
        }
        return OptionalLong.of(n * mult);
    }

    private static final class Builder {
        final String text;
        Optional<Policy> p = Optional.empty();
        boolean pInvalid;
        Optional<Policy> sp = Optional.empty();
        boolean spInvalid;
        Optional<Policy> np = Optional.empty();
        boolean npInvalid;
        Psd psd = Psd.U;
        boolean testing;
        AlignmentMode adkim = AlignmentMode.RELAXED;
        AlignmentMode aspf = AlignmentMode.RELAXED;
        List<ReportUri> rua = List.of();
        List<ReportUri> ruf = List.of();
        Set<FailureOption> fo = EnumSet.of(FailureOption.ALL_FAIL);
        OptionalInt pct = OptionalInt.empty();
        Optional<String> rf = Optional.empty();
        OptionalLong ri = OptionalLong.empty();

        Builder(String text) {
            this.text = text;
        }

        DmarcRecord build() {
            return new DmarcRecord(text, p, pInvalid, sp, spInvalid, np, npInvalid, psd, testing, adkim, aspf,
                    rua, ruf, fo, pct, rf, ri);
        }
    }
}
