package dev.aligned.report;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes a failure report as an ARF message (RFC 5965 {@code multipart/report; report-type=feedback-report})
 * with the RFC 6591 / RFC 9991 authentication-failure fields and the reported message's headers as a
 * {@code text/rfc822-headers} part. {@link ReportReader} reads what this writes back to an equal model.
 *
 * <pre>{@code
 * byte[] eml = FailureReportWriter.toMessage(report, "dmarc-reports@receiver.example",
 *         "ruf@example.com", Instant.now(clock), "b1f0c2");
 * }</pre>
 */
public final class FailureReportWriter {
    private static final DateTimeFormatter RFC5322 =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", java.util.Locale.ROOT);

    private FailureReportWriter() {
    }

    /**
     * The complete message (CRLF line ends).
     *
     * @param boundary a unique MIME boundary token (letters, digits); the caller supplies it so output is
     *     reproducible
     */
    public static byte[] toMessage(FailureReport r, String from, String to, Instant date, String boundary) {
        Objects.requireNonNull(r, "report");
        if (!boundary.matches("[A-Za-z0-9'()+_,./:=?-]{1,60}")) {
            throw new IllegalArgumentException("invalid MIME boundary: " + boundary);
        }
        String domain = r.reportedDomain().isEmpty() ? "unknown" : r.reportedDomain().get(0);
        StringBuilder sb = new StringBuilder();
        line(sb, "From: " + from);
        line(sb, "To: " + to);
        line(sb, "Date: " + RFC5322.format(date.atOffset(ZoneOffset.UTC)));
        line(sb, "Subject: FW: DMARC failure report for " + domain
                + r.sourceIp().map(ip -> " from " + ip).orElse(""));
        line(sb, "MIME-Version: 1.0");
        line(sb, "Content-Type: multipart/report; report-type=feedback-report; boundary=\"" + boundary + "\"");
        line(sb, "");
        line(sb, "--" + boundary);
        line(sb, "Content-Type: text/plain; charset=\"utf-8\"");
        line(sb, "");
        line(sb, "This is an authentication failure report for a message claiming to be from " + domain + ".");
        line(sb, "");
        line(sb, "--" + boundary);
        line(sb, "Content-Type: message/feedback-report");
        line(sb, "");
        field(sb, "Feedback-Type", Optional.of(r.feedbackType()));
        field(sb, "User-Agent", r.userAgent());
        field(sb, "Version", r.version());
        field(sb, "Original-Mail-From", r.originalMailFrom());
        fields(sb, "Original-Rcpt-To", r.originalRcptTo());
        field(sb, "Arrival-Date", r.arrivalDate());
        field(sb, "Source-IP", r.sourceIp());
        fields(sb, "Reported-Domain", r.reportedDomain());
        fields(sb, "Reported-URI", r.reportedUri());
        fields(sb, "Authentication-Results", r.authenticationResults());
        fields(sb, "Auth-Failure", r.authFailure());
        if (!r.identityAlignment().isEmpty()) {
            field(sb, "Identity-Alignment", Optional.of(String.join(", ", r.identityAlignment())));
        }
        field(sb, "Delivery-Result", r.deliveryResult());
        field(sb, "DKIM-Domain", r.dkimDomain());
        field(sb, "DKIM-Identity", r.dkimIdentity());
        field(sb, "DKIM-Selector", r.dkimSelector());
        fields(sb, "SPF-DNS", r.spfDns());
        for (FailureReport.Field f : r.otherFields()) {
            field(sb, f.name(), Optional.of(f.value()));
        }
        line(sb, "");
        if (r.originalHeaders().isPresent()) {
            line(sb, "--" + boundary);
            line(sb, "Content-Type: text/rfc822-headers");
            line(sb, "");
            for (String h : r.originalHeaders().get().split("\r?\n")) {
                line(sb, h);
            }
            line(sb, "");
        }
        line(sb, "--" + boundary + "--");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void field(StringBuilder sb, String name, Optional<String> value) {
        value.ifPresent(v -> line(sb, name + ": " + v.replaceAll("[\r\n]+", " ")));
    }

    private static void fields(StringBuilder sb, String name, List<String> values) {
        for (String v : values) {
            field(sb, name, Optional.of(v));
        }
    }

    private static void line(StringBuilder sb, String s) {
        sb.append(s).append("\r\n");
    }
}
