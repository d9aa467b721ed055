package dev.aligned.store;

import dev.aligned.report.AggregateReport;
import dev.aligned.report.FailureReport;
import dev.aligned.report.OverrideReason;
import dev.aligned.report.PolicyPublished;
import dev.aligned.report.ReportMetadata;
import dev.aligned.report.ReportResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** The JDBC implementation of {@link ReportStore}, for SQLite and PostgreSQL. */
final class JdbcReportStore implements ReportStore {
    private static final int BATCH = 500;
    /** Flyway's per-migration INFO lines are noise for a CLI; kept at WARNING unless the application set a level. */
    private static final java.util.logging.Logger FLYWAY_LOG = java.util.logging.Logger.getLogger("org.flywaydb");

    static {
        if (FLYWAY_LOG.getLevel() == null) {
            FLYWAY_LOG.setLevel(java.util.logging.Level.WARNING);
        }
    }

    private final Dialect dialect;
    private final String displayUrl;
    private final Connection conn;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final SourceShapes shapes = new SourceShapes(); // under lock

    private JdbcReportStore(Dialect dialect, String displayUrl, Connection conn, Clock clock) {
        this.dialect = dialect;
        this.displayUrl = displayUrl;
        this.conn = conn;
        this.clock = clock;
    }

    /** SQLite page cache of the store's connection, KiB (see {@link #open}). */
    static final int SQLITE_CACHE_KIB = 256 * 1024;
    /** SQLite memory-mapped I/O of the store's connection, bytes (see {@link #open}). */
    static final long SQLITE_MMAP_BYTES = 1L << 30;

    static JdbcReportStore open(String url, String user, String password, Clock clock, Duration busyTimeout) {
        return open(url, user, password, clock, busyTimeout, message -> { });
    }

    static JdbcReportStore open(String url, String user, String password, Clock clock, Duration busyTimeout,
            java.util.function.Consumer<String> onUpgrade) {
        Dialect dialect = Dialect.of(url);
        String display = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
        DataSource ds;
        switch (dialect) {
            case SQLITE -> {
                createParentDirectory(url);
                SQLiteConfig cfg = new SQLiteConfig();
                cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
                cfg.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
                // The writer's page cache and memory map. Rollup upserts and the per-IP index hit random keys; past a
                // few million records those B-trees outgrow a small cache. A synthetic year (10M records) imported at
                // 26,953 records/s with 32 MiB, 30,788 with 256 MiB, 35,319 with 256 MiB and a 1 GiB map (CPU per
                // record 46.5 -> 36.7 us; docs/benchmarks.md). Both are ceilings, reached only by a database that
                // large; mapped pages are the OS's file cache, shared and reclaimable, though they count in RSS.
                cfg.setCacheSize(-SQLITE_CACHE_KIB);
                cfg.setPragma(SQLiteConfig.Pragma.MMAP_SIZE, Long.toString(SQLITE_MMAP_BYTES));
                cfg.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, busyTimeout.toMillis()));
                cfg.enforceForeignKeys(true);
                cfg.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
                SQLiteDataSource s = new SQLiteDataSource(cfg);
                s.setUrl(url);
                ds = s;
            }
            case POSTGRESQL -> {
                PGSimpleDataSource p = new PGSimpleDataSource();
                p.setReWriteBatchedInserts(true); // record batches as multi-row INSERTs (a URL parameter overrides)
                p.setURL(url);
                if (user != null) {
                    p.setUser(user);
                }
                if (password != null) {
                    p.setPassword(password);
                }
                ds = p;
            }
            default -> throw new IllegalStateException("unreachable: " + dialect);
        }
        try {
            Flyway flyway = V9__record_packs.flyway(JdbcReportStore.class.getClassLoader(), ds, dialect);
            org.flywaydb.core.api.MigrationInfoService info = flyway.info();
            org.flywaydb.core.api.MigrationInfo[] pending = info.pending();
            if (info.current() != null && pending.length > 0) {
                // an existing store: a table rebuild of a large one takes minutes; say why nothing else is printed
                onUpgrade.accept("upgrading the schema of " + display + " from version " + info.current().getVersion()
                        + " to " + pending[pending.length - 1].getVersion() + " (minutes on a large store; each "
                        + "version is one transaction, so an interruption leaves the previous version intact)");
            }
            flyway.migrate();
        } catch (FlywayException e) {
            throw new StoreException("cannot migrate the schema of " + display + ": " + e.getMessage(), e);
        }
        try {
            Connection c = ds.getConnection();
            c.setAutoCommit(true);
            if (dialect == Dialect.SQLITE) {
                try (java.sql.Statement st = c.createStatement()) {
                    // A report of 5,000 records writes ~2.5 MB of pages: at the default (1,000 pages, 4 MB) nearly
                    // every commit ran a checkpoint, copying and fsyncing the database file. 64 MB between
                    // checkpoints writes hot index pages once for many reports; commits stay synchronous=FULL.
                    st.execute("PRAGMA wal_autocheckpoint = 16384");
                    st.execute("PRAGMA journal_size_limit = 67108864"); // the WAL file shrinks back after a checkpoint
                }
            }
            return new JdbcReportStore(dialect, display, c, clock);
        } catch (SQLException e) {
            throw new StoreException("cannot open " + display + ": " + e.getMessage(), e);
        }
    }

    private static void createParentDirectory(String url) {
        String path = url.substring("jdbc:sqlite:".length());
        if (path.startsWith("file:")) {
            path = path.substring(5);
        }
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        if (path.isEmpty() || path.startsWith(":memory:")) {
            return;
        }
        Path parent = Path.of(path).toAbsolutePath().getParent();
        try {
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new StoreException("cannot create the directory " + parent + " for the database: " + e, e);
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction; rolls back and throws {@link StoreException} on failure. A PostgreSQL
     * deadlock or serialization failure (two nodes storing overlapping reports) is retried up to 5 times: every
     * piece of work here re-reads what it depends on, so running it again is safe.
     */
    private <T> T tx(String what, Work<T> work) {
        lock.lock();
        try {
            for (int attempt = 1; ; attempt++) {
                conn.setAutoCommit(false);
                try {
                    T t = work.run();
                    conn.commit();
                    shapes.committed();
                    return t;
                } catch (SQLException | RuntimeException e) {
                    shapes.rolledBack();
                    try {
                        conn.rollback();
                    } catch (SQLException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                    if (attempt < 5 && retryable(e)) {
                        continue;
                    }
                    if (e instanceof StoreException se) {
                        throw se;
                    }
                    if (e instanceof IllegalArgumentException iae) {
                        throw iae;
                    }
                    throw new StoreException(what + " failed on " + displayUrl + ": " + e.getMessage(), e);
                } finally {
                    conn.setAutoCommit(true);
                }
            }
        } catch (SQLException e) {
            throw new StoreException(what + " failed on " + displayUrl + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private static boolean retryable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException se && ("40P01".equals(se.getSQLState()) || "40001".equals(se.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a read in autocommit mode (SQLite: one consistent snapshot per statement, no write lock). */
    private <T> T read(String what, Work<T> work) {
        if (dialect == Dialect.POSTGRESQL) {
            return tx(what, work);
        }
        lock.lock();
        try {
            return work.run();
        } catch (SQLException e) {
            throw new StoreException(what + " failed on " + displayUrl + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- archive

    @Override
    public Archived archive(String source, byte[] bytes) {
        java.util.Objects.requireNonNull(source, "source");
        java.util.Objects.requireNonNull(bytes, "bytes");
        String sha = ContentDigest.hex(bytes);
        long now = clock.millis();
        // compress outside the transaction (short lock), and only bytes the store does not hold yet
        boolean known = read("looking up " + sha, () -> blobState(sha).isPresent());
        byte[] compressed = known ? null : gzip(bytes);
        return tx("archiving " + source, () -> archiveIn(source, sha, bytes, compressed, now));
    }

    /** The archive step inside the caller's transaction; {@code compressed} is the gzip of {@code bytes} or null. */
    private Archived archiveIn(String source, String sha, byte[] bytes, byte[] compressed, long now)
            throws SQLException {
        boolean isNew = false;
        Optional<BlobRow> existing = blobState(sha);
        if (existing.isEmpty()) {
            byte[] gz = compressed != null ? compressed : gzip(bytes); // known a moment ago: deleted meanwhile
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO blobs (sha256, size, compressed, "
                    + "first_source, received_at, state) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING")) {
                ps.setString(1, sha);
                ps.setLong(2, bytes.length);
                ps.setBytes(3, gz);
                ps.setString(4, source);
                ps.setLong(5, now);
                ps.setString(6, BlobState.RECEIVED.token());
                isNew = ps.executeUpdate() == 1;
            }
            existing = blobState(sha);
        }
        BlobState state = existing.orElseThrow().state();
        int reports = existing.get().reports();
        boolean done = state == BlobState.PARSED;
        long attempt;
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO ingest_attempts (blob_sha256, source, "
                + "started_at, finished_at, outcome, reports_duplicate) VALUES (?, ?, ?, ?, ?, ?) RETURNING id")) {
            ps.setString(1, sha);
            ps.setString(2, source);
            ps.setLong(3, now);
            if (done) {
                ps.setLong(4, now);
            } else {
                ps.setNull(4, Types.BIGINT);
            }
            ps.setString(5, done ? "duplicate" : "archived");
            ps.setInt(6, done ? reports : 0);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                attempt = rs.getLong(1);
            }
        }
        return new Archived(sha, attempt, isNew, state, reports);
    }

    private record BlobRow(BlobState state, int reports) {
    }

    private Optional<BlobRow> blobState(String sha) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT state, reports FROM blobs WHERE sha256 = ?")) {
            ps.setString(1, sha);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new BlobRow(BlobState.ofToken(rs.getString(1)), rs.getInt(2)));
            }
        }
    }

    /**
     * The gzip of {@code bytes} as archived. Input that is already compressed (a gzip or zip report, as most
     * reporters send) is wrapped in stored blocks: deflating it again saves nothing (77,807 -> 77,781 bytes for a
     * synthetic 5,000-record report) and cost about 2 ms per file, 4% of its parse.
     */
    static byte[] gzip(byte[] bytes) {
        boolean compressed = alreadyCompressed(bytes);
        ByteArrayOutputStream out = new ByteArrayOutputStream(
                Math.max(64, compressed ? bytes.length + 64 : bytes.length / 4));
        try (GZIPOutputStream gz = compressed ? new StoredGzip(out) : new GZIPOutputStream(out, 65536)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Gzip (1f 8b) or zip (PK 03 04) bytes: deflate would not shrink them. */
    static boolean alreadyCompressed(byte[] b) {
        return b.length >= 4 && ((b[0] == 0x1f && (b[1] & 0xff) == 0x8b)
                || (b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4));
    }

    /** A gzip stream whose deflate blocks are stored, not compressed. */
    private static final class StoredGzip extends GZIPOutputStream {
        StoredGzip(ByteArrayOutputStream out) throws IOException {
            super(out, 65536);
            def.setLevel(java.util.zip.Deflater.NO_COMPRESSION);
        }
    }

    // ---------------------------------------------------------------- store

    @Override
    public StoreResult store(Archived archived, List<ReportResult> results) {
        java.util.Objects.requireNonNull(archived, "archived");
        java.util.Objects.requireNonNull(results, "results");
        long now = clock.millis();
        return tx("storing reports of " + archived.sha256(), () -> storeIn(archived, results, now, null));
    }

    @Override
    public List<IngestResult> archiveAndStore(java.util.Iterator<Input> inputs) {
        java.util.Objects.requireNonNull(inputs, "inputs");
        // what a retried transaction (PostgreSQL deadlock) writes again: the bytes of each input, parsed again
        // on a retry (Input.again), so that the written inputs' reports are garbage once their rows are written
        List<java.util.function.Supplier<Input>> taken = new ArrayList<>();
        return tx("archiving and storing a batch of inputs", () -> {
            long now = clock.millis();
            List<IngestResult> out = new ArrayList<>();
            for (int i = 0; ; i++) {
                Input in;
                if (i < taken.size()) {
                    in = taken.get(i).get();
                } else if (inputs.hasNext()) {
                    in = inputs.next();
                    taken.add(in.again());
                } else {
                    break;
                }
                Archived a = archiveIn(in.source(), in.sha256(), in.bytes(), in.compressed(), now);
                if (a.state() == BlobState.PARSED) { // stored earlier, or earlier in this transaction
                    out.add(Ingestor.duplicate(in.source(), a));
                } else {
                    StoreResult r = storeIn(a, in.results(), now, in.prepared());
                    out.add(new IngestResult(in.source(), Optional.of(a.sha256()), !a.isNew(), r.outcomes()));
                }
            }
            return List.copyOf(out);
        });
    }

    /** The store step inside the caller's transaction; {@code prepared}, if not null, by identity of the report. */
    private StoreResult storeIn(Archived archived, List<ReportResult> results, long now,
            Map<AggregateReport, Prepared> prepared) throws SQLException {
            if (blobState(archived.sha256()).isEmpty()) {
            throw new IllegalArgumentException("no archived input with SHA-256 " + archived.sha256()
                    + ": call archive() first");
        }
        List<ReportOutcome> outcomes = new ArrayList<>(results.size());
        int errorNo = 0;
        for (ReportResult r : results) {
            switch (r) {
                case ReportResult.Parsed p -> outcomes.add(switch (p.report()) {
                    case AggregateReport a -> storeAggregate(archived.sha256(), p.source(), a, p.warnings(), now,
                            prepared == null ? null : prepared.get(a)); // identity map: no deep hashCode
                    case FailureReport f -> storeFailure(archived.sha256(), p.source(), f, p.warnings(), now);
                });
                case ReportResult.Failed f -> {
                    outcomes.add(new ReportOutcome.Failed(f.source(), f.error()));
                    try (PreparedStatement ps = conn.prepareStatement(
                            "INSERT INTO ingest_errors (attempt_id, n, source, error) VALUES (?, ?, ?, ?)")) {
                        ps.setLong(1, archived.attemptId());
                        ps.setInt(2, ++errorNo);
                        ps.setString(3, f.source());
                        ps.setString(4, f.error());
                        ps.executeUpdate();
                    }
                }
            }
        }
        int failed = 0;
        int fresh = 0;
        int dup = 0;
        int conflict = 0;
        for (ReportOutcome o : outcomes) {
            switch (o) {
                case ReportOutcome.New n -> fresh++;
                case ReportOutcome.Duplicate d -> dup++;
                case ReportOutcome.Conflict c -> conflict++;
                case ReportOutcome.Failed f -> failed++;
            }
        }
        int ok = outcomes.size() - failed;
        BlobState state = failed == 0 && ok > 0 ? BlobState.PARSED : ok == 0 ? BlobState.FAILED : BlobState.PARTIAL;
        try (PreparedStatement ps = conn.prepareStatement(
                "UPDATE blobs SET state = ?, reports = ?, failures = ?, parsed_at = ? WHERE sha256 = ?")) {
            ps.setString(1, state.token());
            ps.setInt(2, ok);
            ps.setInt(3, failed);
            ps.setLong(4, now);
            ps.setString(5, archived.sha256());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = conn.prepareStatement("UPDATE ingest_attempts SET finished_at = ?, outcome = ?, "
                + "reports_new = ?, reports_duplicate = ?, reports_conflict = ?, reports_failed = ? WHERE id = ?")) {
            ps.setLong(1, now);
            ps.setString(2, state == BlobState.PARSED ? (fresh + conflict > 0 ? "stored" : "duplicate")
                    : state.token());
            ps.setInt(3, fresh);
            ps.setInt(4, dup);
            ps.setInt(5, conflict);
            ps.setInt(6, failed);
            ps.setLong(7, archived.attemptId());
            ps.executeUpdate();
        }
        return new StoreResult(archived.sha256(), state, outcomes);
    }

    /**
     * What storing an aggregate report computes before it touches the database: the content digest, the rollup
     * sums and the record packs (schema 9). {@link ReportStore.Input} computes it on the thread that parsed the
     * report (packing on the storing thread instead measured no better: docs/benchmarks.md, schema 9).
     */
    record Prepared(String domain, int day, String content, AnalysisRollups.Sums sums, List<RecordPack.Pack> packs) {
        static Prepared of(AggregateReport a) {
            String domain = DomainKey.of(a.policy().domain());
            int day = a.metadata().dateRange().map(dr -> (int) Math.floorDiv(dr.begin().getEpochSecond(), 86400L))
                    .orElse(0);
            // the rollup sums and the packs taken inside the digest's pass: each record's objects are read from
            // memory once
            AnalysisRollups.Summer sums = new AnalysisRollups.Summer(domain, a.policy());
            RecordPack.Packer packer = new RecordPack.Packer(a.records().size());
            String content = ContentDigest.of(a, r -> {
                sums.add(r);
                packer.add(r);
            });
            return new Prepared(domain, day, content, sums.finish(), packer.finish());
        }
    }

    private ReportOutcome storeAggregate(String blob, String source, AggregateReport a, List<String> warnings,
            long now, Prepared prepared) throws SQLException {
        ReportMetadata m = a.metadata();
        PolicyPublished p = a.policy();
        Prepared prep = prepared != null ? prepared : Prepared.of(a);
        String domain = prep.domain();
        int day = prep.day();
        String content = prep.content();
        try (PreparedStatement ps = conn.prepareStatement("SELECT id FROM reports WHERE domain = ? AND day = ? "
                + "AND org_name = ? AND report_id = ? AND content_sha256 = ?")) {
            ps.setString(1, domain);
            ps.setInt(2, day);
            ps.setString(3, m.orgName());
            ps.setString(4, m.reportId());
            ps.setString(5, content);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return new ReportOutcome.Duplicate(source);
                }
            }
        }
        Long conflictOf = null;
        boolean samePeriod = false;
        try (PreparedStatement ps = conn.prepareStatement("SELECT id, date_begin, date_end FROM reports "
                + "WHERE domain = ? AND org_name = ? AND report_id = ? ORDER BY id")) {
            ps.setString(1, domain);
            ps.setString(2, m.orgName());
            ps.setString(3, m.reportId());
            Long begin = m.dateRange().map(dr -> dr.begin().toEpochMilli()).orElse(null);
            Long end = m.dateRange().map(dr -> dr.end().toEpochMilli()).orElse(null);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (conflictOf == null) {
                        conflictOf = rs.getLong(1);
                    }
                    Long b = rs.getObject(2, Long.class);
                    Long e = rs.getObject(3, Long.class);
                    if (java.util.Objects.equals(b, begin) && java.util.Objects.equals(e, end)) {
                        samePeriod = true;
                    }
                }
            }
        }
        boolean inRollups = conflictOf == null || !samePeriod;
        long id;
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO reports (domain, day, org_name, report_id, "
                + "content_sha256, blob_sha256, source, email, extra_contact, date_begin, date_end, version, generator, "
                + "policy_p, policy_sp, policy_np, policy_adkim, policy_aspf, policy_pct, policy_fo, policy_testing, "
                + "policy_discovery, errors, warnings, record_count, message_count, conflict_of, in_rollups, stored_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (domain, day, org_name, report_id, content_sha256) DO NOTHING RETURNING id")) {
            int i = 0;
            ps.setString(++i, domain);
            ps.setInt(++i, day);
            ps.setString(++i, m.orgName());
            ps.setString(++i, m.reportId());
            ps.setString(++i, content);
            ps.setString(++i, blob);
            ps.setString(++i, source);
            ps.setString(++i, m.email());
            setOpt(ps, ++i, m.extraContactInfo());
            setLong(ps, ++i, m.dateRange().map(dr -> dr.begin().toEpochMilli()));
            setLong(ps, ++i, m.dateRange().map(dr -> dr.end().toEpochMilli()));
            setOpt(ps, ++i, a.version());
            setOpt(ps, ++i, m.generator());
            setOpt(ps, ++i, p.p().map(v -> v.token()));
            setOpt(ps, ++i, p.sp().map(v -> v.token()));
            setOpt(ps, ++i, p.np().map(v -> v.token()));
            setOpt(ps, ++i, p.adkim().map(v -> v.token()));
            setOpt(ps, ++i, p.aspf().map(v -> v.token()));
            OptionalInt pct = p.pct();
            if (pct.isPresent()) {
                ps.setInt(++i, pct.getAsInt());
            } else {
                ps.setNull(++i, Types.INTEGER);
            }
            setOpt(ps, ++i, p.fo());
            setOpt(ps, ++i, p.testing().map(v -> v.token()));
            setOpt(ps, ++i, p.discoveryMethod().map(v -> v.token()));
            setOpt(ps, ++i, joined(m.errors()));
            setOpt(ps, ++i, joined(warnings));
            ps.setInt(++i, a.records().size());
            ps.setLong(++i, a.messageCount());
            if (conflictOf == null) {
                ps.setNull(++i, Types.BIGINT);
            } else {
                ps.setLong(++i, conflictOf);
            }
            ps.setInt(++i, inRollups ? 1 : 0);
            ps.setLong(++i, now);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new ReportOutcome.Duplicate(source); // stored meanwhile by another process
                }
                id = rs.getLong(1);
            }
        }
        if (dialect == Dialect.POSTGRESQL) {
            copyPacks(id, domain, day, prep.packs());
        } else {
            insertPacks(id, domain, day, prep.packs());
        }
        if (inRollups) {
            AnalysisRollups.write(conn, domain, day, prep.sums(), shapes);
        }
        return conflictOf == null
                ? new ReportOutcome.New(source, a.kind(), a.records().size())
                : new ReportOutcome.Conflict(source, conflictOf, a.records().size(), inRollups);
    }

    /**
     * PostgreSQL: the record packs of one report with {@code COPY ... FROM STDIN} (text format, the packed value as
     * {@code \\x} hex). Measured against batched INSERTs of the same rows (rewritten into multi-row statements, the
     * value bound as binary): the same to 17% faster (docs/benchmarks.md, schema 9).
     */
    private void copyPacks(long id, String domain, int day, List<RecordPack.Pack> packs) throws SQLException {
        StringBuilder b = new StringBuilder(packs.size() * 640);
        java.util.HexFormat hex = java.util.HexFormat.of();
        for (RecordPack.Pack p : packs) {
            b.append(id).append('\t');
            copyText(b, p.sourceIp()).append('\t');
            copyText(b, domain).append('\t').append(day).append('\t').append(p.records()).append('\t')
                    .append(p.messages()).append("\t\\\\x");
            hex.formatHex(b, p.packed());
            b.append('\n');
        }
        try {
            conn.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyIn("COPY record_packs (report_id, "
                    + "source_ip, domain, day, records, messages, packed) FROM STDIN", new java.io.StringReader(
                    b.toString()));
        } catch (IOException e) {
            throw new SQLException("COPY of the record packs of report " + id + " failed: " + e.getMessage(), e);
        }
    }

    /** A value in COPY's text format: backslash, tab, new line and carriage return escaped. */
    static StringBuilder copyText(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> b.append(c);
            }
        }
        return b;
    }

    /** SQLite: the record packs of one report (schema 9), one row per source IP, batched. */
    private void insertPacks(long id, String domain, int day, List<RecordPack.Pack> packs) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO record_packs (report_id, source_ip, domain, "
                + "day, records, messages, packed) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            int pending = 0;
            for (RecordPack.Pack p : packs) {
                ps.setLong(1, id);
                ps.setString(2, p.sourceIp());
                ps.setString(3, domain);
                ps.setInt(4, day);
                ps.setInt(5, p.records());
                ps.setLong(6, p.messages());
                ps.setBytes(7, p.packed());
                ps.addBatch();
                if (++pending == BATCH) {
                    ps.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                ps.executeBatch();
            }
        }
    }

    private ReportOutcome storeFailure(String blob, String source, FailureReport f, List<String> warnings, long now)
            throws SQLException {
        String domain = DomainKey.of(f.reportedDomain().isEmpty() ? f.dkimDomain().orElse("") : f.reportedDomain().get(0));
        int day = f.arrivalDate().flatMap(JdbcReportStore::epochDay).orElse(0);
        String content = ContentDigest.of(f);
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO failure_reports (domain, day, content_sha256, "
                + "blob_sha256, source, format, feedback_type, user_agent, arrival_date, source_ip, original_mail_from, "
                + "original_rcpt_to, reported_domain, reported_uri, authentication_results, auth_failure, "
                + "identity_alignment, delivery_result, dkim_domain, dkim_identity, dkim_selector, spf_dns, "
                + "other_fields, original_headers, warnings, stored_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (domain, day, content_sha256) DO NOTHING RETURNING id")) {
            int i = 0;
            ps.setString(++i, domain);
            ps.setInt(++i, day);
            ps.setString(++i, content);
            ps.setString(++i, blob);
            ps.setString(++i, source);
            ps.setString(++i, f.format().name().toLowerCase(java.util.Locale.ROOT));
            ps.setString(++i, f.feedbackType());
            setOpt(ps, ++i, f.userAgent());
            setOpt(ps, ++i, f.arrivalDate());
            setOpt(ps, ++i, f.sourceIp());
            setOpt(ps, ++i, f.originalMailFrom());
            setOpt(ps, ++i, joined(f.originalRcptTo()));
            setOpt(ps, ++i, joined(f.reportedDomain()));
            setOpt(ps, ++i, joined(f.reportedUri()));
            setOpt(ps, ++i, joined(f.authenticationResults()));
            setOpt(ps, ++i, joined(f.authFailure()));
            setOpt(ps, ++i, joined(f.identityAlignment()));
            setOpt(ps, ++i, f.deliveryResult());
            setOpt(ps, ++i, f.dkimDomain());
            setOpt(ps, ++i, f.dkimIdentity());
            setOpt(ps, ++i, f.dkimSelector());
            setOpt(ps, ++i, joined(f.spfDns()));
            List<String> other = new ArrayList<>();
            f.otherFields().forEach(x -> other.add(x.name() + ": " + x.value()));
            setOpt(ps, ++i, joined(other));
            setOpt(ps, ++i, f.originalHeaders());
            setOpt(ps, ++i, joined(warnings));
            ps.setLong(++i, now);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new ReportOutcome.New(source, f.kind(), 0) : new ReportOutcome.Duplicate(source);
            }
        }
    }

    /** The UTC epoch day of an RFC 5322 date (comments and surrounding space ignored), if readable. */
    static Optional<Integer> epochDay(String rfc5322) {
        String s = rfc5322.replaceAll("\\([^)]*\\)", " ").trim().replaceAll("\\s+", " ");
        try {
            ZonedDateTime t = ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME);
            return Optional.of((int) t.withZoneSameInstant(ZoneOffset.UTC).toLocalDate().toEpochDay());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> joined(List<String> values) {
        return values.isEmpty() ? Optional.empty() : Optional.of(String.join("\n", values));
    }

    static Optional<String> reasons(List<OverrideReason> reasons) {
        List<String> out = new ArrayList<>();
        for (OverrideReason r : reasons) {
            String t = r.type().map(v -> v.token()).orElse("");
            out.add(r.comment().map(c -> t + ": " + c).orElse(t));
        }
        return joined(out);
    }

    private static void setOpt(PreparedStatement ps, int i, Optional<String> v) throws SQLException {
        if (v.isPresent()) {
            ps.setString(i, v.get());
        } else {
            ps.setNull(i, Types.VARCHAR);
        }
    }

    private static void setLong(PreparedStatement ps, int i, Optional<Long> v) throws SQLException {
        if (v.isPresent()) {
            ps.setLong(i, v.get());
        } else {
            ps.setNull(i, Types.BIGINT);
        }
    }

    // ---------------------------------------------------------------- reads

    @Override
    public Optional<byte[]> originalBytes(String sha256) {
        return read("reading the archived input " + sha256, () -> {
            try (PreparedStatement ps = conn.prepareStatement("SELECT compressed FROM blobs WHERE sha256 = ?")) {
                ps.setString(1, sha256);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    byte[] gz = rs.getBytes(1);
                    if (gz == null) {
                        return Optional.empty();
                    }
                    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
                        return Optional.of(in.readAllBytes());
                    } catch (IOException e) {
                        throw new StoreException("archived input " + sha256 + " is corrupt in " + displayUrl
                                + ": " + e.getMessage(), e);
                    }
                }
            }
        });
    }

    @Override
    public List<BlobInfo> unparsed(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must be >= 0, got " + max);
        }
        return read("listing unparsed inputs", () -> {
            List<BlobInfo> out = new ArrayList<>();
            try (PreparedStatement ps = conn.prepareStatement("SELECT sha256, size, first_source, state, received_at "
                    + "FROM blobs WHERE state <> ? ORDER BY received_at, sha256 LIMIT ?")) {
                ps.setString(1, BlobState.PARSED.token());
                ps.setInt(2, max);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new BlobInfo(rs.getString(1), rs.getLong(2), rs.getString(3),
                                BlobState.ofToken(rs.getString(4)), Instant.ofEpochMilli(rs.getLong(5))));
                    }
                }
            }
            return List.copyOf(out);
        });
    }

    @Override
    public List<IngestFailure> errors(String sha256) {
        return read("reading the errors of " + sha256, () -> {
            List<IngestFailure> out = new ArrayList<>();
            try (PreparedStatement ps = conn.prepareStatement("SELECT source, error FROM ingest_errors WHERE "
                    + "attempt_id = (SELECT MAX(id) FROM ingest_attempts WHERE blob_sha256 = ? "
                    + "AND finished_at IS NOT NULL AND outcome <> 'duplicate') ORDER BY n")) {
                ps.setString(1, sha256);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new IngestFailure(rs.getString(1), rs.getString(2)));
                    }
                }
            }
            return List.copyOf(out);
        });
    }

    @Override
    public List<DailyRollup> rollups(RollupQuery q) {
        // Since schema 8 the day/IP/result rollup is a grouping of source_days (written for the same reports),
        // plus what reports stored before schema 3 left in daily_rollups_legacy.
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> once = new ArrayList<>();
        q.domain().ifPresent(d -> {
            where.append(" AND domain = ?");
            once.add(d);
        });
        q.from().ifPresent(d -> {
            where.append(" AND day >= ?");
            once.add((int) d.toEpochDay());
        });
        q.to().ifPresent(d -> {
            where.append(" AND day <= ?");
            once.add((int) d.toEpochDay());
        });
        String cols = "domain, day, source_ip, disposition, dkim, spf";
        StringBuilder sql = new StringBuilder("SELECT " + cols + ", SUM(messages), SUM(records) FROM (SELECT " + cols
                + ", messages, records FROM source_days" + where + " UNION ALL SELECT " + cols
                + ", messages, records FROM daily_rollups_legacy" + where + ") u GROUP BY " + cols);
        List<Object> args = new ArrayList<>(once);
        args.addAll(once);
        sql.append(" ORDER BY domain, day, source_ip, disposition, dkim, spf");
        return read("reading rollups", () -> {
            List<DailyRollup> out = new ArrayList<>();
            try (PreparedStatement ps = conn.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String dkim = rs.getString(5);
                        String spf = rs.getString(6);
                        out.add(new DailyRollup(rs.getString(1), LocalDate.ofEpochDay(rs.getInt(2)), rs.getString(3),
                                rs.getString(4), dkim, spf, dkim.equals("pass") || spf.equals("pass") ? "pass" : "fail",
                                rs.getLong(7), rs.getLong(8)));
                    }
                }
            }
            return List.copyOf(out);
        });
    }

    @Override
    public void export(ExportQuery q, Consumer<ExportRow> sink) {
        String where = q.domain().isPresent() ? " WHERE r.domain = ?" : "";
        read("exporting records", () -> {
            // a report's packs (one per source IP) together, its records merged back into seq order
            try (PreparedStatement ps = conn.prepareStatement("SELECT r.domain, r.org_name, r.report_id, "
                    + "r.date_begin, r.date_end, r.conflict_of, p.report_id, p.source_ip, p.packed FROM record_packs p "
                    + "JOIN reports r ON r.id = p.report_id" + where + " ORDER BY p.report_id")) {
                if (q.domain().isPresent()) {
                    ps.setString(1, q.domain().get());
                }
                ps.setFetchSize(200);
                try (ResultSet rs = ps.executeQuery()) {
                    List<Object[]> report = new ArrayList<>(); // {StoredRecord, source IP}
                    ExportRow head = null;
                    long current = -1;
                    while (rs.next()) {
                        long id = rs.getLong(7);
                        if (id != current) {
                            emit(head, report, sink);
                            report.clear();
                            current = id;
                            long begin = rs.getLong(4);
                            Optional<Instant> b = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(begin));
                            long end = rs.getLong(5);
                            Optional<Instant> e = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(end));
                            rs.getLong(6);
                            boolean flagged = !rs.wasNull();
                            head = new ExportRow(rs.getString(1), rs.getString(2), rs.getString(3), b, e, "", 0, "", "",
                                    "", "", "", "", "", "", flagged);
                        }
                        String ip = rs.getString(8);
                        for (StoredRecord r : RecordPack.decode(rs.getBytes(9), id, ip)) {
                            report.add(new Object[] {r, ip});
                        }
                    }
                    emit(head, report, sink);
                }
            }
            return null;
        });
    }

    /** The export rows of one report's records ({@code head} carries the report's columns), in seq order. */
    private static void emit(ExportRow head, List<Object[]> report, Consumer<ExportRow> sink) {
        if (head == null) {
            return;
        }
        report.sort((x, y) -> Integer.compare(((StoredRecord) x[0]).seq(), ((StoredRecord) y[0]).seq()));
        for (Object[] o : report) {
            StoredRecord r = (StoredRecord) o[0];
            sink.accept(new ExportRow(head.domain(), head.orgName(), head.reportId(), head.begin(), head.end(),
                    (String) o[1], r.messages(), r.disposition().orElse(""), r.dkim().orElse(""), r.spf().orElse(""),
                    r.headerFrom(), r.envelopeFrom().orElse(""), r.envelopeTo().orElse(""), authText(r.dkimResults()),
                    authText(r.spfResults()), head.flagged()));
        }
    }

    /** Auth results as export writes them: {@code domain/selector=result}, separated by spaces. */
    private static String authText(List<StoredRecord.Auth> auths) {
        StringBuilder b = new StringBuilder();
        for (StoredRecord.Auth a : auths) {
            if (!b.isEmpty()) {
                b.append(' ');
            }
            b.append(a.domain());
            a.selector().ifPresent(sel -> b.append('/').append(sel));
            b.append('=').append(a.result().orElse(""));
        }
        return b.toString();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    @Override
    public RetentionResult applyRetention(Retention retention) {
        Instant now = clock.instant();
        return tx("applying retention", () -> {
            long blobs = 0;
            long reports = 0;
            long records = 0;
            if (retention.keepOriginalBytesDays().isPresent()) {
                long cutoff = now.minus(Duration.ofDays(retention.keepOriginalBytesDays().getAsInt())).toEpochMilli();
                try (PreparedStatement ps = conn.prepareStatement("UPDATE blobs SET compressed = NULL, purged_at = ? "
                        + "WHERE received_at < ? AND compressed IS NOT NULL AND state = ?")) {
                    ps.setLong(1, now.toEpochMilli());
                    ps.setLong(2, cutoff);
                    ps.setString(3, BlobState.PARSED.token());
                    blobs = ps.executeUpdate();
                }
            }
            if (retention.keepRecordsDays().isPresent()) {
                long today = LocalDate.ofInstant(now, ZoneOffset.UTC).toEpochDay();
                int cutoffDay = (int) (today - retention.keepRecordsDays().getAsInt());
                String old = "SELECT id FROM reports WHERE day < ? AND records_purged_at IS NULL";
                // the number of records, not of packs
                try (PreparedStatement ps = conn.prepareStatement(
                        "SELECT COALESCE(SUM(records), 0) FROM record_packs WHERE report_id IN (" + old + ")")) {
                    ps.setInt(1, cutoffDay);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        records = rs.getLong(1);
                    }
                }
                // the reporters of each source (SourceReporters) are counted from the packs of the reports in the
                // rollups while they last: what they count moves into source_reporters before they go (schema 10)
                try (PreparedStatement ps = conn.prepareStatement(SourceReporters.KEEP_PURGED)) {
                    ps.setInt(1, cutoffDay);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = conn.prepareStatement(
                        "DELETE FROM record_packs WHERE report_id IN (" + old + ")")) {
                    ps.setInt(1, cutoffDay);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = conn.prepareStatement("UPDATE reports SET records_purged_at = ? "
                        + "WHERE day < ? AND records_purged_at IS NULL")) {
                    ps.setLong(1, now.toEpochMilli());
                    ps.setInt(2, cutoffDay);
                    reports = ps.executeUpdate();
                }
            }
            return new RetentionResult(blobs, reports, records);
        });
    }

    /** The value of an SQLite {@code PRAGMA} on the store's own connection (tests check its settings). */
    long sqlitePragma(String name) {
        if (dialect != Dialect.SQLITE || !name.matches("[a-z_]+")) {
            throw new IllegalArgumentException("not an SQLite pragma of this store: " + name);
        }
        return read("reading PRAGMA " + name, () -> count("PRAGMA " + name));
    }

    @Override
    public StoreStats stats() {
        return read("counting", () -> new StoreStats(
                count("SELECT COUNT(*) FROM blobs"),
                count("SELECT COUNT(*) FROM reports"),
                count("SELECT COUNT(*) FROM reports WHERE conflict_of IS NOT NULL"),
                count("SELECT COALESCE(SUM(records), 0) FROM record_packs"),
                count("SELECT COUNT(*) FROM failure_reports"),
                count("SELECT COUNT(*) FROM ingest_attempts"),
                count("SELECT COUNT(*) FROM blobs WHERE state <> 'parsed'")));
    }

    private long count(String sql) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            conn.close();
        } catch (SQLException e) {
            throw new StoreException("closing " + displayUrl + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "ReportStore[" + displayUrl + "]";
    }
}
