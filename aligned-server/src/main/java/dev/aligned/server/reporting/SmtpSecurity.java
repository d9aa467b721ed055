package dev.aligned.server.reporting;

/** How the SMTP submission connection is protected. */
public enum SmtpSecurity {
    /** Plain connection upgraded with STARTTLS, which is required (port 587, the default). */
    STARTTLS,
    /** TLS from the first byte (implicit TLS, port 465). */
    TLS,
    /** No TLS (port 25): only for a relay on the same host or a test sink. */
    NONE;

    /** The usual port for this security. */
    public int defaultPort() {
        return switch (this) {
            case STARTTLS -> 587;
            case TLS -> 465;
            case NONE -> 25;
        };
    }
}
