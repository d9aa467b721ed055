package dev.aligned.spf;

import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One {@code check_host()} run with its counters, trace and macro values; not shared between threads. */
final class Evaluation {
    private static final int MAX_EXPLANATION = 1024;
    /** Expansions longer than this keep only their tail while building: names are cut to 253 from the left. */
    private static final int MAX_DOMAIN_BUILD = 4096;

    private final SpfEvaluator ev;
    private final DnsResolver dns;
    private final SpfLimits limits;
    private final InetAddress clientIp;
    private final boolean v4;
    private final int ip4;
    private final long hi;
    private final long lo;
    private final String sender;
    private final String local;
    private final String senderDomain;
    private final String helo;
    private final SpfResult.Identity identity;
    private final List<SpfResult.Step> trace;

    private int dnsTerms;
    private int voids;
    private final long deadline;
    private boolean timedOut;
    private List<DomainName> validatedPtrNames;
    private final ArrayList<DomainName> stack = new ArrayList<>(4);

    Evaluation(SpfEvaluator ev, InetAddress ip, String sender, String helo, SpfResult.Identity identity) {
        this.ev = ev;
        this.dns = ev.resolver;
        this.limits = ev.limits;
        this.clientIp = ip;
        this.identity = identity;
        this.helo = helo;
        this.trace = ev.trace ? new ArrayList<>() : null;
        this.deadline = ev.timeLimitMillis > 0 ? ev.clock.millis() + ev.timeLimitMillis : Long.MAX_VALUE;
        if (ip instanceof Inet4Address a) {
            v4 = true;
            ip4 = Ip.toInt(a);
            hi = 0;
            lo = 0;
        } else {
            long[] l = Ip.toLongs((Inet6Address) ip);
            if (l[0] == 0 && (l[1] >>> 32) == 0xffffL) {
                v4 = true; // IPv4-mapped IPv6: treated as IPv4 (RFC 7208 section 5)
                ip4 = (int) l[1];
                hi = 0;
                lo = 0;
            } else {
                v4 = false;
                ip4 = 0;
                hi = l[0];
                lo = l[1];
            }
        }
        this.sender = sender;
        int at = sender.lastIndexOf('@');
        String l = at < 0 ? "" : sender.substring(0, at);
        this.local = l.isEmpty() ? "postmaster" : l;
        this.senderDomain = at < 0 ? sender : sender.substring(at + 1);
    }

    // ---------------------------------------------------------------- verdicts

    enum Code { PASS, FAIL, SOFTFAIL, NEUTRAL, NONE, TEMPERROR, PERMERROR }

    /** An internal result: code, deciding term, pending explanation, error text. */
    static final class Verdict {
        final Code code;
        final SpfResult.Match match;
        final String message;
        final String hint;
        Term.Exp exp;
        String expDomain;

        Verdict(Code code, SpfResult.Match match, String message, String hint) {
            this.code = code;
            this.match = match;
            this.message = message;
            this.hint = hint;
        }
    }

    private static Verdict perm(String message, SpfResult.Match term, String hint) {
        return new Verdict(Code.PERMERROR, term, message, hint);
    }

    private static Verdict temp(String message) {
        return new Verdict(Code.TEMPERROR, null, message, null);
    }

    private void step(int depth, String domain, String text) {
        if (trace != null) {
            trace.add(new SpfResult.Step(depth, domain, text));
        }
    }

    // ---------------------------------------------------------------- entry

    /** Every DNS query goes through here: past the time limit it fails at once, without asking. */
    private DnsAnswer lookup(DomainName name, DnsType type) {
        if (timedOut || (deadline != Long.MAX_VALUE && ev.clock.millis() > deadline)) {
            timedOut = true;
            return new DnsAnswer.TempFailure(name, type, "the SPF check's time limit of "
                    + ev.timeLimitMillis / 1000.0 + " s was exceeded");
        }
        return dns.lookup(name, type);
    }

    SpfResult run() {
        String d = senderDomain;
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        Optional<DomainName> parsed = ev.name(d);
        String invalid = initialDomainProblem(d, parsed);
        Verdict v;
        if (invalid != null) {
            v = new Verdict(Code.NONE, null, "'" + senderDomain + "' is not a valid domain name (" + invalid
                    + "), so there is no SPF record to check", null);
            step(0, senderDomain, "not checked: " + invalid);
        } else {
            v = checkHost(parsed.get(), d, 0);
        }
        if (timedOut && v.code != Code.TEMPERROR) {
            // RFC 7208 section 4.6.4: past the time limit the result SHOULD be temperror, whatever was reached.
            v = temp("the SPF check took longer than its time limit of " + ev.timeLimitMillis / 1000.0
                    + " s (slow or unresponsive DNS)");
        }
        SpfResult.Details details = new SpfResult.Details(identity, clientIp, sender, helo, d, dnsTerms, voids,
                trace == null ? List.of() : trace);
        return switch (v.code) {
            case PASS -> new SpfResult.Pass(v.match, details);
            case FAIL -> new SpfResult.Fail(v.match, explanation(v), details);
            case SOFTFAIL -> new SpfResult.SoftFail(v.match, details);
            case NEUTRAL -> new SpfResult.Neutral(Optional.ofNullable(v.match), details);
            case NONE -> new SpfResult.None(v.message, details);
            case TEMPERROR -> new SpfResult.TempError(v.message, details);
            case PERMERROR -> new SpfResult.PermError(v.message, Optional.ofNullable(v.match),
                    Optional.ofNullable(v.hint), details);
        };
    }

    /** RFC 7208 section 4.3: a malformed or single-label domain gives "none" without a lookup. */
    static String initialDomainProblem(String d, Optional<DomainName> n) {
        if (d.isEmpty()) {
            return "empty";
        }
        if (d.charAt(0) == '[') {
            return "an address literal";
        }
        if (n.isEmpty()) {
            return DomainName.problem(d);
        }
        DomainName name = n.get();
        if (name.labelCount() < 2) {
            return "not a fully qualified name";
        }
        String top = name.labels().get(name.labelCount() - 1);
        String p = RecordParser.toplabelProblem(top);
        if (p != null) {
            return p;
        }
        for (int i = 0; i < d.length(); i++) {
            if (d.charAt(i) <= ' ') {
                return "it contains a space or control character";
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- check_host

    private Verdict checkHost(DomainName domain, String dText, int depth) {
        String dn = domain.name();
        DnsAnswer answer = lookup(domain, DnsType.TXT);
        String recordText = null;
        switch (answer) {
            case DnsAnswer.TempFailure t -> {
                step(depth, dn, "TXT lookup failed: " + t.reason());
                return temp("DNS lookup of the TXT records of " + dn + " failed (" + t.reason() + ")");
            }
            case DnsAnswer.NxDomain nx -> {
                step(depth, dn, "TXT: no such domain");
                return new Verdict(Code.NONE, null, dn + " does not exist (NXDOMAIN)", null);
            }
            case DnsAnswer.NoData nd -> {
                step(depth, dn, "TXT: no records");
                return new Verdict(Code.NONE, null, dn + " has no TXT records, so no SPF record", null);
            }
            case DnsAnswer.Records r -> {
                int found = 0;
                for (DnsRecord rec : r.records()) {
                    if (rec instanceof DnsRecord.Txt txt && isSpf(txt.strings())) {
                        found++;
                        if (recordText == null) {
                            recordText = txt.text();
                        }
                    }
                }
                if (found == 0) {
                    step(depth, dn, "TXT: " + r.records().size() + " record(s), none starts with v=spf1");
                    return new Verdict(Code.NONE, null, dn + " has no SPF record (no TXT record starts with 'v=spf1')",
                            null);
                }
                if (found > 1) {
                    step(depth, dn, "TXT: " + found + " SPF records");
                    return perm(dn + " publishes " + found + " SPF records; RFC 7208 section 4.5 allows exactly one",
                            null, "merge them into a single 'v=spf1 ...' TXT record at " + dn);
                }
            }
        }
        step(depth, dn, "record: " + recordText);
        SpfRecord record;
        switch (ev.parse(recordText)) {
            case SpfParseResult.Invalid bad -> {
                SpfSyntaxError e = bad.first();
                String message = e.toString();
                step(depth, dn, message);
                return perm(dn + ": " + message, new SpfResult.Match(e.term(), dn, e.column()), e.hint().orElse(null));
            }
            case SpfParseResult.Valid ok -> record = ok.record();
        }
        stack.add(domain);
        try {
            return evaluate(record, domain, dText, depth);
        } finally {
            stack.remove(stack.size() - 1);
        }
    }

    private static final byte[] VERSION = {'v', '=', 's', 'p', 'f', '1'};

    /** {@link SpfRecord#isSpf(String)} on the raw strings, so that other TXT records are never decoded. */
    static boolean isSpf(List<byte[]> strings) {
        int k = 0;
        for (byte[] part : strings) {
            for (byte b : part) {
                if (k < 6) {
                    int c = b >= 'A' && b <= 'Z' ? b + 32 : b;
                    if (c != VERSION[k]) {
                        return false;
                    }
                    k++;
                } else {
                    return b == ' ';
                }
            }
        }
        return k == 6;
    }

    private Verdict evaluate(SpfRecord record, DomainName domain, String dText, int depth) {
        String dn = domain.name();
        for (Term.Mechanism m : record.mechanismArray()) {
            if (m.queriesDns()) {
                Verdict over = countDnsTerm(m, dn, depth);
                if (over != null) {
                    return over;
                }
            }
            Object outcome = matches(m, domain, dText, depth);
            if (outcome instanceof Verdict err) {
                return err;
            }
            if (outcome == Boolean.TRUE) {
                SpfResult.Match where = new SpfResult.Match(m.text(), dn, m.column());
                step(depth, dn, m.text() + " matches: " + m.qualifier().result());
                Verdict v = new Verdict(switch (m.qualifier()) {
                    case PASS -> Code.PASS;
                    case FAIL -> Code.FAIL;
                    case SOFTFAIL -> Code.SOFTFAIL;
                    case NEUTRAL -> Code.NEUTRAL;
                }, where, null, null);
                if (v.code == Code.FAIL) {
                    v.exp = record.expOrNull();
                    v.expDomain = dText;
                }
                return v;
            }
        }
        Term.Redirect redirect = record.redirectOrNull();
        if (redirect == null) {
            step(depth, dn, "no mechanism matched: neutral");
            return new Verdict(Code.NEUTRAL, null, null, null);
        }
        Verdict over = countDnsTerm(redirect, dn, depth);
        if (over != null) {
            return over;
        }
        SpfResult.Match where = new SpfResult.Match(redirect.text(), dn, redirect.column());
        Target t = expandTarget(redirect.domainSpec(), dText);
        if (t == null) {
            step(depth, dn, redirect.text() + ": target is not a valid domain name");
            return perm(dn + ": " + redirect.text() + " expands to an invalid domain name", where, null);
        }
        if (stack.contains(t.name)) {
            step(depth, dn, redirect.text() + ": loop");
            return perm(dn + ": " + redirect.text() + " forms a loop (" + loop(t.name) + ")", where,
                    "remove the redirect= that leads back to " + t.name);
        }
        step(depth, dn, "no mechanism matched, " + redirect.text() + " -> " + t.name);
        Verdict inner = checkHost(t.name, t.text, depth + 1);
        if (inner.code == Code.NONE) {
            return perm(dn + ": " + redirect.text() + " points to a domain without an SPF record (" + inner.message
                    + ")", where, "publish an SPF record at " + t.name + " or fix the redirect= target");
        }
        return inner;
    }

    private String loop(DomainName target) {
        StringBuilder sb = new StringBuilder();
        int from = stack.indexOf(target);
        for (int i = from; i < stack.size(); i++) {
            sb.append(stack.get(i).name()).append(" -> ");
        }
        return sb.append(target.name()).toString();
    }

    /** Counts a DNS-querying term; returns a permerror when the limit is passed (the match is made only then). */
    private Verdict countDnsTerm(Term term, String dn, int depth) {
        if (++dnsTerms > limits.dnsTerms()) {
            step(depth, dn, term.text() + ": DNS lookup limit exceeded");
            return perm("too many DNS lookups: " + term.text() + " at " + dn + " would be term "
                            + dnsTerms + " that queries DNS; RFC 7208 section 4.6.4 allows " + limits.dnsTerms()
                            + " (include, a, mx, ptr, exists, redirect)", new SpfResult.Match(term.text(), dn,
                            term.column()),
                    "flatten includes or replace a, mx and ptr by ip4:/ip6: ranges to stay within "
                            + limits.dnsTerms() + " lookups");
        }
        return null;
    }

    /** Counts a void lookup; returns a permerror when the limit is passed. */
    private Verdict countVoid(Term term, String dn, DomainName queried, int depth) {
        if (++voids > limits.voidLookups()) {
            step(depth, dn, term.text() + ": void lookup limit exceeded");
            return perm("too many void lookups: " + term.text() + " at " + dn + " found nothing at " + queried
                            + " (" + voids + " lookups without an answer; RFC 7208 section 4.6.4 allows "
                            + limits.voidLookups() + ")", new SpfResult.Match(term.text(), dn, term.column()),
                    "remove mechanisms that point to names without records");
        }
        return null;
    }

    // ---------------------------------------------------------------- mechanisms

    /** Boolean.TRUE, Boolean.FALSE, or a Verdict (error). */
    private Object matches(Term.Mechanism m, DomainName domain, String dText, int depth) {
        String dn = domain.name();
        return switch (m) {
            case Term.All a -> Boolean.TRUE;
            case Term.Ip4 i -> v4 && Ip.in4(ip4, i.network(), i.prefix());
            case Term.Ip6 i -> !v4 && Ip.in6(hi, lo, i.high(), i.low(), i.prefix());
            case Term.A a -> {
                Target t = a.domainSpec().isPresent() ? expandTarget(a.domainSpec().get(), dText)
                        : new Target(domain, dText);
                if (t == null) {
                    step(depth, dn, a.text() + ": target is not a valid domain name, no match");
                    yield Boolean.FALSE;
                }
                yield addressMatch(a, t.name, v4 ? a.cidr4() : a.cidr6(), dn, depth, true);
            }
            case Term.Mx mx -> mx(mx, domain, dText, depth);
            case Term.Ptr p -> ptr(p, domain, dText, depth);
            case Term.Exists e -> {
                Target t = expandTarget(e.domainSpec(), dText);
                if (t == null) {
                    step(depth, dn, e.text() + ": target is not a valid domain name, no match");
                    yield Boolean.FALSE;
                }
                DnsAnswer ans = lookup(t.name, DnsType.A);
                yield switch (ans) {
                    case DnsAnswer.Records r -> {
                        step(depth, dn, e.text() + ": A " + t.name + " exists");
                        yield Boolean.TRUE;
                    }
                    case DnsAnswer.TempFailure f -> {
                        step(depth, dn, e.text() + ": A " + t.name + " failed: " + f.reason());
                        yield temp("DNS lookup of A " + t.name + " for " + e.text() + " at " + dn + " failed ("
                                + f.reason() + ")");
                    }
                    case DnsAnswer.NxDomain x -> voidNoMatch(e, dn, t.name, depth, "A");
                    case DnsAnswer.NoData x -> voidNoMatch(e, dn, t.name, depth, "A");
                };
            }
            case Term.Include inc -> include(inc, dn, dText, depth);
        };
    }

    private Object voidNoMatch(Term term, String dn, DomainName queried, int depth, String type) {
        step(depth, dn, term.text() + ": " + type + " " + queried + ": nothing (void lookup " + (voids + 1) + ")");
        Verdict over = countVoid(term, dn, queried, depth);
        return over != null ? over : Boolean.FALSE;
    }

    /** Looks up the client's address family at {@code name} and matches with {@code prefix}. */
    private Object addressMatch(Term term, DomainName name, int prefix, String dn, int depth, boolean countVoid) {
        DnsType type = v4 ? DnsType.A : DnsType.AAAA;
        DnsAnswer ans = lookup(name, type);
        switch (ans) {
            case DnsAnswer.TempFailure f -> {
                step(depth, dn, term.text() + ": " + type + " " + name + " failed: " + f.reason());
                return temp("DNS lookup of " + type + " " + name + " for " + term.text() + " at " + dn + " failed ("
                        + f.reason() + ")");
            }
            case DnsAnswer.NxDomain x -> {
                return countVoid ? voidNoMatch(term, dn, name, depth, type.name()) : Boolean.FALSE;
            }
            case DnsAnswer.NoData x -> {
                return countVoid ? voidNoMatch(term, dn, name, depth, type.name()) : Boolean.FALSE;
            }
            case DnsAnswer.Records r -> {
                boolean hit = addressIn(r.records(), prefix);
                if (trace != null && !hit) {
                    step(depth, dn, term.text() + ": " + type + " " + name + " (" + r.records().size()
                            + " address(es)) does not cover the client");
                }
                return hit;
            }
        }
    }

    private boolean addressIn(List<DnsRecord> records, int prefix) {
        for (DnsRecord rec : records) {
            if (v4) {
                if (rec instanceof DnsRecord.A a && Ip.in4(ip4, Ip.toInt(a.address()), prefix)) {
                    return true;
                }
            } else if (rec instanceof DnsRecord.Aaaa a) {
                long[] l = Ip.toLongs(a.address());
                if (Ip.in6(hi, lo, l[0], l[1], prefix)) {
                    return true;
                }
            }
        }
        return false;
    }

    private Object mx(Term.Mx mx, DomainName domain, String dText, int depth) {
        String dn = domain.name();
        Target t = mx.domainSpec().isPresent() ? expandTarget(mx.domainSpec().get(), dText) : new Target(domain, dText);
        if (t == null) {
            step(depth, dn, mx.text() + ": target is not a valid domain name, no match");
            return Boolean.FALSE;
        }
        DnsAnswer ans = lookup(t.name, DnsType.MX);
        List<DnsRecord> records;
        switch (ans) {
            case DnsAnswer.TempFailure f -> {
                step(depth, dn, mx.text() + ": MX " + t.name + " failed: " + f.reason());
                return temp("DNS lookup of MX " + t.name + " for " + mx.text() + " at " + dn + " failed ("
                        + f.reason() + ")");
            }
            case DnsAnswer.NxDomain x -> {
                return voidNoMatch(mx, dn, t.name, depth, "MX");
            }
            case DnsAnswer.NoData x -> {
                return voidNoMatch(mx, dn, t.name, depth, "MX");
            }
            case DnsAnswer.Records r -> records = r.records();
        }
        int count = 0;
        for (DnsRecord rec : records) {
            if (rec instanceof DnsRecord.Mx) {
                count++;
            }
        }
        if (count > limits.mxNames()) {
            step(depth, dn, mx.text() + ": " + count + " MX records, more than " + limits.mxNames());
            return perm(mx.text() + " at " + dn + ": " + t.name + " has " + count + " MX records; RFC 7208 section "
                            + "4.6.4 allows " + limits.mxNames() + " per mx mechanism",
                    new SpfResult.Match(mx.text(), dn, mx.column()),
                    "replace mx by ip4:/ip6: ranges for the mail servers");
        }
        int prefix = v4 ? mx.cidr4() : mx.cidr6();
        for (DnsRecord rec : records) {
            if (!(rec instanceof DnsRecord.Mx m) || m.exchange().isRoot()) {
                continue; // the null MX of RFC 7505 has no address to match
            }
            Object hit = addressMatch(mx, m.exchange(), prefix, dn, depth, false);
            if (hit != Boolean.FALSE) {
                if (hit == Boolean.TRUE) {
                    step(depth, dn, mx.text() + ": exchanger " + m.exchange() + " covers the client");
                }
                return hit;
            }
        }
        return Boolean.FALSE;
    }

    private Object ptr(Term.Ptr p, DomainName domain, String dText, int depth) {
        String dn = domain.name();
        Target t = p.domainSpec().isPresent() ? expandTarget(p.domainSpec().get(), dText) : new Target(domain, dText);
        if (t == null) {
            step(depth, dn, p.text() + ": target is not a valid domain name, no match");
            return Boolean.FALSE;
        }
        DomainName rev = DomainName.of(v4 ? Ip.reverse4(ip4) : Ip.reverse6(hi, lo));
        DnsAnswer ans = lookup(rev, DnsType.PTR);
        List<DnsRecord> records;
        switch (ans) {
            case DnsAnswer.TempFailure f -> {
                // RFC 7208 section 5.5: a DNS error on the PTR lookup makes the mechanism not match.
                step(depth, dn, p.text() + ": PTR " + rev + " failed (" + f.reason() + "), no match");
                return Boolean.FALSE;
            }
            case DnsAnswer.NxDomain x -> {
                return voidNoMatch(p, dn, rev, depth, "PTR");
            }
            case DnsAnswer.NoData x -> {
                return voidNoMatch(p, dn, rev, depth, "PTR");
            }
            case DnsAnswer.Records r -> records = r.records();
        }
        int seen = 0;
        for (DnsRecord rec : records) {
            if (!(rec instanceof DnsRecord.Ptr ptr)) {
                continue;
            }
            if (++seen > limits.ptrNames()) {
                step(depth, dn, p.text() + ": names after the first " + limits.ptrNames() + " ignored");
                break;
            }
            DomainName name = ptr.target();
            if (!name.isSubdomainOf(t.name) || name.isRoot()) {
                continue;
            }
            if (validates(name)) {
                step(depth, dn, p.text() + ": " + name + " is validated and within " + t.name);
                return Boolean.TRUE;
            }
        }
        step(depth, dn, p.text() + ": no validated name within " + t.name);
        return Boolean.FALSE;
    }

    /** True when {@code name} has an address record equal to the client's; DNS errors skip the name. */
    private boolean validates(DomainName name) {
        DnsAnswer a = lookup(name, v4 ? DnsType.A : DnsType.AAAA);
        return a instanceof DnsAnswer.Records r && addressIn(r.records(), v4 ? 32 : 128);
    }

    private Object include(Term.Include inc, String dn, String dText, int depth) {
        SpfResult.Match where = new SpfResult.Match(inc.text(), dn, inc.column());
        Target t = expandTarget(inc.domainSpec(), dText);
        if (t == null) {
            step(depth, dn, inc.text() + ": target is not a valid domain name");
            return perm(dn + ": " + inc.text() + " expands to an invalid domain name", where, null);
        }
        if (stack.contains(t.name)) {
            step(depth, dn, inc.text() + ": loop");
            return perm(dn + ": " + inc.text() + " forms a loop (" + loop(t.name) + ")", where,
                    "remove the include that leads back to " + t.name);
        }
        step(depth, dn, inc.text() + " -> " + t.name);
        Verdict inner = checkHost(t.name, t.text, depth + 1);
        step(depth, dn, inc.text() + ": " + t.name + " gave " + inner.code.name().toLowerCase(java.util.Locale.ROOT));
        return switch (inner.code) {
            case PASS -> Boolean.TRUE;
            case FAIL, SOFTFAIL, NEUTRAL -> Boolean.FALSE;
            case TEMPERROR -> inner;
            case PERMERROR -> inner;
            case NONE -> perm(dn + ": " + inc.text() + " points to a domain without an SPF record (" + inner.message
                    + ")", where, "publish an SPF record at " + t.name + " or remove the include");
        };
    }

    // ---------------------------------------------------------------- explanation

    private Optional<String> explanation(Verdict v) {
        String text = null;
        if (v.exp != null) {
            text = fetchExplanation(v.exp, v.expDomain);
        }
        if (text == null && ev.defaultExplanation != null) {
            String dText = v.expDomain != null ? v.expDomain : senderDomain;
            MacroString.Outcome o = MacroString.parse(ev.defaultExplanation, 0, ev.defaultExplanation.length(), true);
            text = o.problem != null ? ev.defaultExplanation : expandExplanation(o.value, dText);
        }
        return Optional.ofNullable(text);
    }

    /** RFC 7208 section 6.2: any problem means "as if no exp= was given" (null). Not counted as a lookup. */
    private String fetchExplanation(Term.Exp exp, String dText) {
        Target t = expandTarget(exp.domainSpec(), dText);
        if (t == null) {
            step(0, dText, exp.text() + ": target is not a valid domain name, explanation ignored");
            return null;
        }
        DnsAnswer ans = lookup(t.name, DnsType.TXT);
        if (!(ans instanceof DnsAnswer.Records r)) {
            step(0, dText, exp.text() + ": no explanation TXT at " + t.name);
            return null;
        }
        List<DnsRecord> recs = r.records();
        if (recs.size() != 1 || !(recs.get(0) instanceof DnsRecord.Txt txt)) {
            step(0, dText, exp.text() + ": " + recs.size() + " TXT records at " + t.name + ", explanation ignored");
            return null;
        }
        String s = txt.text();
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7e) {
                step(0, dText, exp.text() + ": explanation is not ASCII, ignored");
                return null;
            }
        }
        MacroString.Outcome o = MacroString.parse(s, 0, s.length(), true);
        if (o.problem != null) {
            step(0, dText, exp.text() + ": explanation has a syntax error (" + o.problem.message() + "), ignored");
            return null;
        }
        return expandExplanation(o.value, dText);
    }

    private String expandExplanation(MacroString ms, String dText) {
        StringBuilder sb = new StringBuilder();
        expand(ms, dText, sb, MAX_EXPLANATION);
        return sb.length() > MAX_EXPLANATION ? sb.substring(0, MAX_EXPLANATION) : sb.toString();
    }

    // ---------------------------------------------------------------- macros

    /** An expanded target: the name to query and its text for %{d}. */
    record Target(DomainName name, String text) {
    }

    /**
     * Expands a domain-spec (RFC 7208 section 7.3): a trailing dot is dropped, names over 253 characters lose
     * labels on the left; null when the result is no valid domain name.
     */
    Target expandTarget(MacroString ms, String dText) {
        String s;
        MacroString.Part[] parts = ms.parts();
        boolean literal = parts.length == 1 && parts[0] instanceof MacroString.Literal;
        if (literal) {
            Object cached = ms.literalTarget();
            if (cached != null) {
                return cached == INVALID ? null : (Target) cached;
            }
            s = ((MacroString.Literal) parts[0]).text();
        } else {
            StringBuilder sb = new StringBuilder(64);
            expand(ms, dText, sb, -1);
            s = sb.toString();
        }
        if (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        while (s.length() > DomainName.MAX_LENGTH) {
            int dot = s.indexOf('.');
            if (dot < 0) {
                return null;
            }
            s = s.substring(dot + 1);
        }
        Optional<DomainName> n = ev.name(s);
        Target t = n.isEmpty() || n.get().isRoot() ? null : new Target(n.get(), s);
        if (literal) {
            ms.literalTarget(t == null ? INVALID : t);
        }
        return t;
    }

    private static final Object INVALID = new Object();

    /** Appends the expansion; cap < 0 means a domain name (keep the tail), else stop after cap characters. */
    void expand(MacroString ms, String dText, StringBuilder out, int cap) {
        for (MacroString.Part part : ms.parts()) {
            if (part instanceof MacroString.Literal l) {
                out.append(l.text());
            } else {
                MacroString.Macro m = (MacroString.Macro) part;
                String value = value(m.letter(), dText);
                if (m.keep() == 0 && !m.reverse() && m.delimiters() == null) {
                    appendMaybeEscaped(out, value, m.escape());
                } else {
                    appendMaybeEscaped(out, transform(value, m), m.escape());
                }
            }
            if (cap < 0) {
                if (out.length() > MAX_DOMAIN_BUILD) {
                    out.delete(0, out.length() - MAX_DOMAIN_BUILD / 2);
                }
            } else if (out.length() > cap) {
                return;
            }
        }
    }

    private static void appendMaybeEscaped(StringBuilder out, String value, boolean escape) {
        if (!escape) {
            out.append(value);
            return;
        }
        byte[] bytes = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
    }

    /** Splits on the delimiters, optionally reverses, keeps the rightmost parts, joins with dots. */
    static String transform(String value, MacroString.Macro m) {
        String delims = m.delimiters() == null ? "." : m.delimiters();
        ArrayList<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            if (delims.indexOf(value.charAt(i)) >= 0) {
                parts.add(value.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(value.substring(start));
        if (m.reverse()) {
            java.util.Collections.reverse(parts);
        }
        int from = m.keep() > 0 && m.keep() < parts.size() ? parts.size() - m.keep() : 0;
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = from; i < parts.size(); i++) {
            if (i > from) {
                sb.append('.');
            }
            sb.append(parts.get(i));
        }
        return sb.toString();
    }

    private String value(char letter, String dText) {
        return switch (letter) {
            case 's' -> sender;
            case 'l' -> local;
            case 'o' -> senderDomain;
            case 'd' -> dText;
            case 'i' -> v4 ? Ip.format4(ip4) : Ip.nibbles(hi, lo);
            case 'p' -> validatedName(dText);
            case 'v' -> v4 ? "in-addr" : "ip6";
            case 'h' -> helo;
            case 'c' -> v4 ? Ip.format4(ip4) : Ip.format6(hi, lo);
            case 'r' -> ev.receiver;
            case 't' -> Long.toString(ev.clock.instant().getEpochSecond());
            default -> throw new IllegalStateException("macro letter " + letter);
        };
    }

    /** RFC 7208 section 7.3 {@code %{p}}: the domain itself, else a subdomain of it, else any; "unknown". */
    private String validatedName(String dText) {
        if (validatedPtrNames == null) {
            List<DomainName> names = new ArrayList<>(2);
            DomainName rev = DomainName.of(v4 ? Ip.reverse4(ip4) : Ip.reverse6(hi, lo));
            if (lookup(rev, DnsType.PTR) instanceof DnsAnswer.Records r) {
                int seen = 0;
                for (DnsRecord rec : r.records()) {
                    if (rec instanceof DnsRecord.Ptr p && !p.target().isRoot() && ++seen <= limits.ptrNames()
                            && validates(p.target())) {
                        names.add(p.target());
                    }
                }
            }
            validatedPtrNames = names;
        }
        if (validatedPtrNames.isEmpty()) {
            return "unknown";
        }
        Optional<DomainName> d = DomainName.parse(dText);
        if (d.isPresent()) {
            for (DomainName n : validatedPtrNames) {
                if (n.equals(d.get())) {
                    return n.name();
                }
            }
            for (DomainName n : validatedPtrNames) {
                if (n.isSubdomainOf(d.get())) {
                    return n.name();
                }
            }
        }
        return validatedPtrNames.get(0).name();
    }
}
