package dev.aligned.server.ingest;

import dev.aligned.store.Ingestor;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Where a push receiver (the SMTP receiver, the HTTP upload endpoint) listens and how much it takes.
 *
 * @param host the address to bind (a literal address or {@code localhost})
 * @param port the port; 0 picks a free one
 * @param maxBytes the largest message or upload accepted
 * @param token the bearer token the HTTP endpoint requires (empty: none; SMTP has none)
 * @param tls the TLS identity SMTP offers with STARTTLS (empty: none; the HTTP endpoint has none)
 * @param requireTls whether SMTP refuses mail until the client has started TLS
 */
public record ReceiverSettings(String host, int port, long maxBytes, Optional<Secret> token, Optional<SSLContext> tls,
        boolean requireTls) {
    public ReceiverSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(tls, "tls");
        if (requireTls && tls.isEmpty()) {
            throw new IllegalArgumentException("requireTls needs a TLS identity");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
    }

    /** Without TLS. */
    public ReceiverSettings(String host, int port, long maxBytes, Optional<Secret> token) {
        this(host, port, maxBytes, token, Optional.empty(), false);
    }

    /** An SMTP receiver's builder with these settings: address, port, size limit and TLS. */
    public SmtpReceiver.Builder smtpBuilder(Ingestor ingestor) throws UnknownHostException {
        SmtpReceiver.Builder b = SmtpReceiver.builder(ingestor).bind(InetAddress.getByName(host)).port(port)
                .maxMessageBytes(maxBytes).requireTls(requireTls);
        tls.ifPresent(b::tls);
        return b;
    }

    /** How the receiver's TLS is described on the console: empty, " (STARTTLS)" or " (STARTTLS required)". */
    public String tlsLabel() {
        return tls.isEmpty() ? "" : requireTls ? " (STARTTLS required)" : " (STARTTLS)";
    }
}
