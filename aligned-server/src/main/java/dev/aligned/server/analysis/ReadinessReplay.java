package dev.aligned.server.analysis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Replays a period of reports under the next policy step (docs/analysis.md, "Policy readiness"). Every source
 * is classified; the messages failing DMARC are split into legitimate (authenticated sources' occasional
 * failures, known services, forwarders) and unknown; the step is ready when the legitimate failures it would
 * hit stay within {@link #TOLERANCE} of the volume.
 */
final class ReadinessReplay {
    /** The share of all messages that may be legitimate and failing for a step to count as ready. */
    static final double TOLERANCE = 0.001;

    private ReadinessReplay() {
    }

    /** The step after {@code current}: none → quarantine t=y → quarantine → reject t=y → reject. */
    static PolicyStep next(PolicyStep current) {
        if (current.pct() < 100) {
            return new PolicyStep(current.policy(), 100, current.testing());
        }
        return switch (current.policy()) {
            case "none" -> new PolicyStep("quarantine", 100, true);
            case "quarantine" -> current.testing() ? new PolicyStep("quarantine", 100, false)
                    : new PolicyStep("reject", 100, true);
            default -> current.testing() ? new PolicyStep("reject", 100, false) : current;
        };
    }

    static Readiness compute(Analysis a, String domain, Period period) {
        Queries q = a.queries();
        Optional<Queries.LatestPolicy> latest = q.latestPolicy(domain);
        String p = latest.map(Queries.LatestPolicy::p).filter(x -> x.equals("quarantine") || x.equals("reject"))
                .orElse("none");
        PolicyStep current = new PolicyStep(p, latest.map(Queries.LatestPolicy::pct)
                .filter(x -> x >= 0 && x <= 100).orElse(100), latest.map(Queries.LatestPolicy::testing).orElse(false));
        PolicyStep next = next(current);
        Queries.SourceTable t = q.sourceFacts(domain, period, Analysis.MAX_SOURCE_ROWS);
        Map<String, ReverseName> names = a.reverseDns().cached(q, t.top().stream().map(Queries.SourceFacts::ip).toList());
        Volume total = Volume.ZERO;
        long legit = 0;
        long unknown = t.otherMessages() - t.otherPass();
        Map<String, Fix> fixes = new LinkedHashMap<>();
        for (Queries.SourceFacts f : t.top()) {
            total = total.plus(f.volume());
            long failing = f.volume().messages() - f.volume().dmarcPass();
            if (failing == 0) {
                continue;
            }
            SourceRow row = a.classifier().row(domain, f, names.getOrDefault(f.ip(), ReverseName.PENDING));
            switch (row.classification()) {
                case Classification.Unknown u -> unknown += failing;
                case Classification.Authenticated au -> legit += failing;
                case Classification.Forwarded fw -> {
                    legit += failing;
                    fixes.merge("sign all mail for " + domain + " with an aligned DKIM signature", new Fix(
                            "sign all mail for " + domain + " with an aligned DKIM signature",
                            "forwarded mail keeps DKIM but loses SPF; " + fw.reason(), failing), ReadinessReplay::sum);
                }
                case Classification.ServiceFailing sf -> {
                    legit += failing;
                    for (Fix fx : sf.fixes()) {
                        fixes.merge(fx.action(), fx, ReadinessReplay::sum);
                    }
                }
            }
        }
        // the tail beyond the listed sources is not classified: its failing mail counts as unknown (docs/analysis.md)
        total = total.plus(Volume.of(t.otherMessages(), t.otherPass(), 0, 0));
        long applied = Math.round(legit * (next.pct() / 100.0));
        List<Fix> ordered = new ArrayList<>(fixes.values());
        ordered.sort((x, y) -> Long.compare(y.messages(), x.messages()));
        boolean ready;
        String why;
        String action = next.policy().equals("quarantine") ? "quarantined" : "rejected";
        if (total.messages() == 0) {
            ready = false;
            why = "no reports for " + domain + " in the last " + period.days() + " days: wait for reports before "
                    + "changing the policy";
        } else if (current.equals(next)) {
            ready = false;
            why = domain + " already publishes " + current.tags() + ", the strictest step";
        } else if (applied > TOLERANCE * total.messages()) {
            ready = false;
            why = String.format(java.util.Locale.ROOT, "%d legitimate messages (%.2f%%) from known senders and "
                    + "forwarders fail DMARC and would be %s under %s; fix first: %s", applied,
                    100.0 * applied / total.messages(), action, next.tags(),
                    ordered.isEmpty() ? "the failing authenticated sources" : ordered.get(0).action());
        } else {
            ready = true;
            why = String.format(java.util.Locale.ROOT, "known senders pass DMARC (%d legitimate messages failing, "
                    + "within %.1f%%); %d failing messages from unknown sources would be %s under %s%s", applied,
                    100 * TOLERANCE, unknown, action, next.tags(), next.testing()
                            ? " (t=y: RFC 9989 receivers apply one step less; RFC 7489 receivers ignore t=y)" : "");
        }
        return new Readiness(domain, period, current, next, ready, why, total, applied, unknown, ordered);
    }

    private static Fix sum(Fix a, Fix b) {
        return new Fix(a.action(), a.why(), a.messages() + b.messages());
    }
}
