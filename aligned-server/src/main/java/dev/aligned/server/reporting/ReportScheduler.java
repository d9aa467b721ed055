package dev.aligned.server.reporting;

import dev.aligned.server.ServerComponent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends reports on time: after each UTC day boundary (plus a grace period for messages still being evaluated) it
 * generates the aggregate reports of every finished day not yet reported (up to {@code keep_days} back, so a
 * node that was down catches up), and on every tick it delivers what is due (failure reports, retries) and
 * deletes evaluations past {@code keep_days}. Everything it does is in {@link #runOnce()}, which tests drive with
 * their own clock; {@link #start()} runs it on a virtual thread every {@code tick}.
 *
 * <p>A {@link ServerComponent} of {@code aligned serve}: add it to the {@link dev.aligned.server.AlignedServer}
 * builder, which starts and closes it with the other components.
 *
 * <pre>{@code
 * try (ReportScheduler s = new ReportScheduler(sender, Clock.systemUTC(), Duration.ofMinutes(1),
 *         Duration.ofMinutes(5))) {
 *     s.start();
 *     ...   // serve
 * }
 * }</pre>
 */
public final class ReportScheduler implements ServerComponent {
    private static final Logger LOG = Logger.getLogger(ReportScheduler.class.getName());

    private final ReportSender sender;
    private final Clock clock;
    private final Duration tick;
    private final Duration grace;
    /** Days whose reports are all made (none deferred): not asked about again on every tick. */
    private final java.util.Set<LocalDate> done = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private Thread thread;
    private volatile boolean running;

    /**
     * @param tick  how often due deliveries are sent (e.g. one minute)
     * @param grace how long after midnight UTC a day is considered finished (e.g. five minutes)
     */
    public ReportScheduler(ReportSender sender, Clock clock, Duration tick, Duration grace) {
        this.sender = Objects.requireNonNull(sender, "sender");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tick = Objects.requireNonNull(tick, "tick");
        this.grace = Objects.requireNonNull(grace, "grace");
        if (tick.isNegative() || tick.isZero() || grace.isNegative()) {
            throw new IllegalArgumentException("tick must be positive and grace not negative: " + tick + ", " + grace);
        }
    }

    /**
     * What one pass did.
     *
     * @param generated the reports made (one per policy domain and finished day)
     * @param delivered the deliveries attempted, in their new state
     * @param purged    evaluation tallies deleted
     */
    public record Pass(List<ReportOutcome> generated, List<Delivery> delivered, int purged) {
        public Pass {
            generated = List.copyOf(generated);
            delivered = List.copyOf(delivered);
        }
    }

    /** The last day that is finished at {@code now}: yesterday once the grace period after midnight is over. */
    LocalDate lastFinishedDay(Instant now) {
        return LocalDate.ofInstant(now.minus(grace), ZoneOffset.UTC).minusDays(1);
    }

    /** Generates the reports of finished days, delivers what is due, purges old evaluations. */
    public Pass runOnce() {
        Instant now = clock.instant();
        LocalDate last = lastFinishedDay(now);
        List<ReportOutcome> generated = new ArrayList<>();
        if (sender.config().aggregate()) {
            LocalDate first = last.minusDays(sender.config().keepDays() - 1L);
            done.removeIf(d -> d.isBefore(first));
            for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
                if (done.contains(d)) {
                    continue;
                }
                boolean deferred = false;
                for (ReportOutcome o : sender.generate(d)) {
                    deferred |= o.status() == ReportOutcome.Status.DEFERRED;
                    if (o.status() != ReportOutcome.Status.ALREADY_GENERATED) {
                        generated.add(o);
                    }
                }
                if (!deferred) {
                    done.add(d);
                }
            }
        }
        List<Delivery> delivered = sender.deliverDue();
        int purged = sender.purge();
        return new Pass(generated, delivered, purged);
    }

    /** Starts the background thread (once). */
    @Override
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        running = true;
        thread = Thread.ofVirtual().name("aligned-report-scheduler").start(this::loop);
    }

    private void loop() {
        while (running) {
            try {
                Pass p = runOnce();
                if (!p.generated().isEmpty() || !p.delivered().isEmpty()) {
                    LOG.info(() -> "reports: " + p.generated().size() + " generated, " + p.delivered().size()
                            + " deliveries attempted");
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "report scheduler pass failed; trying again in " + tick, e);
            }
            try {
                Thread.sleep(tick);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public String name() {
        ReportingConfig c = sender.config();
        return "reports as " + c.orgName() + " <" + c.email() + ">: aggregate " + (c.aggregate() ? "daily" : "off")
                + " (UTC), failure reports " + (c.failure().enabled() ? "on" : "off") + ", via "
                + c.dryRun().map(d -> "dry run to " + d).orElse(c.smtp().map(s -> s.host() + ":" + s.port())
                        .orElse("(no smtp configured)"));
    }

    /** Stops the background thread and waits for the pass under way. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
