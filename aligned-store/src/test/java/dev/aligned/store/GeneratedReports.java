package dev.aligned.store;

import dev.aligned.report.ActionDisposition;
import dev.aligned.report.AggregateReport;
import dev.aligned.report.Alignment;
import dev.aligned.report.DateRange;
import dev.aligned.report.DiscoveryMethod;
import dev.aligned.report.Disposition;
import dev.aligned.report.DkimAuthResult;
import dev.aligned.report.DkimResult;
import dev.aligned.report.DmarcResult;
import dev.aligned.report.Extension;
import dev.aligned.report.FailureReport;
import dev.aligned.report.Identifiers;
import dev.aligned.report.OverrideReason;
import dev.aligned.report.PolicyEvaluated;
import dev.aligned.report.PolicyOverride;
import dev.aligned.report.PolicyPublished;
import dev.aligned.report.ReportMetadata;
import dev.aligned.report.ReportRecord;
import dev.aligned.report.Row;
import dev.aligned.report.SpfAuthResult;
import dev.aligned.report.SpfResult;
import dev.aligned.report.SpfScope;
import dev.aligned.report.Testing;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;

/**
 * Aggregate and failure report models built straight from a seed (no XML), deterministic across JDKs and library
 * versions (only {@link SplittableRandom}), so digests pinned for a seed stay meaningful. They reach what parsed
 * XML rarely does and what the digest and the rollup sums must treat exactly: absent optional fields, empty
 * strings, non-ASCII and astral characters, unpaired surrogates, white space and upper case in domains, trailing
 * dots, strings longer than the rollups' 255-character cap and than the digest's 8 KiB block, '/' in domains and
 * selectors, more DKIM/SPF results than the rollups keep, repeated and absent override reasons, source addresses
 * that are prefixes of one another or hold a NUL, counts up to {@code Long.MAX_VALUE} (sums that wrap), and
 * record shapes that repeat (as in real reports) next to ones that do not.
 */
final class GeneratedReports {
    private static final String LONG = "l".repeat(300) + ".example.com";
    private static final String[] DOMAINS = {"example.com", "Example.COM.", " example.com ", "mail.example.com",
        "MAIL.example.com", "sub.mail.example.com", "other.org", "example.co.uk", "a.example.co.uk", "b.example.co.uk",
        "\u00fcn\u00efcode.example.com", "xn--bcher-kva.example", "", "not a domain", "a/b.example.com", "localhost",
        "com", LONG, "exa\tmple.com", "example.com\n", "\uD83D\uDE00.example.com", "bad\uD800.example.com", "."};
    private static final String[] POLICY_DOMAINS = {"example.com", "Example.COM", "example.co.uk", "", "com",
        "\u00fcn\u00efcode.example.com", "mail.example.com"};
    private static final String[] SELECTORS = {"s1", "s2", " s1 ", "s 2", "sel/x", "", "S1", "\u00e9t\u00e9",
        "x".repeat(270), "k\u000B1"};
    private static final String[] IPS = {"192.0.2.1", "192.0.2.10", "192.0.2.100", "198.51.100.7", "2001:db8::1",
        "2001:db8::", "::1", "not-an-ip", "192.0.2.1\u00001", "", "10.0.0.1", "10.0.0.1 "};
    private static final String[] TEXT = {"", "plain", "caf\u00e9", "\u65e5\u672c\u8a9e", "\uD83D\uDCE7 mail",
        "line\nbreak", "x".repeat(9000), "\u0000nul", "\uDC00lone"};

    private final SplittableRandom random;

    private GeneratedReports(long seed) {
        random = new SplittableRandom(seed);
    }

    /** An aggregate report for {@code seed} with up to {@code maxRecords} records. */
    static AggregateReport aggregate(long seed, int maxRecords) {
        return new GeneratedReports(seed).aggregate(maxRecords);
    }

    /** A failure report for {@code seed}. */
    static FailureReport failure(long seed) {
        return new GeneratedReports(seed).failure();
    }

    private AggregateReport aggregate(int maxRecords) {
        ReportMetadata m = new ReportMetadata(text(), text(), opt(this::text), text(),
                chance(4) ? Optional.empty() : Optional.of(DateRange.ofEpochSeconds(random.nextLong(-1L << 40, 1L << 40),
                        random.nextLong(-1L << 40, 1L << 40))), texts(3), opt(this::text));
        PolicyPublished p = new PolicyPublished(pick(POLICY_DOMAINS), opt(() -> pick(Alignment.values())),
                opt(() -> pick(Alignment.values())), opt(() -> pick(Disposition.values())),
                opt(() -> pick(Disposition.values())), opt(() -> pick(Disposition.values())),
                chance(2) ? OptionalInt.empty() : OptionalInt.of(random.nextInt()), opt(this::text),
                opt(() -> pick(Testing.values())), opt(() -> pick(DiscoveryMethod.values())));
        int n = maxRecords == 0 ? 0 : random.nextInt(maxRecords + 1);
        // a few shapes repeated (as reporters do), and some records built afresh
        List<ReportRecord> shapes = new ArrayList<>();
        for (int i = 0, k = 1 + random.nextInt(8); i < k; i++) {
            shapes.add(record());
        }
        List<ReportRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (chance(3)) {
                records.add(record());
            } else {
                ReportRecord s = pick(shapes);
                records.add(new ReportRecord(new Row(pick(IPS), count(), s.row().policyEvaluated()),
                        copy(s.identifiers()), s.dkim(), s.spf(), s.extensions()));
            }
        }
        return new AggregateReport(opt(() -> pick(new String[] {"1.0", "", "2.0\u00e9"})), m, p, records,
                extensions());
    }

    /** The same identifiers in fresh String instances (as a parser makes them per record). */
    private static Identifiers copy(Identifiers i) {
        return new Identifiers(i.envelopeTo().map(String::new), i.envelopeFrom().map(String::new),
                new String(i.headerFrom()));
    }

    private ReportRecord record() {
        List<OverrideReason> reasons = new ArrayList<>();
        for (int i = 0, k = random.nextInt(4); i < k; i++) {
            reasons.add(new OverrideReason(opt(() -> pick(PolicyOverride.values())), opt(this::text)));
        }
        PolicyEvaluated pe = new PolicyEvaluated(opt(() -> pick(ActionDisposition.values())),
                opt(() -> pick(DmarcResult.values())), opt(() -> pick(DmarcResult.values())), reasons);
        List<DkimAuthResult> dkim = new ArrayList<>();
        for (int i = 0, k = random.nextInt(7); i < k; i++) {
            dkim.add(new DkimAuthResult(pick(DOMAINS), opt(() -> pick(SELECTORS)),
                    chance(5) ? Optional.empty() : Optional.of(chance(2) ? DkimResult.PASS : pick(DkimResult.values())),
                    opt(this::text)));
        }
        List<SpfAuthResult> spf = new ArrayList<>();
        for (int i = 0, k = random.nextInt(4); i < k; i++) {
            spf.add(new SpfAuthResult(pick(DOMAINS), opt(() -> pick(SpfScope.values())),
                    chance(5) ? Optional.empty() : Optional.of(chance(2) ? SpfResult.PASS : pick(SpfResult.values())),
                    opt(this::text)));
        }
        return new ReportRecord(new Row(pick(IPS), count(), pe),
                new Identifiers(opt(() -> pick(DOMAINS)), opt(() -> pick(DOMAINS)), pick(DOMAINS)), dkim, spf,
                chance(4) ? extensions() : List.of());
    }

    private FailureReport failure() {
        List<FailureReport.Field> other = new ArrayList<>();
        for (int i = 0, k = random.nextInt(4); i < k; i++) {
            other.add(new FailureReport.Field(text(), text()));
        }
        return new FailureReport(pick(FailureReport.Format.values()), text(), opt(this::text), opt(this::text),
                opt(this::text), texts(3), opt(this::text), opt(() -> pick(IPS)), texts(2), texts(2), texts(3),
                texts(2), texts(2), opt(this::text), opt(() -> pick(DOMAINS)), opt(this::text),
                opt(() -> pick(SELECTORS)), texts(2), other, opt(this::text));
    }

    private List<Extension> extensions() {
        List<Extension> list = new ArrayList<>();
        for (int i = 0, k = random.nextInt(3); i < k; i++) {
            list.add(new Extension(chance(2) ? "" : "urn:x:" + text(), "e" + i, "<e" + i + ">" + text() + "</e" + i + ">"));
        }
        return list;
    }

    private long count() {
        return switch (random.nextInt(20)) {
            case 0 -> Long.MAX_VALUE;
            case 1 -> 0;
            case 2 -> random.nextLong(Long.MAX_VALUE);
            default -> 1 + random.nextInt(100);
        };
    }

    private String text() {
        return chance(3) ? pick(DOMAINS) : pick(TEXT);
    }

    private List<String> texts(int max) {
        List<String> list = new ArrayList<>();
        for (int i = 0, k = random.nextInt(max + 1); i < k; i++) {
            list.add(text());
        }
        return list;
    }

    private boolean chance(int oneIn) {
        return random.nextInt(oneIn) == 0;
    }

    private <T> Optional<T> opt(java.util.function.Supplier<T> value) {
        return chance(3) ? Optional.empty() : Optional.of(value.get());
    }

    private <T> T pick(T[] values) {
        return values[random.nextInt(values.length)];
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
