package dev.aligned.spf;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;

/** Properties of the record parser over generated input. */
class SpfRecordProperties {

    @Property(tries = 2000)
    void neverThrowsOnArbitraryText(@ForAll @StringLength(max = 200) String tail) {
        SpfRecord.parse(tail);
        SpfRecord.parse("v=spf1 " + tail);
    }

    @Property(tries = 2000)
    void neverThrowsOnTermSoup(@ForAll("soup") String record) {
        SpfParseResult r = SpfRecord.parse(record);
        if (r instanceof SpfParseResult.Invalid bad) {
            for (SpfSyntaxError e : bad.errors()) {
                if (e.column() < 1 || e.column() > record.length() + 1) {
                    throw new AssertionError("column " + e.column() + " outside '" + record + "'");
                }
            }
        }
    }

    @Property(tries = 1000)
    void evaluationNeverThrowsAndStaysWithinTheLimits(@ForAll("validTermLists") List<String> terms,
                                                      @ForAll boolean ipv6) {
        String record = "v=spf1" + (terms.isEmpty() ? "" : " " + String.join(" ", terms));
        dev.aligned.dns.FixtureResolver dns = dev.aligned.dns.FixtureResolver.builder().recording(false)
                .add("example.com", dev.aligned.dns.DnsRecord.Txt.of(record),
                        dev.aligned.dns.DnsRecord.Txt.of("unrelated"))
                .add("mail.example.com", dev.aligned.dns.DnsRecord.Txt.of(record))
                .build();
        SpfResult r = SpfEvaluator.builder().resolver(dns).defaultExplanation("%{i} refused by %{d} at %{t}").build()
                .checkMailFrom(MacroExpansionTest.ip(ipv6 ? "2001:db8::5" : "192.0.2.5"), "user-name@example.com",
                        "mail.example.com");
        if (r.details().dnsLookups() > 11 || r.details().voidLookups() > 3) {
            throw new AssertionError(record + " -> " + r);
        }
    }

    @Property(tries = 1000)
    void validRecordsRoundTripAndTermsSitAtTheirColumns(@ForAll("validTermLists") List<String> terms) {
        String record = "v=spf1" + (terms.isEmpty() ? "" : " " + String.join(" ", terms));
        SpfParseResult r = SpfRecord.parse(record);
        if (!(r instanceof SpfParseResult.Valid v)) {
            throw new AssertionError(record + " -> " + ((SpfParseResult.Invalid) r).errors());
        }
        SpfRecord rec = v.record();
        if (!rec.normalized().equals(record)) {
            throw new AssertionError(rec.normalized() + " != " + record);
        }
        if (rec.terms().size() != terms.size()) {
            throw new AssertionError("term count " + rec.terms().size() + " for " + record);
        }
        for (int i = 0; i < terms.size(); i++) {
            Term t = rec.terms().get(i);
            if (!t.text().equals(terms.get(i))
                    || !record.substring(t.column() - 1, t.column() - 1 + t.text().length()).equals(t.text())) {
                throw new AssertionError("term " + i + " '" + t.text() + "' at column " + t.column() + " in " + record);
            }
        }
    }

    @Provide
    Arbitrary<String> soup() {
        Arbitrary<String> piece = Arbitraries.oneOf(
                Arbitraries.of("a", "mx", "ptr", "ip4:", "ip6:", "all", "include:", "exists:", "redirect=", "exp=",
                        "-", "+", "~", "?", "/", "//", ":", "=", ".", "%{", "}", "%%", "%_", "%-", "%", "1", "32", "129",
                        "192.0.2.1", "::1", "example.com", "%{d2r}", "%{i}", "\t", "\u00e9", " ", "  "),
                Arbitraries.strings().ofMaxLength(3));
        return piece.list().ofMaxSize(30).map(l -> "v=spf1 " + String.join("", l));
    }

    @Provide
    Arbitrary<List<String>> validTermLists() {
        return validTerms().list().ofMaxSize(12);
    }

    Arbitrary<String> validTerms() {
        Arbitrary<String> qualifier = Arbitraries.of("", "+", "-", "~", "?");
        Arbitrary<String> label = Arbitraries.strings().withCharRange('a', 'z').withChars('-', '_', '0')
                .ofMinLength(1).ofMaxLength(10);
        Arbitrary<String> top = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(2).ofMaxLength(6);
        Arbitrary<String> macro = Combinators.combine(Arbitraries.of("s", "l", "o", "d", "i", "p", "h", "v", "D", "L"),
                Arbitraries.of("", "1", "2", "12"), Arbitraries.of("", "r"), Arbitraries.of("", ".", "-", "+_"))
                .as((l, n, r, d) -> "%{" + l + n + r + d + "}");
        Arbitrary<String> domain = Arbitraries.oneOf(
                Combinators.combine(label, top).as((l, t) -> l + "." + t),
                Combinators.combine(macro, label, top).as((m, l, t) -> m + "." + l + "." + t),
                macro);
        Arbitrary<String> cidr = Arbitraries.oneOf(Arbitraries.just(""),
                Arbitraries.integers().between(0, 32).map(n -> "/" + n),
                Arbitraries.integers().between(0, 128).map(n -> "//" + n),
                Combinators.combine(Arbitraries.integers().between(0, 32), Arbitraries.integers().between(0, 128))
                        .as((x, y) -> "/" + x + "//" + y));
        Arbitrary<String> ip4 = Arbitraries.integers().between(0, 255).list().ofSize(4)
                .map(l -> l.get(0) + "." + l.get(1) + "." + l.get(2) + "." + l.get(3));
        Arbitrary<String> ip6 = Arbitraries.of("2001:db8::", "::1", "fe80::1:2", "1:2:3:4:5:6:7:8", "::ffff:1.2.3.4",
                "2001:DB8:0:0:8:800:200C:417A");
        Arbitrary<String> mechanism = Arbitraries.oneOf(
                Arbitraries.just("all"),
                domain.map(d -> "include:" + d),
                domain.map(d -> "exists:" + d),
                Combinators.combine(Arbitraries.of("a", "mx", "A", "MX"), domain.injectNull(0.4), cidr)
                        .as((n, d, c) -> n + (d == null ? "" : ":" + d) + c),
                domain.injectNull(0.5).map(d -> d == null ? "ptr" : "ptr:" + d),
                Combinators.combine(ip4, Arbitraries.integers().between(0, 32).injectNull(0.5))
                        .as((a, p) -> "ip4:" + a + (p == null ? "" : "/" + p)),
                Combinators.combine(ip6, Arbitraries.integers().between(0, 128).injectNull(0.5))
                        .as((a, p) -> "ip6:" + a + (p == null ? "" : "/" + p)));
        Arbitrary<String> directive = Combinators.combine(qualifier, mechanism).as((q, m) -> q + m);
        Arbitrary<String> unknown = Combinators.combine(Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1)
                        .ofMaxLength(6).filter(n -> !n.equals("exp") && !n.equals("redirect")),
                Arbitraries.of("x", "%{l}", "a:b/c", "", "%%"))
                .as((n, v) -> n + "=" + v);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, directive), net.jqwik.api.Tuple.of(1, unknown));
    }
}
