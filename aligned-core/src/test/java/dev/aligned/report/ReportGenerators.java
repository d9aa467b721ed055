package dev.aligned.report;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** jqwik generators of model values that RFC 9990 XML and ARF can express. */
final class ReportGenerators {
    private ReportGenerators() {
    }

    static Arbitrary<String> text() {
        return Arbitraries.strings().withChars("abcxyzABC019 &<>\"'\u00e9\u20ac.-@_/").ofMinLength(1).ofMaxLength(16)
                .map(String::strip).filter(s -> !s.isEmpty());
    }

    static Arbitrary<String> token() {
        return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8);
    }

    static Arbitrary<String> domain() {
        return token().list().ofMinSize(1).ofMaxSize(3).map(l -> String.join(".", l) + ".example");
    }

    static <T> Arbitrary<Optional<T>> opt(Arbitrary<T> a) {
        return a.optional(0.6);
    }

    static Arbitrary<String> ip() {
        Arbitrary<String> v4 = Arbitraries.integers().between(0, 255).list().ofSize(4)
                .map(l -> l.get(0) + "." + l.get(1) + "." + l.get(2) + "." + l.get(3));
        Arbitrary<String> v6 = Arbitraries.integers().between(0, 0xffff).list().ofSize(8)
                .map(l -> l.stream().map(i -> i % 3 == 0 ? "0" : Integer.toHexString(i)).toList())
                .map(l -> IpAddresses.canonical(String.join(":", l)).orElseThrow());
        return Arbitraries.oneOf(v4, v6);
    }

    static Arbitrary<Extension> extension() {
        return Combinators.combine(token(), token(), text()).as((ns, name, t) -> {
            StringBuilder sb = new StringBuilder();
            AggregateXmlParser.escape(sb, t, false);
            String uri = "urn:example:" + ns;
            return new Extension(uri, name, "<" + name + " xmlns=\"" + uri + "\">" + sb + "</" + name + ">");
        });
    }

    static Arbitrary<ReportMetadata> metadata() {
        Arbitrary<DateRange> range = Arbitraries.longs().between(0, 4_000_000_000L).list().ofSize(2)
                .map(l -> DateRange.ofEpochSeconds(Math.min(l.get(0), l.get(1)), Math.max(l.get(0), l.get(1))));
        return Combinators.combine(text(), text(), opt(text()), text(), range, text().list().ofMaxSize(1),
                opt(text())).as((org, email, extra, id, r, errors, gen) ->
                        new ReportMetadata(org, email, extra, id, Optional.of(r), errors, gen));
    }

    static Arbitrary<PolicyPublished> policy() {
        Arbitrary<Optional<Disposition>> disp = opt(Arbitraries.of(Disposition.class));
        Arbitrary<Optional<Alignment>> al = opt(Arbitraries.of(Alignment.class));
        return Combinators.combine(domain(), al, al, Arbitraries.of(Disposition.class), disp, disp,
                opt(Arbitraries.of("0", "1", "d", "s", "0:d")), opt(Arbitraries.of(Testing.class)))
                .flatAs((d, adkim, aspf, p, sp, np, fo, t) -> opt(Arbitraries.of(DiscoveryMethod.class))
                        .map(dm -> new PolicyPublished(d, adkim, aspf, Optional.of(p), sp, np, OptionalInt.empty(), fo,
                                t, dm)));
    }

    static Arbitrary<ReportRecord> record() {
        Arbitrary<PolicyEvaluated> pe = Combinators.combine(Arbitraries.of(ActionDisposition.class),
                Arbitraries.of(DmarcResult.class), Arbitraries.of(DmarcResult.class),
                Combinators.combine(Arbitraries.of(PolicyOverride.class).filter(t -> t != PolicyOverride.FORWARDED && t != PolicyOverride.SAMPLED_OUT), opt(text()))
                        .as((t, c) -> new OverrideReason(Optional.of(t), c)).list().ofMaxSize(2))
                .as((d, k, s, r) -> new PolicyEvaluated(Optional.of(d), Optional.of(k), Optional.of(s), r));
        Arbitrary<Row> row = Combinators.combine(ip(), Arbitraries.longs().between(0, 10_000_000), pe).as(Row::new);
        Arbitrary<Identifiers> ids = Combinators.combine(opt(domain()), opt(domain()), domain()).as(Identifiers::new);
        Arbitrary<DkimAuthResult> dkim = Combinators.combine(domain(), token(), Arbitraries.of(DkimResult.class),
                opt(text())).as((d, s, r, h) -> new DkimAuthResult(d, Optional.of(s), Optional.of(r), h));
        Arbitrary<SpfAuthResult> spf = Combinators.combine(domain(), opt(Arbitraries.just(SpfScope.MFROM)),
                Arbitraries.of(SpfResult.class), opt(text()))
                .as((d, sc, r, h) -> new SpfAuthResult(d, sc, Optional.of(r), h));
        return Combinators.combine(row, ids, dkim.list().ofMaxSize(3), spf.list().ofMaxSize(1),
                extension().list().ofMaxSize(2)).as(ReportRecord::new);
    }

    static Arbitrary<AggregateReport> aggregate() {
        return Combinators.combine(opt(Arbitraries.of("1.0", "2.0")), metadata(), policy(),
                record().list().ofMinSize(1).ofMaxSize(5), extension().list().ofMaxSize(2))
                .as(AggregateReport::new);
    }

    static Arbitrary<FailureReport> failure() {
        Arbitrary<List<String>> domains = domain().list().ofMaxSize(2);
        Arbitrary<String> headers = Combinators.combine(token(), text()).as((n, v) -> "X-" + n + ": " + v)
                .list().ofMinSize(1).ofMaxSize(4).map(l -> String.join("\n", l) + "\n");
        Arbitrary<FailureReport.Field> other = Combinators.combine(token(), text())
                .as((n, v) -> new FailureReport.Field("X-Extra-" + n, v));
        return Combinators.combine(
                Combinators.combine(opt(text()), opt(Arbitraries.of("1", "0.1")), opt(domain().map(d -> "u@" + d)),
                        domains.map(l -> l.stream().map(d -> "rcpt@" + d).toList()),
                        opt(Arbitraries.of("Tue, 30 Apr 2019 02:09:00 +0000")), opt(ip()), domains)
                        .as(List::of),
                Combinators.combine(text().list().ofMaxSize(2), Arbitraries.of("dmarc", "dkim", "spf", "adsp")
                        .list().ofMaxSize(2), Arbitraries.of("none", "dkim", "spf").list().ofMaxSize(2),
                        opt(Arbitraries.of("delivered", "spam", "policy", "reject", "other")), opt(domain()),
                        opt(domain().map(d -> "@" + d)), opt(token()), text().list().ofMaxSize(2))
                        .as(List::of),
                other.list().ofMaxSize(2), opt(headers))
                .as((a, b, o, h) -> new FailureReport(FailureReport.Format.ARF, "auth-failure",
                        cast(a.get(0)), cast(a.get(1)), cast(a.get(2)), cast(a.get(3)), cast(a.get(4)), cast(a.get(5)),
                        cast(a.get(6)), List.of(), cast(b.get(0)), cast(b.get(1)), cast(b.get(2)), cast(b.get(3)),
                        cast(b.get(4)), cast(b.get(5)), cast(b.get(6)), cast(b.get(7)), o, h));
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object o) {
        return (T) o;
    }
}
