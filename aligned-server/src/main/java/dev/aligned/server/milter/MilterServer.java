package dev.aligned.server.milter;

import dev.aligned.auth.EmailAuthenticator;
import dev.aligned.dns.DnsResolver;
import dev.aligned.server.reporting.Evaluation;
import dev.aligned.server.reporting.EvaluationLog;
import dev.aligned.server.reporting.FailureReporter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * A milter server for Postfix or Sendmail (milter protocol version 6): each incoming message is authenticated
 * (SPF, DKIM, DMARC) within {@link MilterConfig#timeout()}, gets an Authentication-Results header (forged ones
 * claiming this authserv-id are removed), and is delivered, quarantined or rejected as {@link MilterConfig#mode()}
 * says. One virtual thread per MTA connection; memory per message bounded by {@link MilterConfig#spillBytes()}.
 *
 * <pre>{@code
 * MilterConfig cfg = MilterConfig.defaults().withListen("inet:127.0.0.1:8891").withMode(MilterConfig.Mode.REJECT);
 * try (MilterServer milter = MilterServer.builder(resolver, cfg).evaluationLog(log).build().start()) {
 *     System.out.println("milter on port " + milter.port());   // Postfix: smtpd_milters = inet:127.0.0.1:8891
 *     milter.awaitClose();
 * }
 * }</pre>
 */
public final class MilterServer implements AutoCloseable {
    private static final Duration IDLE = Duration.ofMinutes(10);
    /** Discards evaluations: the milter runs without reporting. */
    private static final EvaluationLog NO_LOG = new EvaluationLog() {
        @Override
        public void record(Evaluation e) {
            // discarded
        }

        @Override
        public java.util.List<dev.aligned.dns.DomainName> policyDomains(java.time.LocalDate day) {
            return java.util.List.of();
        }

        @Override
        public void tallies(dev.aligned.dns.DomainName domain, java.time.LocalDate day,
                Consumer<EvaluationLog.Tally> sink) {
            // nothing recorded
        }

        @Override
        public int deleteBefore(java.time.LocalDate day) {
            return 0;
        }
    };

    private final MilterConfig config;
    private final EvaluationLog evaluationLog;
    private final FailureReporter failureReporter;
    private final Consumer<String> log;
    private final MessageJudge judge;
    private final ExecutorService evaluations = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore slots;
    private volatile ServerSocket listener;
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);

    private MilterServer(Builder b) {
        this.config = b.config;
        this.evaluationLog = b.evaluationLog;
        this.failureReporter = b.failureReporter;
        this.log = b.log;
        EmailAuthenticator auth = EmailAuthenticator.builder(b.resolver).authservId(b.config.authservId())
                .clock(b.clock).build();
        this.judge = new MessageJudge(auth, b.config, b.clock, evaluations, b.log);
        this.slots = new Semaphore(b.config.maxConnections());
    }

    /** A builder for a milter answering DNS queries with {@code resolver}. */
    public static Builder builder(DnsResolver resolver, MilterConfig config) {
        return new Builder(resolver, config);
    }

    /** Binds {@link MilterConfig#host()}:{@link MilterConfig#port()} (0: any free port) and starts accepting. */
    public MilterServer start() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getByName(config.host()), config.port()), 128);
        listener = s;
        Thread.ofVirtual().name("milter-accept").start(this::acceptLoop);
        return this;
    }

    /** The bound port. */
    public int port() {
        ServerSocket s = listener;
        if (s == null) {
            throw new IllegalStateException("not started");
        }
        return s.getLocalPort();
    }

    /** Blocks until {@link #close()} is called (from another thread or a shutdown hook). */
    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    private void acceptLoop() {
        ServerSocket s = listener;
        while (!s.isClosed()) {
            Socket c;
            try {
                c = s.accept();
            } catch (IOException e) {
                if (!s.isClosed()) {
                    log.accept("milter: accept failed: " + e.getMessage());
                }
                continue;
            }
            if (!slots.tryAcquire()) {
                log.accept("milter: " + config.maxConnections() + " connections open; refusing one from "
                        + c.getRemoteSocketAddress() + " (the MTA applies milter_default_action)");
                closeQuietly(c);
                continue;
            }
            Thread.ofVirtual().name("milter-" + c.getPort()).start(() -> serve(c));
        }
    }

    private void serve(Socket c) {
        try (c) {
            c.setSoTimeout((int) IDLE.toMillis());
            c.setTcpNoDelay(true);
            new MilterSession(judge, config, evaluationLog, failureReporter, log).run(quickAck(c),
                    c.getOutputStream(), String.valueOf(c.getRemoteSocketAddress()));
        } catch (IOException | RuntimeException e) {
            log.accept("milter: connection " + c.getRemoteSocketAddress() + " failed: " + e);
        } finally {
            slots.release();
        }
    }

    /**
     * The socket's input with TCP_QUICKACK set before every read, where the platform has it (Linux). Postfix
     * writes a body chunk larger than its 4 KiB stream buffer in two writes without TCP_NODELAY; with delayed
     * ACKs here its second write waits up to 40 ms for our ACK of the first. Measured through Postfix with the
     * 4 KB benchmark message: 57 ms per message without, see docs/benchmarks.md with.
     */
    private static java.io.InputStream quickAck(Socket c) throws IOException {
        java.io.InputStream in = c.getInputStream();
        if (!c.supportedOptions().contains(jdk.net.ExtendedSocketOptions.TCP_QUICKACK)) {
            return in;
        }
        return new java.io.FilterInputStream(in) {
            private void ack() throws IOException {
                c.setOption(jdk.net.ExtendedSocketOptions.TCP_QUICKACK, true);
            }

            @Override
            public int read() throws IOException {
                ack();
                return super.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                ack();
                return super.read(b, off, len);
            }
        };
    }

    private static void closeQuietly(Socket c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /** Stops accepting; open connections end when the MTA closes them. */
    @Override
    public void close() throws IOException {
        try {
            ServerSocket s = listener;
            if (s != null) {
                s.close();
            }
            evaluations.shutdownNow();
        } finally {
            closed.countDown();
        }
    }

    /** Builds a {@link MilterServer}. */
    public static final class Builder {
        private final DnsResolver resolver;
        private final MilterConfig config;
        private EvaluationLog evaluationLog = NO_LOG;
        private FailureReporter failureReporter = FailureReporter.disabled();
        private Consumer<String> log = System.err::println;
        private Clock clock = Clock.systemUTC();

        private Builder(DnsResolver resolver, MilterConfig config) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            this.config = Objects.requireNonNull(config, "config");
        }

        /**
         * Where evaluations are recorded for aggregate reports (default: nowhere). Only messages a DMARC record
         * applies to are recorded, with the disposition actually applied.
         */
        public Builder evaluationLog(EvaluationLog l) {
            this.evaluationLog = Objects.requireNonNull(l, "evaluationLog");
            return this;
        }

        /** Who decides on failure reports for messages that fail DMARC (default: disabled). */
        public Builder failureReporter(FailureReporter r) {
            this.failureReporter = Objects.requireNonNull(r, "failureReporter");
            return this;
        }

        /** Where problems are logged, one line each (default: standard error). */
        public Builder log(Consumer<String> l) {
            this.log = Objects.requireNonNull(l, "log");
            return this;
        }

        /** The clock for DKIM expiry, SPF macros and evaluation times. */
        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        public MilterServer build() {
            return new MilterServer(this);
        }
    }
}
