package dev.aligned.server.analysis;

/**
 * A DMARC policy a domain could publish: {@code p=} with {@code pct=} and the {@code t=y} testing flag.
 *
 * @param policy {@code none}, {@code quarantine} or {@code reject}
 * @param pct the percentage the policy applies to (RFC 7489 {@code pct=}; 100 under RFC 9989)
 * @param testing RFC 9989 {@code t=y}: receivers apply one step less strict
 */
public record PolicyStep(String policy, int pct, boolean testing) {
    public PolicyStep {
        if (!policy.equals("none") && !policy.equals("quarantine") && !policy.equals("reject")) {
            throw new IllegalArgumentException("policy must be none, quarantine or reject, got '" + policy + "'");
        }
        if (pct < 0 || pct > 100) {
            throw new IllegalArgumentException("pct must be 0..100, got " + pct);
        }
    }

    /** The record text of the tags ({@code p=quarantine; pct=25; t=y}). */
    public String tags() {
        return "p=" + policy + (pct < 100 ? "; pct=" + pct : "") + (testing ? "; t=y" : "");
    }
}
