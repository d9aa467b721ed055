package dev.aligned.server.analysis;

/** The four kinds of source; {@link Classification} carries the details. */
public enum Category {
    /** DMARC passes: SPF or DKIM authenticated and aligned with the From domain. */
    AUTHENTICATED,
    /** A sending service the domain uses, failing DMARC; there is something to fix. */
    SERVICE_FAILING,
    /** Mail sent by the domain's senders and relayed by a forwarder or a mailing list. */
    FORWARDED,
    /** Neither a known service nor a forwarder: unknown, or someone spoofing the domain. */
    UNKNOWN
}
