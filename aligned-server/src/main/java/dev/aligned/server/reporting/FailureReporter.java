package dev.aligned.server.reporting;

/**
 * Takes the evaluations a receiver makes at delivery time and, when the policy's {@code fo=} asks for it and
 * the rate limit allows, queues an RFC 9991 failure report to the {@code ruf} addresses. Call it for every
 * evaluated message: deciding whether a report is due is the reporter's job. Never throws for the message's
 * content; returns quickly (the report is sent later by the delivery queue).
 *
 * <pre>{@code
 * Evaluation.of(clock.instant(), clientIp, auth, mailFrom, rcptTo).ifPresent(e -> {
 *     evaluationLog.record(e);
 *     failureReporter.consider(e, new FailureSample(mailFrom, rcptTo, headerBytes,
 *             Optional.of(auth.authenticationResults())));
 * });
 * }</pre>
 */
public interface FailureReporter {

    /** Queues a failure report for {@code evaluation} if one is due; says what was decided. */
    FailureDecision consider(Evaluation evaluation, FailureSample sample);

    /** A reporter that never reports (failure reports disabled). */
    static FailureReporter disabled() {
        return (e, s) -> new FailureDecision.NotDue("failure reports are disabled in this receiver's configuration");
    }
}
