package dev.aligned.bench.store;

import dev.aligned.store.testing.PostgresServer;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * PostgreSQL's two ways to write schema 9's {@code record_packs} rows, alternating in one JVM on one server: batched
 * {@code INSERT} (pgjdbc's {@code reWriteBatchedInserts}, the packed value bound as binary) and {@code COPY ...
 * FROM STDIN} in text format (the value as {@code \\x} hex). Rows shaped as the synthetic year's: 60 reports of
 * 1,900 packs (one per source IP) of 120-420 random bytes, a commit every 20 reports, the table and its
 * index as the store creates them (since schema 12 {@code record_packs_day}; the figures in docs/benchmarks.md were
 * measured with schema 9's {@code record_packs_source}). Only the writes are timed.
 *
 * <pre>
 * java -cp aligned-bench/target/benchmarks.jar dev.aligned.bench.store.PackWritePaths 5
 * </pre>
 */
public final class PackWritePaths {
    private static final int REPORTS = 60;
    private static final int PACKS = 1_900;

    private PackWritePaths() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Random rnd = new Random(42);
        byte[][] packs = new byte[PACKS][];
        String[] ips = new String[PACKS];
        for (int i = 0; i < PACKS; i++) {
            packs[i] = new byte[120 + rnd.nextInt(300)];
            rnd.nextBytes(packs[i]);
            ips[i] = "10." + (i / 250) + "." + (i % 250) + "." + rnd.nextInt(250);
        }
        try (PostgresServer pg = PostgresServer.startDurable(PostgresServer.findBinaries().orElseThrow(() ->
                new IllegalStateException("PostgreSQL is not installed: apt-get install postgresql")),
                List.of("shared_buffers=128MB"))) {
            String url = pg.createDatabase() + "&reWriteBatchedInserts=true";
            try (Connection c = DriverManager.getConnection(url)) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE record_packs (report_id BIGINT NOT NULL, source_ip TEXT NOT NULL, "
                            + "domain TEXT NOT NULL, day INTEGER NOT NULL, records INTEGER NOT NULL, messages BIGINT "
                            + "NOT NULL, packed BYTEA NOT NULL, PRIMARY KEY (report_id, source_ip))");
                    s.execute("CREATE INDEX record_packs_day ON record_packs (domain, day, source_ip, report_id, "
                            + "messages)");
                }
                c.setAutoCommit(false);
                long id = 0;
                Map<String, List<Double>> seconds = new TreeMap<>();
                for (int r = 0; r < 2 * rounds; r++) {
                    boolean copy = r % 2 == 1;
                    long t = System.nanoTime();
                    for (int k = 0; k < REPORTS; k++) {
                        id++;
                        if (copy) {
                            copy(c, id, 19_000 + k, ips, packs);
                        } else {
                            insert(c, id, 19_000 + k, ips, packs);
                        }
                        if (k % 20 == 19) {
                            c.commit();
                        }
                    }
                    c.commit();
                    double s = (System.nanoTime() - t) / 1e9;
                    seconds.computeIfAbsent(copy ? "COPY" : "INSERT", x -> new ArrayList<>()).add(s);
                    System.out.printf(Locale.ROOT, "%-6s %d reports x %,d packs: %.2f s (%,.0f rows/s)%n",
                            copy ? "COPY" : "INSERT", REPORTS, PACKS, s, REPORTS * PACKS / s);
                }
                seconds.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-6s median %.2f s%n", k,
                        v.stream().sorted().toList().get(v.size() / 2)));
            }
        }
    }

    private static void insert(Connection c, long id, int day, String[] ips, byte[][] packs) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO record_packs (report_id, source_ip, domain, day, "
                + "records, messages, packed) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            int pending = 0;
            for (int i = 0; i < ips.length; i++) {
                ps.setLong(1, id);
                ps.setString(2, ips[i]);
                ps.setString(3, "bench.example");
                ps.setInt(4, day);
                ps.setInt(5, 3);
                ps.setLong(6, 42);
                ps.setBytes(7, packs[i]);
                ps.addBatch();
                if (++pending == 500) {
                    ps.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                ps.executeBatch();
            }
        }
    }

    private static void copy(Connection c, long id, int day, String[] ips, byte[][] packs) throws Exception {
        StringBuilder b = new StringBuilder(ips.length * 600);
        HexFormat hex = HexFormat.of();
        for (int i = 0; i < ips.length; i++) {
            b.append(id).append('\t').append(ips[i]).append("\tbench.example\t").append(day).append("\t3\t42\t\\\\x");
            hex.formatHex(b, packs[i]);
            b.append('\n');
        }
        c.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyIn("COPY record_packs (report_id, source_ip, "
                + "domain, day, records, messages, packed) FROM STDIN", new StringReader(b.toString()));
    }
}
