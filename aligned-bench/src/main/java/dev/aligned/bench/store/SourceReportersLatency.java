package dev.aligned.bench.store;

import dev.aligned.store.Ingestor;
import dev.aligned.store.ReportStore;
import dev.aligned.store.SourceReporters;
import dev.aligned.store.testing.TestReports;
import dev.aligned.store.testing.TestReports.Rec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Latency of the source page's reporters for an IP with many reports (schema 10: read from the IP's record packs
 * joined with their reports, {@link SourceReporters}) next to the query of schema 7-9 (a range of the
 * {@code source_reporters} rows import used to upsert), on one SQLite store: {@code --orgs} reporters each send one
 * report a day for {@code --days} days, each with a record of the busy IP among {@code --records} records of a pool
 * of 5,000 addresses. The schema-9 table is rebuilt beside it ({@code source_reporters_v9}, {@code WITHOUT ROWID},
 * grouped from the packs as import wrote it). Prints p50 and max over {@code --runs} warm runs (one connection with
 * the analysis stage's 64 MB page cache), for the whole period and its last 30 days, and the CPU time of the runs.
 *
 * <pre>
 * java -cp aligned-bench/target/benchmarks.jar dev.aligned.bench.store.SourceReportersLatency \
 *      --orgs 30 --days 365 --records 20 --dir /tmp/aligned-reporters-bench
 * </pre>
 */
public final class SourceReportersLatency {
    private static final String DOMAIN = "example.com";
    private static final String BUSY = "192.0.2.1";
    private static final long BEGIN = 1704067200L; // 2024-01-01T00:00:00Z

    private SourceReportersLatency() {
    }

    public static void main(String[] args) throws Exception {
        int orgs = 30;
        int days = 365;
        int records = 20;
        int runs = 50;
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "aligned-reporters-bench");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--orgs" -> orgs = Integer.parseInt(args[++i]);
                case "--days" -> days = Integer.parseInt(args[++i]);
                case "--records" -> records = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: SourceReportersLatency [--orgs N] [--days N] [--records N] [--runs N] "
                            + "[--dir DIR]");
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(dir);
        Path db = dir.resolve("reporters.db");
        for (String suffix : List.of("", "-wal", "-shm")) {
            Files.deleteIfExists(Path.of(db + suffix));
        }
        String url = "jdbc:sqlite:" + db;
        long start = System.nanoTime();
        SplittableRandom random = new SplittableRandom(7);
        Path files = dir.resolve("reports");
        Files.createDirectories(files);
        List<Path> paths = new ArrayList<>(orgs * days);
        for (int d = 0; d < days; d++) {
            for (int o = 0; o < orgs; o++) {
                List<Rec> recs = new ArrayList<>(records);
                recs.add(new Rec(BUSY, 1 + random.nextInt(1000), "none", "pass", "pass"));
                for (int k = 1; k < records; k++) {
                    int a = random.nextInt(5000);
                    recs.add(new Rec("198.51." + (a / 250) + "." + (a % 250), 1 + random.nextInt(50), "none",
                            "fail", "pass"));
                }
                long begin = BEGIN + d * 86400L;
                Path f = files.resolve("r" + d + "-" + o + ".xml");
                Files.write(f, TestReports.utf8(TestReports.xml("org" + o + ".example", "r-" + d + "-" + o, DOMAIN,
                        begin, begin + 86399, recs)));
                paths.add(f);
            }
        }
        try (ReportStore store = ReportStore.builder().url(url).build()) {
            long[] stored = {0};
            Ingestor.builder(store).build().ingestAll(paths, r -> stored[0] += r.newReports());
            if (stored[0] != paths.size()) {
                throw new IllegalStateException(stored[0] + " of " + paths.size() + " reports stored");
            }
        }
        System.out.printf(Locale.ROOT, "built %d reports of %d records in %.1f s%n", orgs * days, records,
                (System.nanoTime() - start) / 1e9);
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("PRAGMA cache_size = -64000"); // as the analysis stage's connections (64 MB)
            st.execute("CREATE TABLE source_reporters_v9 (domain TEXT NOT NULL, day INTEGER NOT NULL, source_ip TEXT "
                    + "NOT NULL, org_name TEXT NOT NULL, reports BIGINT NOT NULL, messages BIGINT NOT NULL, "
                    + "PRIMARY KEY (domain, source_ip, day, org_name)) WITHOUT ROWID");
            st.execute("INSERT INTO source_reporters_v9 SELECT p.domain, p.day, p.source_ip, r.org_name, COUNT(*), "
                    + "SUM(p.messages) FROM record_packs p JOIN reports r ON r.id = p.report_id WHERE r.in_rollups = 1 "
                    + "GROUP BY p.domain, p.source_ip, p.day, r.org_name");
            long first = LocalDate.ofEpochDay(BEGIN / 86400).toEpochDay();
            long last = first + days - 1;
            for (long from : new long[] {first, Math.max(first, last - 29)}) {
                String period = (last - from + 1) + " days";
                List<SourceReporters.Row> now = SourceReporters.read(c, DOMAIN, BUSY, from, last, 500);
                List<SourceReporters.Row> before = v9(c, from, last);
                if (!now.equals(before)) {
                    throw new IllegalStateException("different reporters: " + now + " vs " + before);
                }
                long[] a = new long[runs];
                long[] b = new long[runs];
                long cpuA = 0;
                long cpuB = 0;
                java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
                for (int i = 0; i < runs; i++) {
                    long c0 = mx.getCurrentThreadCpuTime();
                    long t0 = System.nanoTime();
                    SourceReporters.read(c, DOMAIN, BUSY, from, last, 500);
                    long t1 = System.nanoTime();
                    long c1 = mx.getCurrentThreadCpuTime();
                    v9(c, from, last);
                    a[i] = t1 - t0;
                    b[i] = System.nanoTime() - t1;
                    cpuA += c1 - c0;
                    cpuB += mx.getCurrentThreadCpuTime() - c1;
                }
                System.out.printf(Locale.ROOT, "%-9s %3d reporters, %6d reports: packs + table p50 %6.2f ms max %6.2f "
                        + "CPU %6.2f ms | schema-9 table p50 %6.2f ms max %6.2f CPU %6.2f ms%n", period, now.size(),
                        now.stream().mapToLong(SourceReporters.Row::reports).sum(), p50(a), max(a),
                        cpuA / 1e6 / runs, p50(b), max(b), cpuB / 1e6 / runs);
            }
        }
    }

    private static List<SourceReporters.Row> v9(Connection c, long from, long to) throws Exception {
        List<SourceReporters.Row> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT org_name, SUM(reports), SUM(messages) "
                + "FROM source_reporters_v9 WHERE domain = ? AND source_ip = ? AND day BETWEEN ? AND ? "
                + "GROUP BY org_name ORDER BY 3 DESC, 1 LIMIT 500")) {
            ps.setString(1, DOMAIN);
            ps.setString(2, BUSY);
            ps.setLong(3, from);
            ps.setLong(4, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new SourceReporters.Row(rs.getString(1), rs.getLong(2), rs.getLong(3)));
                }
            }
        }
        return out;
    }

    private static double p50(long[] ns) {
        long[] s = ns.clone();
        Arrays.sort(s);
        return s[s.length / 2] / 1e6;
    }

    private static double max(long[] ns) {
        return Arrays.stream(ns).max().orElse(0) / 1e6;
    }
}
