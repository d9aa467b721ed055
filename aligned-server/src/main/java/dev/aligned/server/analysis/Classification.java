package dev.aligned.server.analysis;

import java.util.List;

/**
 * How a source is classified, decided from its aggregated authentication results, reverse DNS and the sending
 * service it is recognised as. See {@code docs/analysis.md} for the rules.
 */
public sealed interface Classification {

    /** The kind of source. */
    Category category();

    /** One line for a table cell. */
    String summary();

    /** DMARC passes (SPF or DKIM aligned) for most of this source's mail. */
    record Authenticated(String service, String via) implements Classification {
        @Override
        public Category category() {
            return Category.AUTHENTICATED;
        }

        @Override
        public String summary() {
            return "authenticated and aligned" + (via.isEmpty() ? "" : " (" + via + ")")
                    + (service.isEmpty() ? "" : ": " + service);
        }
    }

    /** A known sending service failing DMARC, with the fixes that would make it pass. */
    record ServiceFailing(String service, List<Fix> fixes) implements Classification {
        public ServiceFailing {
            fixes = List.copyOf(fixes);
        }

        @Override
        public Category category() {
            return Category.SERVICE_FAILING;
        }

        @Override
        public String summary() {
            return service + " fails DMARC: " + (fixes.isEmpty() ? "check its settings" : fixes.get(0).action());
        }
    }

    /** Relayed by a forwarder or mailing list (reason: ARC/override reason, known forwarder, SPF fail with DKIM pass). */
    record Forwarded(String reason) implements Classification {
        @Override
        public Category category() {
            return Category.FORWARDED;
        }

        @Override
        public String summary() {
            return "forwarded: " + reason;
        }
    }

    /** Unknown sender: not a recognised service, not a forwarder. Failing mail from it is likely spoofing. */
    record Unknown(String reason) implements Classification {
        @Override
        public Category category() {
            return Category.UNKNOWN;
        }

        @Override
        public String summary() {
            return "unknown or spoofing: " + reason;
        }
    }
}
