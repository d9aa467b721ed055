package dev.aligned.server.reporting;

/**
 * Hands a complete message to the next hop. {@link SmtpTransport} submits over SMTP; {@link DirectoryTransport}
 * writes {@code .eml} files (dry run).
 */
public interface MailTransport {

    /**
     * Sends {@code message} to {@code recipient} with {@code envelopeFrom} as the SMTP MAIL FROM; returns the
     * server's answer (or where the file went).
     *
     * @throws SendException saying whether trying again later may help
     */
    String send(String envelopeFrom, String recipient, String messageId, byte[] message) throws SendException;

    /** A failed send: {@link #permanent()} when trying again will not help (5xx on the recipient or the data). */
    final class SendException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean permanent;

        public SendException(String message, boolean permanent, Throwable cause) {
            super(message, cause);
            this.permanent = permanent;
        }

        /** Whether trying again will not help. */
        public boolean permanent() {
            return permanent;
        }
    }
}
