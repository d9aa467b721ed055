package dev.aligned.server.analysis;

import dev.aligned.server.ServerComponent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Runs an {@link AlertDetector} inside a server, on a virtual thread: first shortly after start, then every
 * {@link AlertsConfig#interval()}. Each alert goes to every sink of the configuration; a failed delivery or an
 * unreadable database is logged in one line and retried on the next run, never stopping the server. The component
 * owns the {@link Analysis} it is given and closes it.
 *
 * <pre>{@code
 * AlertsConfig cfg = AlertsConfig.loadIfPresent(Path.of("aligned.yaml"), System.getenv()).orElseThrow();
 * AlignedServer server = AlignedServer.builder(store)
 *         .component(AlertsComponent.builder(cfg, Analysis.builder().url(url).dns(dns).build()).build())
 *         .build().start();
 * }</pre>
 */
public final class AlertsComponent implements ServerComponent {
    /** Default delay of the first run after {@link #start()}. */
    public static final Duration FIRST_RUN_AFTER = Duration.ofSeconds(30);

    private final AlertsConfig config;
    private final Analysis analysis;
    private final List<AlertSink> sinks;
    private final AlertDetector detector;
    private final Clock clock;
    private final Duration firstRunAfter;
    private final Consumer<String> log;
    private final Consumer<AlertDetector.Run> onRun;
    private final AtomicLong runs = new AtomicLong();
    private final Object wake = new Object();
    private volatile boolean stopping;
    private Thread thread;

    private AlertsComponent(Builder b) {
        this.config = b.config;
        this.analysis = b.analysis;
        this.sinks = b.config.sinks();
        AlertDetector.Builder d = AlertDetector.builder(b.analysis).passRateDrop(b.config.passRateDrop())
                .baselineDays(b.config.baselineDays()).minMessages(b.config.minMessages());
        sinks.forEach(d::sink);
        this.detector = d.build();
        this.clock = b.clock;
        this.firstRunAfter = b.firstRunAfter;
        this.log = b.log;
        this.onRun = b.onRun;
    }

    /** A builder for {@code config}'s sinks and thresholds over {@code analysis} (closed with the component). */
    public static Builder builder(AlertsConfig config, Analysis analysis) {
        return new Builder(Objects.requireNonNull(config, "config"), Objects.requireNonNull(analysis, "analysis"));
    }

    @Override
    public synchronized void start() {
        if (thread == null) {
            thread = Thread.ofVirtual().name("alerts").start(this::loop);
        }
    }

    private void loop() {
        Instant next = clock.instant().plus(firstRunAfter);
        while (!stopping) {
            Duration wait = Duration.between(clock.instant(), next);
            if (!wait.isNegative() && !wait.isZero()) {
                synchronized (wake) {
                    if (stopping) {
                        return;
                    }
                    try {
                        // at most a second at a time, so a clock that jumps is followed
                        wake.wait(Math.max(1, Math.min(wait.toMillis(), 1000)));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                continue;
            }
            runOnce();
            next = clock.instant().plus(config.interval());
        }
    }

    /**
     * One detector run now (the loop calls it; tests may too): failures are logged, never thrown.
     *
     * @return what the run did (empty when the database could not be read)
     */
    public AlertDetector.Run runOnce() {
        AlertDetector.Run run;
        try {
            run = detector.run();
            for (String f : run.failures()) {
                log.accept("alerts: not delivered, retried next run: " + f);
            }
        } catch (RuntimeException e) {
            log.accept("alerts: run failed, retrying in " + AlertsConfig.text(config.interval()) + ": "
                    + e.getMessage());
            run = new AlertDetector.Run(List.of(), List.of("run failed: " + e.getMessage()));
        }
        runs.incrementAndGet();
        try {
            onRun.accept(run);
        } catch (RuntimeException e) {
            log.accept("alerts: run listener failed: " + e);
        }
        return run;
    }

    /** How many runs have finished. */
    public long runs() {
        return runs.get();
    }

    @Override
    public void close() {
        stopping = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        synchronized (wake) {
            wake.notifyAll();
        }
        if (t != null) {
            try {
                if (!t.join(Duration.ofSeconds(30))) {
                    t.interrupt();
                    t.join(Duration.ofSeconds(5));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        analysis.close();
    }

    @Override
    public String name() {
        StringBuilder sb = new StringBuilder("alerts every ").append(AlertsConfig.text(config.interval()))
                .append(" to ");
        for (int i = 0; i < sinks.size(); i++) {
            sb.append(i == 0 ? "" : " and ").append(sinks.get(i));
        }
        return sb.toString();
    }

    /** Options of an {@link AlertsComponent}. */
    public static final class Builder {
        private final AlertsConfig config;
        private final Analysis analysis;
        private Clock clock = Clock.systemUTC();
        private Duration firstRunAfter = FIRST_RUN_AFTER;
        private Consumer<String> log = System.err::println;
        private Consumer<AlertDetector.Run> onRun = r -> { };

        Builder(AlertsConfig config, Analysis analysis) {
            this.config = config;
            this.analysis = analysis;
        }

        /** The clock the schedule follows (default system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The delay of the first run after start (default 30 s, letting ingest sources catch up first). */
        public Builder firstRunAfter(Duration delay) {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("first run delay must not be negative, got " + delay);
            }
            this.firstRunAfter = delay;
            return this;
        }

        /** Where failure lines go (default standard error). */
        public Builder log(Consumer<String> log) {
            this.log = Objects.requireNonNull(log, "log");
            return this;
        }

        /** Called after each run with what it did. */
        public Builder onRun(Consumer<AlertDetector.Run> onRun) {
            this.onRun = Objects.requireNonNull(onRun, "onRun");
            return this;
        }

        /** The component, not yet started. */
        public AlertsComponent build() {
            return new AlertsComponent(this);
        }
    }
}
