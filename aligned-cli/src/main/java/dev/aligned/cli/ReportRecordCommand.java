package dev.aligned.cli;

import dev.aligned.auth.AuthenticationResult;
import dev.aligned.auth.EmailAuthenticator;
import dev.aligned.report.IpAddresses;
import dev.aligned.server.ingest.Secret;
import dev.aligned.server.reporting.Evaluation;
import dev.aligned.server.reporting.JdbcEvaluationLog;
import dev.aligned.server.reporting.ReportingConfig;
import dev.aligned.store.StoreDataSource;
import dev.aligned.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code aligned report record MESSAGE --ip IP ...}: authenticates a message as the milter would and records its
 * evaluation for the aggregate reports ({@code aligned report send}). For back-filling, trying a configuration
 * without a mail server, and demonstrations.
 */
@Command(name = "record", mixinStandardHelpOptions = true,
        description = {"Authenticate a message (SPF, DKIM, DMARC) as a receiver and record its evaluation for the "
                + "aggregate reports that 'aligned report send' sends.",
                "Only messages whose From domain has a DMARC record are recorded (there is nobody to report to "
                        + "otherwise)."})
final class ReportRecordCommand implements Callable<Integer> {
    private static final long MAX_MESSAGE_BYTES = 64L << 20;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DnsOptions dns;

    @Parameters(index = "0", paramLabel = "MESSAGE", description = "The message file (.eml, as received).")
    Path message;

    @Option(names = "--ip", paramLabel = "IP", required = true, description = "The SMTP client's IP address.")
    String ip;

    @Option(names = "--mail-from", paramLabel = "ADDR", defaultValue = "",
            description = "The SMTP MAIL FROM address ('<>' or nothing for the null sender).")
    String mailFrom;

    @Option(names = "--helo", paramLabel = "NAME", defaultValue = "", description = "The SMTP HELO/EHLO name.")
    String helo;

    @Option(names = "--rcpt-to", paramLabel = "ADDR", description = "An SMTP RCPT TO address (repeatable).")
    List<String> rcptTo = List.of();

    @Option(names = "--at", paramLabel = "INSTANT",
            description = "When the message was received, e.g. 2026-11-20T10:15:00Z (default: now).")
    String at;

    @Option(names = "--config", paramLabel = "FILE",
            description = "A configuration file whose database section names the database.")
    Path config;

    @Option(names = "--db", paramLabel = "URL", description = "Database (default: the file's, else the default "
            + "SQLite file).")
    String db;

    /** The environment for ${NAME} references (tests replace it). */
    Map<String, String> env = System.getenv();

    /** The clock (tests replace it). */
    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<String> canonical = IpAddresses.canonical(ip);
        if (canonical.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--ip: '" + ip
                    + "' is not an IPv4 or IPv6 address");
        }
        Instant received;
        try {
            received = at == null ? clock.instant() : Instant.parse(at);
        } catch (DateTimeParseException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--at: '" + at
                    + "' is not an instant; write e.g. 2026-11-20T10:15:00Z");
        }
        Optional<ReportingConfig> cfg = Optional.empty();
        if (config != null) {
            ReportingConfig c = ReportingSetup.load(config, env, err, "report record");
            if (c == null) {
                return 2;
            }
            cfg = Optional.of(c);
        }
        byte[] bytes;
        try {
            if (Files.size(message) > MAX_MESSAGE_BYTES) {
                err.println("aligned report record: " + message + ": larger than " + (MAX_MESSAGE_BYTES >> 20) + " MB");
                return 1;
            }
            bytes = Files.readAllBytes(message);
        } catch (NoSuchFileException e) {
            err.println("aligned report record: " + message + ": no such file");
            return 1;
        }
        InetAddress client = InetAddress.getByName(canonical.get());
        String mf = mailFrom.strip();
        if (mf.startsWith("<") && mf.endsWith(">")) {
            mf = mf.substring(1, mf.length() - 1);
        }
        AuthenticationResult auth = EmailAuthenticator.builder(dns.resolver()).authservId("localhost").build()
                .authenticate(bytes, client, helo, mf);
        Optional<Evaluation> e = Evaluation.of(received, client, auth, mf, rcptTo);
        if (e.isEmpty()) {
            out.println("Not recorded: " + auth.dmarc().keyword() + " (" + switch (auth.dmarc()) {
                case dev.aligned.dmarc.DmarcResult.None n -> n.reason();
                case dev.aligned.dmarc.DmarcResult.TempError t -> t.reason();
                case dev.aligned.dmarc.DmarcResult.PermError p -> p.reason();
                default -> "no DMARC record applies";
            } + "); there is no policy domain to report to.");
            return 0;
        }
        String url = ReportingSetup.url(db, cfg);
        Optional<Secret> pw = ReportingSetup.password(cfg, env);
        try (JdbcEvaluationLog log = JdbcEvaluationLog.open(StoreDataSource.open(url, null,
                pw.map(Secret::reveal).orElse(null)))) {
            log.record(e.get());
        } catch (StoreException x) {
            err.println("aligned report record: " + x.getMessage());
            return 1;
        }
        Evaluation v = e.get();
        out.printf("Recorded %s: dmarc=%s (dkim %s, spf %s), disposition %s, policy domain %s, day %s, in %s%n",
                v.headerFrom(), v.dmarc().keyword(), v.dkimAligned() ? "aligned" : "not aligned",
                v.spfAligned() ? "aligned" : "not aligned", v.disposition().keyword(), v.policyDomain(), v.day(),
                IngestCommand.display(url));
        return 0;
    }
}
