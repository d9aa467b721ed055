package dev.aligned.server.analysis;

/**
 * What reverse DNS says about a source IP.
 *
 * @param name the PTR name (lower case, no trailing dot), empty when none is known
 * @param forwardConfirmed true when an A/AAAA lookup of {@code name} returned the IP again (FCrDNS); a name
 *     that is not confirmed is shown but never used to identify a service
 * @param state {@code confirmed}, {@code unconfirmed}, {@code none} (no PTR), {@code unavailable} (DNS failed;
 *     tried again later) or {@code pending} (not looked up yet)
 */
public record ReverseName(String name, boolean forwardConfirmed, String state) {
    /** Not looked up yet. */
    public static final ReverseName PENDING = new ReverseName("", false, "pending");
}
