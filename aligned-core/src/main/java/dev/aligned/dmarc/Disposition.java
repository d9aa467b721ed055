package dev.aligned.dmarc;

import java.util.Locale;

/** What a receiver honouring the Domain Owner Assessment Policy does with the message (RFC 9990 values). */
public enum Disposition {
    /** Deliver as usual. */
    NONE,
    /** Treat as suspicious (spam folder). */
    QUARANTINE,
    /** Refuse during the SMTP transaction. */
    REJECT;

    /** {@code none}, {@code quarantine} or {@code reject}. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Disposition of(DmarcRecord.Policy p) {
        return switch (p) {
            case NONE -> NONE;
            case QUARANTINE -> QUARANTINE;
            case REJECT -> REJECT;
        };
    }
}
