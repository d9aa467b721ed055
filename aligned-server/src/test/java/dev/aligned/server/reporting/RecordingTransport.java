package dev.aligned.server.reporting;

import java.util.ArrayList;
import java.util.List;

/** A transport double for unit tests: keeps what was sent, or refuses the first {@code failures} sends. */
final class RecordingTransport implements MailTransport {
    record Sent(String from, String to, String messageId, byte[] message) {
    }

    final List<Sent> sent = new ArrayList<>();
    int failures;
    boolean permanent;

    @Override
    public synchronized String send(String envelopeFrom, String recipient, String messageId, byte[] message)
            throws SendException {
        if (failures > 0) {
            failures--;
            throw new SendException("451 4.3.0 try again later", permanent, null);
        }
        sent.add(new Sent(envelopeFrom, recipient, messageId, message));
        return "250 2.0.0 queued";
    }
}
