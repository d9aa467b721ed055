package dev.aligned.spf;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The SPF record parser: strict RFC 7208 section 12 ABNF, one pass, no regular expressions. */
final class RecordParser {
    static final int MAX_ERRORS = 10;

    private static final Map<String, String> MISSPELLINGS = Map.ofEntries(
            Map.entry("ipv4", "ip4"), Map.entry("ipv6", "ip6"), Map.entry("ip", "ip4"),
            Map.entry("prt", "ptr"), Map.entry("includes", "include"), Map.entry("inlcude", "include"),
            Map.entry("incude", "include"), Map.entry("exist", "exists"), Map.entry("mx4", "mx"),
            Map.entry("aaaa", "a"));

    private final String s;
    private final List<SpfSyntaxError> errors = new ArrayList<>(2);
    private final List<Term> terms = new ArrayList<>();
    private Term.Redirect redirect;
    private Term.Exp exp;

    private RecordParser(String s) {
        this.s = s;
    }

    static SpfParseResult parse(String text) {
        if (text == null) {
            throw new NullPointerException("text");
        }
        RecordParser p = new RecordParser(text);
        p.run();
        if (!p.errors.isEmpty()) {
            return new SpfParseResult.Invalid(text, p.errors);
        }
        return new SpfParseResult.Valid(new SpfRecord(text, p.terms, p.redirect, p.exp));
    }

    private void run() {
        if (s.length() < 6 || !s.regionMatches(true, 0, "v=spf1", 0, 6)) {
            error(1, s.length() > 20 ? s.substring(0, 20) : s, "not an SPF record: it must start with 'v=spf1'",
                    null);
            return;
        }
        if (s.length() > 6 && s.charAt(6) != ' ') {
            error(7, s.substring(0, Math.min(s.length(), 20)), "'v=spf1' must be followed by a space, not "
                    + quoteChar(s.charAt(6)), null);
            return;
        }
        int i = 6;
        int n = s.length();
        while (i < n && errors.size() < MAX_ERRORS) {
            while (i < n && s.charAt(i) == ' ') {
                i++;
            }
            if (i >= n) {
                break;
            }
            int end = s.indexOf(' ', i);
            if (end < 0) {
                end = n;
            }
            term(i, end);
            i = end;
        }
    }

    private static String quoteChar(char c) {
        return c >= 0x21 && c <= 0x7e ? "'" + c + "'" : MacroString.printable(c);
    }

    private void error(int column, String term, String message, String hint) {
        if (errors.size() < MAX_ERRORS) {
            errors.add(new SpfSyntaxError(column, term, message, Optional.ofNullable(hint)));
        }
    }

    private static boolean alpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean nameChar(char c) {
        return alpha(c) || digit(c) || c == '-' || c == '_' || c == '.';
    }

    private void term(int a, int b) {
        String text = s.substring(a, b);
        for (int k = a; k < b; k++) {
            char c = s.charAt(k);
            if (c < 0x21 || c > 0x7e) {
                error(k + 1, text, MacroString.describe(c) + " in term '" + visible(text) + "'", null);
                return;
            }
        }
        Qualifier q = Qualifier.of(s.charAt(a));
        int p = q == null ? a : a + 1;
        int nameEnd = p;
        while (nameEnd < b && nameChar(s.charAt(nameEnd))) {
            nameEnd++;
        }
        if (nameEnd < b && s.charAt(nameEnd) == '=') {
            modifier(text, a, p, nameEnd, b, q);
            return;
        }
        int mEnd = p;
        while (mEnd < b && (alpha(s.charAt(mEnd)) || digit(s.charAt(mEnd)))) {
            mEnd++;
        }
        String name = s.substring(p, mEnd).toLowerCase(java.util.Locale.ROOT);
        Qualifier qual = q == null ? Qualifier.PASS : q;
        int col = a + 1;
        switch (name) {
            case "all" -> {
                if (mEnd != b) {
                    error(mEnd + 1, text, "'all' takes no argument or CIDR length, found '" + s.substring(mEnd, b)
                            + "'", "write '" + s.substring(a, mEnd) + "'");
                    return;
                }
                terms.add(new Term.All(qual, text, col));
            }
            case "include", "exists" -> {
                if (mEnd == b || s.charAt(mEnd) != ':') {
                    error(mEnd + 1, text, "'" + name + "' needs a domain: " + name + ":<domain>", null);
                    return;
                }
                MacroString d = domainSpec(text, name, mEnd + 1, b);
                if (d == null) {
                    return;
                }
                terms.add(name.equals("include") ? new Term.Include(qual, d, text, col)
                        : new Term.Exists(qual, d, text, col));
            }
            case "a", "mx" -> addressMechanism(text, name, qual, col, mEnd, b);
            case "ptr" -> {
                MacroString d = null;
                if (mEnd < b) {
                    if (s.charAt(mEnd) != ':') {
                        error(mEnd + 1, text, "'ptr' takes only an optional ':domain', found '" + s.substring(mEnd, b)
                                + "'", null);
                        return;
                    }
                    d = domainSpec(text, name, mEnd + 1, b);
                    if (d == null) {
                        return;
                    }
                }
                terms.add(new Term.Ptr(qual, Optional.ofNullable(d), text, col));
            }
            case "ip4" -> ip4(text, qual, col, mEnd, b);
            case "ip6" -> ip6(text, qual, col, mEnd, b);
            default -> {
                int stop = p;
                while (stop < b && s.charAt(stop) != ':' && s.charAt(stop) != '/' && s.charAt(stop) != '=') {
                    stop++;
                }
                String shown = s.substring(p, stop);
                String fix = MISSPELLINGS.get(shown.toLowerCase(java.util.Locale.ROOT));
                if (shown.isEmpty()) {
                    error(p + 1, text, "missing mechanism name in '" + text + "'", null);
                } else {
                    error(p + 1, text, "unknown mechanism '" + shown + "'",
                            fix == null ? "mechanisms are all, include, a, mx, ptr, ip4, ip6 and exists"
                                    : "did you mean '" + fix + "'?");
                }
            }
        }
    }

    private void modifier(String text, int a, int p, int nameEnd, int b, Qualifier q) {
        int col = a + 1;
        if (q != null) {
            error(col, text, "a modifier cannot have a qualifier: '" + text + "'", "remove the '" + q.symbol() + "'");
            return;
        }
        if (nameEnd == p) {
            error(col, text, "missing modifier name before '=' in '" + text + "'", null);
            return;
        }
        String name = s.substring(p, nameEnd);
        if (!alpha(name.charAt(0))) {
            error(col, text, "modifier name '" + name + "' must start with a letter", null);
            return;
        }
        int v = nameEnd + 1;
        if (name.equalsIgnoreCase("redirect") || name.equalsIgnoreCase("exp")) {
            boolean isRedirect = name.equalsIgnoreCase("redirect");
            Term previous = isRedirect ? redirect : exp;
            if (previous != null) {
                error(col, text, "'" + name.toLowerCase(java.util.Locale.ROOT) + "=' appears twice (first at column "
                        + previous.column() + "); a record may hold at most one redirect= and one exp=", null);
                return;
            }
            if (v == b) {
                error(v + 1, text, "'" + name.toLowerCase(java.util.Locale.ROOT) + "=' needs a domain", null);
                return;
            }
            MacroString d = domainSpec(text, name.toLowerCase(java.util.Locale.ROOT), v, b);
            if (d == null) {
                return;
            }
            if (isRedirect) {
                redirect = new Term.Redirect(d, text, col);
                terms.add(redirect);
            } else {
                exp = new Term.Exp(d, text, col);
                terms.add(exp);
            }
            return;
        }
        // Unknown modifier: the value must be a valid macro-string (the grammar allows every macro letter here).
        MacroString.Outcome o = MacroString.parse(s, v, b, true);
        if (o.problem != null) {
            error(v + o.problem.offset() + 1, text, o.problem.message() + " in modifier '" + name + "'", null);
            return;
        }
        terms.add(new Term.Unknown(name, o.value, text, col));
    }

    /** Parses a domain-spec at s[from, to); reports and returns null when invalid. */
    private MacroString domainSpec(String text, String owner, int from, int to) {
        if (from == to) {
            error(from + 1, text, "empty domain after '" + owner + (owner.equals("redirect") || owner.equals("exp")
                    ? "='" : ":'"), null);
            return null;
        }
        MacroString.Outcome o = MacroString.parse(s, from, to, false);
        if (o.problem != null) {
            error(from + o.problem.offset() + 1, text, o.problem.message(), null);
            return null;
        }
        if (!o.value.endsWithMacro()) {
            int tail = o.tailStart;
            int end = to;
            if (end > tail && s.charAt(end - 1) == '.') {
                end--;
            }
            int dot = s.lastIndexOf('.', end - 1);
            String spec = s.substring(from, to);
            if (dot < tail) {
                String hint = "write a fully qualified name such as '" + spec + (spec.endsWith(".") ? "" : ".")
                        + "example.com' or end it in a macro";
                error(from + 1, text, "invalid domain '" + spec + "': it must end in '.' and a top-level label, "
                        + "or in a macro", looksLikeIp(spec) ? ipHint(spec) : hint);
                return null;
            }
            String top = s.substring(dot + 1, end);
            String problem = toplabelProblem(top);
            if (problem != null) {
                error(dot + 2, text, "invalid domain '" + spec + "': " + problem,
                        looksLikeIp(spec) ? ipHint(spec) : null);
                return null;
            }
        }
        return o.value;
    }

    private static boolean looksLikeIp(String spec) {
        return Ip.parse4(spec, 0, spec.length()) >= 0 || Ip.parse6(spec, 0, spec.length()) != null;
    }

    private static String ipHint(String spec) {
        return "to authorise an address write " + (spec.indexOf(':') >= 0 ? "ip6:" : "ip4:") + spec;
    }

    /** RFC 7208 toplabel: alphanumerics with a letter, or LDH with inner hyphens. */
    static String toplabelProblem(String top) {
        if (top.isEmpty()) {
            return "the top-level label is empty";
        }
        boolean letter = false;
        boolean hyphen = false;
        for (int i = 0; i < top.length(); i++) {
            char c = top.charAt(i);
            if (alpha(c)) {
                letter = true;
            } else if (c == '-') {
                hyphen = true;
            } else if (!digit(c)) {
                return "the top-level label '" + top + "' may hold only letters, digits and hyphens";
            }
        }
        if (top.charAt(0) == '-' || top.charAt(top.length() - 1) == '-') {
            return "the top-level label '" + top + "' may not start or end with a hyphen";
        }
        if (!letter && !hyphen) {
            return "the top-level label '" + top + "' is all numeric";
        }
        return null;
    }

    private void addressMechanism(String text, String name, Qualifier qual, int col, int mEnd, int b) {
        // Split a trailing dual-cidr-length off: [ "/" ip4-cidr ] [ "//" ip6-cidr ]
        int end = b;
        int cidr4 = 32;
        int cidr6 = 128;
        int k = end;
        while (k > mEnd && digit(s.charAt(k - 1))) {
            k--;
        }
        if (k < end && k - 2 >= mEnd && s.charAt(k - 1) == '/' && s.charAt(k - 2) == '/') {
            cidr6 = cidr(text, k, end, 128);
            if (cidr6 < 0) {
                return;
            }
            end = k - 2;
            k = end;
            while (k > mEnd && digit(s.charAt(k - 1))) {
                k--;
            }
        }
        if (k < end && k - 1 >= mEnd && s.charAt(k - 1) == '/' && (k - 2 < mEnd || s.charAt(k - 2) != '/')) {
            cidr4 = cidr(text, k, end, 32);
            if (cidr4 < 0) {
                return;
            }
            end = k - 1;
        }
        MacroString d = null;
        if (end > mEnd) {
            if (s.charAt(mEnd) != ':') {
                error(mEnd + 1, text, "invalid CIDR length '" + s.substring(mEnd, b) + "' after '" + name
                        + "': write /<ipv4 prefix>, //<ipv6 prefix> or both, as in " + name + "/24//64", null);
                return;
            }
            d = domainSpec(text, name, mEnd + 1, end);
            if (d == null) {
                return;
            }
        }
        Optional<MacroString> spec = Optional.ofNullable(d);
        terms.add(name.equals("a") ? new Term.A(qual, spec, cidr4, cidr6, text, col)
                : new Term.Mx(qual, spec, cidr4, cidr6, text, col));
    }

    /** Parses the digits s[from, to) as a prefix length up to max; reports and returns -1 when invalid. */
    private int cidr(String text, int from, int to, int max) {
        String digits = s.substring(from, to);
        String kind = max == 32 ? "IPv4" : "IPv6";
        if (digits.isEmpty()) {
            error(from + 1, text, "missing " + kind + " prefix length after '/'", null);
            return -1;
        }
        for (int i = 0; i < digits.length(); i++) {
            if (!digit(digits.charAt(i))) {
                error(from + 1, text, "invalid " + kind + " prefix length '/" + digits + "'", null);
                return -1;
            }
        }
        if (digits.length() > 1 && digits.charAt(0) == '0') {
            error(from + 1, text, "invalid " + kind + " prefix length '/" + digits + "': leading zeros are not allowed",
                    "write /" + trimZeros(digits));
            return -1;
        }
        int v = digits.length() > 3 ? Integer.MAX_VALUE : Integer.parseInt(digits);
        if (v > max) {
            error(from + 1, text, "invalid " + kind + " prefix length '/" + digits + "': must be 0 to " + max, null);
            return -1;
        }
        return v;
    }

    private static String trimZeros(String d) {
        int i = 0;
        while (i < d.length() - 1 && d.charAt(i) == '0') {
            i++;
        }
        return d.substring(i);
    }

    private void ip4(String text, Qualifier qual, int col, int mEnd, int b) {
        if (mEnd == b || s.charAt(mEnd) != ':') {
            error(mEnd + 1, text, "'ip4' needs an address: ip4:<address>[/<prefix>]", null);
            return;
        }
        int from = mEnd + 1;
        int slash = s.indexOf('/', from);
        int netEnd = slash < 0 || slash > b ? b : slash;
        long net = Ip.parse4(s, from, netEnd);
        if (net < 0) {
            String shown = s.substring(from, netEnd);
            String hint = null;
            int colon = shown.indexOf(':');
            if (colon > 0 && Ip.parse4(shown, 0, colon) >= 0) {
                hint = "an SPF address takes no port: write ip4:" + shown.substring(0, colon);
            } else if (Ip.parse6(shown, 0, shown.length()) != null) {
                hint = "an IPv6 address goes in ip6:" + shown;
            }
            error(from + 1, text, shown.isEmpty() ? "'ip4:' needs an address"
                    : "invalid IPv4 address '" + shown + "' (four decimal numbers 0-255 without leading zeros)", hint);
            return;
        }
        int prefix = 32;
        if (netEnd < b) {
            prefix = cidr(text, netEnd + 1, b, 32);
            if (prefix < 0) {
                return;
            }
        }
        terms.add(new Term.Ip4(qual, (int) net, prefix, text, col));
    }

    private void ip6(String text, Qualifier qual, int col, int mEnd, int b) {
        if (mEnd == b || s.charAt(mEnd) != ':') {
            error(mEnd + 1, text, "'ip6' needs an address: ip6:<address>[/<prefix>]", null);
            return;
        }
        int from = mEnd + 1;
        int slash = s.indexOf('/', from);
        int netEnd = slash < 0 || slash > b ? b : slash;
        long[] net = Ip.parse6(s, from, netEnd);
        if (net == null) {
            String shown = s.substring(from, netEnd);
            error(from + 1, text, shown.isEmpty() ? "'ip6:' needs an address" : "invalid IPv6 address '" + shown + "'",
                    Ip.parse4(shown, 0, shown.length()) >= 0 ? "an IPv4 address goes in ip4:" + shown : null);
            return;
        }
        int prefix = 128;
        if (netEnd < b) {
            prefix = cidr(text, netEnd + 1, b, 128);
            if (prefix < 0) {
                return;
            }
        }
        terms.add(new Term.Ip6(qual, net[0], net[1], prefix, text, col));
    }

    private static String visible(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c <= 0x7e) {
                sb.append(c);
            } else {
                sb.append(String.format("\\u%04X", (int) c));
            }
        }
        return sb.toString();
    }
}
