package dev.aligned.bench.store;

import dev.aligned.bench.report.SyntheticReports;
import dev.aligned.report.AggregateReport;
import dev.aligned.report.ReportReader;
import dev.aligned.report.ReportResult;
import dev.aligned.store.IngestResult;
import dev.aligned.store.Ingestor;
import dev.aligned.store.ReportStore;
import dev.aligned.store.testing.PostgresServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Import throughput of the report store next to parse-only throughput, in one JVM: a synthetic year of a large
 * sender ({@link SyntheticReports}, gzip-compressed RFC 9990 reports of {@code --per-report} records) is parsed
 * only ({@link ReportReader}, the model built as the {@link Ingestor} builds it), then imported through the
 * {@link Ingestor} into a fresh SQLite file and into a fresh database of a PostgreSQL started for the run (fsync
 * on), then parsed only again. Prints records/s for each, the store/parse ratio, heap-after-GC and RSS samples
 * at every tenth of each import, and the size on disk per million records. With {@code --peer DIR} a subset is
 * written as e-mails (RFC 7489 XML, gzip attachment) for Mail::DMARC's {@code dmarc_receive} and imported by
 * Aligned into SQLite for the side-by-side; {@code aligned-bench/peers/store_maildmarc.pl} imports the same files.
 *
 * <pre>
 * ./mvnw -B -pl aligned-bench -am package -DskipTests
 * java -Xmx1g -cp aligned-bench/target/benchmarks.jar dev.aligned.bench.store.StoreImportBench \
 *      --records 10000000 --per-report 5000 --dir /tmp/aligned-store-bench --peer-reports 4 [--pg-shared-buffers 2GB]
 * </pre>
 */
public final class StoreImportBench {
    private static final String DOMAIN = "example.com";

    private long records = 10_000_000;
    private int perReport = 5_000;
    private Path dir = Path.of(System.getProperty("java.io.tmpdir"), "aligned-store-bench");
    private int peerReports = 4;
    private boolean sqlite = true;
    private boolean postgres = true;
    private boolean pgWithoutForeignKeys;
    private boolean pipeline = true;
    private String pgSharedBuffers = "128MB";

    private StoreImportBench() {
    }

    public static void main(String[] args) throws Exception {
        StoreImportBench b = new StoreImportBench();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--records" -> b.records = Long.parseLong(args[++i].replace("_", ""));
                case "--per-report" -> b.perReport = Integer.parseInt(args[++i]);
                case "--dir" -> b.dir = Path.of(args[++i]);
                case "--peer-reports" -> b.peerReports = Integer.parseInt(args[++i]);
                case "--no-sqlite" -> b.sqlite = false;
                case "--no-postgres" -> b.postgres = false;
                case "--pg-without-foreign-keys" -> b.pgWithoutForeignKeys = true; // what-if: RI trigger cost
                case "--pg-shared-buffers" -> b.pgSharedBuffers = args[++i]; // e.g. 2GB, as a production server
                case "--sequential" -> b.pipeline = false; // Ingestor.ingest file by file, no parse/store overlap
                default -> {
                    System.err.println("usage: StoreImportBench [--records N] [--per-report N] [--dir DIR] "
                            + "[--peer-reports N] [--no-sqlite] [--no-postgres] [--sequential]");
                    System.exit(2);
                }
            }
        }
        b.run();
    }

    /** What one pass over the inputs measured. */
    record Pass(String name, long records, long reports, double seconds, double cpuSeconds, List<String> memory) {
        double recordsPerSecond() {
            return records / seconds;
        }

        /** CPU microseconds per record: this JVM's threads, plus the PostgreSQL server's processes for its import. */
        double cpuMicrosPerRecord() {
            return cpuSeconds * 1e6 / records;
        }
    }

    /** CPU time of this process so far (all its threads: parsing, storing, GC, JIT). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private void run() throws Exception {
        List<Path> inputs = generate();
        System.out.printf(Locale.ROOT, "%,d reports of %,d records (%,d records), %.1f MB gzip, in %s%n",
                inputs.size(), perReport, (long) inputs.size() * perReport, bytes(inputs) / 1e6, dir.resolve("reports"));
        System.out.printf(Locale.ROOT, "JVM %s, max heap %d MB, %d CPUs%n", System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());
        ReportReader reader = ReportReader.create();
        for (int w = 0; w < 3; w++) { // warm-up: the parser's code compiled before anything is timed
            for (Path p : inputs.subList(0, Math.min(10, inputs.size()))) {
                parse(reader, p);
            }
        }
        List<Pass> passes = new ArrayList<>();
        passes.add(report(parseOnly(reader, inputs, "parse only (1)")));
        if (sqlite) {
            Path db = dir.resolve("sqlite/aligned.db");
            deleteTree(db.getParent());
            String url = "jdbc:sqlite:" + db;
            Pass p = report(importInto(url, inputs, "import SQLite", () -> 0L));
            passes.add(p);
            long size = 0;
            try (Stream<Path> s = Files.list(db.getParent())) {
                for (Path f : s.toList()) {
                    size += Files.size(f);
                }
            }
            System.out.printf(Locale.ROOT, "  SQLite on disk: %.1f MB (%.1f MB per million records)%n", size / 1e6,
                    size / 1e6 / (p.records() / 1e6));
        }
        if (postgres) {
            Path bin = PostgresServer.findBinaries().orElseThrow(() -> new IllegalStateException(
                    "PostgreSQL is not installed: apt-get install postgresql, or run with --no-postgres"));
            try (PostgresServer pg = PostgresServer.startDurable(bin, List.of("shared_buffers=" + pgSharedBuffers))) {
                String url = pg.createDatabase();
                System.out.println("PostgreSQL 15, fsync on, shared_buffers=" + pgSharedBuffers);
                if (pgWithoutForeignKeys) {
                    ReportStore.builder().url(url).build().close(); // migrate, then drop the record-level FKs
                    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                        List<String> drops = new ArrayList<>();
                        try (ResultSet rs = s.executeQuery("SELECT conrelid::regclass, conname FROM pg_constraint "
                                + "WHERE contype = 'f' AND conrelid::regclass::text IN ('record_packs')")) {
                            while (rs.next()) {
                                drops.add("ALTER TABLE " + rs.getString(1) + " DROP CONSTRAINT " + rs.getString(2));
                            }
                        }
                        for (String d : drops) {
                            System.out.println("  what-if: " + d);
                            s.execute(d);
                        }
                    }
                }
                Pass p = report(importInto(url, inputs, pgWithoutForeignKeys ? "import PG (no FKs)" : "import PostgreSQL",
                        pg::cpuNanos));
                passes.add(p);
                try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                    s.execute("VACUUM ANALYZE");
                    try (ResultSet rs = s.executeQuery("SELECT pg_database_size(current_database())")) {
                        rs.next();
                        long size = rs.getLong(1);
                        System.out.printf(Locale.ROOT, "  PostgreSQL on disk: %.1f MB (%.1f MB per million records)%n",
                                size / 1e6, size / 1e6 / (p.records() / 1e6));
                    }
                    try (ResultSet rs = s.executeQuery("SELECT relname, pg_total_relation_size(oid) FROM pg_class "
                            + "WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY 2 DESC LIMIT 5")) {
                        StringBuilder t = new StringBuilder("  largest tables:");
                        while (rs.next()) {
                            t.append(String.format(Locale.ROOT, " %s %.1f MB;", rs.getString(1), rs.getLong(2) / 1e6));
                        }
                        System.out.println(t);
                    }
                }
            }
        }
        passes.add(report(parseOnly(reader, inputs, "parse only (2)")));
        double parse = (passes.get(0).recordsPerSecond() + passes.get(passes.size() - 1).recordsPerSecond()) / 2;
        System.out.println();
        System.out.printf(Locale.ROOT, "%-20s %14s %10s%n", "pass", "records/s", "vs parse");
        for (Pass p : passes) {
            System.out.printf(Locale.ROOT, "%-20s %,14.0f %9.0f%%%n", p.name(), p.recordsPerSecond(),
                    100 * p.recordsPerSecond() / parse);
        }
        // The same passes by CPU time, which a busy machine inflates far less than wall time: what storing costs
        // beyond parsing (import minus parse-only, per record) against what parsing costs.
        double parseCpu = (passes.get(0).cpuMicrosPerRecord() + passes.get(passes.size() - 1).cpuMicrosPerRecord()) / 2;
        System.out.println();
        System.out.printf(Locale.ROOT, "%-20s %14s %18s%n", "pass", "CPU us/record", "store / parse CPU");
        for (Pass p : passes) {
            boolean imp = p.name().startsWith("import");
            System.out.printf(Locale.ROOT, "%-20s %14.2f %18s%n", p.name(), p.cpuMicrosPerRecord(),
                    imp ? String.format(Locale.ROOT, "%.2f", (p.cpuMicrosPerRecord() - parseCpu) / parseCpu) : "");
        }
        if (peerReports > 0) {
            peer(inputs.subList(0, Math.min(peerReports, inputs.size())));
        }
    }

    private static long bytes(List<Path> files) throws IOException {
        long n = 0;
        for (Path f : files) {
            n += Files.size(f);
        }
        return n;
    }

    /** Writes the inputs once; a second run with the same parameters reuses them. */
    private List<Path> generate() throws IOException {
        Path out = dir.resolve("reports");
        Path marker = out.resolve("PARAMS");
        String params = records + " " + perReport + " seed 42 generator 2\n";
        int count = (int) ((records + perReport - 1) / perReport);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            files.add(out.resolve(String.format("r%06d.xml.gz", i)));
        }
        if (Files.exists(marker) && Files.readString(marker).equals(params)) {
            return files;
        }
        deleteTree(out);
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        SyntheticReports gen = new SyntheticReports(42);
        for (int i = 0; i < count; i++) {
            int n = (int) Math.min(perReport, records - (long) i * perReport);
            Files.write(files.get(i), SyntheticReports.gzip(gen.report(DOMAIN, n)));
        }
        Files.writeString(marker, params);
        System.out.printf(Locale.ROOT, "generated %,d reports in %.0f s%n", count, (System.nanoTime() - t0) / 1e9);
        return files;
    }

    private static long parse(ReportReader reader, Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long n = 0;
        for (ReportResult r : reader.read(file.toString(), new ByteArrayInputStream(bytes))) {
            if (r instanceof ReportResult.Parsed p && p.report() instanceof AggregateReport a) {
                n += a.records().size();
            } else {
                throw new IllegalStateException(file + ": not parsed: " + r);
            }
        }
        return n;
    }

    private Pass parseOnly(ReportReader reader, List<Path> inputs, String name) throws IOException {
        List<String> memory = new ArrayList<>();
        long nanos = 0;
        long cpu = 0;
        long recs = 0;
        for (int i = 0; i < inputs.size(); i++) {
            long c = processCpuNanos();
            long t = System.nanoTime();
            recs += parse(reader, inputs.get(i));
            nanos += System.nanoTime() - t;
            cpu += processCpuNanos() - c;
            sample(memory, i, inputs.size(), name, recs, nanos);
        }
        return new Pass(name, recs, inputs.size(), nanos / 1e9, cpu / 1e9, memory);
    }

    private Pass importInto(String url, List<Path> inputs, String name, java.util.function.LongSupplier serverCpu) {
        List<String> memory = new ArrayList<>();
        long nanos = 0;
        long cpu = 0;
        long recs = 0;
        try (ReportStore store = ReportStore.builder().url(url).build()) {
            Ingestor ingestor = Ingestor.builder(store).build();
            if (pipeline) { // as `aligned import` does: parse the next file while this one is stored
                long[] acc = {0, 0, 0, 0}; // records, files, nanos and CPU nanos spent sampling (untimed)
                long c0 = processCpuNanos() + serverCpu.getAsLong();
                long t0 = System.nanoTime();
                ingestor.ingestAll(inputs, r -> {
                    if (r.newReports() != 1) {
                        throw new IllegalStateException(r.source() + ": not stored: " + r);
                    }
                    acc[0] += r.records();
                    long sc = processCpuNanos();
                    long s = System.nanoTime();
                    sample(memory, (int) acc[1]++, inputs.size(), name, acc[0], s - t0 - acc[2]);
                    acc[2] += System.nanoTime() - s;
                    acc[3] += processCpuNanos() - sc;
                });
                nanos = System.nanoTime() - t0 - acc[2];
                cpu = processCpuNanos() + serverCpu.getAsLong() - c0 - acc[3];
                recs = acc[0];
            } else {
                for (int i = 0; i < inputs.size(); i++) {
                    long c = processCpuNanos() + serverCpu.getAsLong();
                    long t = System.nanoTime();
                    IngestResult r = ingestor.ingest(inputs.get(i));
                    nanos += System.nanoTime() - t;
                    cpu += processCpuNanos() + serverCpu.getAsLong() - c;
                    if (r.newReports() != 1) {
                        throw new IllegalStateException(inputs.get(i) + ": not stored: " + r);
                    }
                    recs += r.records();
                    sample(memory, i, inputs.size(), name, recs, nanos);
                }
            }
            long stored = store.stats().records();
            if (stored != recs) {
                throw new IllegalStateException("stored " + stored + " records, expected " + recs);
            }
        }
        return new Pass(name, recs, inputs.size(), nanos / 1e9, cpu / 1e9, memory);
    }

    /** At every tenth of a pass (untimed): heap used after a full GC, and the process's resident set. */
    private static void sample(List<String> memory, int i, int total, String name, long recs, long nanos) {
        if ((i + 1) % Math.max(1, total / 10) != 0 && i + 1 != total) {
            return;
        }
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        memory.add(String.format(Locale.ROOT, "%d/%d", heap >> 20, rssMb()));
        System.out.printf(Locale.ROOT, "    %s: %,d of %,d reports, %,d records, %,.0f records/s so far, heap %d MB, "
                + "RSS %d MB, load %.1f%n", name, i + 1, total, recs, recs / (nanos / 1e9), heap >> 20, rssMb(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.flush();
    }

    private static long rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) >> 10;
                }
            }
        } catch (IOException e) {
            // not Linux: no RSS figure
        }
        return -1;
    }

    private static Pass report(Pass p) {
        System.out.printf(Locale.ROOT, "%-20s %,d records in %,d reports: %.1f s, %,.0f records/s, CPU %.1f s%n",
                p.name(), p.records(), p.reports(), p.seconds(), p.recordsPerSecond(), p.cpuSeconds());
        System.out.println("  heap after GC / RSS (MB) at each tenth: " + String.join(" ", p.memory()));
        return p;
    }

    /** The side-by-side: e-mails for Mail::DMARC, and Aligned importing the same e-mails into SQLite. */
    private void peer(List<Path> inputs) throws Exception {
        Path mail = dir.resolve("peer/mail");
        deleteTree(mail.getParent());
        Files.createDirectories(mail);
        List<Path> emails = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            byte[] xml;
            try (InputStream in = new GZIPInputStream(Files.newInputStream(inputs.get(i)))) {
                xml = in.readAllBytes();
            }
            // RFC 7489 format (no namespace): Mail::DMARC's XPath queries do not match a namespaced document
            String s = new String(xml, StandardCharsets.UTF_8).replaceFirst(" xmlns=\"[^\"]*\"", "");
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
                g.write(s.getBytes(StandardCharsets.UTF_8));
            }
            Path eml = mail.resolve(String.format("m%04d.eml", i));
            Files.writeString(eml, email(i, gz.toByteArray()), StandardCharsets.US_ASCII);
            emails.add(eml);
        }
        Path db = dir.resolve("peer/aligned/aligned.db");
        Pass p = report(importInto("jdbc:sqlite:" + db, emails, "Aligned e-mails", () -> 0L));
        System.out.printf(Locale.ROOT, "peer input: %d e-mails in %s (%,d records); Aligned imported them into SQLite at "
                + "%,.0f records/s%n", emails.size(), mail, p.records(), p.recordsPerSecond());
        System.out.println("now run: perl aligned-bench/peers/store_maildmarc.pl " + mail + " "
                + dir.resolve("peer/maildmarc"));
    }

    private static String email(int i, byte[] gzip) {
        String b64 = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(gzip);
        String name = "google.com!" + DOMAIN + "!" + (1_700_000_000L + i) + "!" + (1_700_086_399L + i) + ".xml.gz";
        return "From: noreply-dmarc-support@google.com\r\nTo: dmarc@" + DOMAIN + "\r\n"
                + "Subject: Report domain: " + DOMAIN + " Submitter: google.com Report-ID: <" + i + ">\r\n"
                + "Date: Tue, 14 Nov 2023 00:00:00 +0000\r\nMessage-ID: <bench-" + i + "@google.com>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
                + "--b\r\nContent-Type: text/plain\r\n\r\nDMARC aggregate report.\r\n"
                + "--b\r\nContent-Type: application/gzip; name=\"" + name + "\"\r\n"
                + "Content-Disposition: attachment; filename=\"" + name + "\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n" + b64 + "\r\n--b--\r\n";
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
