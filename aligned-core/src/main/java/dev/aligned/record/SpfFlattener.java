package dev.aligned.record;

import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import dev.aligned.spf.Qualifier;
import dev.aligned.spf.Term;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Computes a flattened equivalent of a domain's SPF record: every {@code include}, {@code redirect}, {@code a}
 * and {@code mx} resolved now into {@code ip4:}/{@code ip6:} networks, so the record needs no DNS lookups.
 * The price is maintenance: the providers change their networks without telling you, so the result must be
 * recomputed regularly.
 *
 * <pre>{@code
 * switch (SpfFlattener.flatten(resolver, DomainName.of("example.com"))) {
 *     case SpfFlattener.Flattened f -> System.out.println(f.record());
 *     case SpfFlattener.NotFlattened n -> System.err.println(n.reason());
 * }
 * }</pre>
 */
public final class SpfFlattener {
    private static final int MAX_RECORDS = 40;
    private static final int MAX_NETWORKS = 2_000;

    /** The outcome of {@link #flatten(DnsResolver, DomainName)}. */
    public sealed interface Result {
    }

    /**
     * The flattened record.
     *
     * @param original the record as published
     * @param record   the flattened record text ({@code v=spf1 ip4:... ip6:... <all>})
     * @param strings  the record as TXT strings of at most 255 bytes
     * @param networks the networks, in the order met
     * @param lookupsBefore DNS lookups the original needs
     * @param sources  the names whose records or addresses were read (what to watch for changes)
     * @param caveats  where the flattened record is not exactly equivalent
     */
    public record Flattened(String original, String record, List<String> strings, List<String> networks,
            int lookupsBefore, List<String> sources, List<String> caveats) implements Result {
        public Flattened {
            strings = List.copyOf(strings);
            networks = List.copyOf(networks);
            sources = List.copyOf(sources);
            caveats = List.copyOf(caveats);
        }
    }

    /** The record could not be flattened (none, broken, or a DNS failure), and why. */
    public record NotFlattened(String reason) implements Result {
    }

    private final DnsResolver dns;
    private final Set<String> networks = new LinkedHashSet<>();
    private final Set<String> sources = new LinkedHashSet<>();
    private final List<String> caveats = new ArrayList<>();
    private final Set<String> kept = new LinkedHashSet<>();
    private int fetched;
    private String failure;

    private SpfFlattener(DnsResolver dns) {
        this.dns = dns;
    }

    /** Flattens the SPF record of {@code domain}. Never throws for DNS content. */
    public static Result flatten(DnsResolver dns, DomainName domain) {
        SpfLint.Lookup top = SpfLint.lookup(dns, domain);
        if (!(top instanceof SpfLint.One one)) {
            return new NotFlattened(switch (top) {
                case SpfLint.Nothing n -> "no SPF record: " + n.why();
                case SpfLint.Several s -> domain + " has " + s.texts().size() + " SPF records; merge them first";
                case SpfLint.Broken b -> "the SPF record is broken: " + b.errors().get(0);
                case SpfLint.Failed f -> "DNS failure: " + f.why();
                case SpfLint.One o -> throw new AssertionError();
            });
        }
        SpfFlattener f = new SpfFlattener(dns);
        SpfLint lint = new SpfLint(dns, dev.aligned.spf.SpfLimits.RFC7208, SendingServices.bundled());
        lint.check(domain);
        String allTerm = "";
        for (Term.Mechanism m : one.record().mechanisms()) {
            if (m instanceof Term.All a) {
                allTerm = a.text();
            }
        }
        f.walk(domain, one.record(), 0, true);
        if (f.failure != null) {
            return new NotFlattened(f.failure);
        }
        if (allTerm.isEmpty() && one.record().redirect().isPresent()) {
            allTerm = f.redirectAll;
        }
        StringBuilder sb = new StringBuilder("v=spf1");
        f.kept.forEach(k -> sb.append(' ').append(k));
        f.networks.forEach(n -> sb.append(' ').append(n));
        if (!allTerm.isEmpty()) {
            sb.append(' ').append(allTerm);
        }
        String text = sb.toString();
        List<String> caveats = new ArrayList<>(f.caveats);
        if (text.length() > 450) {
            caveats.add("The flattened record is " + text.length() + " bytes: publish it as several strings (shown) "
                    + "and check that the whole TXT answer stays near 512 bytes, or split it into includes of "
                    + "your own (each costs one lookup).");
        }
        return new Flattened(one.record().text(), text, dev.aligned.dkim.DkimKeys.split(text),
                List.copyOf(f.networks), lint.lookups, List.copyOf(f.sources), caveats);
    }

    private String redirectAll = "";

    private void walk(DomainName domain, dev.aligned.spf.SpfRecord record, int depth, boolean top) {
        if (failure != null) {
            return;
        }
        boolean hasAll = false;
        for (Term t : record.terms()) {
            switch (t) {
                case Term.Ip4 ip -> add(ip.qualifier(), ip.text().replaceFirst("^[+]", ""), top, ip.text());
                case Term.Ip6 ip -> add(ip.qualifier(), ip.text().replaceFirst("^[+]", ""), top, ip.text());
                case Term.Include inc -> {
                    if (inc.qualifier() != Qualifier.PASS) {
                        keep(inc.text(), "'" + inc.text() + "' has a non-pass qualifier; kept as it is");
                    } else {
                        follow(inc.domainSpec().text(), inc.text(), depth, false);
                    }
                }
                case Term.A a -> addresses(target(domain, a.domainSpec().map(m -> m.text())), a.qualifier(), a.cidr4(),
                        a.cidr6(), a.text(), false);
                case Term.Mx mx -> addresses(target(domain, mx.domainSpec().map(m -> m.text())), mx.qualifier(),
                        mx.cidr4(), mx.cidr6(), mx.text(), true);
                case Term.Ptr p -> keep(p.text(), "'" + p.text() + "' cannot be flattened; kept (it costs lookups)");
                case Term.Exists e -> keep(e.text(), "'" + e.text() + "' cannot be flattened; kept (it costs lookups)");
                case Term.All a -> hasAll = true;
                case Term.Redirect r -> {
                }
                case Term.Exp x -> {
                }
                case Term.Unknown u -> {
                }
            }
            if (t instanceof Term.Mechanism m && !top && m.qualifier() != Qualifier.PASS && !(t instanceof Term.All)) {
                caveats.add("'" + t.text() + "' in " + domain + " excludes hosts that the flattened networks may "
                        + "now include");
            }
        }
        if (!hasAll && record.redirect().isPresent()) {
            follow(record.redirect().get().domainSpec().text(), record.redirect().get().text(), depth, top);
        }
    }

    private void follow(String spec, String termText, int depth, boolean redirectFromTop) {
        if (spec.indexOf('%') >= 0) {
            keep(termText, "'" + termText + "' uses a macro; kept as it is");
            return;
        }
        Optional<DomainName> name = DomainName.parse(spec);
        if (name.isEmpty() || depth > 10 || ++fetched > MAX_RECORDS) {
            keep(termText, "'" + termText + "' was not followed (not a domain, or the tree is too large)");
            return;
        }
        sources.add(name.get().name());
        switch (SpfLint.lookup(dns, name.get())) {
            case SpfLint.One o -> {
                if (redirectFromTop) {
                    for (Term.Mechanism m : o.record().mechanisms()) {
                        if (m instanceof Term.All a) {
                            redirectAll = a.text();
                        }
                    }
                }
                walk(name.get(), o.record(), depth + 1, redirectFromTop);
            }
            case SpfLint.Failed f -> failure = "DNS failure while following " + termText + ": " + f.why()
                    + "; try again later";
            case SpfLint.Nothing n -> caveats.add("'" + termText + "' names a domain without an SPF record ("
                    + n.why() + "); dropped, it could only cause permerror");
            case SpfLint.Several s -> caveats.add("'" + termText + "' names a domain with several SPF records; dropped");
            case SpfLint.Broken b -> caveats.add("'" + termText + "' names a broken record; dropped");
        }
    }

    private static DomainName target(DomainName current, Optional<String> spec) {
        return spec.flatMap(DomainName::parse).orElse(current);
    }

    private void addresses(DomainName name, Qualifier q, int cidr4, int cidr6, String termText, boolean mx) {
        if (q != Qualifier.PASS) {
            keep(termText, "'" + termText + "' has a non-pass qualifier; kept as it is");
            return;
        }
        sources.add(name.name() + (mx ? " MX" : " A/AAAA"));
        List<DomainName> hosts = new ArrayList<>();
        if (mx) {
            DnsAnswer a = dns.lookup(name, DnsType.MX);
            if (a instanceof DnsAnswer.TempFailure f) {
                failure = "DNS failure for " + termText + ": " + f.reason();
                return;
            }
            if (a instanceof DnsAnswer.Records r) {
                r.of(DnsRecord.Mx.class).stream().limit(10).forEach(m -> hosts.add(m.exchange()));
            }
        } else {
            hosts.add(name);
        }
        for (DomainName h : hosts) {
            for (DnsType t : List.of(DnsType.A, DnsType.AAAA)) {
                DnsAnswer a = dns.lookup(h, t);
                if (a instanceof DnsAnswer.TempFailure f) {
                    failure = "DNS failure for " + termText + " (" + h + "): " + f.reason();
                    return;
                }
                if (a instanceof DnsAnswer.Records r) {
                    for (DnsRecord rec : r.records()) {
                        if (rec instanceof DnsRecord.A v4) {
                            add(Qualifier.PASS, "ip4:" + v4.address().getHostAddress() + (cidr4 == 32 ? "" : "/" + cidr4),
                                    false, termText);
                        } else if (rec instanceof DnsRecord.Aaaa v6) {
                            add(Qualifier.PASS, "ip6:" + v6.address().getHostAddress() + (cidr6 == 128 ? ""
                                    : "/" + cidr6), false, termText);
                        }
                    }
                }
            }
        }
    }

    private void add(Qualifier q, String network, boolean top, String termText) {
        if (q != Qualifier.PASS) {
            if (top) {
                kept.add(termText);
            }
            return;
        }
        if (networks.size() >= MAX_NETWORKS) {
            if (failure == null) {
                failure = "more than " + MAX_NETWORKS + " networks; flattening this record is not practical";
            }
            return;
        }
        networks.add(network);
    }

    private void keep(String termText, String caveat) {
        kept.add(termText);
        caveats.add(caveat);
    }
}
