package dev.aligned.bench.store;

import dev.aligned.bench.report.SyntheticReports;
import dev.aligned.report.AggregateReport;
import dev.aligned.report.DkimAuthResult;
import dev.aligned.report.ReportReader;
import dev.aligned.report.ReportRecord;
import dev.aligned.report.ReportResult;
import dev.aligned.report.SpfAuthResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The physical floor under {@link StoreImportBench}: how fast SQLite alone takes the rows a row-per-record layout
 * must write, next to parse-only throughput of the same input in the same JVM. No store code runs: the parsed
 * records are bound straight into bare tables (WAL, {@code synchronous=FULL}, one transaction per 100,000 records,
 * batches of one report), in four layouts of increasing cost:
 * <ol>
 *   <li>{@code records} only (a {@code WITHOUT ROWID} table keyed by report and sequence);</li>
 *   <li>plus the source index the dashboard's source page needs ({@code domain, source_ip, day, report_id, seq});</li>
 *   <li>plus one {@code auth_results} row per DKIM and SPF result;</li>
 *   <li>the records packed: one row per report with its records as one blob, and one narrow row per distinct
 *       source of the report for the source index.</li>
 * </ol>
 * Only the inserts and commits are timed; each report is parsed untimed just before its rows are written.
 *
 * <pre>{@code
 * java -cp aligned-bench/target/benchmarks.jar dev.aligned.bench.store.RecordInsertFloor 300000 /tmp/floor
 * }</pre>
 */
public final class RecordInsertFloor {
    private static final String DOMAIN = "example.com";
    private static final int PER_REPORT = 5000;
    private static final int PER_TRANSACTION = 100_000;

    private RecordInsertFloor() {
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
        Path dir = Path.of(args.length > 1 ? args[1] : "/tmp/aligned-floor");
        Files.createDirectories(dir);
        SyntheticReports gen = new SyntheticReports(42);
        List<byte[]> inputs = new ArrayList<>();
        for (int left = records; left > 0; left -= PER_REPORT) {
            inputs.add(SyntheticReports.gzip(gen.report(DOMAIN, Math.min(PER_REPORT, left))));
        }
        ReportReader reader = ReportReader.create();
        parseOnly(reader, inputs); // warm-up
        double parse1 = parseOnly(reader, inputs);
        double[] rates = new double[Layout.values().length];
        for (Layout layout : Layout.values()) {
            rates[layout.ordinal()] = insert(reader, inputs, layout, dir.resolve("floor-" + layout.ordinal() + ".db"));
        }
        double parse2 = parseOnly(reader, inputs);
        double parse = (parse1 + parse2) / 2;
        System.out.printf(Locale.ROOT, "%-44s %,10.0f / %,.0f records/s%n", "parse only", parse1, parse2);
        for (Layout layout : Layout.values()) {
            double rate = rates[layout.ordinal()];
            // store and parse in sequence on one thread: import = 1 / (1/parse + 1/store)
            double importRate = 1 / (1 / parse + 1 / rate);
            System.out.printf(Locale.ROOT, "%-44s %,10.0f records/s  store/parse time %4.2f, import at best %3.0f%% "
                    + "of parse%n", layout.label, rate, parse / rate, 100 * importRate / parse);
        }
    }

    private enum Layout {
        RECORDS("records only"),
        RECORDS_INDEX("records + source index"),
        RECORDS_INDEX_AUTH("records + source index + auth_results"),
        PACKED("packed: a blob per report + a row per source");

        final String label;

        Layout(String label) {
            this.label = label;
        }
    }

    private static AggregateReport parse(ReportReader reader, byte[] gzip) throws IOException {
        for (ReportResult r : reader.read("floor", new ByteArrayInputStream(gzip))) {
            if (r instanceof ReportResult.Parsed p && p.report() instanceof AggregateReport a) {
                return a;
            }
            throw new IllegalStateException("not parsed: " + r);
        }
        throw new IllegalStateException("no report");
    }

    private static double parseOnly(ReportReader reader, List<byte[]> inputs) throws IOException {
        long n = 0;
        long t = System.nanoTime();
        for (byte[] in : inputs) {
            n += parse(reader, in).records().size();
        }
        return n / ((System.nanoTime() - t) / 1e9);
    }

    private static double insert(ReportReader reader, List<byte[]> inputs, Layout layout, Path file)
            throws IOException, SQLException {
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(Path.of(file + suffix));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA cache_size=-32768");
                if (layout == Layout.PACKED) {
                    s.execute("CREATE TABLE report_records (report_id INTEGER PRIMARY KEY, domain TEXT NOT NULL, "
                            + "day INTEGER NOT NULL, n INTEGER NOT NULL, data BLOB NOT NULL)");
                    s.execute("CREATE TABLE source_reports (domain TEXT NOT NULL, source_ip TEXT NOT NULL, "
                            + "day INTEGER NOT NULL, report_id INTEGER NOT NULL, PRIMARY KEY (domain, source_ip, day, "
                            + "report_id)) WITHOUT ROWID");
                } else {
                    s.execute("CREATE TABLE records (report_id INTEGER NOT NULL, seq INTEGER NOT NULL, domain TEXT "
                            + "NOT NULL, day INTEGER NOT NULL, source_ip TEXT NOT NULL, messages INTEGER NOT NULL, "
                            + "disposition TEXT, dkim TEXT, spf TEXT, reasons TEXT, header_from TEXT NOT NULL, "
                            + "envelope_from TEXT, envelope_to TEXT, PRIMARY KEY (report_id, seq)) WITHOUT ROWID");
                }
                if (layout == Layout.RECORDS_INDEX || layout == Layout.RECORDS_INDEX_AUTH) {
                    s.execute("CREATE INDEX records_source ON records (domain, source_ip, day DESC, report_id DESC, "
                            + "seq)");
                }
                if (layout != Layout.PACKED) { // written to in the third layout only
                    s.execute("CREATE TABLE auth_results (report_id INTEGER NOT NULL, seq INTEGER NOT NULL, method "
                            + "TEXT NOT NULL, n INTEGER NOT NULL, domain TEXT NOT NULL, selector TEXT, result TEXT, "
                            + "human_result TEXT, PRIMARY KEY (report_id, seq, method, n)) WITHOUT ROWID");
                }
            }
            c.setAutoCommit(false);
            long nanos = 0;
            long n = 0;
            long inTransaction = 0;
            long reportId = 0;
            try (PreparedStatement rec = c.prepareStatement(layout == Layout.PACKED
                    ? "INSERT INTO report_records VALUES (?,?,?,?,?)"
                    : "INSERT INTO records VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
                    PreparedStatement auth = c.prepareStatement(layout == Layout.PACKED
                            ? "INSERT OR IGNORE INTO source_reports VALUES (?,?,?,?)"
                            : "INSERT INTO auth_results VALUES (?,?,?,?,?,?,?,?)")) {
                for (byte[] in : inputs) {
                    AggregateReport a = parse(reader, in);
                    reportId++;
                    long day = a.metadata().dateRange().map(d -> d.begin().getEpochSecond() / 86400).orElse(0L);
                    long t = System.nanoTime();
                    if (layout == Layout.PACKED) {
                        packed(rec, auth, a, reportId, day);
                    } else {
                        rows(rec, layout == Layout.RECORDS_INDEX_AUTH ? auth : null, a, reportId, day);
                    }
                    n += a.records().size();
                    inTransaction += a.records().size();
                    if (inTransaction >= PER_TRANSACTION) {
                        c.commit();
                        inTransaction = 0;
                    }
                    nanos += System.nanoTime() - t;
                }
                long t = System.nanoTime();
                c.commit();
                nanos += System.nanoTime() - t;
            }
            return n / (nanos / 1e9);
        }
    }

    private static void rows(PreparedStatement rec, PreparedStatement auth, AggregateReport a, long reportId, long day)
            throws SQLException {
        int seq = 0;
        for (ReportRecord r : a.records()) {
            rec.setLong(1, reportId);
            rec.setInt(2, seq);
            rec.setString(3, DOMAIN);
            rec.setLong(4, day);
            rec.setString(5, r.row().sourceIp());
            rec.setLong(6, r.row().count());
            rec.setString(7, r.row().policyEvaluated().disposition().map(Object::toString).orElse(null));
            rec.setString(8, r.row().policyEvaluated().dkim().map(Object::toString).orElse(null));
            rec.setString(9, r.row().policyEvaluated().spf().map(Object::toString).orElse(null));
            rec.setString(10, r.row().policyEvaluated().reasons().isEmpty() ? null
                    : r.row().policyEvaluated().reasons().toString());
            rec.setString(11, r.identifiers().headerFrom());
            rec.setString(12, r.identifiers().envelopeFrom().orElse(null));
            rec.setString(13, r.identifiers().envelopeTo().orElse(null));
            rec.addBatch();
            if (auth != null) {
                int k = 0;
                for (DkimAuthResult d : r.dkim()) {
                    authRow(auth, reportId, seq, "dkim", k++, d.domain(), d.selector(),
                            d.result().map(Object::toString), d.humanResult());
                }
                k = 0;
                for (SpfAuthResult s : r.spf()) {
                    authRow(auth, reportId, seq, "spf", k++, s.domain(), s.scope().map(Object::toString),
                            s.result().map(Object::toString), s.humanResult());
                }
            }
            seq++;
        }
        rec.executeBatch();
        if (auth != null) {
            auth.executeBatch();
        }
    }

    private static void authRow(PreparedStatement auth, long reportId, int seq, String method, int n, String domain,
            Optional<String> selector, Optional<String> result, Optional<String> human) throws SQLException {
        auth.setLong(1, reportId);
        auth.setInt(2, seq);
        auth.setString(3, method);
        auth.setInt(4, n);
        auth.setString(5, domain);
        auth.setString(6, selector.orElse(null));
        auth.setString(7, result.orElse(null));
        auth.setString(8, human.orElse(null));
        auth.addBatch();
    }

    /** One blob per report (the record fields, tab-separated lines) and one row per distinct source. */
    private static void packed(PreparedStatement rec, PreparedStatement src, AggregateReport a, long reportId,
            long day) throws SQLException {
        StringBuilder b = new StringBuilder(a.records().size() * 96);
        java.util.Set<String> sources = new java.util.HashSet<>();
        for (ReportRecord r : a.records()) {
            b.append(r.row().sourceIp()).append('\t').append(r.row().count()).append('\t')
                    .append(r.row().policyEvaluated().disposition().map(Object::toString).orElse("")).append('\t')
                    .append(r.row().policyEvaluated().dkim().map(Object::toString).orElse("")).append('\t')
                    .append(r.row().policyEvaluated().spf().map(Object::toString).orElse("")).append('\t')
                    .append(r.identifiers().headerFrom()).append('\t')
                    .append(r.identifiers().envelopeFrom().orElse(""));
            for (DkimAuthResult d : r.dkim()) {
                b.append("\td=").append(d.domain()).append(';').append(d.selector().orElse("")).append(';')
                        .append(d.result().map(Object::toString).orElse(""));
            }
            for (SpfAuthResult s : r.spf()) {
                b.append("\ts=").append(s.domain()).append(';').append(s.result().map(Object::toString).orElse(""));
            }
            b.append('\n');
            if (sources.add(r.row().sourceIp())) {
                src.setString(1, DOMAIN);
                src.setString(2, r.row().sourceIp());
                src.setLong(3, day);
                src.setLong(4, reportId);
                src.addBatch();
            }
        }
        rec.setLong(1, reportId);
        rec.setString(2, DOMAIN);
        rec.setLong(3, day);
        rec.setInt(4, a.records().size());
        rec.setBytes(5, b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        rec.executeUpdate();
        src.executeBatch();
    }
}
