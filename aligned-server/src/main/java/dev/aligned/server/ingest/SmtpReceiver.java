package dev.aligned.server.ingest;

import dev.aligned.store.IngestResult;
import dev.aligned.store.Ingestor;
import dev.aligned.store.StoreException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A minimal SMTP server (RFC 5321) that hands every message it accepts to the {@link Ingestor}, so that a DMARC
 * {@code rua=mailto:} address can point straight at Aligned (through an MTA that relays to it, or directly).
 * The {@code 250} reply to the final {@code .} is sent only after the store has committed the message: a sender
 * that sees no {@code 250} (connection dropped, store down: {@code 451}) sends again, and the store recognises the
 * bytes. Messages that are not reports are accepted and kept with their error (rejecting them would only make the
 * sender bounce). Bounded: message size (announced with the SIZE extension, RFC 1870), command line length,
 * recipients per message, concurrent connections, idle time. STARTTLS (RFC 3207) when given a TLS context
 * ({@link TlsIdentity}), optionally required before {@code MAIL}: reporters deliver to a domain's MX, and a domain
 * that publishes MTA-STS in enforce mode gets no mail from them at all over plain text. Input a client pipelined
 * behind {@code STARTTLS} is discarded, never read as if it had come over TLS. No AUTH: reports come from anyone.
 *
 * <pre>{@code
 * try (SmtpReceiver smtp = SmtpReceiver.builder(ingestor).port(2525).build().start()) {
 *     System.out.println("listening on " + smtp.port());
 *     ...
 * }
 * }</pre>
 */
public final class SmtpReceiver implements AutoCloseable {
    private static final int MAX_COMMAND_LINE = 1000;
    private static final int MAX_RECIPIENTS = 100;
    private static final int MAX_ERRORS = 10;

    private final Ingestor ingestor;
    private final InetAddress bind;
    private final int requestedPort;
    private final long maxMessageBytes;
    private final Duration idleTimeout;
    private final String hostname;
    private final Semaphore slots;
    private final Clock clock;
    private final SSLContext tls;
    private final boolean requireTls;
    private final AtomicLong sequence = new AtomicLong();
    private volatile ServerSocket listener;

    private SmtpReceiver(Builder b) {
        this.ingestor = b.ingestor;
        this.bind = b.bind;
        this.requestedPort = b.port;
        this.maxMessageBytes = b.maxMessageBytes;
        this.idleTimeout = b.idleTimeout;
        this.hostname = b.hostname;
        this.slots = new Semaphore(b.maxConnections);
        this.clock = b.clock;
        this.tls = b.tls;
        this.requireTls = b.requireTls;
    }

    /** A builder: loopback, an ephemeral port, 64 MiB messages, 16 connections, 5 minutes idle. */
    public static Builder builder(Ingestor ingestor) {
        return new Builder(ingestor);
    }

    /** Binds and starts accepting connections (one virtual thread per connection). */
    public SmtpReceiver start() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(bind, requestedPort), 50);
        listener = s;
        Thread.ofVirtual().name("smtp-accept").start(this::acceptLoop);
        return this;
    }

    /** The port listened on. */
    public int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        ServerSocket s = listener;
        while (!s.isClosed()) {
            Socket c;
            try {
                c = s.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (!slots.tryAcquire()) {
                Thread.ofVirtual().start(() -> refuse(c));
                continue;
            }
            Thread.ofVirtual().name("smtp " + c.getRemoteSocketAddress()).start(() -> {
                try (c) {
                    c.setSoTimeout((int) Math.min(Integer.MAX_VALUE, idleTimeout.toMillis()));
                    new Session(c).run();
                } catch (IOException e) {
                    // the client went away or idled out: nothing was acknowledged, nothing is lost
                } finally {
                    slots.release();
                }
            });
        }
    }

    private void refuse(Socket c) {
        try (c) {
            c.getOutputStream().write(("421 4.3.2 " + hostname + " too many connections, try again later\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // nothing to do
        }
    }

    @Override
    public void close() throws IOException {
        if (listener != null) {
            listener.close();
        }
    }

    /** One SMTP conversation. */
    private final class Session {
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        private String tlsProtocol;
        private boolean greeted;
        private String mailFrom;
        private int recipients;
        private int errors;
        private boolean overflow;

        Session(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), 16384);
            this.out = socket.getOutputStream();
        }

        void run() throws IOException {
            reply("220 " + hostname + " ESMTP Aligned report receiver");
            while (true) {
                String line;
                try {
                    line = readCommand();
                } catch (SocketTimeoutException e) {
                    reply("421 4.4.2 " + hostname + " idle too long, closing");
                    return;
                }
                if (line == null) {
                    return;
                }
                if (line.length() > MAX_COMMAND_LINE) {
                    if (bad("500 5.5.6 command line too long (more than " + MAX_COMMAND_LINE + " octets)")) {
                        return;
                    }
                    continue;
                }
                String upper = line.toUpperCase(Locale.ROOT);
                String verb = upper.length() >= 4 ? upper.substring(0, 4) : upper;
                switch (verb) {
                    case "EHLO" -> {
                        reset();
                        greeted = true;
                        reply("250-" + hostname + " greets you\r\n250-SIZE " + maxMessageBytes
                                + (tls != null && tlsProtocol == null ? "\r\n250-STARTTLS" : "")
                                + "\r\n250-8BITMIME\r\n250 SMTPUTF8");
                    }
                    case "HELO" -> {
                        reset();
                        greeted = true;
                        reply("250 " + hostname);
                    }
                    case "STAR" -> {
                        if (!upper.equals("STARTTLS") || tls == null) {
                            if (bad(tls == null || !upper.startsWith("STARTTLS") ? "502 5.5.2 command not implemented"
                                    : "501 5.5.4 STARTTLS takes no parameters")) {
                                return;
                            }
                        } else if (tlsProtocol != null) {
                            if (bad("503 5.5.1 TLS is already active")) {
                                return;
                            }
                        } else if (!startTls()) {
                            return;
                        }
                    }
                    case "MAIL" -> mail(line, upper);
                    case "RCPT" -> rcpt(upper);
                    case "DATA" -> {
                        if (mailFrom == null || recipients == 0) {
                            bad("503 5.5.1 send MAIL FROM and RCPT TO first");
                        } else {
                            data();
                            reset();
                        }
                    }
                    case "RSET" -> {
                        reset();
                        reply("250 2.0.0 OK");
                    }
                    case "NOOP" -> reply("250 2.0.0 OK");
                    case "VRFY" -> reply("252 2.5.0 cannot verify, but will accept the message");
                    case "QUIT" -> {
                        reply("221 2.0.0 " + hostname + " closing");
                        return;
                    }
                    default -> {
                        if (bad("502 5.5.2 command not implemented")) {
                            return;
                        }
                    }
                }
            }
        }

        /**
         * RFC 3207: 220, then the handshake on the same connection, then a fresh start (the client says EHLO again).
         * False when the handshake failed and the connection is to be closed.
         */
        private boolean startTls() throws IOException {
            reply("220 2.0.0 ready to start TLS");
            SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(socket,
                    socket.getInetAddress().getHostAddress(), socket.getPort(), true);
            secure.setUseClientMode(false);
            try {
                secure.startHandshake();
            } catch (IOException e) {
                return false; // nothing was accepted on this connection since the last message
            }
            socket = secure;
            // whatever was buffered from the plain-text connection (commands pipelined behind STARTTLS, the
            // injection of CVE-2011-0411) is dropped with the old stream
            in = new BufferedInputStream(secure.getInputStream(), 16384);
            out = secure.getOutputStream();
            tlsProtocol = secure.getSession().getProtocol();
            greeted = false;
            reset();
            return true;
        }

        private void reset() {
            mailFrom = null;
            recipients = 0;
        }

        /** Replies with an error; true when the client made too many and the connection is closed. */
        private boolean bad(String reply) throws IOException {
            if (++errors > MAX_ERRORS) {
                reply("421 4.7.0 " + hostname + " too many errors, closing");
                return true;
            }
            reply(reply);
            return false;
        }

        private void mail(String line, String upper) throws IOException {
            if (!greeted) {
                bad("503 5.5.1 say EHLO or HELO first");
                return;
            }
            if (mailFrom != null) {
                bad("503 5.5.1 nested MAIL command");
                return;
            }
            if (requireTls && tlsProtocol == null) {
                bad("530 5.7.0 must issue a STARTTLS command first");
                return;
            }
            if (!upper.startsWith("MAIL FROM:")) {
                bad("501 5.5.4 syntax: MAIL FROM:<address>");
                return;
            }
            int size = upper.indexOf(" SIZE=");
            if (size >= 0) {
                String n = upper.substring(size + 6).split(" ")[0];
                try {
                    if (Long.parseLong(n) > maxMessageBytes) {
                        reply("552 5.3.4 message size exceeds fixed limit of " + maxMessageBytes + " octets");
                        return;
                    }
                } catch (NumberFormatException e) {
                    bad("501 5.5.4 SIZE must be a number");
                    return;
                }
            }
            String rest = line.substring("MAIL FROM:".length()).trim();
            mailFrom = rest.isEmpty() ? "<>" : rest.split(" ")[0];
            reply("250 2.1.0 OK");
        }

        private void rcpt(String upper) throws IOException {
            if (mailFrom == null) {
                bad("503 5.5.1 send MAIL FROM first");
                return;
            }
            if (!upper.startsWith("RCPT TO:")) {
                bad("501 5.5.4 syntax: RCPT TO:<address>");
                return;
            }
            if (recipients >= MAX_RECIPIENTS) {
                reply("452 4.5.3 too many recipients");
                return;
            }
            recipients++;
            reply("250 2.1.5 OK");
        }

        private void data() throws IOException {
            reply("354 end data with <CR><LF>.<CR><LF>");
            ByteArrayOutputStream msg = new ByteArrayOutputStream(8192);
            boolean tooBig = false;
            ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
            overflow = false;
            while (true) {
                line.reset();
                boolean eof = readLine(line);
                byte[] l = line.toByteArray();
                if (eof && l.length == 0) {
                    return; // connection closed inside DATA: nothing acknowledged
                }
                int len = l.length;
                int content = len >= 2 && l[len - 2] == '\r' && l[len - 1] == '\n' ? len - 2
                        : len >= 1 && l[len - 1] == '\n' ? len - 1 : len;
                if (content == 1 && l[0] == '.' && len > 1) {
                    break;
                }
                int off = content > 0 && l[0] == '.' ? 1 : 0; // dot-unstuffing
                if (!tooBig && (long) msg.size() + (len - off) > maxMessageBytes) {
                    tooBig = true;
                    msg = new ByteArrayOutputStream(0);
                }
                if (!tooBig) {
                    msg.write(l, off, content - off);
                    msg.write('\r');
                    msg.write('\n');
                }
                if (eof) {
                    return;
                }
            }
            if (tooBig || overflow) {
                reply("552 5.3.4 message exceeds the fixed limit of " + maxMessageBytes + " octets");
                return;
            }
            String source = "smtp://" + hostname + "/" + clock.millis() + "." + sequence.incrementAndGet()
                    + ";from=" + socket.getInetAddress().getHostAddress()
                    + (tlsProtocol == null ? "" : ";tls=" + tlsProtocol);
            IngestResult r;
            try {
                r = ingestor.ingest(source, msg.toByteArray());
            } catch (StoreException e) {
                reply("451 4.3.0 report store unavailable, try again later");
                return;
            }
            // the store has committed: only now is the message acknowledged
            reply("250 2.0.0 stored: " + r.newReports() + " new, " + r.duplicates() + " duplicate, "
                    + r.failures().size() + " failed");
        }

        /** A command line without its line ending; null at end of stream. Reads at most a little past the limit. */
        private String readCommand() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream(128);
            int c;
            boolean any = false;
            while ((c = in.read()) >= 0) {
                any = true;
                if (c == '\n') {
                    break;
                }
                if (b.size() <= MAX_COMMAND_LINE) {
                    b.write(c);
                }
            }
            if (!any) {
                return null;
            }
            String s = b.toString(StandardCharsets.ISO_8859_1);
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }

        /**
         * Appends one line, ending included, to {@code line} (at most {@code maxMessageBytes + 2} octets of it: the
         * rest is consumed and {@link #overflow} set); true at end of stream.
         */
        private boolean readLine(ByteArrayOutputStream line) throws IOException {
            int c;
            while ((c = in.read()) >= 0) {
                if (line.size() <= maxMessageBytes + 1) {
                    line.write(c);
                } else {
                    overflow = true;
                }
                if (c == '\n') {
                    return false;
                }
            }
            return true;
        }

        private void reply(String text) throws IOException {
            out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    /** Builds an {@link SmtpReceiver}. */
    public static final class Builder {
        private final Ingestor ingestor;
        private InetAddress bind = InetAddress.getLoopbackAddress();
        private int port;
        private long maxMessageBytes = 64L << 20;
        private int maxConnections = 16;
        private Duration idleTimeout = Duration.ofMinutes(5);
        private String hostname = "aligned.localhost";
        private Clock clock = Clock.systemUTC();
        private SSLContext tls;
        private boolean requireTls;

        private Builder(Ingestor ingestor) {
            this.ingestor = Objects.requireNonNull(ingestor, "ingestor");
        }

        /** The address to listen on (default loopback). */
        public Builder bind(InetAddress address) {
            this.bind = Objects.requireNonNull(address, "address");
            return this;
        }

        /** The port (default 0: any free port). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** The largest message accepted, announced with SIZE (default 64 MiB). */
        public Builder maxMessageBytes(long max) {
            if (max < 1024 || max > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("maxMessageBytes must be between 1024 and "
                        + (Integer.MAX_VALUE - 16) + ", got " + max);
            }
            this.maxMessageBytes = max;
            return this;
        }

        /** Connections served at once; more are answered 421 (default 16). */
        public Builder maxConnections(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxConnections must be at least 1, got " + max);
            }
            this.maxConnections = max;
            return this;
        }

        /** How long a client may stay silent (default 5 minutes, RFC 5321 4.5.3.2). */
        public Builder idleTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("idleTimeout must be positive, got " + timeout);
            }
            this.idleTimeout = timeout;
            return this;
        }

        /** The name in the greeting and in sources (default {@code aligned.localhost}). */
        public Builder hostname(String hostname) {
            this.hostname = Objects.requireNonNull(hostname, "hostname");
            return this;
        }

        /** The clock for source names (default system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Offers STARTTLS with this context, e.g. from {@link TlsIdentity#load} (default: no TLS). */
        public Builder tls(SSLContext context) {
            this.tls = Objects.requireNonNull(context, "context");
            return this;
        }

        /** Refuses {@code MAIL} ({@code 530 5.7.0}) until the client has started TLS (default false). */
        public Builder requireTls(boolean required) {
            this.requireTls = required;
            return this;
        }

        public SmtpReceiver build() {
            if (requireTls && tls == null) {
                throw new IllegalStateException("requireTls needs a TLS context: call tls(...) first");
            }
            return new SmtpReceiver(this);
        }
    }
}
