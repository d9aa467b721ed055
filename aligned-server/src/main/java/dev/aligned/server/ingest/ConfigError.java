package dev.aligned.server.ingest;

import java.util.Objects;

/**
 * One problem in a configuration file: the key it concerns, as a path ({@code imap[0].port}), and what is wrong
 * with what to do.
 */
public record ConfigError(String key, String message) {
    public ConfigError {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return key + ": " + message;
    }
}
