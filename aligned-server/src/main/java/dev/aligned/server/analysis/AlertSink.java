package dev.aligned.server.analysis;

/**
 * Where alerts go: a webhook ({@link #webhook}) or e-mail ({@link #email}). Sending is best effort: a sink
 * returns what happened instead of throwing.
 *
 * <pre>{@code
 * AlertSink sink = AlertSink.webhook(URI.create("https://hooks.example.com/aligned"), Duration.ofSeconds(10));
 * Delivery d = sink.send(alert);
 * }</pre>
 */
public interface AlertSink {

    /** Sends one alert. Never throws for a network or server failure: returns {@link Delivery#failed()} false. */
    Delivery send(Alert alert);

    /**
     * The outcome of sending one alert.
     *
     * @param delivered true when the receiving end accepted it
     * @param detail the HTTP status or SMTP reply, or what went wrong
     */
    record Delivery(boolean delivered, String detail) {
        /** True when not delivered. */
        public boolean failed() {
            return !delivered;
        }
    }

    /** An HTTP POST of the alert as a JSON object to {@code url}. */
    static AlertSink webhook(java.net.URI url, java.time.Duration timeout) {
        return new WebhookSink(url, timeout);
    }

    /** An e-mail through an SMTP server (Jakarta Mail session properties such as {@code mail.smtp.host}). */
    static AlertSink email(java.util.Properties smtp, String from, java.util.List<String> to) {
        return new EmailSink(smtp, from, to);
    }
}
