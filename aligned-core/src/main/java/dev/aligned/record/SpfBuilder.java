package dev.aligned.record;

import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.DomainName;
import dev.aligned.spf.SpfLimits;
import dev.aligned.spf.SpfParseResult;
import dev.aligned.spf.SpfRecord;
import dev.aligned.spf.SpfSyntaxError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Builds an SPF record from its parts and refuses one that receivers would reject: syntax errors, includes
 * without a record, more than 10 DNS lookups or 2 void lookups in its tree (the includes are looked up to
 * count them), saying which includes to drop or flatten.
 *
 * <pre>{@code
 * SpfBuilder.Result r = SpfBuilder.create().mx().include("_spf.google.com").ip4("192.0.2.0/24")
 *         .all(SpfBuilder.All.FAIL).build(resolver);
 * switch (r) {
 *     case SpfBuilder.Built b -> System.out.println(b.record());   // v=spf1 mx ip4:192.0.2.0/24 include:... -all
 *     case SpfBuilder.Refused x -> x.reasons().forEach(System.err::println);
 * }
 * }</pre>
 */
public final class SpfBuilder {

    /** How the record ends: {@code -all} (fail) or {@code ~all} (softfail). */
    public enum All {
        FAIL("-all"), SOFTFAIL("~all");

        private final String term;

        All(String term) {
            this.term = term;
        }

        /** The term as written. */
        public String term() {
            return term;
        }

        /** {@code fail} or {@code softfail} (case-insensitive); empty for anything else. */
        public static java.util.Optional<All> of(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "fail", "-all", "-" -> java.util.Optional.of(FAIL);
                case "softfail", "~all", "~" -> java.util.Optional.of(SOFTFAIL);
                default -> java.util.Optional.empty();
            };
        }
    }

    /** The outcome of {@link #build(DnsResolver)}. */
    public sealed interface Result {
    }

    /**
     * A record within the limits.
     *
     * @param record       the record text
     * @param strings      the record as TXT character-strings of at most 255 bytes
     * @param lookups      DNS lookups its tree needs (at most 10)
     * @param includeCosts what each include costs, in record order
     * @param notes        warnings that did not refuse the record (e.g. near the limit, answer size)
     */
    public record Built(String record, List<String> strings, int lookups, Map<String, Integer> includeCosts,
            List<String> notes) implements Result {
        public Built {
            strings = List.copyOf(strings);
            includeCosts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(includeCosts));
            notes = List.copyOf(notes);
        }
    }

    /**
     * A record receivers would reject, and why.
     *
     * @param record  the record that was built
     * @param lookups DNS lookups its tree needs
     * @param reasons what is wrong and what to drop or flatten, one sentence each
     */
    public record Refused(String record, int lookups, List<String> reasons) implements Result {
        public Refused {
            reasons = List.copyOf(reasons);
        }
    }

    private final List<String> terms = new ArrayList<>();
    private final List<String> includes = new ArrayList<>();
    private All all = All.FAIL;
    private SpfLimits limits = SpfLimits.RFC7208;

    private SpfBuilder() {
    }

    /** An empty builder ending in {@code -all}. */
    public static SpfBuilder create() {
        return new SpfBuilder();
    }

    /** Adds {@code mx}: the domain's mail exchangers may send. */
    public SpfBuilder mx() {
        terms.add("mx");
        return this;
    }

    /** Adds {@code a}: the domain's own addresses may send. */
    public SpfBuilder a() {
        terms.add("a");
        return this;
    }

    /** Adds {@code ip4:network}. */
    public SpfBuilder ip4(String network) {
        terms.add("ip4:" + Objects.requireNonNull(network, "network").strip());
        return this;
    }

    /** Adds {@code ip6:network}. */
    public SpfBuilder ip6(String network) {
        terms.add("ip6:" + Objects.requireNonNull(network, "network").strip());
        return this;
    }

    /** Adds {@code include:domain}. */
    public SpfBuilder include(String domain) {
        String d = Objects.requireNonNull(domain, "domain").strip();
        terms.add("include:" + d);
        includes.add(d);
        return this;
    }

    /** Sets how the record ends (default {@link All#FAIL}). */
    public SpfBuilder all(All all) {
        this.all = Objects.requireNonNull(all, "all");
        return this;
    }

    /** The limits to hold the record to (default RFC 7208). */
    public SpfBuilder limits(SpfLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        return this;
    }

    /** The record text, unchecked: {@code v=spf1} + the terms in the order added (ip first) + all. */
    public String text() {
        StringBuilder sb = new StringBuilder("v=spf1");
        terms.stream().filter(t -> !t.startsWith("include:")).forEach(t -> sb.append(' ').append(t));
        terms.stream().filter(t -> t.startsWith("include:")).forEach(t -> sb.append(' ').append(t));
        return sb.append(' ').append(all.term()).toString();
    }

    /** Checks the record, looking its includes up with {@code dns} to count lookups. */
    public Result build(DnsResolver dns) {
        String text = text();
        List<String> reasons = new ArrayList<>();
        if (SpfRecord.parse(text) instanceof SpfParseResult.Invalid bad) {
            for (SpfSyntaxError e : bad.errors()) {
                reasons.add(e + " (term '" + e.term() + "')" + e.hint().map(h -> "; " + h).orElse(""));
            }
            return new Refused(text, 0, reasons);
        }
        SpfLint lint = new SpfLint(dns, limits, SendingServices.bundled());
        Map<String, Integer> costs = new LinkedHashMap<>();
        int lookups = 0;
        for (String t : terms) {
            if (t.equals("mx") || t.equals("a")) {
                lookups++;
            }
        }
        for (String inc : includes) {
            if (DomainName.parse(inc).isEmpty() && inc.indexOf('%') < 0) {
                reasons.add("include:" + inc + " does not name a domain");
                continue;
            }
            int c = lint.includeCost(inc);
            costs.put("include:" + inc, c);
            lookups += c;
        }
        for (Finding f : lint.findings) {
            if (f.severity() == Severity.ERROR) {
                reasons.add(f.message() + " " + f.fix());
            }
        }
        if (lookups > limits.dnsTerms()) {
            List<Map.Entry<String, Integer>> byCost = new ArrayList<>(costs.entrySet());
            byCost.sort((x, y) -> y.getValue() - x.getValue());
            int over = lookups - limits.dnsTerms();
            StringBuilder drop = new StringBuilder();
            int freed = 0;
            for (Map.Entry<String, Integer> e : byCost) {
                if (freed >= over) {
                    break;
                }
                drop.append(drop.isEmpty() ? "" : ", ").append(e.getKey()).append(" (costs ").append(e.getValue())
                        .append(')');
                freed += e.getValue();
            }
            reasons.add("The record needs " + lookups + " DNS lookups; receivers allow " + limits.dnsTerms()
                    + ". Drop or flatten (`aligned record spf --flatten DOMAIN` gives the networks) at least: "
                    + drop + ".");
        }
        if (lint.voids.size() > limits.voidLookups()) {
            reasons.add("The record's tree has " + lint.voids.size() + " void lookups; receivers allow "
                    + limits.voidLookups() + ": " + String.join("; ", lint.voids) + ".");
        }
        if (!reasons.isEmpty()) {
            return new Refused(text, lookups, reasons);
        }
        List<String> notes = new ArrayList<>();
        if (lookups >= limits.dnsTerms() - 1) {
            notes.add("The record needs " + lookups + " of " + limits.dnsTerms() + " DNS lookups: one more include "
                    + "breaks it.");
        }
        for (Finding f : lint.findings) {
            if (f.severity() != Severity.ERROR) {
                notes.add(f.message());
            }
        }
        if (text.length() > 450) {
            notes.add("The record is " + text.length() + " bytes; with your other TXT records the answer may pass "
                    + "512 bytes. Consider moving networks into an include of your own.");
        }
        return new Built(text, dev.aligned.dkim.DkimKeys.split(text), lookups, costs, notes);
    }
}
