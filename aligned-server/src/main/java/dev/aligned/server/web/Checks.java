package dev.aligned.server.web;

import dev.aligned.record.CheckReport;
import dev.aligned.record.Finding;
import dev.aligned.record.Severity;
import java.util.ArrayList;
import java.util.List;

/**
 * Live domain checks: {@link dev.aligned.record.DomainChecker} fed with the DKIM selectors seen in reports (through
 * the analysis stage); every result is kept as history.
 */
final class Checks {
    private Checks() {
    }

    static Queries.CheckRow run(WebServer web, String domain) {
        CheckReport report = web.insights.check(domain);
        java.time.Instant at = web.clock.instant();
        return switch (report) {
            case CheckReport.NotChecked n -> {
                web.queries.saveCheck(domain, at, "F", n.reason(), 1, 0, List.of("error " + n.reason()));
                yield web.queries.checks(domain).get(0);
            }
            case CheckReport.Checked c -> {
                List<String> lines = new ArrayList<>();
                for (Finding f : c.findings()) {
                    lines.add(f.toString());
                }
                web.queries.saveCheck(domain, at, c.grade().name(), c.nextStep(), (int) c.count(Severity.ERROR),
                        (int) c.count(Severity.WARNING), lines);
                yield web.queries.checks(domain).get(0);
            }
        };
    }
}
