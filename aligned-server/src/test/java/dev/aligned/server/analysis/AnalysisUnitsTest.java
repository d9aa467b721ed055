package dev.aligned.server.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The small pure pieces: policy steps, periods, rates, the webhook's JSON. */
class AnalysisUnitsTest {

    @Test
    void policyStepsGoFromNoneThroughTestingModeToReject() {
        PolicyStep step = new PolicyStep("none", 100, false);
        List<String> seen = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            step = ReadinessReplay.next(step);
            seen.add(step.tags());
        }
        assertEquals(List.of("p=quarantine; t=y", "p=quarantine", "p=reject; t=y", "p=reject", "p=reject"), seen);
    }

    @Test
    void aPartialPctMovesToAHundredFirst() {
        assertEquals(new PolicyStep("quarantine", 100, false),
                ReadinessReplay.next(new PolicyStep("quarantine", 25, false)));
        assertEquals("p=quarantine; pct=25", new PolicyStep("quarantine", 25, false).tags());
    }

    @Test
    void badStepsAndPeriodsNameTheValue() {
        assertEquals("policy must be none, quarantine or reject, got 'block'", assertThrows(
                IllegalArgumentException.class, () -> new PolicyStep("block", 100, false)).getMessage());
        assertEquals("period ends (2026-01-01) before it starts (2026-02-01)", assertThrows(
                IllegalArgumentException.class, () -> Period.of(LocalDate.of(2026, 2, 1), LocalDate.of(2026, 1, 1)))
                .getMessage());
    }

    @Test
    void lastDaysEndsTodayInUtc() {
        java.time.Clock clock = java.time.Clock.fixed(Instant.parse("2026-03-01T23:59:00Z"), java.time.ZoneOffset.UTC);
        assertEquals(Period.of(LocalDate.of(2026, 2, 23), LocalDate.of(2026, 3, 1)), Period.lastDays(7, clock));
        assertEquals(7, Period.lastDays(7, clock).days());
    }

    @Test
    void ratesAreFractionsAndZeroWithoutMessages() {
        assertEquals(0.0, Volume.ZERO.dmarcPassRate());
        Volume v = Volume.of(200, 150, 100, 50);
        assertEquals(List.of(0.75, 0.5, 0.25), List.of(v.dmarcPassRate(), v.dkimAlignedRate(), v.spfAlignedRate()));
        assertEquals(Volume.of(400, 300, 200, 100), v.plus(v));
    }

    @Test
    void theWebhookJsonEscapesWhatReportsCarry() {
        Alert a = new Alert("new-source", "ex\"ample.com", "k", "<script>alert(1)</script>", "line\nbreak\ttab\\",
                Instant.parse("2026-01-01T00:00:00Z"));
        assertEquals("{\"kind\":\"new-source\",\"domain\":\"ex\\\"ample.com\",\"key\":\"k\",\"title\":"
                + "\"\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\",\"detail\":\"line\\nbreak\\ttab\\\\\","
                + "\"at\":\"2026-01-01T00:00:00Z\"}", Json.alert(a));
    }
}
