package dev.aligned.store;

import java.time.LocalDate;
import java.util.Objects;

/**
 * Messages for one domain, UTC day, source IP and result, summed from the {@code count} of every stored record
 * (never a count of rows). Empty strings stand for values the reports did not give.
 *
 * @param dkim the DMARC-aligned DKIM result ({@code pass}, {@code fail} or empty)
 * @param spf the DMARC-aligned SPF result ({@code pass}, {@code fail} or empty)
 * @param dmarc {@code pass} when DKIM or SPF passed aligned, else {@code fail}
 * @param records how many report records were added into this row
 */
public record DailyRollup(String domain, LocalDate day, String sourceIp, String disposition, String dkim,
        String spf, String dmarc, long messages, long records) {
    public DailyRollup {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(day, "day");
        Objects.requireNonNull(sourceIp, "sourceIp");
        Objects.requireNonNull(disposition, "disposition");
        Objects.requireNonNull(dkim, "dkim");
        Objects.requireNonNull(spf, "spf");
        Objects.requireNonNull(dmarc, "dmarc");
    }
}
