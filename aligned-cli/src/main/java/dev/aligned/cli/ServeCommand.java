package dev.aligned.cli;

import dev.aligned.server.AlignedServer;
import dev.aligned.server.ServerComponent;
import dev.aligned.server.ingest.FileClaims;
import dev.aligned.server.ingest.IngestConfig;
import dev.aligned.server.ingest.MailboxLock;
import dev.aligned.server.ingest.ConfigException;
import dev.aligned.server.ingest.Secret;
import dev.aligned.server.reporting.ReceiverReporting;
import dev.aligned.server.reporting.ReportingConfig;
import dev.aligned.store.DataDirectory;
import dev.aligned.store.ReportStore;
import dev.aligned.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code aligned serve [--config FILE] [--db URL] [--listen HOST:PORT] [--demo]}: runs an {@link AlignedServer}
 * (every ingest source of the configuration file, and the web dashboard) until SIGTERM or Ctrl-C, printing one line
 * per started component and one per poll that read something. {@code --demo} serves a demo database (in the data
 * directory unless {@code --db} is given) filled with the bundled sample reports when empty.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run Aligned as a server: the web dashboard and JSON API (--listen, default 127.0.0.1:8080) and "
                + "the ingest sources of the configuration file (IMAP mailboxes, watched directories, SMTP receiver, "
                + "HTTP upload) over one report store, until SIGTERM or Ctrl-C.",
                "--demo: a demo database filled with the bundled sample reports; the login is printed.",
                "On start, reports archived but not stored by an earlier process are parsed again. Several "
                        + "servers may share one PostgreSQL database (--db jdbc:postgresql://...)."},
        footer = {"", "Exit status: 0 stopped by a signal, 1 the store or a listener failed, 2 usage or "
                + "configuration error."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE",
            description = "The configuration file (YAML, see docs/configuration.md); without it, no ingest source runs.")
    Path config;

    @Option(names = "--db", paramLabel = "URL",
            description = "Report store; overrides database.url of the file (jdbc:sqlite:FILE, "
                    + "jdbc:postgresql://HOST:PORT/DB?user=U, or a SQLite file path). Default: the SQLite file in "
                    + "the data directory. PostgreSQL password from $ALIGNED_DB_PASSWORD or database.password.")
    String db;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8080",
            description = "Where the dashboard listens (default: ${DEFAULT-VALUE}; port 0: any free port). "
                    + "No TLS: put a reverse proxy in front for remote users, with --secure-cookies.")
    String listen;

    @Option(names = "--no-web", description = "Do not run the dashboard (ingest only).")
    boolean noWeb;

    @Option(names = "--demo", description = "Serve a demo database (demo.db in the data directory, or --db) "
            + "filled with the bundled sample reports and 30 generated days when it is empty.")
    boolean demo;

    @Option(names = "--secure-cookies", description = "Mark session cookies Secure (behind a TLS reverse proxy).")
    boolean secureCookies;

    @Option(names = "--max-upload", paramLabel = "BYTES", defaultValue = "33554432",
            description = "Largest report file the dashboard accepts (default: ${DEFAULT-VALUE}).")
    long maxUpload;

    @Mixin
    DnsOptions dns;

    @Spec
    CommandSpec spec;

    /** The dashboard, once started (tests read its port). */
    volatile dev.aligned.server.web.WebServer web;

    /** The environment for ${NAME} references (tests replace it). */
    Map<String, String> env = System.getenv();

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** Components beyond the ingest sources of the file: the dashboard unless {@code --no-web}. */
    List<ServerComponent> components(ReportStore store, String url, String password, PrintWriter out) {
        if (noWeb) {
            return List.of();
        }
        java.net.InetSocketAddress address = listenAddress(listen);
        dev.aligned.store.Ingestor ingestor = dev.aligned.store.Ingestor.builder(store).build();
        dev.aligned.server.web.WebServer.Builder b = dev.aligned.server.web.WebServer.builder(store, ingestor, url)
                .credentials(null, password).bind(address.getAddress()).port(address.getPort())
                .maxUploadBytes(maxUpload).secureCookies(secureCookies).resolver(dns.resolver())
                .console(new java.io.PrintStream(new WriterOutputStream(out), true, java.nio.charset.StandardCharsets.UTF_8))
                .adminPassword(env.get("ALIGNED_ADMIN_PASSWORD")).demo(demo);
        return List.of(new ServerComponent() {
            @Override
            public void start() throws IOException {
                if (demo) {
                    // loaded here, after the server's start-up re-parse, so that runs on an empty store
                    out.println("Loading the demo reports into " + IngestCommand.display(url) + " ...");
                    out.flush();
                    dev.aligned.server.web.DemoData.Result r = dev.aligned.server.web.DemoData.loadIfEmpty(store,
                            ingestor, java.time.Clock.systemUTC());
                    out.println(r.loaded() ? "  " + r.files() + " files: " + r.reports() + " reports stored, "
                            + r.failed() + " unreadable on purpose (see the ingestion log)"
                            : "  the database already holds reports; nothing loaded");
                    out.flush();
                }
                web = b.build().start();
            }

            @Override
            public void close() {
                if (web != null) {
                    web.close();
                }
            }

            @Override
            public String name() {
                return "dashboard on " + web.url();
            }
        });
    }

    /** {@code HOST:PORT}, {@code [V6]:PORT} or {@code PORT}. */
    static java.net.InetSocketAddress listenAddress(String s) {
        String host = "127.0.0.1";
        String port = s;
        int colon = s.lastIndexOf(':');
        if (colon >= 0) {
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new ServeCommand()),
                    "--listen: '" + s + "' is not HOST:PORT (e.g. 127.0.0.1:8080)");
        }
        if (p < 0 || p > 65535) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new ServeCommand()),
                    "--listen: port " + p + " is not between 0 and 65535");
        }
        try {
            return new java.net.InetSocketAddress(java.net.InetAddress.getByName(host), p);
        } catch (java.net.UnknownHostException e) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new ServeCommand()),
                    "--listen: cannot resolve host '" + host + "'; give an IP address");
        }
    }

    /** Feeds the dashboard's console lines (the first-start password) into the command's output. */
    private static final class WriterOutputStream extends java.io.OutputStream {
        private final PrintWriter out;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

        WriterOutputStream(PrintWriter out) {
            this.out = out;
        }

        @Override
        public synchronized void write(int b) {
            line.write(b);
            if (b == '\n') {
                out.print(line.toString(java.nio.charset.StandardCharsets.UTF_8));
                out.flush();
                line.reset();
            }
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        IngestConfig cfg = config == null
                ? new IngestConfig(Optional.empty(), Optional.empty(), List.of(), List.of(), Optional.empty(),
                        Optional.empty())
                : IngestCommand.loadConfig(config, env, err, "serve");
        if (cfg == null) {
            return 2;
        }
        String url = db != null ? DataDirectory.urlFor(db)
                : demo ? "jdbc:sqlite:" + DataDirectory.defaultDatabaseFile().resolveSibling("demo.db")
                : cfg.databaseUrl().map(DataDirectory::urlFor).orElse(DataDirectory.defaultDatabaseUrl());
        java.net.InetSocketAddress address;
        try {
            address = listenAddress(listen);
        } catch (picocli.CommandLine.ParameterException e) {
            err.println("aligned serve: " + e.getMessage());
            return 2;
        }
        Optional<Secret> password = cfg.databasePassword()
                .or(() -> Optional.ofNullable(env.get("ALIGNED_DB_PASSWORD")).map(Secret::of));
        String display = IngestCommand.display(url);
        Optional<ReportingConfig> reportingCfg;
        Optional<dev.aligned.server.analysis.AlertsConfig> alertsCfg;
        try {
            reportingCfg = config == null ? Optional.empty() : ReportingConfig.loadIfPresent(config, env);
            alertsCfg = config == null ? Optional.empty()
                    : dev.aligned.server.analysis.AlertsConfig.loadIfPresent(config, env);
        } catch (IOException e) {
            err.println("aligned serve: cannot read " + config + ": " + e.getMessage());
            return 2;
        } catch (ConfigException e) {
            ConfigFiles.printProblems(err, "serve", config, e, "");
            return 2;
        }
        if (reportingCfg.isPresent() && reportingCfg.get().smtp().isEmpty() && reportingCfg.get().dryRun().isEmpty()) {
            err.println("aligned serve: " + config + ": reporting.smtp is not configured; add host, user and password, "
                    + "or reporting.dry_run: DIR (docs/receiver.md)");
            return 2;
        }
        Thread hook = new Thread(this::stopAndWait, "aligned-serve-stop");
        try (ReceiverReporting reporting = reportingCfg.map(rc -> ReceiverReporting.open(rc, url, password,
                dns.resolver(), Clock.systemUTC())).orElse(null);
                ReportStore store = ReportStore.builder().url(url).password(password.map(Secret::reveal).orElse(null))
                .onUpgrade(m -> err.println("aligned: " + m)).build()) {
            AlignedServer.Builder b = AlignedServer.builder(store).config(cfg)
                    .lock(MailboxLock.forDatabase(url, password.orElse(null)))
                    .claims(FileClaims.forDatabase(url, password.orElse(null)))
                    .events(o -> IngestCommand.report(o, out, err));
            components(store, url, password.map(Secret::reveal).orElse(null), out).forEach(b::component);
            if (reporting != null) {
                b.component(reporting.scheduler(Duration.ofMinutes(1), Duration.ofMinutes(5)));
            }
            if (alertsCfg.isPresent()) {
                b.component(dev.aligned.server.analysis.AlertsComponent.builder(alertsCfg.get(),
                        dev.aligned.server.analysis.Analysis.builder().url(url)
                                .password(password.map(Secret::reveal).orElse(null)).dns(dns.resolver()).build())
                        .log(line -> {
                            err.println(line);
                            err.flush();
                        }).build());
            }
            try (AlignedServer running = b.build()) {
                out.println("Aligned serving " + display);
                out.flush();
                running.start();
                for (ServerComponent c : running.components()) {
                    out.println("  " + c.name());
                }
                if (web != null) {
                    out.println("Open " + web.url() + " in a browser.");
                }
                if (running.components().isEmpty()) {
                    out.println("Nothing to run: give --config FILE with imap, directories, smtp or http "
                            + "(docs/configuration.md).");
                }
                out.println("Ctrl-C or SIGTERM to stop.");
                out.flush();
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    stop.await();
                } finally {
                    out.println("Stopping.");
                    out.flush();
                    running.close();
                }
            }
            return 0;
        } catch (IOException e) {
            err.println("aligned serve: cannot listen: " + e.getMessage()
                    + "; check --listen (the dashboard), smtp.listen and http.listen (is the port in use?)");
            return 1;
        } catch (StoreException e) {
            err.println("aligned serve: " + e.getMessage());
            err.println("Check database.url / --db (" + display + ") and that the database is reachable.");
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } finally {
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // the JVM is shutting down (the hook is running), or the hook was never added
            }
        }
    }

    /** The shutdown hook: stops, and holds the JVM until the components have closed (at most 60 s). */
    private void stopAndWait() {
        stop.countDown();
        try {
            stopped.await(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Makes {@link #call()} stop the server and return (Ctrl-C, SIGTERM, or a test). */
    void stop() {
        stop.countDown();
    }
}
