package dev.aligned.report;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads failure reports: the {@code message/feedback-report} part of an ARF message (RFC 5965, RFC 6591,
 * RFC 9991) plus the reported message's headers, and, best effort, the plain-text reports some MTAs send.
 */
final class FailureReportParser {
    private static final Pattern PLAIN_FIELD = Pattern.compile("^\\s*([A-Za-z][A-Za-z -]{1,40}?)\\s*:\\s*(.+)$");

    private FailureReportParser() {
    }

    /** Parses the fields of a feedback-report part body. */
    static FailureReport arf(String fields, Optional<String> originalHeaders, Warnings warnings) {
        Builder b = new Builder(FailureReport.Format.ARF);
        byte[] bytes = fields.getBytes(StandardCharsets.UTF_8);
        int start = 0;
        while (start < bytes.length && (bytes[start] == '\r' || bytes[start] == '\n')) {
            start++;
        }
        int[] bs = new int[1];
        for (MimeMessage.Header h : MimeMessage.headers(bytes, start, bytes.length, bs)) {
            b.field(h.name(), h.value(), warnings);
        }
        if (b.feedbackType == null) {
            warnings.add("feedback report without Feedback-Type");
        }
        b.originalHeaders = originalHeaders;
        return b.build();
    }

    /** Best-effort reading of a non-ARF text report; the caller has already decided it looks like one. */
    static FailureReport plainText(String text, Optional<String> originalHeaders, Warnings warnings) {
        warnings.add("not an ARF report (no message/feedback-report part): fields read from the plain-text body, "
                + "best effort");
        Builder b = new Builder(FailureReport.Format.PLAIN_TEXT);
        b.feedbackType = "auth-failure";
        String[] lines = text.split("\r?\n", -1);
        StringBuilder headers = new StringBuilder();
        boolean inHeaders = false;
        for (String line : lines) {
            if (inHeaders) {
                headers.append(line).append('\n');
                continue;
            }
            if (line.startsWith("------") && line.toLowerCase(Locale.ROOT).contains("header")) {
                inHeaders = true;
                continue;
            }
            Matcher m = PLAIN_FIELD.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String key = m.group(1).strip().toLowerCase(Locale.ROOT);
            String value = m.group(2).strip();
            switch (key) {
                case "sender domain", "domain", "reported domain" -> b.reportedDomain.add(value);
                case "sender ip address", "sender ip", "source ip", "ip address" -> b.sourceIp = Optional.of(value);
                case "received date", "arrival date", "date" -> b.arrivalDate = Optional.of(value);
                case "mail from", "envelope from" -> b.originalMailFrom = Optional.of(value);
                case "dmarc results" -> b.authenticationResults.add("dmarc: " + value);
                default -> b.other.add(new FailureReport.Field(m.group(1).strip(), value));
            }
        }
        String h = headers.toString().strip();
        b.originalHeaders = originalHeaders.isPresent() ? originalHeaders
                : h.isEmpty() ? Optional.empty() : Optional.of(h + "\n");
        return b.build();
    }

    /** The header block of a message/rfc822 or text/rfc822-headers body. */
    static String headerBlock(byte[] body) {
        int[] bs = new int[1];
        MimeMessage.headers(body, 0, body.length, bs);
        int end = bs[0];
        String s = new String(body, 0, end, StandardCharsets.UTF_8).replace("\r\n", "\n");
        return s.stripTrailing() + "\n";
    }

    private static final class Builder {
        final FailureReport.Format format;
        String feedbackType;
        Optional<String> userAgent = Optional.empty();
        Optional<String> version = Optional.empty();
        Optional<String> originalMailFrom = Optional.empty();
        final List<String> originalRcptTo = new ArrayList<>();
        Optional<String> arrivalDate = Optional.empty();
        Optional<String> sourceIp = Optional.empty();
        final List<String> reportedDomain = new ArrayList<>();
        final List<String> reportedUri = new ArrayList<>();
        final List<String> authenticationResults = new ArrayList<>();
        final List<String> authFailure = new ArrayList<>();
        final List<String> identityAlignment = new ArrayList<>();
        Optional<String> deliveryResult = Optional.empty();
        Optional<String> dkimDomain = Optional.empty();
        Optional<String> dkimIdentity = Optional.empty();
        Optional<String> dkimSelector = Optional.empty();
        final List<String> spfDns = new ArrayList<>();
        final List<FailureReport.Field> other = new ArrayList<>();
        Optional<String> originalHeaders = Optional.empty();

        Builder(FailureReport.Format format) {
            this.format = format;
        }

        void field(String name, String rawValue, Warnings warnings) {
            String value = rawValue.strip();
            String key = name.toLowerCase(Locale.ROOT);
            if (value.isEmpty()) {
                if (!key.equals("original-mail-from")) {
                    warnings.add("empty " + name + " field ignored");
                }
                return;
            }
            switch (key) {
                case "feedback-type" -> {
                    String lower = value.toLowerCase(Locale.ROOT);
                    if (feedbackType != null) {
                        warnings.add("repeated Feedback-Type ignored");
                    } else {
                        if (!lower.equals(value)) {
                            warnings.add("upper-case Feedback-Type '" + value + "' read as '" + lower + "'");
                        }
                        feedbackType = lower;
                    }
                }
                case "user-agent" -> userAgent = single(userAgent, name, value, warnings);
                case "version" -> version = single(version, name, value, warnings);
                case "original-mail-from" -> originalMailFrom = single(originalMailFrom, name, value, warnings);
                case "original-rcpt-to" -> originalRcptTo.add(value);
                case "arrival-date", "received-date" -> arrivalDate = single(arrivalDate, name, value, warnings);
                case "source-ip" -> {
                    Optional<String> canon = IpAddresses.canonical(value);
                    if (canon.isEmpty()) {
                        warnings.add("Source-IP '" + value + "' is not an IP address; kept as text");
                    }
                    sourceIp = single(sourceIp, name, canon.orElse(value), warnings);
                }
                case "reported-domain" -> reportedDomain.add(value);
                case "reported-uri" -> reportedUri.add(value);
                case "authentication-results" -> authenticationResults.add(value);
                case "auth-failure" -> authFailure.add(value.toLowerCase(Locale.ROOT));
                case "identity-alignment" -> {
                    for (String part : value.split(",")) {
                        String t = part.strip().toLowerCase(Locale.ROOT);
                        if (!t.isEmpty()) {
                            identityAlignment.add(t);
                        }
                    }
                }
                case "delivery-result" -> deliveryResult = single(deliveryResult, name, value.toLowerCase(Locale.ROOT),
                        warnings);
                case "dkim-domain" -> dkimDomain = single(dkimDomain, name, value, warnings);
                case "dkim-identity" -> dkimIdentity = single(dkimIdentity, name, value, warnings);
                case "dkim-selector" -> dkimSelector = single(dkimSelector, name, value, warnings);
                case "spf-dns" -> spfDns.add(value);
                default -> other.add(new FailureReport.Field(name, value));
            }
        }

        private static Optional<String> single(Optional<String> cur, String name, String value, Warnings w) {
            if (cur.isPresent()) {
                w.add("repeated " + name + " field ignored (the first is kept)");
                return cur;
            }
            return Optional.of(value);
        }

        FailureReport build() {
            return new FailureReport(format, feedbackType == null ? "" : feedbackType, userAgent, version,
                    originalMailFrom, originalRcptTo, arrivalDate, sourceIp, reportedDomain, reportedUri,
                    authenticationResults, authFailure, identityAlignment, deliveryResult, dkimDomain,
                    dkimIdentity, dkimSelector, spfDns, other, originalHeaders);
        }
    }
}
