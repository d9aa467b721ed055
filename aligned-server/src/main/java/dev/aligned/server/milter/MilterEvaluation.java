package dev.aligned.server.milter;

import dev.aligned.auth.AuthenticationResult;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One message the milter evaluated: who sent it, what authentication found, and what the milter did.
 *
 * @param time     when the evaluation finished
 * @param clientIp the SMTP client's address
 * @param helo     what the client said in HELO/EHLO
 * @param mailFrom the envelope sender (empty for the null reverse-path)
 * @param queueId  the MTA's queue id, when it sent the {@code i} macro
 * @param result   SPF, DKIM and DMARC results
 * @param applied  what the milter did with the message
 */
public record MilterEvaluation(Instant time, InetAddress clientIp, String helo, String mailFrom,
        Optional<String> queueId, AuthenticationResult result, Applied applied) {

    /** What the milter did with a message. */
    public enum Applied {
        /** Delivered (monitor mode, DMARC did not fail, or the policy is none). */
        NONE,
        /** Quarantined (milter action or header). */
        QUARANTINE,
        /** Refused with 550 5.7.1. */
        REJECT
    }

    public MilterEvaluation {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(clientIp, "clientIp");
        Objects.requireNonNull(helo, "helo");
        Objects.requireNonNull(mailFrom, "mailFrom");
        Objects.requireNonNull(queueId, "queueId");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(applied, "applied");
    }
}
