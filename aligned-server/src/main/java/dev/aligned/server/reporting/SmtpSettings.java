package dev.aligned.server.reporting;

import dev.aligned.server.ingest.Secret;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The SMTP submission server reports are sent through.
 *
 * @param host       the server
 * @param port       its port
 * @param security   STARTTLS (default), implicit TLS, or none
 * @param user       the AUTH user, when the server needs authentication
 * @param password   the AUTH password (prints as {@code [redacted]})
 * @param timeout    connect, read and write time-out
 * @param trustHosts hosts whose certificate is trusted without a CA chain (a test server, a self-signed relay)
 */
public record SmtpSettings(String host, int port, SmtpSecurity security, Optional<String> user,
        Optional<Secret> password, Duration timeout, List<String> trustHosts) {

    public SmtpSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(timeout, "timeout");
        trustHosts = List.copyOf(trustHosts);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
    }
}
