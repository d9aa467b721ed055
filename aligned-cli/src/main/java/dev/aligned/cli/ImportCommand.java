package dev.aligned.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aligned.store.Ingestor;
import dev.aligned.store.ReportOutcome;
import dev.aligned.store.ReportStore;
import dev.aligned.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code aligned import PATH...}: stores report files, directories, mbox files and Maildirs exactly once. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Import DMARC reports into the report store, each exactly once.",
                "PATH is a file (xml, gz, zip, eml, mbox) or a directory, read recursively (Maildirs included). "
                        + "The original bytes are archived before parsing; re-running skips what is stored and "
                        + "parses again what failed before."},
        footer = {"", "Exit status: 0 all imported (or already stored), 1 some input failed or the store failed, "
                + "2 usage error."})
final class ImportCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or directories to import.")
    List<Path> paths;

    @Mixin
    DbOptions db;

    @Option(names = "--json", description = "Print the summary as one JSON object.")
    boolean json;

    @Spec
    CommandSpec spec;

    /** Shows a progress line; by default only when stdout/stderr are a terminal. */
    boolean progress = System.console() != null;

    private long fresh;
    private long duplicate;
    private long flagged;
    private long records;
    private final List<ReportOutcome.Failed> failures = new ArrayList<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.exists(p)) {
                failures.add(new ReportOutcome.Failed(p.toString(), p + ": no such file or directory"));
            } else if (Files.isDirectory(p)) {
                try {
                    collect(p, files);
                } catch (IOException | UncheckedIOException e) {
                    failures.add(new ReportOutcome.Failed(p.toString(), p + ": cannot list directory: " + e.getMessage()));
                }
            } else {
                files.add(p);
            }
        }
        try (ReportStore store = db.open()) {
            Ingestor ingestor = Ingestor.builder(store).build();
            Progress bar = new Progress(err, files.size(), progress);
            ingestor.ingestAll(files, r -> { // parses the next file while this one is stored
                for (ReportOutcome o : r.outcomes()) {
                    switch (o) {
                        case ReportOutcome.New n -> fresh++;
                        case ReportOutcome.Conflict c -> {
                            fresh++;
                            flagged++;
                        }
                        case ReportOutcome.Duplicate d -> duplicate++;
                        case ReportOutcome.Failed x -> failures.add(x);
                    }
                }
                records += r.records();
                bar.step(fresh, duplicate, failures.size(), records);
            });
            bar.done();
        } catch (StoreException e) {
            err.println("aligned import: " + e.getMessage());
            err.println("Check --db (" + db.display() + ") and that the database is reachable.");
            return 1;
        }
        if (json) {
            printJson(out);
        } else {
            printHuman(out, files.size());
        }
        out.flush();
        return failures.isEmpty() ? 0 : 1;
    }

    private static void collect(Path dir, List<Path> files) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isRegularFile).filter(ImportCommand::wanted).sorted().forEach(files::add);
        }
    }

    /** Skips hidden files, Maildir bookkeeping, and messages still being delivered (Maildir {@code tmp/}). */
    static boolean wanted(Path file) {
        return dev.aligned.server.ingest.DirectorySource.wanted(file);
    }

    private void printJson(PrintWriter out) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode();
        o.put("new", fresh);
        o.put("duplicate", duplicate);
        o.put("failed", failures.size());
        o.put("records", records);
        ArrayNode f = o.putArray("failures");
        for (ReportOutcome.Failed x : failures) {
            f.addObject().put("source", x.source()).put("error", x.error());
        }
        out.println(o.toString());
    }

    private void printHuman(PrintWriter out, int fileCount) {
        out.printf("Imported %d file%s into %s%n", fileCount, fileCount == 1 ? "" : "s", db.display());
        out.printf("  new        %,d report%s (%,d records)%n", fresh, fresh == 1 ? "" : "s", records);
        out.printf("  duplicate  %,d (already stored)%n", duplicate);
        out.printf("  failed     %,d%n", failures.size());
        for (ReportOutcome.Failed x : failures) {
            out.println("    " + x.error().replace("\n", " "));
        }
        if (flagged > 0) {
            out.printf("  flagged    %,d new report%s reuse%s a report id with different content (kept and flagged)%n",
                    flagged, flagged == 1 ? "" : "s", flagged == 1 ? "s" : "");
        }
        if (!failures.isEmpty()) {
            out.println("Failed inputs are kept in the store with their error; fix or upgrade, then import again.");
        } else {
            out.println("Next: aligned export --format csv" + (db.db == null ? "" : " --db " + db.db));
        }
    }

    /** A one-line progress display on a terminal: files, reports, records, rate and ETA. Silent otherwise. */
    static final class Progress {
        private final PrintWriter err;
        private final int total;
        private final boolean enabled;
        private final long start = System.nanoTime();
        private long lastPrint;
        private int done;

        Progress(PrintWriter err, int total, boolean enabled) {
            this.err = err;
            this.total = total;
            this.enabled = enabled;
        }

        void step(long fresh, long dup, long failed, long records) {
            done++;
            if (!enabled) {
                return;
            }
            long now = System.nanoTime();
            if (now - lastPrint < 200_000_000L && done < total) {
                return;
            }
            lastPrint = now;
            double secs = Math.max(1e-3, (now - start) / 1e9);
            double rate = done / secs;
            long eta = rate > 0 ? (long) ((total - done) / rate) : 0;
            err.printf("\r%,d/%,d files  %,d new  %,d dup  %,d failed  %,d records  %.1f files/s  ETA %d:%02d ",
                    done, total, fresh, dup, failed, records, rate, eta / 60, eta % 60);
            err.flush();
        }

        void done() {
            if (enabled && done > 0) {
                err.print("\r\033[K");
                err.flush();
            }
        }
    }
}
