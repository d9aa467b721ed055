package dev.aligned.server.web;

import dev.aligned.record.CheckReport;
import dev.aligned.record.DomainChecker;
import dev.aligned.record.Finding;
import dev.aligned.record.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Live domain checks: {@link DomainChecker} fed with the DKIM selectors seen in reports; results kept as history. */
final class Checks {
    private Checks() {
    }

    static Queries.CheckRow run(WebServer web, String domain) {
        List<String> selectors = web.queries.selectors(domain);
        DomainChecker checker = DomainChecker.builder().resolver(web.resolver).clock(web.clock).selectors(selectors)
                .timeout(Duration.ofSeconds(15)).build();
        CheckReport report = checker.check(domain);
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
