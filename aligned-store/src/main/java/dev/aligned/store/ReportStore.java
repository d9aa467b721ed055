package dev.aligned.store;

import dev.aligned.report.ReportResult;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where DMARC reports are kept: one interface over JDBC, an embedded SQLite file by default
 * ({@link DataDirectory#defaultDatabaseUrl()}) or PostgreSQL. The schema is created and migrated on open
 * (Flyway, one history for both databases).
 *
 * <p>Ingestion is two steps, each its own transaction: {@link #archive} keeps the original bytes (gzip, SHA-256)
 * before anything is parsed, then {@link #store} writes the parse results, the records and the daily rollups
 * together. A crash between the two leaves the bytes archived and {@link BlobState#RECEIVED}, to be parsed again
 * ({@link Ingestor#resumePending()}). A report is identified by (reporter org, report_id, policy domain) and its
 * content hash: the same report is stored once whatever bytes carried it; different content under a reused
 * identity is stored and flagged ({@link ReportOutcome.Conflict}). Files, which stay at their source, may instead
 * be archived and stored many at a time in one transaction ({@link #archiveAndStore}, what
 * {@link Ingestor#ingestAll} does). Most callers use {@link Ingestor}.
 *
 * <pre>{@code
 * try (ReportStore store = ReportStore.builder().url("jdbc:sqlite:/var/lib/aligned/aligned.db").build()) {
 *     Ingestor ingestor = Ingestor.builder(store).build();
 *     IngestResult r = ingestor.ingest("google.com!example.com!1700000000!1700086399.xml.gz", bytes);
 *     for (DailyRollup d : store.rollups(RollupQuery.domain("example.com"))) {
 *         System.out.println(d.day() + " " + d.sourceIp() + " " + d.dmarc() + " " + d.messages());
 *     }
 * }
 * }</pre>
 *
 * <p>Implementations are thread-safe; one instance holds one connection and serialises its work.
 */
public interface ReportStore extends AutoCloseable {

    /** A builder for a store at a JDBC URL. */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Archives the original bytes of one input before they are parsed, and records an ingestion attempt. When
     * the same bytes are already archived nothing is written but the attempt; the returned state says whether
     * they were parsed.
     */
    Archived archive(String source, byte[] bytes);

    /**
     * Stores what the reader made of an archived input, in one transaction: new reports with their records and
     * auth results, failure reports, rollups, parse errors, and the blob's new state.
     */
    StoreResult store(Archived archived, List<ReportResult> results);

    /**
     * Archives and stores several inputs in <em>one</em> transaction (what {@link Ingestor#ingestAll} does with the
     * files of an import): for each input {@code inputs} yields, in order, what {@link #archive} and then, unless
     * its bytes were already parsed (before, or earlier in the same transaction), {@link #store} would do. The
     * transaction ends when {@code inputs} has no more; {@code inputs} may block, waiting for the next parsed
     * input, while the transaction is open (it holds the database's write lock meanwhile: keep it short). Either
     * every input is committed, blobs and reports together, or none is: a crash before the commit leaves no trace
     * of them, and importing the same files again stores them. Meant for inputs that stay available at their
     * source until this returns (files); inputs that may be gone after a crash (a message being received) go
     * through {@link #archive} first. A failure thrown by {@code inputs} rolls the transaction back and is thrown
     * here (as a {@link StoreException} unless it is one).
     *
     * @return one result per input, in order
     */
    List<IngestResult> archiveAndStore(java.util.Iterator<Input> inputs);

    /**
     * One input of {@link #archiveAndStore}: its bytes, what the reader made of them, and what storing them needs
     * computed (SHA-256 and gzip of the bytes, each aggregate report's content digest and rollup sums): by
     * {@link #of}, on the calling thread, so that a pipeline does that work outside the store's transaction.
     */
    final class Input {
        private final String source;
        private final byte[] bytes;
        private final String sha256;
        private final byte[] compressed;
        private final List<ReportResult> results;
        private final java.util.Map<dev.aligned.report.AggregateReport, JdbcReportStore.Prepared> prepared =
                new java.util.IdentityHashMap<>();
        /** What parses the bytes again for a retried transaction, or null: the input is then kept whole. */
        private final java.util.function.Function<byte[], List<ReportResult>> parser;

        private Input(String source, byte[] bytes, List<ReportResult> results,
                java.util.function.Function<byte[], List<ReportResult>> parser) {
            this.source = Objects.requireNonNull(source, "source");
            this.bytes = Objects.requireNonNull(bytes, "bytes");
            this.parser = parser;
            this.results = List.copyOf(results);
            this.sha256 = ContentDigest.hex(bytes);
            this.compressed = JdbcReportStore.gzip(bytes);
            for (ReportResult r : this.results) {
                if (r instanceof ReportResult.Parsed p && p.report() instanceof dev.aligned.report.AggregateReport a) {
                    prepared.put(a, JdbcReportStore.Prepared.of(a));
                }
            }
        }

        /** An input named {@code source} (as in outcomes and errors), its bytes and their parse results. */
        public static Input of(String source, byte[] bytes, List<ReportResult> results) {
            return new Input(source, bytes, results, null);
        }

        /**
         * An input parsed by {@code parser}, which can parse the same bytes again: a transaction of
         * {@link #archiveAndStore} that has written it keeps only its bytes ({@link #again}), so a transaction's
         * memory is bounded by its bytes rather than by its parsed reports.
         */
        static Input parsed(String source, byte[] bytes, java.util.function.Function<byte[], List<ReportResult>> parser) {
            Objects.requireNonNull(parser, "parser");
            return new Input(source, bytes, parser.apply(bytes), parser);
        }

        /**
         * What a transaction keeps of this input once written, in case it is retried (a PostgreSQL deadlock): for
         * an input made by {@link #parsed}, its source, bytes and parser only (no reports, packs or sums), parsed
         * again when asked for; otherwise the input itself.
         */
        java.util.function.Supplier<Input> again() {
            if (parser == null) {
                Input whole = this;
                return () -> whole;
            }
            String s = source;
            byte[] b = bytes;
            java.util.function.Function<byte[], List<ReportResult>> p = parser;
            return () -> parsed(s, b, p);
        }

        public String source() {
            return source;
        }

        /** The parse results of the bytes. */
        public List<ReportResult> results() {
            return results;
        }

        /** The number of records in the parsed aggregate reports (what a batch is sized by). */
        public int records() {
            int n = 0;
            for (ReportResult r : results) {
                if (r instanceof ReportResult.Parsed p && p.report() instanceof dev.aligned.report.AggregateReport a) {
                    n += a.records().size();
                }
            }
            return n;
        }

        /** The size of the original bytes. */
        public int size() {
            return bytes.length;
        }

        byte[] bytes() {
            return bytes;
        }

        String sha256() {
            return sha256;
        }

        byte[] compressed() {
            return compressed;
        }

        /** The digest and rollup sums of each aggregate report, computed with the input. */
        java.util.Map<dev.aligned.report.AggregateReport, JdbcReportStore.Prepared> prepared() {
            return prepared;
        }
    }

    /** The original bytes of an archived input (decompressed), unless unknown or removed by retention. */
    Optional<byte[]> originalBytes(String sha256);

    /** Archived inputs that are not (fully) parsed: {@link BlobState#RECEIVED}, PARTIAL or FAILED, oldest first. */
    List<BlobInfo> unparsed(int max);

    /** The parse errors of the latest attempt on an input. */
    List<IngestFailure> errors(String sha256);

    /** Daily rollups, ordered by domain, day, source IP. */
    List<DailyRollup> rollups(RollupQuery query);

    /** Streams one row per stored record (joined with its report) to {@code sink}, oldest report first. */
    void export(ExportQuery query, Consumer<ExportRow> sink);

    /** Applies retention with the store's clock. */
    RetentionResult applyRetention(Retention retention);

    /** Counts of what is stored. */
    StoreStats stats();

    /** Closes the connection. */
    @Override
    void close();

    /** Builds a {@link ReportStore}. */
    final class Builder {
        private String url;
        private String user;
        private String password;
        private Clock clock = Clock.systemUTC();
        private Duration busyTimeout = Duration.ofSeconds(30);
        private java.util.function.Consumer<String> onUpgrade = message -> { };

        Builder() {
        }

        /**
         * Told, before {@link #build()} upgrades an existing store's schema, what is about to happen (a sentence for a
         * console: on a large store an upgrade can take minutes). Not called for a new store or a current one.
         */
        public Builder onUpgrade(java.util.function.Consumer<String> listener) {
            this.onUpgrade = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** {@code jdbc:sqlite:FILE} or {@code jdbc:postgresql://HOST:PORT/DB}. */
        public Builder url(String jdbcUrl) {
            Dialect.of(Objects.requireNonNull(jdbcUrl, "jdbcUrl"));
            this.url = jdbcUrl;
            return this;
        }

        /** The database user (PostgreSQL); may also be given in the URL. */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /** The database password (PostgreSQL); never logged. */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /** The clock for received/stored times and retention (default: system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How long SQLite waits for a lock held by another process (default 30 s). */
        public Builder busyTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("busy timeout must not be negative, got " + timeout);
            }
            this.busyTimeout = timeout;
            return this;
        }

        /**
         * Opens the store: creates the SQLite file's directory if needed, migrates the schema.
         *
         * @throws StoreException when the database cannot be opened or migrated
         */
        public ReportStore build() {
            String u = url == null ? DataDirectory.defaultDatabaseUrl() : url;
            return JdbcReportStore.open(u, user, password, clock, busyTimeout, onUpgrade);
        }
    }
}
