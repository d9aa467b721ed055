package dev.aligned.store;

import dev.aligned.report.AggregateReport;
import dev.aligned.report.FailureReport;
import dev.aligned.report.Report;
import dev.aligned.report.ReportLimits;
import dev.aligned.report.ReportReader;
import dev.aligned.report.ReportResult;
import dev.aligned.report.SyntheticReportStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The reports whose content digests are pinned in {@code pins/content-digests.tsv}, by a stable name: every
 * report the bundled corpora samples parse to, the reports written by the benchmarks' {@code SyntheticReports}
 * (seed 42, bundled as {@code synthetic/}), {@link SyntheticReportStream} reports, and {@link GeneratedReports}
 * for fixed seeds.
 */
final class PinnedInputs {
    private PinnedInputs() {
    }

    static Map<String, Report> all() {
        Map<String, Report> reports = new LinkedHashMap<>();
        ReportReader reader = ReportReader.withLimits(ReportLimits.defaults().withMaxRecords(Long.MAX_VALUE));
        for (String dir : List.of("corpora/reports", "synthetic")) {
            Path root = resource(dir);
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    List<ReportResult> results = reader.read(f);
                    for (int i = 0; i < results.size(); i++) {
                        if (results.get(i) instanceof ReportResult.Parsed p) {
                            reports.put(dir + "/" + root.relativize(f).toString().replace('\\', '/') + "#" + i,
                                    p.report());
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        for (int n : new int[] {0, 1, 7, 500}) {
            List<ReportResult> results = reader.read("stream", new SyntheticReportStream(n));
            reports.put("SyntheticReportStream(" + n + ")", ((ReportResult.Parsed) results.get(0)).report());
        }
        for (long seed = 1; seed <= 40; seed++) {
            reports.put("GeneratedReports.aggregate(" + seed + ", 60)", GeneratedReports.aggregate(seed, 60));
        }
        for (long seed = 100; seed <= 102; seed++) {
            reports.put("GeneratedReports.aggregate(" + seed + ", 2000)", GeneratedReports.aggregate(seed, 2000));
        }
        for (long seed = 1; seed <= 20; seed++) {
            reports.put("GeneratedReports.failure(" + seed + ")", GeneratedReports.failure(seed));
        }
        return reports;
    }

    static String digest(Report r) {
        return switch (r) {
            case AggregateReport a -> ContentDigest.of(a);
            case FailureReport f -> ContentDigest.of(f);
        };
    }

    static Path resource(String name) {
        try {
            return Path.of(PinnedInputs.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
