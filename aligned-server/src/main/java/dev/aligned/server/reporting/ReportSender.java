package dev.aligned.server.reporting;

import dev.aligned.dmarc.PublicSuffixList;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.DomainName;
import dev.aligned.report.AggregateReport;
import dev.aligned.report.AggregateReportWriter;
import dev.aligned.report.DateRange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Makes and sends aggregate reports (RFC 9990) from an {@link EvaluationLog}, and delivers whatever is due in the
 * {@link DeliveryQueue} (aggregate and failure reports alike).
 *
 * <p>{@link #generate(LocalDate)} makes one report per policy domain with evaluations on that UTC day: records
 * with counts, the last policy seen, this receiver's {@code org_name}/{@code email} and a report id unique per
 * domain and day; checks every {@code rua} URI in order (only {@code mailto:}; external destinations need their
 * {@code _report._dmarc} authorisation; a URI whose {@code !size} limit the report exceeds after gzip and base64
 * is skipped, as is a suppressed address) and queues one message per remaining mailbox, all in one transaction
 * with the record that the (domain, day) is done. {@link #deliverDue()} then submits what is due, retrying
 * temporary failures with exponential back-off. In a dry run the transport is a {@link DirectoryTransport} and the
 * {@code .xml.gz} files are written beside the {@code .eml} files.
 *
 * <pre>{@code
 * ReportSender sender = ReportSender.builder(cfg, evaluationLog, deliveryQueue, new SmtpTransport(cfg.smtp().get()))
 *         .dns(resolver).clock(clock).build();
 * for (ReportOutcome o : sender.generate(LocalDate.of(2026, 11, 20))) System.out.println(o);
 * sender.deliverDue();
 * }</pre>
 */
public final class ReportSender {
    private static final Logger LOG = Logger.getLogger(ReportSender.class.getName());
    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
    /** How long a claimed delivery is reserved for the node sending it. */
    static final Duration LEASE = Duration.ofMinutes(10);
    private static final int BATCH = 100;

    private final ReportingConfig cfg;
    private final EvaluationLog log;
    private final DeliveryQueue queue;
    private final MailTransport transport;
    private final DestinationCheck destinations;
    private final Clock clock;
    private final Optional<Path> reportDir;

    private ReportSender(Builder b) {
        this.cfg = b.cfg;
        this.log = b.log;
        this.queue = b.queue;
        this.transport = b.transport;
        this.clock = b.clock;
        this.destinations = new DestinationCheck(Objects.requireNonNull(b.dns, "dns (call .dns(resolver))"), b.psl,
                b.clock);
        this.reportDir = b.reportDir;
    }

    /** A builder; {@link Builder#dns} is required (external destinations are checked in DNS). */
    public static Builder builder(ReportingConfig cfg, EvaluationLog log, DeliveryQueue queue,
            MailTransport transport) {
        return new Builder(cfg, log, queue, transport);
    }

    /** The configuration. */
    public ReportingConfig config() {
        return cfg;
    }

    /** The queue deliveries go through. */
    public DeliveryQueue queue() {
        return queue;
    }

    /** The destination check, shared with the failure reporter. */
    DestinationCheck destinationCheck() {
        return destinations;
    }

    /** The report id for {@code domain} and {@code day}: letters and digits, stable, unique per domain and day. */
    String reportId(DomainName domain, LocalDate day) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((cfg.submitter().name() + "\n" + domain.name()
                    + "\n" + day).getBytes(StandardCharsets.UTF_8));
            return cfg.reportIdPrefix() + day.format(DAY) + HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The RFC 9990 file name: {@code receiver!policy-domain!begin!end!unique-id.xml.gz}. */
    String fileName(DomainName domain, DateRange range, String reportId) {
        return cfg.submitter().name() + "!" + domain.name() + "!" + range.begin().getEpochSecond() + "!"
                + range.end().getEpochSecond() + "!" + reportId + ".xml.gz";
    }

    /** Days before today (UTC) with evaluations for which some policy domain has no report yet, oldest first. */
    public List<LocalDate> pendingDays(LocalDate from) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        List<LocalDate> out = new ArrayList<>();
        for (LocalDate d = from; d.isBefore(today); d = d.plusDays(1)) {
            LocalDate day = d;
            if (log.policyDomains(day).stream().anyMatch(dom -> !queue.hasRun(dom, day))) {
                out.add(day);
            }
        }
        return out;
    }

    /** Makes the aggregate reports of {@code day} (UTC) and queues their deliveries; see the class comment. */
    public List<ReportOutcome> generate(LocalDate day) {
        List<ReportOutcome> out = new ArrayList<>();
        for (DomainName domain : log.policyDomains(day)) {
            out.add(generate(domain, day));
        }
        return out;
    }

    private ReportOutcome generate(DomainName domain, LocalDate day) {
        if (queue.hasRun(domain, day)) {
            return new ReportOutcome(domain, day, ReportOutcome.Status.ALREADY_GENERATED, Optional.empty(),
                    Optional.empty(), 0, 0, 0, List.of());
        }
        List<EvaluationLog.Tally> tallies = new ArrayList<>();
        log.tallies(domain, day, tallies::add);
        String reportId = reportId(domain, day);
        AggregateReport report = AggregateReportBuilder.build(cfg, domain, day, reportId, tallies);
        DateRange range = report.metadata().dateRange().orElseThrow();
        String fileName = fileName(domain, range, reportId);
        byte[] gz = gzip(report);
        long encoded = ReportMail.attachment(gz).length();
        // the record the report was made from: the last policy seen
        var rec = tallies.stream().max(java.util.Comparator.comparing(EvaluationLog.Tally::lastSeen)).get()
                .evaluation().policy();
        List<Destination> dests = destinations.check(domain, rec.rua(), false);
        for (Destination d : dests) {
            if (d instanceof Destination.Deferred def) {
                return new ReportOutcome(domain, day, ReportOutcome.Status.DEFERRED, Optional.of(reportId),
                        Optional.of(fileName), report.records().size(), report.messageCount(), gz.length,
                        List.of(new ReportOutcome.Planned(def.uri(), "", Delivery.State.PENDING, def.reason())));
            }
        }
        Instant now = clock.instant();
        List<Delivery.New> deliveries = new ArrayList<>();
        List<ReportOutcome.Planned> planned = new ArrayList<>();
        int k = 0;
        for (Destination d : dests) {
            switch (d) {
                case Destination.Refused r -> {
                    deliveries.add(skipped(domain, day, reportId, r.uri(), "", r.reason()));
                    planned.add(new ReportOutcome.Planned(r.uri(), "", Delivery.State.SKIPPED, r.reason()));
                }
                case Destination.Deferred def -> throw new IllegalStateException("handled above");
                case Destination.Mailbox m -> {
                    Optional<String> suppressed = cfg.suppression().reason(m.address());
                    String why = suppressed.orElse(null);
                    if (why == null && m.maxBytes().isPresent() && encoded > m.maxBytes().getAsLong()) {
                        why = "the report is " + encoded + " bytes after gzip and base64; " + m.uri() + " accepts at "
                                + "most " + m.maxBytes().getAsLong() + " (its !size limit)";
                    }
                    if (why != null) {
                        deliveries.add(skipped(domain, day, reportId, m.uri(), m.address(), why));
                        planned.add(new ReportOutcome.Planned(m.uri(), m.address(), Delivery.State.SKIPPED, why));
                        continue;
                    }
                    String messageId = reportId + "." + (++k) + "@" + cfg.submitter().name();
                    byte[] eml = ReportMail.aggregate(cfg, report, gz, fileName, m.address(), now, messageId);
                    deliveries.add(new Delivery.New(Delivery.Kind.AGGREGATE, domain, day, reportId, m.uri(),
                            m.address(), messageId, eml, Delivery.State.PENDING, "queued"));
                    planned.add(new ReportOutcome.Planned(m.uri(), m.address(), Delivery.State.PENDING,
                            "queued, " + eml.length + " bytes"));
                }
            }
        }
        if (dests.isEmpty()) {
            planned.add(new ReportOutcome.Planned("", "", Delivery.State.SKIPPED,
                    "the DMARC record of " + domain + " has no rua= address"));
        }
        reportDir.ifPresent(dir -> write(dir.resolve(fileName), gz));
        Delivery.Run run = new Delivery.Run(domain, day, reportId, range.begin(), range.end(), report.records().size(),
                report.messageCount(), now);
        if (!queue.addRun(run, deliveries, now)) {
            return new ReportOutcome(domain, day, ReportOutcome.Status.ALREADY_GENERATED, Optional.empty(),
                    Optional.empty(), 0, 0, 0, List.of());
        }
        LOG.fine(() -> "aggregate report " + reportId + " for " + domain + " on " + day + ": "
                + report.records().size() + " records, " + report.messageCount() + " messages");
        return new ReportOutcome(domain, day, ReportOutcome.Status.GENERATED, Optional.of(reportId),
                Optional.of(fileName), report.records().size(), report.messageCount(), gz.length, planned);
    }

    private static Delivery.New skipped(DomainName domain, LocalDate day, String reportId, String uri, String to,
            String why) {
        return new Delivery.New(Delivery.Kind.AGGREGATE, domain, day, reportId, uri, to, "", new byte[0],
                Delivery.State.SKIPPED, why);
    }

    static byte[] gzip(AggregateReport report) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            AggregateReportWriter.writeGzip(report, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Sends every delivery that is due (aggregate and failure reports), each claimed first so that two nodes never
     * send the same one; a temporary failure is retried after the back-off, a permanent one (or the last attempt)
     * marks it failed. Returns the deliveries attempted, in their new state.
     */
    public List<Delivery> deliverDue() {
        List<Long> attempted = new ArrayList<>();
        List<Delivery> out = new ArrayList<>();
        for (int round = 0; round < 1000; round++) {
            Instant now = clock.instant();
            List<Delivery> due = queue.due(now, BATCH);
            due.removeIf(d -> attempted.contains(d.id()));
            if (due.isEmpty()) {
                break;
            }
            for (Delivery d : due) {
                attempted.add(d.id());
                if (!queue.claim(d, now.plus(LEASE))) {
                    continue;
                }
                out.add(deliver(d));
            }
        }
        return out;
    }

    private Delivery deliver(Delivery d) {
        int attempts = d.attempts() + 1;
        Optional<String> suppressed = cfg.suppression().reason(d.recipient());
        if (suppressed.isPresent()) {
            queue.failed(d.id(), d.attempts(), suppressed.get());
            return state(d, Delivery.State.FAILED, suppressed.get(), d.attempts(), d.nextAttempt());
        }
        Optional<byte[]> message = queue.message(d.id());
        if (message.isEmpty() || message.get().length == 0) {
            queue.failed(d.id(), d.attempts(), "the queued message is missing");
            return state(d, Delivery.State.FAILED, "the queued message is missing", d.attempts(), d.nextAttempt());
        }
        try {
            String answer = transport.send(cfg.email(), d.recipient(), d.messageId(), message.get());
            Instant at = clock.instant();
            queue.sent(d.id(), attempts, at, answer);
            LOG.fine(() -> d.kind().keyword() + " report " + d.reportId() + " for " + d.domain() + " sent to "
                    + d.recipient());
            return new Delivery(d.id(), d.kind(), d.domain(), d.day(), d.reportId(), d.destination(), d.recipient(),
                    d.messageId(), d.size(), Delivery.State.SENT, answer, attempts, d.nextAttempt(), d.createdAt(),
                    Optional.of(at));
        } catch (MailTransport.SendException e) {
            if (e.permanent() || attempts >= cfg.retry().attempts()) {
                String why = e.getMessage() + (e.permanent() ? "" : " (gave up after " + attempts + " attempts)");
                queue.failed(d.id(), attempts, why);
                LOG.log(Level.WARNING, d.kind().keyword() + " report " + d.reportId() + " to " + d.recipient()
                        + " failed: " + why);
                return state(d, Delivery.State.FAILED, why, attempts, d.nextAttempt());
            }
            Instant next = clock.instant().plus(cfg.retry().delayAfter(attempts));
            queue.retry(d.id(), attempts, next, e.getMessage());
            LOG.fine(() -> d.kind().keyword() + " report " + d.reportId() + " to " + d.recipient()
                    + " will be retried at " + next + ": " + e.getMessage());
            return state(d, Delivery.State.PENDING, e.getMessage(), attempts, next);
        }
    }

    private static Delivery state(Delivery d, Delivery.State s, String detail, int attempts, Instant next) {
        return new Delivery(d.id(), d.kind(), d.domain(), d.day(), d.reportId(), d.destination(), d.recipient(),
                d.messageId(), d.size(), s, detail, attempts, next, d.createdAt(), Optional.empty());
    }

    /** Deletes evaluations older than {@code keep_days} before today; returns how many tallies went. */
    public int purge() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        return log.deleteBefore(today.minusDays(cfg.keepDays()));
    }

    /** Builds a {@link ReportSender}. */
    public static final class Builder {
        private final ReportingConfig cfg;
        private final EvaluationLog log;
        private final DeliveryQueue queue;
        private final MailTransport transport;
        private DnsResolver dns;
        private Clock clock = Clock.systemUTC();
        private PublicSuffixList psl;
        private Optional<Path> reportDir = Optional.empty();

        Builder(ReportingConfig cfg, EvaluationLog log, DeliveryQueue queue, MailTransport transport) {
            this.cfg = Objects.requireNonNull(cfg, "cfg");
            this.log = Objects.requireNonNull(log, "log");
            this.queue = Objects.requireNonNull(queue, "queue");
            this.transport = Objects.requireNonNull(transport, "transport");
        }

        /** The resolver for external destination checks. */
        public Builder dns(DnsResolver dns) {
            this.dns = Objects.requireNonNull(dns, "dns");
            return this;
        }

        /** The clock (default system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The public suffix list for organisational domains (default: the bundled one). */
        public Builder publicSuffixList(PublicSuffixList psl) {
            this.psl = Objects.requireNonNull(psl, "psl");
            return this;
        }

        /** Also write each report's {@code .xml.gz} into {@code dir} (dry run). */
        public Builder writeReportsTo(Path dir) {
            this.reportDir = Optional.of(dir);
            return this;
        }

        public ReportSender build() {
            if (psl == null) {
                psl = PublicSuffixList.bundled();
            }
            return new ReportSender(this);
        }
    }
}
