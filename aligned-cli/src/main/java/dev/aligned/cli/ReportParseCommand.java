package dev.aligned.cli;

import dev.aligned.report.AggregateReport;
import dev.aligned.report.DkimAuthResult;
import dev.aligned.report.DmarcResult;
import dev.aligned.report.FailureReport;
import dev.aligned.report.PolicyPublished;
import dev.aligned.report.ReportCsv;
import dev.aligned.report.ReportJson;
import dev.aligned.report.ReportReader;
import dev.aligned.report.ReportRecord;
import dev.aligned.report.ReportResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code aligned report parse FILE... [--json|--csv]}. */
@Command(name = "parse", mixinStandardHelpOptions = true,
        description = {"Read DMARC reports: aggregate XML (plain, .gz, .zip), mail messages (.eml/.msg) and mbox "
                + "files with aggregate or failure (ARF) reports.",
                "Prints a summary per report; --json one object per report per line; --csv one line per record.",
                "Exit status: 0 all inputs read, 1 some input failed (the others are still printed), 2 usage error."})
final class ReportParseCommand implements Callable<Integer> {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
    private static final int MAX_ROWS = 20;
    private static final int MAX_WARNINGS = 5;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Report files (any mix of xml, gz, zip, eml, mbox).")
    List<Path> files;

    @ArgGroup(exclusive = true)
    Format format;

    static final class Format {
        @Option(names = "--json", description = "One JSON object per report per line (\"source\", \"kind\", ...), "
                + "or {\"source\", \"error\"} for an input that failed.")
        boolean json;

        @Option(names = "--csv", description = "CSV, one line per aggregate record, with a header line.")
        boolean csv;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean json = format != null && format.json;
        boolean csv = format != null && format.csv;
        ReportReader reader = ReportReader.create();
        int failed = 0;
        int total = 0;
        if (csv) {
            out.println(ReportCsv.HEADER);
        }
        for (Path file : files) {
            for (ReportResult r : reader.read(file)) {
                total++;
                if (r instanceof ReportResult.Failed) {
                    failed++;
                }
                if (json) {
                    out.println(ReportJson.toJson(r));
                } else if (csv) {
                    switch (r) {
                        case ReportResult.Parsed p -> ReportCsv.rows(p).forEach(out::println);
                        case ReportResult.Failed f -> err.println("aligned: " + f.error());
                    }
                } else {
                    summary(r, out, err);
                }
            }
            out.flush();
        }
        if (failed > 0 && !json && !csv) {
            err.println(failed + " of " + total + " input(s) could not be read; see the messages above. "
                    + "Keep the files: they can be re-read after an upgrade.");
        }
        out.flush();
        err.flush();
        return failed > 0 ? 1 : 0;
    }

    private static void summary(ReportResult r, PrintWriter out, PrintWriter err) {
        switch (r) {
            case ReportResult.Failed f -> err.println("aligned: " + f.error());
            case ReportResult.Parsed p -> {
                switch (p.report()) {
                    case AggregateReport a -> aggregate(p.source(), a, out);
                    case FailureReport f -> failure(p.source(), f, out);
                }
                if (!p.warnings().isEmpty()) {
                    out.println("  " + p.warnings().size() + " warning(s) (the report was repaired while reading):");
                    p.warnings().stream().limit(MAX_WARNINGS).forEach(w -> out.println("    " + w));
                    if (p.warnings().size() > MAX_WARNINGS) {
                        out.println("    ... (--json shows them all)");
                    }
                }
                out.println();
            }
        }
    }

    private static void aggregate(String source, AggregateReport a, PrintWriter out) {
        var m = a.metadata();
        out.println(source + ": aggregate report");
        out.printf("  reporter  %s <%s>, report id %s%n", m.orgName(), m.email(), m.reportId());
        out.println("  period    " + m.dateRange().map(d -> WHEN.format(d.begin()) + " to " + WHEN.format(d.end())
                + " UTC").orElse("unknown"));
        PolicyPublished p = a.policy();
        StringBuilder pol = new StringBuilder(p.domain());
        p.p().ifPresent(v -> pol.append(" p=").append(v.token()));
        p.sp().ifPresent(v -> pol.append(" sp=").append(v.token()));
        p.np().ifPresent(v -> pol.append(" np=").append(v.token()));
        p.pct().ifPresent(v -> pol.append(" pct=").append(v));
        p.adkim().ifPresent(v -> pol.append(" adkim=").append(v.token()));
        p.aspf().ifPresent(v -> pol.append(" aspf=").append(v.token()));
        p.testing().ifPresent(v -> pol.append(" t=").append(v.token()));
        out.println("  policy    " + pol);
        int ipWidth = Math.max(9, a.records().stream().limit(MAX_ROWS).mapToInt(x -> x.row().sourceIp().length())
                .max().orElse(9));
        String fmt = "  %-" + ipWidth + "s %8s  %-11s %-5s %-5s %-6s %s%n";
        out.printf(fmt, "source IP", "messages", "disposition", "dkim", "spf", "dmarc", "header_from");
        long total = 0;
        long passed = 0;
        int shown = 0;
        for (ReportRecord rec : a.records()) {
            var pe = rec.row().policyEvaluated();
            boolean pass = pe.dkim().equals(Optional.of(DmarcResult.PASS)) || pe.spf().equals(Optional.of(DmarcResult.PASS));
            total += rec.row().count();
            if (pass) {
                passed += rec.row().count();
            }
            if (shown++ < MAX_ROWS) {
                out.printf(fmt, rec.row().sourceIp(), rec.row().count(),
                        pe.disposition().map(d -> d.token()).orElse("-"), pe.dkim().map(DmarcResult::token).orElse("-"),
                        pe.spf().map(DmarcResult::token).orElse("-"), pass ? "pass" : "FAIL",
                        rec.identifiers().headerFrom() + dkimNote(rec.dkim()));
            }
        }
        if (shown > MAX_ROWS) {
            out.println("  ... " + (shown - MAX_ROWS) + " more source(s) (--csv lists them all)");
        }
        out.printf("  total     %d message(s) from %d source(s), %d passed DMARC (%s)%n", total, a.records().size(),
                passed, total == 0 ? "-" : Math.round(100.0 * passed / total) + "%");
        if (passed < total) {
            out.println("  next      check the failing sources: if they are yours, fix their SPF or DKIM; if not, "
                    + "they are spoofing your domain.");
        }
    }

    private static String dkimNote(List<DkimAuthResult> dkim) {
        return dkim.isEmpty() ? "" : "  (dkim d=" + dkim.get(0).domain() + ")";
    }

    private static void failure(String source, FailureReport f, PrintWriter out) {
        out.println(source + ": failure report" + (f.format() == FailureReport.Format.ARF ? " (ARF)"
                : " (plain text, read best effort)"));
        out.println("  domain    " + String.join(", ", f.reportedDomain()));
        f.sourceIp().ifPresent(v -> out.println("  source IP " + v));
        f.arrivalDate().ifPresent(v -> out.println("  arrived   " + v));
        f.originalMailFrom().ifPresent(v -> out.println("  mail from " + v));
        if (!f.authFailure().isEmpty()) {
            out.println("  failed    " + String.join(", ", f.authFailure()));
        }
        f.dkimDomain().ifPresent(v -> out.println("  dkim      d=" + v + f.dkimSelector().map(s -> " s=" + s).orElse("")));
        f.deliveryResult().ifPresent(v -> out.println("  delivery  " + v));
    }
}
