package dev.aligned.server.ingest;

import java.util.Objects;
import java.util.Optional;

/**
 * Where a push receiver (the SMTP receiver, the HTTP upload endpoint) listens and how much it takes.
 *
 * @param host the address to bind (a literal address or {@code localhost})
 * @param port the port; 0 picks a free one
 * @param maxBytes the largest message or upload accepted
 * @param token the bearer token the HTTP endpoint requires (empty: none; SMTP has none)
 */
public record ReceiverSettings(String host, int port, long maxBytes, Optional<Secret> token) {
    public ReceiverSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(token, "token");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
    }
}
