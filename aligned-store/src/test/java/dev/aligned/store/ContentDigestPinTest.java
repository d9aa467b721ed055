package dev.aligned.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.report.AggregateReport;
import dev.aligned.report.FailureReport;
import dev.aligned.report.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Content digests are persisted ({@code reports.content_sha256}) and compared with those of re-sent reports, so
 * no change to {@link ContentDigest} may move one. {@code pins/content-digests.tsv} was generated once, with the
 * code of main at 621c992 (before the digest was made cheaper), from {@link PinnedInputs#all()}, and committed
 * as data; it is never regenerated. The properties compare the current encoder with the kept copy of that code,
 * {@link ContentDigestV1Reference}, on generated reports.
 */
class ContentDigestPinTest {

    @Test
    void everyPinnedReportKeepsTheDigestItWasStoredWith() throws IOException {
        Map<String, String> expected = new LinkedHashMap<>();
        for (String line : Files.readAllLines(PinnedInputs.resource("pins/content-digests.tsv"))) {
            String[] f = line.split("\t");
            expected.put(f[0], f[1]);
        }
        Map<String, String> actual = new LinkedHashMap<>();
        PinnedInputs.all().forEach((name, r) -> actual.put(name, PinnedInputs.digest(r)));
        assertTrue(expected.size() >= 100, "the pin file lists " + expected.size() + " reports");
        assertTrue(expected.keySet().stream().anyMatch(n -> n.contains("failure")), "failure reports are pinned");
        assertEquals(expected, actual);
    }

    @Property(tries = 300)
    void anAggregateReportDigestsAsTheKeptV1EncoderDigestsIt(@ForAll long seed,
            @ForAll @IntRange(min = 0, max = 300) int maxRecords) {
        AggregateReport r = GeneratedReports.aggregate(seed, maxRecords);
        assertEquals(ContentDigestV1Reference.of(r), ContentDigest.of(r));
    }

    @Property(tries = 300)
    void aFailureReportDigestsAsTheKeptV1EncoderDigestsIt(@ForAll long seed) {
        FailureReport r = GeneratedReports.failure(seed);
        assertEquals(ContentDigestV1Reference.of(r), ContentDigest.of(r));
    }

    @Test
    void digestsOnOneThreadAfterAnotherAreIndependent() {
        // the encoder may reuse per-thread state: interleaving reports must not leak bytes from one to the next
        Map<String, Report> all = PinnedInputs.all();
        Map<String, String> first = new LinkedHashMap<>();
        all.forEach((n, r) -> first.put(n, PinnedInputs.digest(r)));
        Map<String, String> reversed = new LinkedHashMap<>();
        all.keySet().stream().toList().reversed().forEach(n -> reversed.put(n, PinnedInputs.digest(all.get(n))));
        assertEquals(first, reversed); // Map.equals: same names with the same digests, in any order
    }
}
