package dev.aligned.cli;

import dev.aligned.server.ingest.ConfigException;
import dev.aligned.server.milter.MilterConfig;
import dev.aligned.server.milter.MilterServer;
import dev.aligned.server.ingest.Secret;
import dev.aligned.server.reporting.JdbcEvaluationLog;
import dev.aligned.server.reporting.ReceiverReporting;
import dev.aligned.server.reporting.ReportingConfig;
import dev.aligned.store.StoreDataSource;
import dev.aligned.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code aligned milter --listen inet:127.0.0.1:8891}: a milter for Postfix (or Sendmail) that authenticates every
 * incoming message, adds Authentication-Results, applies the DMARC policy as configured and records the
 * evaluations for aggregate reports. Runs until interrupted.
 */
@Command(name = "milter", mixinStandardHelpOptions = true,
        description = {"Run a milter for Postfix or Sendmail: SPF, DKIM and DMARC for every incoming message, an "
                + "Authentication-Results header, and the DMARC policy applied as configured (monitor, quarantine, "
                + "reject). Evaluations are recorded in the report store for aggregate reports.",
                "Postfix: smtpd_milters = inet:127.0.0.1:8891 and milter_default_action = accept (or tempfail). "
                        + "See docs/milter.md."},
        footer = {"", "Exit status: 0 stopped, 1 could not listen or open the store, 2 usage or configuration error."})
final class MilterCommand implements Callable<Integer> {
    @Option(names = "--listen", paramLabel = "inet:HOST:PORT",
            description = "Where Postfix connects (default: milter.listen of the file, else inet:127.0.0.1:8891).")
    String listen;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The configuration file; its milter: section is read (see docs/milter.md).")
    Path config;

    @Option(names = "--authserv-id", paramLabel = "HOST",
            description = "The name in Authentication-Results (default: this host's name).")
    String authservId;

    @Option(names = "--mode", paramLabel = "MODE",
            description = "monitor (default: add results only), quarantine, or reject (apply the policy).")
    String mode;

    @Option(names = "--quarantine-style", paramLabel = "STYLE",
            description = "milter (Postfix hold queue, default) or header (X-Aligned-Quarantine).")
    String quarantineStyle;

    @Option(names = "--trusted", paramLabel = "CIDR", split = ",",
            description = "Trusted client networks, not evaluated (replaces the file's list; 'none' for no network; "
                    + "default 127.0.0.0/8, ::1/128).")
    List<String> trusted;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "Longest evaluation of one message, e.g. 5s or 800ms (default 5s).")
    String timeout;

    @Option(names = "--fail-mode", paramLabel = "MODE",
            description = "When the evaluation does not finish in time: accept (default; dmarc=temperror) or "
                    + "tempfail (451 4.7.0).")
    String failMode;

    @Option(names = "--no-record", description = "Do not record evaluations in the report store.")
    boolean noRecord;

    @Mixin
    DnsOptions dns;

    @Mixin
    DbOptions db;

    @Spec
    CommandSpec spec;

    /** The environment for ${NAME} references (tests replace it). */
    Map<String, String> env = System.getenv();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        MilterConfig cfg = MilterConfig.defaults();
        if (config != null) {
            try {
                cfg = MilterConfig.load(config, env);
            } catch (NoSuchFileException e) {
                err.println("aligned milter: " + config + ": no such file; see docs/milter.md for an example");
                return 2;
            } catch (ConfigException e) {
                ConfigFiles.printProblems(err, "milter", config, e, "");
                return 2;
            }
        }
        cfg = overrides(cfg);
        JdbcEvaluationLog log = null;
        ReceiverReporting reporting = null;
        MilterServer.Builder b = MilterServer.builder(dns.resolver(), cfg)
                .log(line -> {
                    synchronized (err) {
                        err.println(line);
                        err.flush();
                    }
                });
        if (!noRecord) {
            try {
                db.open().close(); // creates the SQLite file's directory and migrates the schema
                log = JdbcEvaluationLog.open(StoreDataSource.open(db.url(), null,
                        System.getenv("ALIGNED_DB_PASSWORD")));
            } catch (StoreException e) {
                err.println("aligned milter: cannot open the report store " + db.display() + ": " + e.getMessage()
                        + " (or run with --no-record)");
                return 1;
            }
            b.evaluationLog(log);
            if (config != null) {
                try {
                    Optional<ReportingConfig> rc = ReportingConfig.loadIfPresent(config, env);
                    if (rc.isPresent() && rc.get().failure().enabled()) {
                        reporting = ReceiverReporting.open(rc.get(), db.url(),
                                Optional.ofNullable(System.getenv("ALIGNED_DB_PASSWORD")).map(Secret::of),
                                dns.resolver(), Clock.systemUTC());
                        b.failureReporter(reporting.failures());
                    }
                } catch (ConfigException e) {
                    ConfigFiles.printProblems(err, "milter", config, e, " in the reporting section");
                    return 2;
                }
            }
        }
        MilterServer server;
        try {
            server = b.build().start();
        } catch (IOException e) {
            err.println("aligned milter: cannot listen on " + cfg.host() + ":" + cfg.port() + ": " + e.getMessage());
            return 1;
        }
        out.printf(Locale.ROOT, "Milter       listening on inet:%s:%d%n", cfg.host(), server.port());
        out.printf(Locale.ROOT, "Mode         %s, authserv-id %s, timeout %d ms then %s%n",
                cfg.mode().name().toLowerCase(Locale.ROOT), cfg.authservId(), cfg.timeout().toMillis(),
                cfg.failMode() == MilterConfig.FailMode.ACCEPT ? "accept (dmarc=temperror)" : "tempfail (451 4.7.0)");
        out.printf(Locale.ROOT, "Trusted      %s%n", cfg.trustedNetworks().isEmpty() ? "none"
                : String.join(", ", cfg.trustedNetworks()));
        out.printf(Locale.ROOT, "Recording    %s%n", noRecord ? "off (--no-record)" : db.display());
        if (reporting != null) {
            out.printf(Locale.ROOT, "Failures     reports queued for ruf= (sent by aligned serve / aligned report send)%n");
        }
        out.printf(Locale.ROOT, "Postfix      smtpd_milters = inet:%s:%d%n", cfg.host(), server.port());
        out.flush();
        JdbcEvaluationLog toClose = log;
        ReceiverReporting reportingToClose = reporting;
        Thread hook = new Thread(() -> {
            try {
                server.close();
            } catch (IOException e) {
                // exiting anyway
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            server.awaitClose();
        } finally {
            if (toClose != null) {
                toClose.close();
            }
            if (reportingToClose != null) {
                reportingToClose.close();
            }
        }
        return 0;
    }

    private MilterConfig overrides(MilterConfig cfg) {
        try {
            if (listen != null) {
                cfg = cfg.withListen(listen);
            }
            if (authservId != null) {
                cfg = cfg.withAuthservId(authservId);
            }
            if (mode != null) {
                cfg = cfg.withMode(choice("--mode", mode, MilterConfig.Mode.class));
            }
            if (quarantineStyle != null) {
                cfg = cfg.withQuarantineStyle(choice("--quarantine-style", quarantineStyle,
                        MilterConfig.QuarantineStyle.class));
            }
            if (failMode != null) {
                cfg = cfg.withFailMode(choice("--fail-mode", failMode, MilterConfig.FailMode.class));
            }
            if (trusted != null) {
                List<String> nets = new ArrayList<>();
                for (String t : trusted) {
                    if (!t.equalsIgnoreCase("none") && !t.isBlank()) {
                        nets.add(t.strip());
                    }
                }
                cfg = cfg.withTrustedNetworks(nets);
            }
            if (timeout != null) {
                cfg = cfg.withTimeout(duration(timeout));
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        return cfg;
    }

    private static Duration duration(String s) {
        Matcher m = Pattern.compile("(\\d{1,9})\\s*(ms|s)?").matcher(s.strip().toLowerCase(Locale.ROOT));
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException("--timeout: expected a duration such as 5s or 800ms, got '" + s + "'");
        }
        long n = Long.parseLong(m.group(1));
        return "ms".equals(m.group(2)) ? Duration.ofMillis(n) : Duration.ofSeconds(n);
    }

    private static <E extends Enum<E>> E choice(String option, String value, Class<E> type) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value.strip())) {
                return e;
            }
        }
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.name().toLowerCase(Locale.ROOT));
        }
        throw new IllegalArgumentException(option + " must be one of " + String.join(", ", names) + ", not '"
                + value + "'");
    }
}
