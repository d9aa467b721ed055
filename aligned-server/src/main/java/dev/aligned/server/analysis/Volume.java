package dev.aligned.server.analysis;

/**
 * Message counts, summed from the {@code count} of report records (messages, never rows), and the rates
 * derived from them. Rates are fractions 0..1, and 0 when there are no messages.
 *
 * @param messages every message reported
 * @param dmarcPass messages that passed DMARC as the receiver evaluated it ({@code policy_evaluated})
 * @param dkimAligned messages with a passing DKIM signature aligned with the From domain, recomputed from
 *     {@code auth_results}
 * @param spfAligned messages whose SPF check passed for a domain aligned with the From domain, recomputed from
 *     {@code auth_results}
 */
public record Volume(long messages, long dmarcPass, long dkimAligned, long spfAligned, double dmarcPassRate,
        double dkimAlignedRate, double spfAlignedRate) {

    /** No messages. */
    public static final Volume ZERO = of(0, 0, 0, 0);

    /** A volume with its rates computed. */
    public static Volume of(long messages, long dmarcPass, long dkimAligned, long spfAligned) {
        return new Volume(messages, dmarcPass, dkimAligned, spfAligned, rate(dmarcPass, messages),
                rate(dkimAligned, messages), rate(spfAligned, messages));
    }

    /** This volume plus {@code o}. */
    public Volume plus(Volume o) {
        return of(messages + o.messages, dmarcPass + o.dmarcPass, dkimAligned + o.dkimAligned,
                spfAligned + o.spfAligned);
    }

    static double rate(long part, long whole) {
        return whole == 0 ? 0 : (double) part / whole;
    }
}
