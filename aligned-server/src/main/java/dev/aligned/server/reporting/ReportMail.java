package dev.aligned.server.reporting;

import dev.aligned.report.AggregateReport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeUtility;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;

/**
 * The e-mail that carries an aggregate report (RFC 9990 section 3.2.1 "Email"): a {@code multipart/mixed}
 * message with a short text part and the report as an {@code application/gzip} attachment named by the RFC's
 * file name convention; the subject {@code Report Domain: <policy domain> Submitter: <receiver> Report-ID:
 * <id>} and a Message-ID built from the same id, so a re-sent report is recognisable as one.
 */
final class ReportMail {
    static final DateTimeFormatter RFC5322 = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ROOT);

    private ReportMail() {
    }

    /** The RFC 9990 subject. */
    static String subject(String policyDomain, String submitter, String reportId) {
        return "Report Domain: " + policyDomain + " Submitter: " + submitter + " Report-ID: <" + reportId + ">";
    }

    /** The {@code From:} field value: the organisation's name and the configured address. */
    static String from(ReportingConfig cfg) {
        try {
            return new InternetAddress(cfg.email(), cfg.orgName(), "UTF-8").toString();
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is missing from this JVM", e);
        }
    }

    /**
     * The complete message (CRLF line ends).
     *
     * @param gz        the gzip-compressed report
     * @param fileName  its RFC 9990 file name
     * @param messageId the Message-ID without angle brackets
     */
    static byte[] aggregate(ReportingConfig cfg, AggregateReport report, byte[] gz, String fileName, String to,
            Instant date, String messageId) {
        String id = report.metadata().reportId();
        String boundary = "=_aligned_" + id;
        StringBuilder sb = new StringBuilder(gz.length * 4 / 3 + 2048);
        line(sb, "From: " + from(cfg));
        line(sb, "To: " + to);
        line(sb, "Date: " + RFC5322.format(date.atOffset(ZoneOffset.UTC)));
        line(sb, "Subject: " + fold(subject(report.policy().domain(), cfg.submitter().name(), id)));
        line(sb, "Message-ID: <" + messageId + ">");
        line(sb, "MIME-Version: 1.0");
        line(sb, "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"");
        line(sb, "");
        line(sb, "This is a DMARC aggregate report (RFC 9990) in MIME format.");
        line(sb, "");
        line(sb, "--" + boundary);
        line(sb, "Content-Type: text/plain; charset=utf-8");
        line(sb, "Content-Transfer-Encoding: 8bit");
        line(sb, "");
        long begin = report.metadata().dateRange().map(r -> r.begin().getEpochSecond()).orElse(0L);
        long end = report.metadata().dateRange().map(r -> r.end().getEpochSecond()).orElse(0L);
        line(sb, "DMARC aggregate report for " + report.policy().domain() + " from " + cfg.orgName() + ".");
        line(sb, "Period: " + Instant.ofEpochSecond(begin) + " to " + Instant.ofEpochSecond(end) + " (UTC).");
        line(sb, "Messages: " + report.messageCount() + " in " + report.records().size() + " records.");
        line(sb, "Report-ID: " + id);
        line(sb, "");
        line(sb, "--" + boundary);
        line(sb, "Content-Type: application/gzip; name=\"" + fileName + "\"");
        line(sb, "Content-Transfer-Encoding: base64");
        line(sb, "Content-Disposition: attachment; filename=\"" + fileName + "\"");
        line(sb, "");
        sb.append(attachment(gz)).append("\r\n");
        line(sb, "--" + boundary + "--");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The attachment as the transport carries it: base64 in 76-character lines. */
    static String attachment(byte[] gz) {
        return Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(gz);
    }

    /** Folds a long header value at spaces (RFC 5322 section 2.2.3) so no line exceeds 78 characters. */
    static String fold(String value) {
        StringBuilder out = new StringBuilder();
        int lineLen = "Subject: ".length();
        for (String word : value.split(" ")) {
            if (out.length() > 0) {
                if (lineLen + 1 + word.length() > 78) {
                    out.append("\r\n ");
                    lineLen = 1;
                } else {
                    out.append(' ');
                    lineLen++;
                }
            }
            out.append(word);
            lineLen += word.length();
        }
        return out.toString();
    }

    /** A header value in RFC 2047 form when it is not ASCII. */
    static String encodeText(String s) {
        try {
            return MimeUtility.encodeText(s, "UTF-8", "Q");
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void line(StringBuilder sb, String s) {
        sb.append(s).append("\r\n");
    }
}
