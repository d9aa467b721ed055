package dev.aligned.auth;

import dev.aligned.dkim.DkimResult;
import dev.aligned.dmarc.DmarcEvaluation;
import dev.aligned.dmarc.DmarcResult;
import dev.aligned.mail.FromHeader;
import dev.aligned.spf.ReceivedSpf;
import dev.aligned.spf.SpfResult;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * SPF, DKIM and DMARC results for one message, and their header renderings.
 *
 * @param authservId the authentication service identifier written into Authentication-Results
 * @param spf        the SPF result for the MAIL FROM identity
 * @param dkim       one result per DKIM-Signature, top first (empty when the message is unsigned)
 * @param from       what the From field yielded
 * @param dmarc      the DMARC result (from the evaluation, or from the From field when DMARC could not run)
 * @param evaluation the DMARC evaluation, when there was exactly one author domain
 */
public record AuthenticationResult(String authservId, SpfResult spf, List<DkimResult> dkim, FromHeader.Result from,
        DmarcResult dmarc, Optional<DmarcEvaluation> evaluation) {

    public AuthenticationResult {
        Objects.requireNonNull(authservId, "authservId");
        Objects.requireNonNull(spf, "spf");
        dkim = List.copyOf(dkim);
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(dmarc, "dmarc");
        Objects.requireNonNull(evaluation, "evaluation");
    }

    /** The whole {@code Authentication-Results:} field, folded with CRLF + tab, without a final CRLF. */
    public String authenticationResults() {
        return AuthenticationResultsHeader.render(this, "\r\n\t");
    }

    /** The whole {@code Received-SPF:} field on one line, without CRLF. */
    public String receivedSpf() {
        return ReceivedSpf.render(spf, authservId);
    }
}
