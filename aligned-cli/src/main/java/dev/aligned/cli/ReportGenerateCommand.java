package dev.aligned.cli;

import dev.aligned.report.AggregateReport;
import dev.aligned.report.AggregateReportWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code aligned report generate INPUT [--out-dir DIR] [--gzip]}. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Write RFC 9990 aggregate report XML from evaluated records.",
                "INPUT is JSON (as printed by 'aligned report parse --json': one object, an array, or one per line) "
                        + "or CSV (as printed by 'aligned report parse --csv'; rows are grouped into reports by "
                        + "org_name, report_id and domain).",
                "Without --out-dir the XML goes to standard output (one report only)."})
final class ReportGenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "INPUT", description = "JSON or CSV file of evaluated records.")
    Path input;

    @Option(names = "--out-dir", paramLabel = "DIR",
            description = "Write each report into DIR under its RFC file name (receiver!domain!begin!end[!id].xml).")
    Path outDir;

    @Option(names = "--gzip", description = "Compress the reports (.xml.gz), as RFC 9990 asks for mail.")
    boolean gzip;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String text;
        try {
            text = Files.readString(input, StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("aligned: " + input + ": cannot read: " + e.getMessage());
            return 1;
        }
        List<AggregateReport> reports;
        try {
            String t = text.stripLeading();
            boolean json = t.startsWith("{") || t.startsWith("[")
                    || input.toString().toLowerCase(Locale.ROOT).endsWith(".json");
            reports = json ? ReportInput.json(input.toString(), text) : ReportInput.csv(input.toString(), text);
        } catch (ReportInput.BadInput e) {
            err.println("aligned: " + e.getMessage());
            return 1;
        }
        if (outDir == null) {
            if (reports.size() != 1) {
                err.println("aligned: " + input + " holds " + reports.size() + " reports; use --out-dir DIR to "
                        + "write them as files");
                return 2;
            }
            if (gzip) {
                err.println("aligned: --gzip needs --out-dir (compressed output is not written to a terminal)");
                return 2;
            }
            out.print(AggregateReportWriter.toXml(reports.get(0)));
            out.flush();
            return 0;
        }
        Files.createDirectories(outDir);
        for (AggregateReport r : reports) {
            Path file = outDir.resolve(AggregateReportWriter.fileName(r, gzip));
            try (OutputStream os = Files.newOutputStream(file)) {
                if (gzip) {
                    AggregateReportWriter.writeGzip(r, os);
                } else {
                    AggregateReportWriter.write(r, os);
                }
            }
            out.printf("wrote %s (%d records, %d messages)%n", file, r.records().size(), r.messageCount());
        }
        out.println("next: send them to the rua= address of each domain, or check one with 'aligned report parse FILE'");
        out.flush();
        return 0;
    }
}
