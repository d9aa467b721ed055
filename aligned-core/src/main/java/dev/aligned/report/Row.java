package dev.aligned.report;

import java.util.Objects;

/**
 * {@code <row>}.
 *
 * @param sourceIp the connecting IP in canonical form (IPv6 as RFC 5952), or the text as written when it is
 *     not an IP address (the parser then adds a warning); see {@link IpAddresses}
 * @param count the number of messages
 */
public record Row(String sourceIp, long count, PolicyEvaluated policyEvaluated) {
    public Row {
        Objects.requireNonNull(sourceIp, "sourceIp");
        Objects.requireNonNull(policyEvaluated, "policyEvaluated");
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
    }
}
