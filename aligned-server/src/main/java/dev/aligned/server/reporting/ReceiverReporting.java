package dev.aligned.server.reporting;

import dev.aligned.dns.DnsResolver;
import dev.aligned.server.ingest.Secret;
import dev.aligned.store.StoreDataSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Everything a receiver needs for reporting, wired from a {@link ReportingConfig} over the store's database: the
 * {@link EvaluationLog} the milter records into, the {@link FailureReporter} it hands failures to, the
 * {@link ReportSender} and a {@link ReportScheduler} for {@code aligned serve}. With {@code dry_run} set in the
 * configuration, or {@link #dryRun} used, messages are written to a folder instead of mailed.
 *
 * <pre>{@code
 * try (ReceiverReporting r = ReceiverReporting.open(cfg, "jdbc:sqlite:aligned.db", Optional.empty(), resolver,
 *         Clock.systemUTC())) {
 *     r.evaluations().record(evaluation);
 *     r.failures().consider(evaluation, sample);
 *     r.sender().generate(LocalDate.now(ZoneOffset.UTC).minusDays(1));
 *     r.sender().deliverDue();
 * }
 * }</pre>
 */
public final class ReceiverReporting implements AutoCloseable {
    private final JdbcEvaluationLog log;
    private final DeliveryQueue queue;
    private final ReportSender sender;
    private final FailureReporter failures;
    private final Clock clock;

    private ReceiverReporting(JdbcEvaluationLog log, DeliveryQueue queue, ReportSender sender,
            FailureReporter failures, Clock clock) {
        this.log = log;
        this.queue = queue;
        this.sender = sender;
        this.failures = failures;
        this.clock = clock;
    }

    /**
     * Opens reporting over the database at {@code url} (migrating it): evaluations and deliveries persist; messages
     * go through SMTP, or to the configuration's {@code dry_run} folder. Without either, reports are queued (the
     * milter's case) but every send fails temporarily, saying what to configure.
     */
    public static ReceiverReporting open(ReportingConfig cfg, String url, Optional<Secret> password, DnsResolver dns,
            Clock clock) {
        DataSource ds = StoreDataSource.open(url, null, password.map(Secret::reveal).orElse(null));
        JdbcEvaluationLog log = JdbcEvaluationLog.open(ds);
        JdbcDeliveryQueue queue = JdbcDeliveryQueue.open(ds);
        return wire(cfg, log, queue, transport(cfg), dns, clock, cfg.dryRun());
    }

    /**
     * Reads the evaluations at {@code url} but queues in memory and writes every report ({@code .xml.gz}) and
     * message ({@code .eml}) into {@code dir}: nothing is mailed and nothing is recorded as sent.
     */
    public static ReceiverReporting dryRun(ReportingConfig cfg, String url, Optional<Secret> password,
            DnsResolver dns, Clock clock, Path dir) {
        DataSource ds = StoreDataSource.open(url, null, password.map(Secret::reveal).orElse(null));
        return wire(cfg, JdbcEvaluationLog.open(ds), new InMemoryDeliveryQueue(), new DirectoryTransport(dir), dns,
                clock, Optional.of(dir));
    }

    private static ReceiverReporting wire(ReportingConfig cfg, JdbcEvaluationLog log, DeliveryQueue queue,
            MailTransport transport, DnsResolver dns, Clock clock, Optional<Path> reportDir) {
        ReportSender.Builder b = ReportSender.builder(cfg, log, queue, transport).dns(dns).clock(clock);
        reportDir.ifPresent(b::writeReportsTo);
        ReportSender sender = b.build();
        FailureReporter failures = cfg.failure().enabled() ? ArfFailureReporter.create(sender, dns, clock)
                : FailureReporter.disabled();
        return new ReceiverReporting(log, queue, sender, failures, clock);
    }

    private static MailTransport transport(ReportingConfig cfg) {
        if (cfg.dryRun().isPresent()) {
            return new DirectoryTransport(cfg.dryRun().get());
        }
        if (cfg.smtp().isEmpty()) {
            // a process that only records (the milter) queues reports; sending needs smtp (checked by the senders)
            return (from, to, id, message) -> {
                throw new MailTransport.SendException("reporting.smtp is not configured: add host, port, user and "
                        + "password, or set reporting.dry_run", false, null);
            };
        }
        return new SmtpTransport(cfg.smtp().get());
    }

    /** Where the milter records evaluations. */
    public EvaluationLog evaluations() {
        return log;
    }

    /** Where the milter hands failed messages. */
    public FailureReporter failures() {
        return failures;
    }

    /** Generates and delivers. */
    public ReportSender sender() {
        return sender;
    }

    /** The delivery queue. */
    public DeliveryQueue queue() {
        return queue;
    }

    /** A scheduler for {@code aligned serve}: deliveries every {@code tick}, reports after midnight UTC + grace. */
    public ReportScheduler scheduler(Duration tick, Duration grace) {
        return new ReportScheduler(sender, clock, tick, grace);
    }

    @Override
    public void close() {
        log.close();
        if (queue instanceof JdbcDeliveryQueue j) {
            j.close();
        }
    }

    @Override
    public String toString() {
        return "ReceiverReporting[" + Objects.toString(sender.config().orgName()) + "]";
    }
}
