package dev.aligned.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.report.AggregateReport;
import dev.aligned.report.Report;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * {@link AnalysisRollups#sum} (and {@link AnalysisRollups.Summer} fed by the content digest's pass) gives the rows,
 * sums and row order (the order in which concurrent writers lock them), and the record packs the messages per source
 * IP, of the kept copy of the schema-8 code, {@link AnalysisRollupsV8Reference}, on generated reports, the bundled
 * corpora samples and synthetic reports.
 */
class RollupSumsEquivalenceTest {

    @Property(tries = 400)
    void aGeneratedReportSumsToTheReferenceRows(@ForAll long seed,
            @ForAll @IntRange(min = 0, max = 400) int maxRecords) {
        AggregateReport r = GeneratedReports.aggregate(seed, maxRecords);
        assertEquals(reference(r), current(r));
    }

    @Property(tries = 200)
    void sourceAddressesOfAnyTextSortAsTheReferenceSortsThem(@ForAll long seed,
            @ForAll @IntRange(min = 0, max = 300) int maxRecords) {
        // addresses that share long prefixes, are prefixes of one another, hold NUL, Latin-1 and wider chars
        String[] pool = {"2001:db8::1", "2001:db8::", "2001:db8::10", "2001:db8:0:1::1", "2001:db8", "2001:db",
            "10.0.0.1", "10.0.0.10", "10.0.0.1\u0000", "10.0.0.1\u00001", "\u00e910.0.0.1", "\u0100.1", "\u01001",
            "10.0.0.\u0100", "1", "", "\u0000", "\uFFFF", "\uD83D\uDE00", "10.0.0.1\u00ff"};
        AggregateReport r = GeneratedReports.aggregate(seed, maxRecords);
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        List<dev.aligned.report.ReportRecord> records = new ArrayList<>();
        for (dev.aligned.report.ReportRecord x : r.records()) {
            dev.aligned.report.Row row = x.row();
            records.add(new dev.aligned.report.ReportRecord(new dev.aligned.report.Row(
                    new String(pool[random.nextInt(pool.length)]), row.count(), row.policyEvaluated()),
                    x.identifiers(), x.dkim(), x.spf(), x.extensions()));
        }
        AggregateReport a = r.withRecords(records);
        assertEquals(reference(a), current(a));
    }

    @Property(tries = 200)
    void digestAndSumsInOnePassAreTheReferenceOnes(@ForAll long seed,
            @ForAll @IntRange(min = 0, max = 400) int maxRecords) {
        AggregateReport r = GeneratedReports.aggregate(seed, maxRecords);
        AnalysisRollups.Summer summer = new AnalysisRollups.Summer(DomainKey.of(r.policy().domain()), r.policy());
        assertEquals(ContentDigestV1Reference.of(r), ContentDigest.of(r, summer::add));
        assertEquals(reference(r), rows(summer.finish(), r));
    }

    @Test
    void everyPinnedReportSumsToTheReferenceRows() {
        int aggregates = 0;
        for (Map.Entry<String, Report> e : PinnedInputs.all().entrySet()) {
            if (e.getValue() instanceof AggregateReport a) {
                assertEquals(reference(a), current(a), e.getKey());
                aggregates++;
            }
        }
        assertTrue(aggregates >= 70, aggregates + " aggregate reports compared");
    }

    @Test
    void sumsOfOneReportDoNotDependOnTheReportsSummedBefore() {
        AggregateReport a = GeneratedReports.aggregate(7, 300);
        List<List<Object>> alone = current(a);
        for (long seed = 1; seed < 20; seed++) {
            current(GeneratedReports.aggregate(seed, 100));
        }
        assertEquals(alone, current(a));
    }

    /** The rows {@code write} sends, in its order: selectors, totals, sources, per-IP totals. */
    static List<List<Object>> reference(AggregateReport a) {
        String domain = DomainKey.of(a.policy().domain());
        AnalysisRollupsV8Reference.Sums s = AnalysisRollupsV8Reference.sum(domain, a.policy(), a.records());
        List<List<Object>> rows = new ArrayList<>();
        s.selectors().forEach((k, v) -> rows.add(List.of("selector", k.substring(0, k.indexOf('/')),
                k.substring(k.indexOf('/') + 1), v[0], v[1])));
        s.totals().forEach((k, v) -> rows.add(List.of("total", k.disposition(), k.dkim(), k.spf(), k.dkimAligned(),
                k.spfAligned(), v[0], v[1])));
        for (Object[] o : s.sources().values()) {
            AnalysisRollupsV8Reference.Facts f = (AnalysisRollupsV8Reference.Facts) o[0];
            long[] c = (long[]) o[2];
            rows.add(List.of("source", f.sourceIp(), o[1], f.headerFrom(), f.disposition(), f.dkim(), f.spf(),
                    f.dkimAligned(), f.spfAligned(), f.dkimAuth(), f.spfAuth(), f.reasons(), c[0], c[1]));
        }
        s.byIp().forEach((k, v) -> rows.add(List.of("ip", k, v[0])));
        return rows;
    }

    static List<List<Object>> current(AggregateReport a) {
        return rows(AnalysisRollups.sum(DomainKey.of(a.policy().domain()), a.policy(), a.records()), a);
    }

    /**
     * The rows of {@code s}, then the messages of each source IP of {@code a}: schema 8 upserted them into
     * {@code source_reporters}; since schema 10 the reporters are read from the record packs, so they are the
     * packs' (one per IP, ordered by IP).
     */
    static List<List<Object>> rows(AnalysisRollups.Sums s, AggregateReport a) {
        List<List<Object>> rows = new ArrayList<>();
        s.selectors().forEach((k, v) -> rows.add(List.of("selector", k.substring(0, k.indexOf('/')),
                k.substring(k.indexOf('/') + 1), v[0], v[1])));
        s.totals().forEach((k, v) -> rows.add(List.of("total", k.disposition(), k.dkim(), k.spf(), k.dkimAligned(),
                k.spfAligned(), v[0], v[1])));
        for (AnalysisRollups.SourceRow o : s.sources()) {
            AnalysisRollups.Facts f = o.facts();
            rows.add(List.of("source", f.sourceIp(), o.hash(), f.headerFrom(), f.disposition(), f.dkim(), f.spf(),
                    f.dkimAligned(), f.spfAligned(), f.dkimAuth(), f.spfAuth(), f.reasons(), o.messages(),
                    o.records()));
        }
        RecordPack.pack(a.records()).stream().sorted((x, y) -> x.sourceIp().compareTo(y.sourceIp()))
                .forEach(v -> rows.add(List.of("ip", v.sourceIp(), v.messages())));
        return rows;
    }
}
