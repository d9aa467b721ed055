package dev.aligned.record;

import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import dev.aligned.spf.Qualifier;
import dev.aligned.spf.SpfLimits;
import dev.aligned.spf.SpfParseResult;
import dev.aligned.spf.SpfRecord;
import dev.aligned.spf.SpfSyntaxError;
import dev.aligned.spf.Term;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The SPF part of a domain check: the record at the domain, then a static walk of the whole include/redirect
 * tree counting DNS-querying terms and void lookups the way a receiver would when no mechanism matches (the
 * worst case, which is what the limits are about). Bounded: at most {@link #MAX_RECORDS} records fetched.
 */
final class SpfLint {
    static final int MAX_RECORDS = 40;
    static final int MAX_DEPTH = 12;

    /** What is at a name, SPF-wise. */
    sealed interface Lookup {
    }

    record One(SpfRecord record, DnsRecord.Txt txt, List<DnsRecord.Txt> all) implements Lookup {
    }

    record Broken(String text, List<SpfSyntaxError> errors, DnsRecord.Txt txt, List<DnsRecord.Txt> all)
            implements Lookup {
    }

    record Several(List<String> texts) implements Lookup {
    }

    record Nothing(boolean nxdomain, String why) implements Lookup {
    }

    record Failed(String why) implements Lookup {
    }

    /** One ip4/ip6 network with where it was found. */
    record Net(boolean v6, long high, long low, int prefix, String text, String where) {
    }

    private final DnsResolver dns;
    private final SpfLimits limits;
    private final SendingServices services;
    final List<Finding> findings = new ArrayList<>();
    final List<String> tree = new ArrayList<>();
    final Set<String> recognised = new LinkedHashSet<>();
    final List<Net> nets = new ArrayList<>();
    final List<String> voids = new ArrayList<>();
    /** Per top-level term that queries DNS: its text and what it costs in all. */
    final List<String[]> costs = new ArrayList<>();
    int lookups;
    int fetched;
    Optional<String> recordText = Optional.empty();
    boolean published;

    SpfLint(DnsResolver dns, SpfLimits limits, SendingServices services) {
        this.dns = dns;
        this.limits = limits;
        this.services = services;
    }

    static Lookup lookup(DnsResolver dns, DomainName name) {
        DnsAnswer a = dns.lookup(name, DnsType.TXT);
        return switch (a) {
            case DnsAnswer.TempFailure f -> new Failed("TXT " + name + ": " + f.reason());
            case DnsAnswer.NxDomain n -> new Nothing(true, name + " does not exist");
            case DnsAnswer.NoData n -> new Nothing(false, name + " has no TXT records");
            case DnsAnswer.Records r -> {
                List<DnsRecord.Txt> all = r.of(DnsRecord.Txt.class);
                List<DnsRecord.Txt> spf = all.stream().filter(t -> SpfRecord.isSpf(t.text())).toList();
                if (spf.isEmpty()) {
                    yield new Nothing(false, name + " has TXT records but none starts with v=spf1");
                }
                if (spf.size() > 1) {
                    yield new Several(spf.stream().map(DnsRecord.Txt::text).toList());
                }
                yield switch (SpfRecord.parse(spf.get(0).text())) {
                    case SpfParseResult.Valid v -> new One(v.record(), spf.get(0), all);
                    case SpfParseResult.Invalid bad -> new Broken(bad.text(), bad.errors(), spf.get(0), all);
                };
            }
        };
    }

    void check(DomainName domain) {
        Lookup top = lookup(dns, domain);
        fetched++;
        switch (top) {
            case Failed f -> findings.add(new Finding(FindingCode.DNS_TEMP_FAILURE,
                    "SPF could not be checked: " + f.why() + ".", "Run the check again; if it persists, ask your DNS "
                    + "provider why its servers do not answer."));
            case Nothing n -> findings.add(new Finding(FindingCode.SPF_NONE, "No SPF record at " + domain + ": "
                    + n.why() + ".", "Publish one TXT record at " + domain + ", e.g. \"v=spf1 mx -all\" listing the "
                    + "servers and services that send your mail, or \"v=spf1 -all\" if the domain sends no mail."));
            case Several s -> {
                published = true;
                findings.add(new Finding(FindingCode.SPF_MULTIPLE, domain + " has " + s.texts().size()
                        + " SPF records; receivers return permerror for all of them: " + quoteAll(s.texts()) + ".",
                        "Merge them into one record (see `aligned record spf`) and delete the others."));
            }
            case Broken b -> {
                published = true;
                recordText = Optional.of(b.text());
                sizes(domain, b.txt(), b.all());
                for (SpfSyntaxError e : b.errors()) {
                    findings.add(new Finding(FindingCode.SPF_SYNTAX, e + " (term '" + e.term() + "'); receivers "
                            + "return permerror.", e.hint().orElse("Correct or remove the term.")));
                }
            }
            case One o -> {
                published = true;
                recordText = Optional.of(o.record().text());
                sizes(domain, o.txt(), o.all());
                topLevel(domain, o.record());
            }
        }
        rrType(domain);
    }

    private void rrType(DomainName domain) {
        if (dns.lookup(domain, DnsType.SPF) instanceof DnsAnswer.Records r && !r.of(DnsRecord.Txt.class).isEmpty()) {
            findings.add(new Finding(FindingCode.SPF_RR_TYPE, domain + " publishes a record of the SPF RR type "
                    + "(99), which RFC 7208 section 3.1 retired; receivers only read TXT.",
                    "Delete the SPF-type record; keep the TXT record."));
        }
    }

    private void sizes(DomainName domain, DnsRecord.Txt spf, List<DnsRecord.Txt> all) {
        for (byte[] s : spf.strings()) {
            if (s.length > 255) {
                findings.add(new Finding(FindingCode.SPF_STRING_TOO_LONG, "The SPF record at " + domain
                        + " has a character-string of " + s.length + " bytes; DNS allows at most 255 per string.",
                        "Publish the record as several quoted strings of at most 255 bytes each: \"part1\" \"part2\" "
                        + "(receivers join them without spaces)."));
                break;
            }
        }
        int size = 12 + domain.name().length() + 2 + 4;
        for (DnsRecord.Txt t : all) {
            size += 2 + 10;
            for (byte[] s : t.strings()) {
                size += 1 + s.length;
            }
        }
        if (size > 512) {
            findings.add(new Finding(FindingCode.SPF_ANSWER_TOO_LARGE, "The TXT answer for " + domain + " is about "
                    + size + " bytes (" + all.size() + " TXT records); over 512 bytes it needs EDNS or TCP, and some "
                    + "receivers then fail to get it (temperror).",
                    "Remove TXT records you no longer need at " + domain + " (old verification tokens), or shorten "
                    + "the SPF record with includes."));
        }
    }

    private void topLevel(DomainName domain, SpfRecord record) {
        boolean hasAll = false;
        for (Term.Mechanism m : record.mechanisms()) {
            if (m instanceof Term.All a) {
                hasAll = true;
                if (a.qualifier() == Qualifier.PASS) {
                    findings.add(new Finding(FindingCode.SPF_PASS_ALL, "'" + a.text() + "' at column " + a.column()
                            + " authorises every host on the Internet to send as " + domain + ".",
                            "End the record with -all (or ~all while you are still finding your senders)."));
                } else if (a.qualifier() == Qualifier.NEUTRAL) {
                    findings.add(new Finding(FindingCode.SPF_NEUTRAL_ALL, "'" + a.text() + "' at column "
                            + a.column() + " says nothing about hosts not listed; SPF then protects nothing.",
                            "End the record with -all (or ~all while you are still finding your senders)."));
                }
            }
        }
        if (!hasAll && record.redirect().isEmpty()) {
            findings.add(new Finding(FindingCode.SPF_NO_ALL, "The record has neither an all mechanism nor "
                    + "redirect=, so hosts not listed get neutral.", "Append -all (or ~all) to the record."));
        }
        tree.add(domain + "  \"" + record.text() + "\"");
        int total = walkTerms(domain, record, List.of(domain.name()), 1, new LinkedHashSet<>(List.of(domain)), true);
        lookups = total;
        tree.set(0, tree.get(0) + "  [" + total + " lookup" + (total == 1 ? "" : "s") + "]");
        limitFindings(domain);
        overlaps();
    }

    /** Walks one record's terms; returns the lookups it spends (terms here and below). */
    private int walkTerms(DomainName domain, SpfRecord record, List<String> path, int depth, Set<DomainName> onPath,
            boolean top) {
        int spent = 0;
        boolean hasAll = record.mechanisms().stream().anyMatch(m -> m instanceof Term.All);
        for (Term t : record.terms()) {
            int before = spent;
            switch (t) {
                case Term.Include inc -> spent += 1 + follow(domain, inc.domainSpec().text(), inc.text(), path, depth,
                        onPath, false);
                case Term.Redirect red -> {
                    if (!hasAll) {
                        spent += 1 + follow(domain, red.domainSpec().text(), red.text(), path, depth, onPath, true);
                    }
                }
                case Term.A a -> {
                    spent++;
                    target(domain, a.domainSpec().map(m -> m.text()), a.text(), path).ifPresent(n -> {
                        boolean v4 = has(n, DnsType.A);
                        boolean v6 = has(n, DnsType.AAAA);
                        if (!v4 && !v6) {
                            voids.add(pathText(path) + " > " + a.text() + " (" + n + " has no A or AAAA records)");
                        }
                    });
                }
                case Term.Mx mx -> {
                    spent++;
                    target(domain, mx.domainSpec().map(m -> m.text()), mx.text(), path).ifPresent(n -> {
                        if (!has(n, DnsType.MX)) {
                            voids.add(pathText(path) + " > " + mx.text() + " (" + n + " has no MX records)");
                        }
                    });
                }
                case Term.Ptr p -> {
                    spent++;
                    findings.add(new Finding(FindingCode.SPF_PTR, "'" + p.text() + "' (column " + p.column() + " of "
                            + domain + "'s record" + (top ? "" : ", reached by " + pathText(path)) + ") uses ptr, "
                            + "which RFC 7208 section 5.5 says not to use: slow, unreliable, and some receivers "
                            + "ignore it.", "Replace ptr with ip4:/ip6: networks or a:/mx: for your servers."));
                }
                case Term.Exists e -> {
                    spent++;
                    target(domain, Optional.of(e.domainSpec().text()), e.text(), path).ifPresent(n -> {
                        if (!has(n, DnsType.A)) {
                            voids.add(pathText(path) + " > " + e.text() + " (" + n + " has no A records)");
                        }
                    });
                }
                case Term.Ip4 ip -> nets.add(new Net(false, 0, ip.network() & 0xFFFF_FFFFL, ip.prefix(), ip.text(),
                        pathText(path)));
                case Term.Ip6 ip -> nets.add(new Net(true, ip.high(), ip.low(), ip.prefix(), ip.text(), pathText(path)));
                case Term.All a -> {
                }
                case Term.Exp x -> {
                }
                case Term.Unknown u -> {
                }
            }
            if (top && spent > before) {
                costs.add(new String[] {t.text(), Integer.toString(spent - before)});
            }
        }
        return spent;
    }

    /**
     * What {@code include:target} would cost in a new record: 1 plus the lookups inside the target's tree.
     * Problems (missing or broken records, loops) land in {@link #findings}.
     */
    int includeCost(String target) {
        int cost = 1 + follow(DomainName.ROOT, target, "include:" + target, List.of("(new record)"), 1,
                new LinkedHashSet<>(), false);
        return cost;
    }

    /** Follows an include/redirect; returns the lookups spent inside the target record. */
    private int follow(DomainName from, String spec, String termText, List<String> path, int depth,
            Set<DomainName> onPath, boolean redirect) {
        String indent = "  ".repeat(depth);
        Optional<DomainName> target = target(from, Optional.of(spec), termText, path);
        if (target.isEmpty()) {
            tree.add(indent + termText + "  (not followed)");
            return 0;
        }
        DomainName name = target.get();
        services.match(name).ifPresent(s -> recognised.add(s.name()));
        List<String> here = new ArrayList<>(path);
        here.add(termText);
        if (onPath.contains(name)) {
            findings.add(new Finding(FindingCode.SPF_LOOP, pathText(here) + " leads back to " + name
                    + ", which is already on the path; receivers return permerror.", "Remove the '" + termText
                    + "' that closes the loop."));
            tree.add(indent + termText + "  (loop)");
            return 0;
        }
        if (depth >= MAX_DEPTH || fetched >= MAX_RECORDS) {
            tree.add(indent + termText + "  (not followed: the tree is deeper or larger than a receiver would walk)");
            return 0;
        }
        fetched++;
        Lookup l = lookup(dns, name);
        switch (l) {
            case Failed f -> {
                findings.add(new Finding(FindingCode.DNS_TEMP_FAILURE, "Could not follow " + pathText(here) + ": "
                        + f.why() + "; receivers would return temperror.", "Run the check again; if it persists, "
                        + "the operator of " + name + " has a DNS problem."));
                tree.add(indent + termText + "  (DNS failure)");
                return 0;
            }
            case Nothing n -> {
                if (n.nxdomain() || n.why().contains("no TXT")) {
                    voids.add(pathText(here) + " (" + n.why() + ")");
                }
                findings.add(new Finding(FindingCode.SPF_INCLUDE_MISSING, pathText(here) + ": " + n.why()
                        + "; a receiver that reaches this term returns permerror.", "Remove '" + termText
                        + "', or correct the domain name (check the sending service's documentation)."));
                tree.add(indent + termText + "  (no SPF record)");
                return 0;
            }
            case Several s -> {
                findings.add(new Finding(FindingCode.SPF_INCLUDE_INVALID, pathText(here) + ": " + name + " has "
                        + s.texts().size() + " SPF records; receivers return permerror.", "Ask the operator of "
                        + name + " to publish one record, or remove '" + termText + "'."));
                tree.add(indent + termText + "  (several records)");
                return 0;
            }
            case Broken b -> {
                findings.add(new Finding(FindingCode.SPF_INCLUDE_INVALID, pathText(here) + ": the record at " + name
                        + " is broken: " + b.errors().get(0) + "; receivers return permerror.", "Ask the operator of "
                        + name + " to fix it, or remove '" + termText + "'."));
                tree.add(indent + termText + "  (broken record)");
                return 0;
            }
            case One o -> {
                int line = tree.size();
                tree.add(indent + termText);
                Set<DomainName> nextPath = new LinkedHashSet<>(onPath);
                nextPath.add(name);
                int spent = walkTerms(name, o.record(), here, depth + 1, nextPath, false);
                tree.set(line, indent + termText + "  [" + (spent + 1) + " lookup" + (spent == 0 ? "" : "s") + "]");
                return spent;
            }
        }
    }

    /** The target a term names, or empty (with an info finding) when it holds a macro or is not a domain. */
    private Optional<DomainName> target(DomainName current, Optional<String> spec, String termText, List<String> path) {
        if (spec.isEmpty()) {
            return Optional.of(current);
        }
        String s = spec.get();
        if (s.indexOf('%') >= 0) {
            findings.add(new Finding(FindingCode.SPF_MACRO, "'" + termText + "' (" + pathText(path) + ") uses a "
                    + "macro; its target depends on each message, so this check did not follow it. It still costs "
                    + "one lookup per evaluation.", ""));
            return Optional.empty();
        }
        return DomainName.parse(s);
    }

    private boolean has(DomainName name, DnsType type) {
        return dns.lookup(name, type) instanceof DnsAnswer.Records;
    }

    private void limitFindings(DomainName domain) {
        int max = limits.dnsTerms();
        if (lookups > max) {
            StringBuilder drop = new StringBuilder();
            costs.stream().sorted((a, b) -> Integer.parseInt(b[1]) - Integer.parseInt(a[1])).limit(4)
                    .forEach(c -> drop.append(drop.isEmpty() ? "" : ", ").append(c[0]).append(" costs ").append(c[1]));
            findings.add(new Finding(FindingCode.SPF_LOOKUP_LIMIT, "The SPF tree of " + domain + " needs " + lookups
                    + " DNS lookups; the limit is " + max + ", so receivers return permerror for mail they cannot "
                    + "match earlier (" + drop + ").", "Remove includes of services you no longer use, or replace "
                    + "the costliest include with its networks (`aligned record spf --flatten`), until at most "
                    + max + " remain."));
        } else if (lookups >= max - 1) {
            findings.add(new Finding(FindingCode.SPF_LOOKUP_NEAR_LIMIT, "The SPF tree of " + domain + " needs "
                    + lookups + " of the " + max + " DNS lookups allowed; one more include breaks it.",
                    "Before adding a service, remove one you no longer use or flatten one include."));
        }
        if (voids.size() > limits.voidLookups()) {
            findings.add(new Finding(FindingCode.SPF_VOID_LIMIT, "The SPF tree of " + domain + " has "
                    + voids.size() + " lookups that find nothing; the limit is " + limits.voidLookups()
                    + " (receivers return permerror): " + String.join("; ", voids) + ".",
                    "Remove the terms that point at names without records."));
        } else {
            for (String v : voids) {
                findings.add(new Finding(FindingCode.SPF_VOID_LOOKUP, "Void lookup: " + v + "; it counts against "
                        + "the limit of " + limits.voidLookups() + ".", "Remove the term, or publish the records it "
                        + "expects."));
            }
        }
    }

    private void overlaps() {
        List<String> pairs = new ArrayList<>();
        int n = Math.min(nets.size(), 500);
        for (int i = 0; i < n && pairs.size() < 5; i++) {
            for (int j = i + 1; j < n && pairs.size() < 5; j++) {
                Net a = nets.get(i);
                Net b = nets.get(j);
                if (a.v6() != b.v6()) {
                    continue;
                }
                Net wide = a.prefix() <= b.prefix() ? a : b;
                Net narrow = wide == a ? b : a;
                if (contains(wide, narrow)) {
                    String where = a.where().equals(b.where()) ? " in " + a.where() : " (" + a.where() + " and "
                            + b.where() + ")";
                    pairs.add(a.prefix() == b.prefix() ? a.text() + " repeats " + b.text() + where
                            : narrow.text() + " lies inside " + wide.text() + where);
                }
            }
        }
        if (!pairs.isEmpty()) {
            findings.add(new Finding(FindingCode.SPF_OVERLAPPING_NETWORKS, "Networks listed twice: "
                    + String.join("; ", pairs) + ".", "Remove the narrower or repeated entries; the record gets "
                    + "shorter and easier to maintain."));
        }
    }

    private static boolean contains(Net wide, Net narrow) {
        if (!wide.v6()) {
            long mask = wide.prefix() == 0 ? 0 : (0xFFFF_FFFFL << (32 - wide.prefix())) & 0xFFFF_FFFFL;
            return (wide.low() & mask) == (narrow.low() & mask);
        }
        int p = wide.prefix();
        long hiMask = p >= 64 ? -1L : p == 0 ? 0 : -1L << (64 - p);
        long loMask = p <= 64 ? 0 : p >= 128 ? -1L : -1L << (128 - p);
        return (wide.high() & hiMask) == (narrow.high() & hiMask) && (wide.low() & loMask) == (narrow.low() & loMask);
    }

    static String pathText(List<String> path) {
        return String.join(" > ", path);
    }

    private static String quoteAll(List<String> texts) {
        StringBuilder sb = new StringBuilder();
        for (String t : texts) {
            sb.append(sb.isEmpty() ? "" : ", ").append('"').append(t).append('"');
        }
        return sb.toString();
    }

    static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
