package dev.aligned.server.reporting;

import java.util.Objects;
import java.util.OptionalLong;

/** What became of one {@code rua}/{@code ruf} URI: a mailbox that may receive the report, or why not. */
public sealed interface Destination {

    /** The URI as the DMARC record wrote it (without its size suffix). */
    String uri();

    /**
     * A mailbox to send to.
     *
     * @param address  the address, percent-decoded
     * @param maxBytes the URI's size limit ({@code !10m}), if any
     */
    record Mailbox(String uri, String address, OptionalLong maxBytes) implements Destination {
        public Mailbox {
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(maxBytes, "maxBytes");
        }
    }

    /** Not used, for the reason given (not authorised, not mailto, suppressed, too large). */
    record Refused(String uri, String reason) implements Destination {
        public Refused {
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The authorisation could not be checked now (DNS temporary failure): try again later. */
    record Deferred(String uri, String reason) implements Destination {
        public Deferred {
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
