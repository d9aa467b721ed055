package dev.aligned.bench.analysis;

import dev.aligned.bench.report.SyntheticReports;
import dev.aligned.report.AggregateReport;
import dev.aligned.report.ReportResult;
import dev.aligned.server.analysis.Analysis;
import dev.aligned.server.analysis.Period;
import dev.aligned.store.Archived;
import dev.aligned.store.ReportStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Builds a store holding a synthetic year of aggregate reports for one domain and times the dashboard's
 * {@link Analysis} queries on it (p50/p95 over repeated calls, result cache off so every call runs its SQL).
 *
 * <pre>
 * # build (once; the database is reused by later runs and by the web page measurements)
 * java -cp aligned-bench/target/benchmarks.jar dev.aligned.bench.analysis.AnalysisLatency build \
 *      jdbc:sqlite:/var/tmp/aligned-bench/analysis-10m.db 10000000
 * # time
 * java -cp aligned-bench/target/benchmarks.jar dev.aligned.bench.analysis.AnalysisLatency time \
 *      jdbc:sqlite:/var/tmp/aligned-bench/analysis-10m.db 30
 * # the same database in PostgreSQL: schema by Flyway, rows copied table by table with COPY
 * java -cp aligned-bench/target/benchmarks.jar dev.aligned.bench.analysis.AnalysisLatency copy \
 *      jdbc:sqlite:/var/tmp/aligned-bench/analysis-10m.db 'jdbc:postgresql://127.0.0.1:55432/bench?user=aligned'
 * </pre>
 *
 * <p>{@code copy} takes an optional comma-separated list of tables (default all of {@link #TABLES}); the analysis
 * reads {@code reports}, {@code daily_totals}, {@code source_days} (since schema 11 a view of {@code source_day_counts} and
 * {@code source_shapes}), {@code dkim_selectors} and, for one source's
 * page, {@code record_packs} (schema 9: the records of a report and source IP, packed).
 *
 * <p>The reports come from {@link SyntheticReports} (seed 42, 5,000 records a report, domain
 * {@code bench.example}, days spread over 365 days from 2023-11-14). To keep the build short the harness stores
 * the generated report models directly ({@link ReportStore#store}) and archives a short marker in place of each
 * report's XML: the analysis never reads the archived bytes. Everything else (record packs, rollups) is
 * written exactly as an ingest writes it.
 */
public final class AnalysisLatency {
    static final String DOMAIN = "bench.example";
    static final int RECORDS_PER_REPORT = 5_000;
    /** The synthetic year: SyntheticReports' first day and the 365 days after it. */
    static final LocalDate FIRST = LocalDate.ofEpochDay(1_700_000_000L / 86_400);
    static final LocalDate LAST = FIRST.plusDays(364);

    private AnalysisLatency() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || !(args[0].equals("build") || args[0].equals("time") || args[0].equals("copy"))) {
            System.err.println("usage: AnalysisLatency build JDBC_URL [RECORDS] | time JDBC_URL [RUNS] "
                    + "| copy SQLITE_URL POSTGRESQL_URL [TABLE,...]");
            System.exit(2);
        }
        String url = args[1];
        if (args[0].equals("copy")) {
            copy(url, args[2], args.length > 3 ? List.of(args[3].split(",")) : TABLES);
        } else if (args[0].equals("build")) {
            build(url, args.length > 2 ? Long.parseLong(args[2]) : 10_000_000L);
        } else {
            time(url, args.length > 2 ? Integer.parseInt(args[2]) : 30);
        }
    }

    static void build(String url, long records) {
        long start = System.nanoTime();
        SyntheticReports gen = new SyntheticReports(42);
        long done = 0;
        int n = 0;
        try (ReportStore store = ReportStore.builder().url(url).build()) {
            while (done < records) {
                int size = (int) Math.min(RECORDS_PER_REPORT, records - done);
                AggregateReport r = gen.report(DOMAIN, size);
                Archived a = store.archive("synthetic/" + n, ("synthetic report " + n + " of seed 42")
                        .getBytes(StandardCharsets.US_ASCII));
                store.store(a, List.of(new ReportResult.Parsed("synthetic/" + n, r, List.of())));
                done += size;
                n++;
                if (n % 100 == 0) {
                    System.out.printf(Locale.ROOT, "%,d records in %,d reports, %.0f s%n", done, n,
                            (System.nanoTime() - start) / 1e9);
                }
            }
            System.out.printf(Locale.ROOT, "built %s: %,d records in %,d reports in %.0f s; %s%n", url, done, n,
                    (System.nanoTime() - start) / 1e9, store.stats());
        }
    }

    static void time(String url, int runs) {
        Clock clock = Clock.fixed(LAST.atTime(12, 0).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
        Period year = Period.lastDays(365, clock);
        Period month = Period.lastDays(30, clock);
        Period week = Period.lastDays(7, clock);
        Period other = Period.of(LAST.minusDays(44), LAST.minusDays(15)); // 30 days, no precomputed window
        try (Analysis a = Analysis.builder().url(url).clock(clock).cacheResults(false).build()) {
            System.out.printf(Locale.ROOT, "%s, %d runs each after 3 warm-up calls, result cache off%n", url, runs);
            long t0 = System.nanoTime();
            int computed = a.refreshWindows();
            System.out.printf(Locale.ROOT, "refreshWindows(): %d windows computed in %.1f s (after ingest, not per "
                    + "page view)%n", computed, (System.nanoTime() - t0) / 1e9);
            System.out.printf(Locale.ROOT, "domain volume %,d messages, %,d sources in 365 d, %,d in 30 d%n",
                    a.domain(DOMAIN, year).volume().messages(), a.domain(DOMAIN, year).sources(),
                    a.domain(DOMAIN, month).sources());
            Map<String, Supplier<Object>> queries = new LinkedHashMap<>();
            queries.put("overview(365 d)", () -> a.overview(year));
            queries.put("overview(30 d)", () -> a.overview(month));
            queries.put("domain(365 d)", () -> a.domain(DOMAIN, year));
            queries.put("domain(30 d)", () -> a.domain(DOMAIN, month));
            queries.put("sources(365 d)", () -> a.sources(DOMAIN, year));
            queries.put("sources(30 d)", () -> a.sources(DOMAIN, month));
            queries.put("sources(7 d)", () -> a.sources(DOMAIN, week));
            queries.put("readiness(30 d)", () -> a.readiness(DOMAIN, 30));
            queries.put("selectorsSeen", () -> a.selectorsSeen(DOMAIN));
            String topIp = a.sources(DOMAIN, year).rows().get(0).ip();
            queries.put("source(top IP, 30 d)", () -> a.source(DOMAIN, topIp, month));
            System.out.printf(Locale.ROOT, "%-26s %9s %9s %9s%n", "query", "p50 ms", "p95 ms", "max ms");
            for (Map.Entry<String, Supplier<Object>> q : queries.entrySet()) {
                System.out.println(line(q.getKey(), q.getValue(), runs));
            }
            int few = Math.max(3, runs / 10);
            System.out.println("without a precomputed window (grouped from source_days per call), " + few + " runs:");
            System.out.println(line("sources(30 d, other)", () -> a.sources(DOMAIN, other), few));
            System.out.println(line("domain(30 d, other)", () -> a.domain(DOMAIN, other), few));
        }
        try (Analysis a = Analysis.builder().url(url).clock(clock).build()) {
            System.out.println("result cache on (repeat views until the next report for the domain is stored):");
            System.out.println(line("sources(365 d) cached", () -> a.sources(DOMAIN, year), runs));
            System.out.println(line("sources(30 d) cached", () -> a.sources(DOMAIN, month), runs));
            System.out.println(line("domain(365 d) cached", () -> a.domain(DOMAIN, year), runs));
        }
        System.out.println("at " + Instant.now());
    }

    /** The tables a built database holds, in foreign-key order. */
    static final List<String> TABLES = List.of("blobs", "ingest_attempts", "ingest_errors", "reports", "record_packs",
            "failure_reports", "daily_totals", "source_shapes", "source_day_counts", "dkim_selectors",
            "source_reporters");

    /** Copies a built SQLite database into an empty PostgreSQL database (schema created by the store). */
    static void copy(String sqlite, String postgres, List<String> tables) throws Exception {
        ReportStore.builder().url(postgres).build().close();
        long start = System.nanoTime();
        try (java.sql.Connection from = java.sql.DriverManager.getConnection(sqlite);
             java.sql.Connection to = java.sql.DriverManager.getConnection(postgres)) {
            org.postgresql.copy.CopyManager copy = to.unwrap(org.postgresql.PGConnection.class).getCopyAPI();
            for (String table : TABLES) {
                if (!tables.contains(table)) {
                    System.out.printf(Locale.ROOT, "%-16s not copied%n", table);
                    continue;
                }
                long rows = 0;
                try (java.sql.Statement st = from.createStatement();
                     java.sql.ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
                    int n = rs.getMetaData().getColumnCount();
                    List<String> cols = new java.util.ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        cols.add(rs.getMetaData().getColumnName(i));
                    }
                    org.postgresql.copy.CopyIn in = copy.copyIn("COPY " + table + " (" + String.join(", ", cols)
                            + ") FROM STDIN");
                    StringBuilder sb = new StringBuilder(1 << 20);
                    while (rs.next()) {
                        for (int i = 1; i <= n; i++) {
                            if (i > 1) {
                                sb.append('\t');
                            }
                            Object v = rs.getObject(i);
                            if (v == null) {
                                sb.append("\\N");
                            } else if (v instanceof byte[] b) {
                                sb.append("\\\\x").append(java.util.HexFormat.of().formatHex(b));
                            } else {
                                String t = v.toString();
                                for (int k = 0; k < t.length(); k++) {
                                    char c = t.charAt(k);
                                    switch (c) {
                                        case '\\' -> sb.append("\\\\");
                                        case '\t' -> sb.append("\\t");
                                        case '\n' -> sb.append("\\n");
                                        case '\r' -> sb.append("\\r");
                                        default -> sb.append(c);
                                    }
                                }
                            }
                        }
                        sb.append('\n');
                        rows++;
                        if (sb.length() > (1 << 20)) {
                            byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
                            in.writeToCopy(bytes, 0, bytes.length);
                            sb.setLength(0);
                        }
                    }
                    byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
                    in.writeToCopy(bytes, 0, bytes.length);
                    in.endCopy();
                }
                System.out.printf(Locale.ROOT, "%-16s %,12d rows, %.0f s%n", table, rows,
                        (System.nanoTime() - start) / 1e9);
            }
            try (java.sql.Statement st = to.createStatement()) {
                for (String t : List.of("reports", "ingest_attempts", "failure_reports")) {
                    st.execute("SELECT setval(pg_get_serial_sequence('" + t + "', 'id'), "
                            + "COALESCE((SELECT MAX(id) FROM " + t + "), 0) + 1, false)");
                }
                st.execute("ANALYZE");
            }
        }
        System.out.printf(Locale.ROOT, "copied %s to %s in %.0f s%n", sqlite, postgres.replaceAll("\\?.*", ""),
                (System.nanoTime() - start) / 1e9);
    }

    static String line(String name, Supplier<Object> q, int runs) {
        for (int i = 0; i < 3; i++) {
            q.get();
        }
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            q.get();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return String.format(Locale.ROOT, "%-26s %9.1f %9.1f %9.1f", name, pct(ms, 50), pct(ms, 95), ms[ms.length - 1]);
    }

    static double pct(double[] sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
