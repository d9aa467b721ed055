package dev.aligned.server.ingest;

import java.util.Objects;

/**
 * A password or other secret: {@link #toString()} never shows it, so a secret inside a record, a log line or an
 * exception message prints as {@code [redacted]}. Only {@link #reveal()} gives the value, to hand to a protocol.
 *
 * <pre>{@code
 * Secret pw = Secret.of(System.getenv("ALIGNED_IMAP_PASSWORD"));
 * System.out.println(pw);          // [redacted]
 * store.connect(host, user, pw.reveal());
 * }</pre>
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /** Wraps {@code value} (not null). */
    public static Secret of(String value) {
        return new Secret(Objects.requireNonNull(value, "secret value"));
    }

    /** The secret itself; hand it to the protocol, never to a printer. */
    public String reveal() {
        return value;
    }

    /** Whether the secret is empty. */
    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public String toString() {
        return "[redacted]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
