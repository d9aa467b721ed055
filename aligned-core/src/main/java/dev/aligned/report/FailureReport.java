package dev.aligned.report;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A DMARC failure report: the fields of an ARF {@code message/feedback-report} part (RFC 5965) with the
 * authentication-failure extensions of RFC 6591 and RFC 9991, and the headers of the reported message.
 * Repeatable fields are lists in the order received; {@code Identity-Alignment} is split at commas.
 *
 * @param format {@link Format#ARF} for a real feedback report, {@link Format#PLAIN_TEXT} for a best-effort
 *     reading of a non-ARF report (the parser adds a warning)
 * @param otherFields fields this model has no slot for (e.g. {@code Message-ID}), kept in order
 * @param originalHeaders the reported message's header block (from {@code text/rfc822-headers} or
 *     {@code message/rfc822}), as text with LF line ends (folding kept)
 */
public record FailureReport(
        Format format,
        String feedbackType,
        Optional<String> userAgent,
        Optional<String> version,
        Optional<String> originalMailFrom,
        List<String> originalRcptTo,
        Optional<String> arrivalDate,
        Optional<String> sourceIp,
        List<String> reportedDomain,
        List<String> reportedUri,
        List<String> authenticationResults,
        List<String> authFailure,
        List<String> identityAlignment,
        Optional<String> deliveryResult,
        Optional<String> dkimDomain,
        Optional<String> dkimIdentity,
        Optional<String> dkimSelector,
        List<String> spfDns,
        List<Field> otherFields,
        Optional<String> originalHeaders) implements Report {

    /** How the report was written. */
    public enum Format { ARF, PLAIN_TEXT }

    /** A header field kept as received (name as written, value unfolded). */
    public record Field(String name, String value) {
        public Field {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    public FailureReport {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(feedbackType, "feedbackType");
        Objects.requireNonNull(userAgent, "userAgent");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(originalMailFrom, "originalMailFrom");
        originalRcptTo = List.copyOf(originalRcptTo);
        Objects.requireNonNull(arrivalDate, "arrivalDate");
        Objects.requireNonNull(sourceIp, "sourceIp");
        reportedDomain = List.copyOf(reportedDomain);
        reportedUri = List.copyOf(reportedUri);
        authenticationResults = List.copyOf(authenticationResults);
        authFailure = List.copyOf(authFailure);
        identityAlignment = List.copyOf(identityAlignment);
        Objects.requireNonNull(deliveryResult, "deliveryResult");
        Objects.requireNonNull(dkimDomain, "dkimDomain");
        Objects.requireNonNull(dkimIdentity, "dkimIdentity");
        Objects.requireNonNull(dkimSelector, "dkimSelector");
        spfDns = List.copyOf(spfDns);
        otherFields = List.copyOf(otherFields);
        Objects.requireNonNull(originalHeaders, "originalHeaders");
    }

    @Override
    public String kind() {
        return "failure";
    }
}
