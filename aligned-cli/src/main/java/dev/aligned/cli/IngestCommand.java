package dev.aligned.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aligned.server.AlignedServer;
import dev.aligned.server.ingest.HttpUploadServer;
import dev.aligned.server.ingest.ReceiverSettings;
import dev.aligned.server.ingest.SmtpReceiver;
import dev.aligned.server.ingest.DirectorySource;
import dev.aligned.server.ingest.FileClaims;
import dev.aligned.server.ingest.ImapMailbox;
import dev.aligned.server.ingest.ImapSource;
import dev.aligned.server.ingest.IngestConfig;
import dev.aligned.server.ingest.IngestSource;
import dev.aligned.server.ingest.MailboxLock;
import dev.aligned.server.ingest.PollOutcome;
import dev.aligned.server.ingest.Secret;
import dev.aligned.server.ingest.WatchedDirectory;
import dev.aligned.store.DataDirectory;
import dev.aligned.store.IngestFailure;
import dev.aligned.store.Ingestor;
import dev.aligned.store.ReportStore;
import dev.aligned.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code aligned ingest --config FILE [--once]}: runs the configured sources (IMAP mailboxes, watched directories)
 * into the report store; with {@code --once} reads what is waiting and exits, otherwise keeps polling / IDLE
 * until interrupted.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Ingest DMARC reports from the sources in a configuration file: IMAP mailboxes and watched "
                + "directories. Each report is stored exactly once; a mailbox message is moved (or flagged) only "
                + "after the store has committed it.",
                "Without --once, keeps running (IMAP IDLE where the server supports it, polling otherwise) until "
                        + "interrupted (Ctrl-C, SIGTERM). See docs/configuration.md for the file."},
        footer = {"", "Exit status: 0 ran (failed reports are in the error folder and the store), 1 a source or the "
                + "store was unavailable, 2 usage or configuration error."})
final class IngestCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "The configuration file (YAML, e.g. aligned.yaml); ${NAME} values come from the environment.")
    Path config;

    @Option(names = "--once", description = "Read what is waiting in every source once, then exit.")
    boolean once;

    @Option(names = "--db", paramLabel = "URL",
            description = "Report store; overrides database.url of the file (jdbc:sqlite:FILE, "
                    + "jdbc:postgresql://HOST:PORT/DB?user=U, or a SQLite file path).")
    String db;

    @Option(names = "--json", description = "With --once: print the summary as one JSON object.")
    boolean json;

    @Spec
    CommandSpec spec;

    /** The environment for ${NAME} references (tests replace it). */
    Map<String, String> env = System.getenv();

    private final List<IngestSource> running = new CopyOnWriteArrayList<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        IngestConfig cfg = loadConfig(config, env, err, "ingest");
        if (cfg == null) {
            return 2;
        }
        String url = db != null ? DataDirectory.urlFor(db)
                : cfg.databaseUrl().map(DataDirectory::urlFor).orElse(DataDirectory.defaultDatabaseUrl());
        Optional<Secret> password = cfg.databasePassword()
                .or(() -> Optional.ofNullable(env.get("ALIGNED_DB_PASSWORD")).map(Secret::of));
        String display = display(url);
        try (ReportStore store = ReportStore.builder().url(url).password(password.map(Secret::reveal).orElse(null))
                .onUpgrade(m -> err.println("aligned: " + m)).build()) {
            Ingestor ingestor = Ingestor.builder(store).build();
            MailboxLock lock = MailboxLock.forDatabase(url, password.orElse(null));
            FileClaims claims = FileClaims.forDatabase(url, password.orElse(null));
            List<IngestSource> sources = new ArrayList<>();
            for (ImapMailbox box : cfg.mailboxes()) {
                sources.add(ImapSource.builder(box, ingestor).lock(lock).build());
            }
            for (WatchedDirectory d : cfg.directories()) {
                sources.add(new DirectorySource(d, ingestor, claims, java.time.Clock.systemUTC()));
            }
            PollOutcome.Polled resumed = AlignedServer.resumePending(ingestor,
                    java.time.Instant.now().minus(AlignedServer.RESUME_AFTER));
            if (once) {
                return runOnce(resumed, sources, out, display, cfg);
            }
            List<AutoCloseable> receivers = new ArrayList<>();
            try {
                if (cfg.smtp().isPresent()) {
                    ReceiverSettings r = cfg.smtp().get();
                    SmtpReceiver smtp = r.smtpBuilder(ingestor).build().start();
                    receivers.add(smtp);
                    out.println("SMTP receiver on " + r.host() + ":" + smtp.port() + r.tlsLabel());
                }
                if (cfg.http().isPresent()) {
                    ReceiverSettings r = cfg.http().get();
                    HttpUploadServer http = HttpUploadServer.builder(ingestor).bind(InetAddress.getByName(r.host()))
                            .port(r.port()).maxUploadBytes(r.maxBytes()).token(r.token().orElse(null)).build().start();
                    receivers.add(http);
                    out.println("HTTP upload on http://" + r.host() + ":" + http.port() + HttpUploadServer.PATH);
                }
                report(resumed, out, err);
                return runForever(sources, receivers, out, err, display);
            } catch (IOException e) {
                err.println("aligned ingest: cannot listen: " + e.getMessage()
                        + "; check smtp.listen / http.listen (is the port in use?)");
                return 1;
            } finally {
                for (AutoCloseable c : receivers) {
                    try {
                        c.close();
                    } catch (Exception e) {
                        // closing a listener: nothing to report
                    }
                }
            }
        } catch (StoreException e) {
            err.println("aligned ingest: " + e.getMessage());
            err.println("Check database.url / --db (" + display + ") and that the database is reachable.");
            return 1;
        }
    }

    /** Reads {@code file}, or prints every problem (prefixed {@code aligned COMMAND:}) and returns null. */
    static IngestConfig loadConfig(Path file, Map<String, String> env, PrintWriter err, String command) {
        return ConfigFiles.load(file, err, command, "docs/configuration.md", () -> IngestConfig.load(file, env));
    }

    static String display(String url) {
        String u = url.replaceAll("\\?.*", "");
        return u.startsWith("jdbc:sqlite:") ? u.substring("jdbc:sqlite:".length()) : u;
    }

    /** One summary row per source. */
    private record Row(String name, String status, int inputs, long fresh, long dup, long records,
            List<IngestFailure> failures, String error) {
    }

    private int runOnce(PollOutcome.Polled resumed, List<IngestSource> sources, PrintWriter out, String display,
            IngestConfig cfg) {
        List<Row> rows = new ArrayList<>();
        if (resumed.inputs() > 0) {
            rows.add(new Row(resumed.source(), "polled", resumed.inputs(), resumed.newReports(), resumed.duplicates(),
                    resumed.records(), resumed.failures(), null));
        }
        boolean unavailable = false;
        for (IngestSource s : sources) {
            int inputs = 0;
            long fresh = 0;
            long dup = 0;
            long records = 0;
            List<IngestFailure> failures = new ArrayList<>();
            String status = "polled";
            String error = null;
            while (true) {
                PollOutcome o = s.pollOnce();
                boolean more = false;
                switch (o) {
                    case PollOutcome.Polled p -> {
                        inputs += p.inputs();
                        fresh += p.newReports();
                        dup += p.duplicates();
                        records += p.records();
                        failures.addAll(p.failures());
                        more = p.more();
                    }
                    case PollOutcome.Skipped k -> {
                        status = "skipped";
                        error = k.reason();
                    }
                    case PollOutcome.Unavailable u -> {
                        status = "unavailable";
                        error = u.error();
                        unavailable = true;
                    }
                }
                if (!more) {
                    break;
                }
            }
            rows.add(new Row(s.name(), status, inputs, fresh, dup, records, failures, error));
        }
        if (json) {
            printJson(out, rows);
        } else {
            printHuman(out, rows, display);
            if (cfg.smtp().isPresent() || cfg.http().isPresent()) {
                out.println("(the SMTP and HTTP receivers run only without --once)");
            }
        }
        out.flush();
        return unavailable ? 1 : 0;
    }

    private void printJson(PrintWriter out, List<Row> rows) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode();
        o.put("new", rows.stream().mapToLong(Row::fresh).sum());
        o.put("duplicate", rows.stream().mapToLong(Row::dup).sum());
        o.put("failed", rows.stream().mapToLong(r -> r.failures().size()).sum());
        o.put("records", rows.stream().mapToLong(Row::records).sum());
        ArrayNode a = o.putArray("sources");
        for (Row r : rows) {
            ObjectNode s = a.addObject();
            s.put("source", r.name()).put("status", r.status()).put("inputs", r.inputs()).put("new", r.fresh())
                    .put("duplicate", r.dup()).put("records", r.records());
            if (r.error() != null) {
                s.put("error", r.error());
            }
            ArrayNode f = s.putArray("failures");
            for (IngestFailure x : r.failures()) {
                f.addObject().put("source", x.source()).put("error", x.error());
            }
        }
        out.println(o.toString());
    }

    private static void printHuman(PrintWriter out, List<Row> rows, String display) {
        out.println("Ingested into " + display);
        int width = rows.stream().mapToInt(r -> r.name().length()).max().orElse(0);
        for (Row r : rows) {
            String name = String.format("%-" + width + "s", r.name());
            switch (r.status()) {
                case "polled" -> out.printf("  %s  %,d input%s  %,d new  %,d duplicate  %,d failed  (%,d records)%n",
                        name, r.inputs(), r.inputs() == 1 ? "" : "s", r.fresh(), r.dup(), r.failures().size(),
                        r.records());
                case "skipped" -> out.printf("  %s  skipped: %s%n", name, r.error());
                default -> out.printf("  %s  unavailable: %s%n", name, r.error());
            }
            for (IngestFailure f : r.failures()) {
                out.println("    " + f.error().replace("\n", " "));
            }
        }
        boolean failed = rows.stream().anyMatch(r -> !r.failures().isEmpty());
        if (rows.stream().anyMatch(r -> r.status().equals("unavailable"))) {
            out.println("Unavailable sources keep their messages; fix the error and run again.");
        } else if (failed) {
            out.println("Failed messages are in the error folder and their reasons in the store.");
        } else {
            out.println("Next: aligned export --format csv --db " + display);
        }
    }

    private int runForever(List<IngestSource> sources, List<AutoCloseable> receivers, PrintWriter out,
            PrintWriter err, String display) {
        out.println("Ingesting from " + sources.size() + " source" + (sources.size() == 1 ? "" : "s")
                + (receivers.isEmpty() ? "" : " and " + receivers.size() + " receiver" + (receivers.size() == 1 ? "" : "s"))
                + " into " + display + "; Ctrl-C to stop.");
        out.flush();
        running.addAll(sources);
        if (sources.isEmpty()) {
            sources = List.of(new Idle());
            running.addAll(sources);
        }
        List<Thread> threads = new ArrayList<>();
        Thread hook = new Thread(this::stop, "aligned-ingest-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            for (IngestSource s : sources) {
                threads.add(Thread.ofVirtual().name("ingest " + s.name()).start(() -> s.run(o -> report(o, out, err))));
            }
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook is running
            }
        }
        return 0;
    }

    /** Keeps the command alive when only receivers are configured. */
    private static final class Idle implements IngestSource {
        private final java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);

        @Override
        public String name() {
            return "receivers";
        }

        @Override
        public PollOutcome pollOnce() {
            return new PollOutcome.Polled(name(), 0, 0, 0, 0, List.of(), false);
        }

        @Override
        public void run(java.util.function.Consumer<PollOutcome> listener) {
            try {
                stop.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void stop() {
            stop.countDown();
        }
    }

    /** Stops every running source (Ctrl-C, or a test). */
    void stop() {
        for (IngestSource s : running) {
            s.stop();
        }
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    /** One line per poll that read something, or per unavailable source; shared with {@code serve}. */
    static void report(PollOutcome o, PrintWriter out, PrintWriter err) {
        String now = LocalTime.now(ZoneOffset.UTC).format(TIME);
        synchronized (out) {
            switch (o) {
                case PollOutcome.Polled p -> {
                    if (p.inputs() > 0) {
                        out.printf("%s  %s  %,d new  %,d duplicate  %,d failed  (%,d records)%n", now, p.source(),
                                p.newReports(), p.duplicates(), p.failures().size(), p.records());
                        for (IngestFailure f : p.failures()) {
                            out.println("    " + f.error().replace("\n", " "));
                        }
                        out.flush();
                    }
                }
                case PollOutcome.Skipped k -> {
                    // another node is reading this mailbox: normal on a cluster, not worth a line per poll
                }
                case PollOutcome.Unavailable u -> {
                    err.printf("%s  %s  unavailable: %s%n", now, u.source(), u.error());
                    err.flush();
                }
            }
        }
    }
}
