package dev.aligned.server.analysis;

import java.util.List;

/**
 * A domain over a period: totals, dispositions and one trend point per day that has reports (days without
 * reports are left out; the chart draws them as gaps).
 *
 * @param sources distinct sending IPs in the period
 * @param reports aggregate reports counted in the period (a conflicting copy of a report already counted is left out)
 */
public record DomainStats(String domain, Period period, Volume volume, List<DispositionCount> dispositions,
        List<TrendPoint> trend, long sources, long reports) {
    public DomainStats {
        dispositions = List.copyOf(dispositions);
        trend = List.copyOf(trend);
    }
}
