package dev.aligned.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.aligned.server.reporting.Delivery;
import dev.aligned.server.reporting.ReceiverReporting;
import dev.aligned.server.reporting.ReportOutcome;
import dev.aligned.server.reporting.ReportingConfig;
import dev.aligned.store.StoreException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code aligned report send [--config FILE] [--dry-run DIR] [--period YYYY-MM-DD]}: makes the RFC 9990 aggregate
 * reports of finished UTC days from the evaluations this receiver recorded, and mails them (and any failure reports
 * or retries that are due) through the configured SMTP server; with {@code --dry-run} writes them to a folder.
 */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"Send the DMARC aggregate reports of finished days (UTC) to every authorised rua= address, "
                + "and any failure reports and retries that are due.",
                "Reports come from the evaluations recorded by 'aligned milter' (or 'aligned report record'); a day "
                        + "is reported once. --dry-run DIR writes the .xml.gz reports and the .eml messages to DIR "
                        + "instead: nothing is mailed and nothing is recorded as sent."},
        footer = {"", "Exit status: 0 ran (even when a delivery failed; see the output), 1 the database failed, "
                + "2 usage or configuration error."})
final class ReportSendCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DnsOptions dns;

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "aligned.yaml",
            description = "The configuration file with the reporting: section (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--db", paramLabel = "URL",
            description = "Database; overrides database.url of the file (jdbc:sqlite:FILE, jdbc:postgresql://..., "
                    + "or a SQLite file path).")
    String db;

    @Option(names = "--dry-run", paramLabel = "DIR",
            description = "Write reports (.xml.gz) and messages (.eml) to DIR instead of mailing them.")
    Path dryRun;

    @Option(names = "--period", paramLabel = "YYYY-MM-DD",
            description = "Report this UTC day only (default: every finished day not reported yet, up to keep_days "
                    + "back).")
    String period;

    @Option(names = "--json", description = "Print what was done as JSON.")
    boolean json;

    /** The environment for ${NAME} references (tests replace it). */
    Map<String, String> env = System.getenv();

    /** The clock (tests replace it). */
    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LocalDate day = null;
        if (period != null) {
            try {
                day = LocalDate.parse(period);
            } catch (DateTimeParseException e) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--period: '" + period + "' is not a date; write YYYY-MM-DD, e.g. "
                                + LocalDate.now(clock.withZone(ZoneOffset.UTC)).minusDays(1));
            }
        }
        ReportingConfig cfg = ReportingSetup.load(config, env, err, "report send");
        if (cfg == null) {
            return 2;
        }
        if (dryRun == null && cfg.dryRun().isEmpty() && cfg.smtp().isEmpty()) {
            err.println("aligned report send: reporting.smtp is not configured in " + config + "; add host, user and "
                    + "password (docs/receiver.md), or try --dry-run DIR");
            return 2;
        }
        String url = ReportingSetup.url(db, Optional.of(cfg));
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        try (ReceiverReporting r = dryRun != null
                ? ReceiverReporting.dryRun(cfg, url, ReportingSetup.password(Optional.of(cfg), env), dns.resolver(),
                        clock, dryRun)
                : ReceiverReporting.open(cfg, url, ReportingSetup.password(Optional.of(cfg), env), dns.resolver(),
                        clock)) {
            List<LocalDate> days = day != null ? List.of(day)
                    : r.sender().pendingDays(today.minusDays(cfg.keepDays()));
            if (day != null && !day.isBefore(today)) {
                err.println("note: " + day + " is not over yet (UTC); its report would miss the rest of the day");
            }
            List<ReportOutcome> outcomes = new ArrayList<>();
            for (LocalDate d : days) {
                outcomes.addAll(r.sender().generate(d));
            }
            List<Delivery> deliveries = r.sender().deliverDue();
            if (json) {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(toJson(outcomes, deliveries)));
            } else {
                human(out, url, days, outcomes, deliveries);
            }
            out.flush();
            return 0;
        } catch (StoreException e) {
            err.println("aligned report send: " + e.getMessage());
            return 1;
        }
    }

    private void human(PrintWriter out, String url, List<LocalDate> days, List<ReportOutcome> outcomes,
            List<Delivery> deliveries) {
        if (days.isEmpty()) {
            out.println("No finished day with unreported evaluations in " + IngestCommand.display(url) + ".");
        }
        int w = outcomes.stream().mapToInt(o -> o.domain().name().length()).max().orElse(0);
        LocalDate shown = null;
        for (ReportOutcome o : outcomes) {
            if (!o.day().equals(shown)) {
                shown = o.day();
                out.println("Aggregate reports for " + o.day() + " (UTC)");
            }
            String name = String.format("%-" + w + "s", o.domain().name());
            switch (o.status()) {
                case ALREADY_GENERATED -> out.printf("  %s  already reported%n", name);
                case DEFERRED -> out.printf("  %s  postponed: %s%n", name, o.planned().get(0).detail());
                case GENERATED -> {
                    out.printf("  %s  report %s  %,d record%s  %,d message%s  %,d bytes gzip%n", name,
                            o.reportId().orElse(""), o.records(), o.records() == 1 ? "" : "s", o.messages(),
                            o.messages() == 1 ? "" : "s", o.gzBytes());
                    for (ReportOutcome.Planned p : o.planned()) {
                        out.printf("    %s  %s%n", p.uri().isEmpty() ? "(no rua)" : p.uri(),
                                p.state() == Delivery.State.PENDING ? "queued" : "skipped: " + p.detail());
                    }
                }
            }
        }
        if (!deliveries.isEmpty()) {
            out.println("Deliveries");
            int rw = deliveries.stream().mapToInt(d -> d.recipient().length()).max().orElse(0);
            for (Delivery d : deliveries) {
                String state = switch (d.state()) {
                    case SENT -> "sent";
                    case PENDING -> "retry at " + d.nextAttempt();
                    case FAILED -> "failed";
                    case SKIPPED -> "skipped";
                };
                out.printf("  %-9s %-" + rw + "s  %s: %s%n", d.kind().keyword(), d.recipient(), state, d.detail());
            }
        }
        if (dryRun != null) {
            out.println("Dry run: reports and messages written to " + dryRun + " (nothing mailed, nothing recorded).");
        } else if (deliveries.stream().anyMatch(d -> d.state() == Delivery.State.PENDING)) {
            out.println("Some deliveries will be retried: run 'aligned report send' again later, or keep "
                    + "'aligned serve' running.");
        }
    }

    private static Map<String, Object> toJson(List<ReportOutcome> outcomes, List<Delivery> deliveries) {
        List<Map<String, Object>> reports = new ArrayList<>();
        for (ReportOutcome o : outcomes) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("domain", o.domain().name());
            j.put("day", o.day().toString());
            j.put("status", o.status().name().toLowerCase(java.util.Locale.ROOT));
            j.put("report_id", o.reportId().orElse(null));
            j.put("file_name", o.fileName().orElse(null));
            j.put("records", o.records());
            j.put("messages", o.messages());
            j.put("gzip_bytes", o.gzBytes());
            List<Map<String, Object>> dest = new ArrayList<>();
            for (ReportOutcome.Planned p : o.planned()) {
                Map<String, Object> pj = new LinkedHashMap<>();
                pj.put("uri", p.uri());
                pj.put("recipient", p.recipient());
                pj.put("state", p.state().keyword());
                pj.put("detail", p.detail());
                dest.add(pj);
            }
            j.put("destinations", dest);
            reports.add(j);
        }
        List<Map<String, Object>> sent = new ArrayList<>();
        for (Delivery d : deliveries) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("kind", d.kind().keyword());
            j.put("domain", d.domain().name());
            j.put("report_id", d.reportId());
            j.put("recipient", d.recipient());
            j.put("state", d.state().keyword());
            j.put("attempts", d.attempts());
            j.put("detail", d.detail());
            sent.add(j);
        }
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("reports", reports);
        j.put("deliveries", sent);
        return j;
    }
}
