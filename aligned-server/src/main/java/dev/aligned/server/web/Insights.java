package dev.aligned.server.web;

import dev.aligned.server.analysis.Analysis;
import dev.aligned.server.analysis.Classification;
import dev.aligned.server.analysis.SourceRow;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The analysis stage ({@link Analysis}: classification of sources with reverse DNS and sending services, policy
 * readiness, receiver disagreements, selectors seen) turned into the records the pages and the API show.
 */
final class Insights {
    private final Analysis analysis;

    Insights(Analysis analysis) {
        this.analysis = analysis;
    }

    static dev.aligned.server.analysis.Period period(Queries.Period p) {
        LocalDate from = p.days() == 0 ? p.to().minusDays(dev.aligned.server.analysis.Period.MAX_DAYS - 1L) : p.from();
        return dev.aligned.server.analysis.Period.of(from, p.to());
    }

    /** The visible domains over the period, most messages first. */
    List<Queries.DomainSummary> domains(Queries.Scope scope, Queries.Period p) {
        List<Queries.DomainSummary> out = new ArrayList<>();
        for (var d : analysis.overview(period(p))) {
            if (!scope.allows(d.domain())) {
                continue;
            }
            var v = d.volume();
            out.add(new Queries.DomainSummary(d.domain(), v.messages(), v.dmarcPass(), v.spfAligned(), v.dkimAligned(),
                    d.quarantined(), d.rejected(), v.dmarcPassRate(), d.policy(),
                    d.lastReportDay() == null ? "" : d.lastReportDay().toString()));
        }
        return out;
    }

    /** Most domains summed into the all-domains trend chart (the largest first). */
    static final int MAX_TREND_DOMAINS = 100;

    /**
     * Messages per day for the given domains (summed), every day of the period present (zeros included) when the
     * period is at most 400 days.
     */
    List<Queries.DayPoint> days(List<String> domains, Queries.Period p) {
        java.util.TreeMap<LocalDate, long[]> sum = new java.util.TreeMap<>();
        for (String d : domains.subList(0, Math.min(domains.size(), MAX_TREND_DOMAINS))) {
            for (var t : analysis.domain(d, period(p)).trend()) {
                long[] a = sum.computeIfAbsent(t.day(), k -> new long[4]);
                a[0] += t.volume().messages();
                a[1] += t.volume().dmarcPass();
                a[2] += t.volume().spfAligned();
                a[3] += t.volume().dkimAligned();
            }
        }
        if (sum.isEmpty()) {
            return List.of();
        }
        LocalDate first = p.days() == 0 ? sum.firstKey() : p.from();
        LocalDate last = p.days() == 0 ? sum.lastKey() : p.to();
        List<Queries.DayPoint> out = new ArrayList<>();
        if (last.toEpochDay() - first.toEpochDay() > 400) {
            sum.forEach((day, a) -> out.add(new Queries.DayPoint(day.toString(), a[0], a[1], a[2], a[3])));
            return out;
        }
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
            long[] a = sum.getOrDefault(d, new long[4]);
            out.add(new Queries.DayPoint(d.toString(), a[0], a[1], a[2], a[3]));
        }
        return out;
    }

    List<Queries.Source> sources(String domain, Queries.Period p) {
        List<Queries.Source> out = new ArrayList<>();
        for (SourceRow row : analysis.sources(domain, period(p)).rows()) {
            out.add(source(row));
        }
        return out;
    }

    /**
     * One source's classified row: taken from the domain's source list (precomputed and cached by the analysis
     * stage) when it is among the listed rows, else computed for that source alone.
     */
    Optional<Queries.Source> source(String domain, String ip, Queries.Period p) {
        for (SourceRow row : analysis.sources(domain, period(p)).rows()) {
            if (row.ip().equals(ip)) {
                return Optional.of(source(row));
            }
        }
        return Optional.ofNullable(analysis.source(domain, ip, period(p)).source()).map(Insights::source);
    }

    static Queries.Source source(SourceRow row) {
        List<Queries.Fix> fixes = new ArrayList<>();
        if (row.classification() instanceof Classification.ServiceFailing f) {
            f.fixes().forEach(x -> fixes.add(new Queries.Fix(x.action(), x.why(), x.messages())));
        }
        String cls = switch (row.classification()) {
            case Classification.Authenticated a -> "authenticated";
            case Classification.ServiceFailing s -> "service failing";
            case Classification.Forwarded f -> "forwarded";
            case Classification.Unknown u -> "unknown";
        };
        var v = row.volume();
        return new Queries.Source(row.ip(), row.reverse().name(), row.reverse().forwardConfirmed(), row.service(),
                v.messages(), v.dmarcPass(), v.spfAligned(), v.dkimAligned(), v.dmarcPassRate(), cls,
                row.classification().summary(), fixes);
    }

    Queries.Readiness readiness(String domain, Queries.Period p) {
        int days = p.days() == 0 ? dev.aligned.server.analysis.Period.MAX_DAYS : p.days();
        var r = analysis.readiness(domain, days);
        List<Queries.Fix> fixes = new ArrayList<>();
        r.fixFirst().forEach(x -> fixes.add(new Queries.Fix(x.action(), x.why(), x.messages())));
        return new Queries.Readiness(domain, p.days(), r.current().tags(), r.next().tags(), r.volume().messages(),
                r.volume().dmarcPass(), r.volume().messages() - r.volume().dmarcPass(), r.legitimateAffected(),
                r.unknownAffected(), r.volume().dmarcPassRate(), r.ready(), r.why(), fixes);
    }

    List<Queries.Disagreement> disagreements(String domain, Queries.Period p) {
        List<Queries.Disagreement> out = new ArrayList<>();
        for (var d : analysis.disagreements(domain, period(p))) {
            out.add(new Queries.Disagreement(d.day().toString(), d.sourceIp(), d.headerFrom(), d.field(), d.reported(),
                    d.recomputed(), d.messages()));
        }
        return out;
    }

    List<String> selectors(String domain) {
        return analysis.selectors(domain);
    }

    dev.aligned.record.CheckReport check(String domain) {
        return analysis.check(domain);
    }

    /** How often the refresher looks for newly stored reports (one {@code MAX(id)} query). */
    static final java.time.Duration POLL = java.time.Duration.ofSeconds(10);
    /** The periods (days; 0 = everything) whose overview, domain and sources results are warmed after a refresh. */
    static final List<Integer> WARM_DAYS = List.of(30, 7, 90, 365, 0);
    /** Most domains warmed per period (the largest first). */
    static final int MAX_WARM_DOMAINS = 20;

    private final Object wake = new Object();
    private boolean requested;
    private volatile boolean stopped;
    private Thread refresher;

    /**
     * Starts the after-ingest work, off the request path: at once, then whenever a report was stored by any source
     * (IMAP, directories, SMTP, HTTP, upload, another process on the same database; polled every {@code poll}) or
     * {@link #refreshLater} asks. Each round runs reverse DNS for new sources (when a resolver is configured) and
     * the precomputed source windows, then warms what the first page views read (overview, domain, sources,
     * readiness and disagreements of
     * {@link #WARM_DAYS}), so a first view after ingest is served from memory. Rounds never overlap; new reports
     * arriving during a round cause one more round (debounced). Never throws: the pages work without it.
     */
    synchronized void startRefresher(boolean withDns, java.time.Clock clock, java.time.Duration poll,
            java.util.function.Consumer<String> log) {
        if (refresher != null) {
            return;
        }
        refresher = Thread.ofPlatform().daemon().name("aligned-refresh").start(() -> {
            long done = -1;
            while (!stopped) {
                try {
                    long version = analysis.storeVersion();
                    boolean asked;
                    synchronized (wake) {
                        asked = requested;
                        requested = false;
                    }
                    if (version != done || asked) {
                        long start = System.nanoTime();
                        int windows = withDns ? analysis.refresh().windows() : analysis.refreshWindows();
                        warm(clock);
                        done = version;
                        log.accept(String.format(java.util.Locale.ROOT, "analysis refreshed: %d source windows "
                                + "computed, pages warmed, %.1f s", windows, (System.nanoTime() - start) / 1e9));
                    }
                } catch (RuntimeException e) {
                    // the next round tries again; the pages compute what is not precomputed
                }
                synchronized (wake) {
                    if (!requested && !stopped) {
                        try {
                            wake.wait(poll.toMillis());
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }
        });
    }

    /** Asks the refresher for a round now (after an upload). */
    void refreshLater() {
        synchronized (wake) {
            requested = true;
            wake.notifyAll();
        }
    }

    /** Stops the refresher (waits at most a few seconds for a round in progress). */
    void stopRefresher() {
        stopped = true;
        Thread t;
        synchronized (this) {
            t = refresher;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void warm(java.time.Clock clock) {
        LocalDate today = LocalDate.now(clock);
        for (int days : WARM_DAYS) {
            if (stopped) {
                return;
            }
            Queries.Period p = Queries.Period.lastDays(days, today);
            List<Queries.DomainSummary> all = domains(Queries.Scope.ALL, p);
            List<String> names = all.stream().map(Queries.DomainSummary::domain).toList();
            days(names, p);
            for (String d : names.subList(0, Math.min(names.size(), MAX_WARM_DOMAINS))) {
                if (stopped) {
                    return;
                }
                sources(d, p);
                readiness(d, p); // the domain page and API replay the period under the next step
                disagreements(d, p); // the domain page lists them
            }
        }
    }
}
