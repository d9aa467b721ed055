package dev.aligned.server;

import dev.aligned.server.ingest.DirectorySource;
import dev.aligned.server.ingest.FileClaims;
import dev.aligned.server.ingest.HttpUploadServer;
import dev.aligned.server.ingest.ImapMailbox;
import dev.aligned.server.ingest.ImapSource;
import dev.aligned.server.ingest.IngestConfig;
import dev.aligned.server.ingest.IngestSource;
import dev.aligned.server.ingest.MailboxLock;
import dev.aligned.server.ingest.PollOutcome;
import dev.aligned.server.ingest.ReceiverSettings;
import dev.aligned.server.ingest.SmtpReceiver;
import dev.aligned.server.ingest.WatchedDirectory;
import dev.aligned.store.IngestFailure;
import dev.aligned.store.IngestResult;
import dev.aligned.store.Ingestor;
import dev.aligned.store.ReportOutcome;
import dev.aligned.store.ReportStore;
import dev.aligned.store.StoreException;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The long-running Aligned process ({@code aligned serve}): over one report store it runs every ingest source of an
 * {@link IngestConfig} (IMAP mailboxes, watched directories, the SMTP receiver, the HTTP upload endpoint) and any
 * other {@link ServerComponent} added to it (the web dashboard). On {@link #start()} it first parses again the
 * inputs that were archived but not stored when a previous process stopped ({@link Ingestor#resumePending(int)}),
 * then starts its components in order; {@link #close()} stops them in reverse order. Several servers may share
 * one PostgreSQL database: mailboxes are guarded by the {@link MailboxLock}, directory files are claimed one node
 * at a time, and the store's keys keep every report once.
 *
 * <pre>{@code
 * try (ReportStore store = ReportStore.builder().url(url).build();
 *      AlignedServer server = AlignedServer.builder(store)
 *              .config(IngestConfig.load(Path.of("aligned.yaml"), System.getenv()))
 *              .lock(MailboxLock.forDatabase(url, null)).claims(FileClaims.forDatabase(url, null))
 *              .events(outcome -> System.out.println(outcome))
 *              .build().start()) {
 *     server.components().forEach(c -> System.out.println(c.name()));
 *     server.awaitClose();
 * }
 * }</pre>
 */
public final class AlignedServer implements AutoCloseable {
    /** How many archived-but-unparsed inputs {@link #start()} parses again. */
    public static final int MAX_RESUMED = 100_000;

    /**
     * How long an archived input must have waited before a starting process parses it as left behind: younger ones
     * may belong to another node that is parsing them right now (and will arrive again from their source anyway).
     */
    public static final Duration RESUME_AFTER = Duration.ofMinutes(2);

    private final ReportStore store;
    private final Ingestor ingestor;
    private final Clock clock;
    private final Consumer<PollOutcome> events;
    private final List<ServerComponent> components;
    private final List<ServerComponent> started = new ArrayList<>();
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
    private boolean running;
    private PollOutcome.Polled resumed;

    private AlignedServer(Builder b) {
        this.store = b.store;
        this.ingestor = b.ingestor != null ? b.ingestor : Ingestor.builder(b.store).build();
        this.clock = b.clock;
        this.events = b.events;
        List<ServerComponent> all = new ArrayList<>();
        IngestConfig cfg = b.config;
        for (ImapMailbox box : cfg.mailboxes()) {
            all.add(new SourceComponent(ImapSource.builder(box, ingestor).lock(b.lock).build(), events,
                    "IMAP " + box.name() + " (" + box.url() + ")"));
        }
        for (WatchedDirectory d : cfg.directories()) {
            FileClaims claims = b.claims != null ? b.claims : FileClaims.locking(b.lock);
            all.add(new SourceComponent(new DirectorySource(d, ingestor, claims, clock), events, "directory " + d.path()
                    + d.processedFolder().map(p -> " (stored files to " + p + ", failed to " + d.errorFolder().get()
                            + ")").orElse("")));
        }
        cfg.smtp().ifPresent(r -> all.add(new SmtpComponent(r, ingestor, clock)));
        cfg.http().ifPresent(r -> all.add(new HttpComponent(r, ingestor)));
        all.addAll(b.extra);
        this.components = List.copyOf(all);
    }

    /** A builder over {@code store} (the server does not close the store). */
    public static Builder builder(ReportStore store) {
        return new Builder(store);
    }

    /**
     * Parses again what a previous process archived but did not store, then starts every component in order. When a
     * component fails to start, those already started are closed and the failure is thrown.
     *
     * @throws IOException when a component cannot start (a port in use)
     * @throws StoreException when the store fails while resuming
     */
    public synchronized AlignedServer start() throws IOException {
        if (running) {
            throw new IllegalStateException("server already started");
        }
        running = true;
        resumed = resumePending(ingestor, clock.instant().minus(RESUME_AFTER));
        events.accept(resumed);
        for (ServerComponent c : components) {
            try {
                c.start();
            } catch (IOException | RuntimeException e) {
                c.close();
                closeStarted();
                throw e;
            }
            started.add(c);
        }
        return this;
    }

    /**
     * Parses again up to {@link #MAX_RESUMED} inputs archived before {@code archivedBefore} but not (fully) parsed,
     * as one poll outcome whose source is {@code pending}; {@code more} when the bound was reached.
     *
     * @throws StoreException when the store fails
     */
    public static PollOutcome.Polled resumePending(Ingestor ingestor, Instant archivedBefore) {
        List<IngestResult> rs = ingestor.resumePending(MAX_RESUMED, archivedBefore);
        long fresh = 0;
        long dup = 0;
        long records = 0;
        List<IngestFailure> failures = new ArrayList<>();
        for (IngestResult r : rs) {
            fresh += r.newReports();
            dup += r.duplicates();
            records += r.records();
            for (ReportOutcome.Failed f : r.failures()) {
                failures.add(new IngestFailure(f.source(), f.error()));
            }
        }
        return new PollOutcome.Polled("pending", rs.size(), fresh, dup, records, failures, rs.size() >= MAX_RESUMED);
    }

    /** What {@link #start()} found pending from an earlier process (source {@code pending}); empty before start. */
    public synchronized Optional<PollOutcome.Polled> resumed() {
        return Optional.ofNullable(resumed);
    }

    /** The components, in start order (ingest sources, receivers, then those added with {@link Builder#component}). */
    public List<ServerComponent> components() {
        return components;
    }

    /** The ingestor every component shares. */
    public Ingestor ingestor() {
        return ingestor;
    }

    /** The store. */
    public ReportStore store() {
        return store;
    }

    /** The clock given to the components. */
    public Clock clock() {
        return clock;
    }

    /** Blocks until {@link #close()} has run. */
    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    /** Stops the started components in reverse order. Idempotent. */
    @Override
    public synchronized void close() {
        closeStarted();
        closed.countDown();
    }

    private void closeStarted() {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
        started.clear();
    }

    /** Runs an {@link IngestSource} on a virtual thread until closed. */
    private static final class SourceComponent implements ServerComponent {
        private final IngestSource source;
        private final Consumer<PollOutcome> events;
        private final String name;
        private Thread thread;

        SourceComponent(IngestSource source, Consumer<PollOutcome> events, String name) {
            this.source = source;
            this.events = events;
            this.name = name;
        }

        @Override
        public void start() {
            thread = Thread.ofVirtual().name("ingest " + source.name()).start(() -> source.run(events));
        }

        @Override
        public void close() {
            source.stop();
            if (thread != null) {
                try {
                    if (!thread.join(Duration.ofSeconds(30))) {
                        thread.interrupt();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public String name() {
            return name;
        }
    }

    private static final class SmtpComponent implements ServerComponent {
        private final ReceiverSettings settings;
        private final Ingestor ingestor;
        private final Clock clock;
        private SmtpReceiver smtp;

        SmtpComponent(ReceiverSettings settings, Ingestor ingestor, Clock clock) {
            this.settings = settings;
            this.ingestor = ingestor;
            this.clock = clock;
        }

        @Override
        public void start() throws IOException {
            smtp = settings.smtpBuilder(ingestor).clock(clock).build().start();
        }

        @Override
        public void close() {
            if (smtp != null) {
                try {
                    smtp.close();
                } catch (IOException e) {
                    // closing the listening socket: nothing left to do
                }
            }
        }

        @Override
        public String name() {
            return "SMTP receiver on " + settings.host() + ":" + (smtp == null ? settings.port() : smtp.port())
                    + settings.tlsLabel();
        }
    }

    private static final class HttpComponent implements ServerComponent {
        private final ReceiverSettings settings;
        private final Ingestor ingestor;
        private HttpUploadServer http;

        HttpComponent(ReceiverSettings settings, Ingestor ingestor) {
            this.settings = settings;
            this.ingestor = ingestor;
        }

        @Override
        public void start() throws IOException {
            http = HttpUploadServer.builder(ingestor).bind(InetAddress.getByName(settings.host()))
                    .port(settings.port()).maxUploadBytes(settings.maxBytes()).token(settings.token().orElse(null))
                    .build().start();
        }

        @Override
        public void close() {
            if (http != null) {
                http.close();
            }
        }

        @Override
        public String name() {
            return "HTTP upload on http://" + settings.host() + ":" + (http == null ? settings.port() : http.port())
                    + HttpUploadServer.PATH;
        }
    }

    /** Builds an {@link AlignedServer}. */
    public static final class Builder {
        private final ReportStore store;
        private IngestConfig config = new IngestConfig(Optional.empty(), Optional.empty(), List.of(), List.of(),
                Optional.empty(), Optional.empty());
        private Clock clock = Clock.systemUTC();
        private MailboxLock lock = MailboxLock.inProcess();
        private Consumer<PollOutcome> events = o -> { };
        private Ingestor ingestor;
        private FileClaims claims;
        private final List<ServerComponent> extra = new ArrayList<>();

        private Builder(ReportStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /** The ingest sources to run (default: none). Its database settings are the caller's business. */
        public Builder config(IngestConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** The clock given to the receivers (default: system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The guard that keeps two pollers off one mailbox (default: this process only). */
        public Builder lock(MailboxLock lock) {
            this.lock = Objects.requireNonNull(lock, "lock");
            return this;
        }

        /**
         * How nodes share watched directories (default: {@link FileClaims#locking} on the {@link #lock}); use
         * {@link FileClaims#forDatabase} so that nodes on one PostgreSQL database claim files with
         * {@code SKIP LOCKED}.
         */
        public Builder claims(FileClaims claims) {
            this.claims = Objects.requireNonNull(claims, "claims");
            return this;
        }

        /** Receives the outcome of every poll, and of the start-up resume (source {@code pending}). */
        public Builder events(Consumer<PollOutcome> events) {
            this.events = Objects.requireNonNull(events, "events");
            return this;
        }

        /** The ingestor (default: {@code Ingestor.builder(store).build()}). */
        public Builder ingestor(Ingestor ingestor) {
            this.ingestor = Objects.requireNonNull(ingestor, "ingestor");
            return this;
        }

        /** Adds a component, started after the ingest sources and receivers. */
        public Builder component(ServerComponent component) {
            extra.add(Objects.requireNonNull(component, "component"));
            return this;
        }

        public AlignedServer build() {
            return new AlignedServer(this);
        }
    }
}
