package dev.aligned.server.analysis;

import java.time.LocalDate;

/**
 * One domain's line on the overview page.
 *
 * @param volume messages and rates in the period
 * @param quarantined messages the receivers say they quarantined
 * @param rejected messages the receivers say they rejected
 * @param lastReportDay the latest report day in the period
 * @param policy the policy ({@code p=}) published in the latest report, or empty
 */
public record DomainSummary(String domain, Volume volume, long quarantined, long rejected, LocalDate lastReportDay,
        String policy) {
}
