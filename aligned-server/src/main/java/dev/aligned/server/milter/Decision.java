package dev.aligned.server.milter;

import dev.aligned.server.reporting.Evaluation;
import dev.aligned.server.reporting.FailureSample;
import java.util.List;
import java.util.Optional;

/**
 * What the milter answers at the end of a message: header changes, then one final reply.
 *
 * @param changes    header changes and quarantine, in the order sent
 * @param reply      the final reply
 * @param evaluation the evaluation to record, when one ran and a DMARC record applied
 * @param sample     what a failure report would quote, alongside {@code evaluation}
 */
record Decision(List<Change> changes, Reply reply, Optional<Evaluation> evaluation, Optional<FailureSample> sample) {
    Decision {
        changes = List.copyOf(changes);
    }

    Decision(List<Change> changes, Reply reply) {
        this(changes, reply, Optional.empty(), Optional.empty());
    }

    /** A modification request sent before the final reply. */
    sealed interface Change {
        /** Insert a header field at {@code index} (0 = top). */
        record Insert(int index, String name, String value) implements Change {
        }

        /** Delete the {@code index}-th (from 1) field called {@code name}. */
        record Delete(int index, String name) implements Change {
        }

        /** Put the message in the MTA's quarantine (Postfix: hold queue). */
        record Quarantine(String reason) implements Change {
        }
    }

    /** The final reply to end-of-message. */
    sealed interface Reply {
        /** Deliver (with the changes). */
        record Accept() implements Reply {
        }

        /** Refuse with a permanent SMTP reply. */
        record Reject(String smtpReply) implements Reply {
        }

        /** Refuse with a temporary SMTP reply. */
        record TempFail(String smtpReply) implements Reply {
        }
    }
}
