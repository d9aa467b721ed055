package dev.aligned.server.reporting;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a failure report quotes from the message that failed, beyond its {@link Evaluation}: the envelope
 * addresses and the header block as received. The body is never kept (failure reports carry headers only, RFC
 * 9991 section 3 privacy), so this is all a milter hands over.
 *
 * @param mailFrom              the SMTP MAIL FROM address as given ({@code <>} or empty for the null
 *                              reverse-path)
 * @param rcptTo                the SMTP RCPT TO addresses
 * @param headers               the message's header block as received (up to, not including, the empty line)
 * @param authenticationResults the {@code Authentication-Results} field value this receiver added, if any
 */
public record FailureSample(String mailFrom, List<String> rcptTo, byte[] headers,
        Optional<String> authenticationResults) {

    public FailureSample {
        Objects.requireNonNull(mailFrom, "mailFrom");
        rcptTo = List.copyOf(rcptTo);
        headers = headers.clone();
        Objects.requireNonNull(authenticationResults, "authenticationResults");
    }

    @Override
    public byte[] headers() {
        return headers.clone();
    }

    /** The header block as text (ISO-8859-1 keeps every byte; UTF-8 headers are re-read as UTF-8). */
    String headerText() {
        String s = new String(headers, StandardCharsets.UTF_8);
        return s.indexOf('\uFFFD') >= 0 ? new String(headers, StandardCharsets.ISO_8859_1) : s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FailureSample f && mailFrom.equals(f.mailFrom) && rcptTo.equals(f.rcptTo)
                && java.util.Arrays.equals(headers, f.headers) && authenticationResults.equals(f.authenticationResults);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mailFrom, rcptTo, java.util.Arrays.hashCode(headers), authenticationResults);
    }

    @Override
    public String toString() {
        return "FailureSample[mailFrom=" + mailFrom + ", rcptTo=" + rcptTo + ", headers=" + headers.length + " bytes]";
    }
}
