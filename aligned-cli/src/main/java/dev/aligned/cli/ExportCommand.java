package dev.aligned.cli;

import dev.aligned.store.ExportFormat;
import dev.aligned.store.ExportQuery;
import dev.aligned.store.Exporter;
import dev.aligned.store.ReportStore;
import dev.aligned.store.StoreException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code aligned export}: the stored records as JSON or CSV, one row per record with its report. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export stored aggregate-report records as JSON or CSV (one row per record, with its report).",
        footer = {"", "Exit status: 0 exported, 1 the store could not be read, 2 usage error."})
final class ExportCommand implements Callable<Integer> {
    @Mixin
    DbOptions db;

    @Option(names = "--format", paramLabel = "json|csv", defaultValue = "json",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            converter = FormatConverter.class)
    ExportFormat format;

    @Option(names = "--domain", paramLabel = "D", description = "Only reports about this policy domain.")
    String domain;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output.")
    Path output;

    @Spec
    CommandSpec spec;

    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<ExportFormat> {
        @Override
        public ExportFormat convert(String value) {
            return switch (value.toLowerCase(java.util.Locale.ROOT)) {
                case "json" -> ExportFormat.JSON;
                case "csv" -> ExportFormat.CSV;
                default -> throw new picocli.CommandLine.TypeConversionException(
                        "unknown format '" + value + "': use json or csv");
            };
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (db.missingSqliteFile()) {
            err.println("aligned export: no report store at " + db.display()
                    + ": import reports first (aligned import PATH...) or pass --db");
            return 1;
        }
        ExportQuery q = new ExportQuery(Optional.ofNullable(domain));
        try (ReportStore store = db.open()) {
            if (output == null) {
                Exporter.write(store, q, format, out);
                return 0;
            }
            long n;
            try (Writer w = new BufferedWriter(Files.newBufferedWriter(output, StandardCharsets.UTF_8))) {
                n = Exporter.write(store, q, format, w);
            }
            out.printf("Exported %,d record%s to %s%n", n, n == 1 ? "" : "s", output);
            return 0;
        } catch (StoreException e) {
            err.println("aligned export: " + e.getMessage());
            return 1;
        } catch (IOException | UncheckedIOException e) {
            err.println("aligned export: cannot write " + (output == null ? "output" : output) + ": " + e.getMessage());
            return 1;
        }
    }
}
