package dev.aligned.server.reporting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.FixtureResolver;
import dev.aligned.store.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scheduler sends after the UTC day boundary (plus grace), catches up missed days, retries, purges. */
class ReportSchedulerTest {
    static final Duration GRACE = Duration.ofMinutes(5);

    record Setup(ReportScheduler scheduler, MutableClock clock, RecordingTransport transport,
            InMemoryEvaluationLog log) {
    }

    static Setup setup(Instant start) {
        MutableClock clock = new MutableClock(start);
        InMemoryEvaluationLog log = new InMemoryEvaluationLog();
        RecordingTransport t = new RecordingTransport();
        FixtureResolver dns = FixtureResolver.builder()
                .add("example.org._report._dmarc.reports.example.net", DnsRecord.Txt.of("v=DMARC1")).build();
        ReportSender sender = ReportSender.builder(ReportingConfig.of("R", "r@receiver.example"), log,
                new InMemoryDeliveryQueue(), t).dns(dns).clock(clock).build();
        return new Setup(new ReportScheduler(sender, clock, Duration.ofMinutes(1), GRACE), clock, t, log);
    }

    @Test
    void nothingIsSentBeforeTheDayBoundaryPlusGrace() {
        Setup s = setup(Instant.parse("2026-11-20T23:59:00Z"));
        Evaluations.stream(1, 300, Evaluations.START).forEach(s.log()::record);
        assertEquals(List.of(), s.scheduler().runOnce().generated());
        s.clock().set(Instant.parse("2026-11-21T00:04:59Z"));
        assertEquals(List.of(), s.scheduler().runOnce().generated(), "still in the grace period");
        s.clock().set(Instant.parse("2026-11-21T00:05:00Z"));
        ReportScheduler.Pass p = s.scheduler().runOnce();
        assertEquals(3, p.generated().size());
        assertTrue(p.generated().stream().allMatch(o -> o.day().equals(LocalDate.of(2026, 11, 20))));
        assertEquals(4, p.delivered().size());
        assertEquals(4, s.transport().sent.size());
        s.clock().advance(Duration.ofMinutes(1));
        ReportScheduler.Pass next = s.scheduler().runOnce();
        assertEquals(List.of(), next.generated(), "a day is reported once");
        assertEquals(List.of(), next.delivered());
    }

    @Test
    void aNodeThatWasDownCatchesUpEveryMissedDay() {
        Setup s = setup(Instant.parse("2026-11-23T08:00:00Z"));
        Evaluations.stream(1, 100, Evaluations.START).forEach(s.log()::record);
        Evaluations.stream(2, 100, Evaluations.START.plus(Duration.ofDays(1))).forEach(s.log()::record);
        ReportScheduler.Pass p = s.scheduler().runOnce();
        assertEquals(List.of(LocalDate.of(2026, 11, 20), LocalDate.of(2026, 11, 21)),
                p.generated().stream().map(ReportOutcome::day).distinct().toList());
    }

    @Test
    void temporaryFailuresAreRetriedOnLaterTicks() {
        Setup s = setup(Instant.parse("2026-11-21T00:06:00Z"));
        Evaluations.stream(1, 50, Evaluations.START).forEach(s.log()::record);
        s.transport().failures = 4;
        ReportScheduler.Pass first = s.scheduler().runOnce();
        assertTrue(first.delivered().stream().allMatch(d -> d.state() == Delivery.State.PENDING));
        s.clock().advance(Duration.ofMinutes(5));
        ReportScheduler.Pass second = s.scheduler().runOnce();
        assertEquals(4, second.delivered().size());
        assertTrue(second.delivered().stream().allMatch(d -> d.state() == Delivery.State.SENT));
    }

    @Test
    void evaluationsOlderThanKeepDaysArePurged() {
        Setup s = setup(Instant.parse("2026-11-28T00:06:00Z"));
        Evaluations.stream(1, 50, Evaluations.START).forEach(s.log()::record);
        ReportScheduler.Pass p = s.scheduler().runOnce();
        assertTrue(p.purged() > 0, "keep_days 7: the 20th is gone on the 28th");
        assertEquals(List.of(), s.log().policyDomains(LocalDate.of(2026, 11, 20)));
    }

    @Test
    void theBackgroundThreadRunsPassesAndStopsOnClose() throws Exception {
        Setup s = setup(Instant.parse("2026-11-21T00:06:00Z"));
        Evaluations.stream(1, 50, Evaluations.START).forEach(s.log()::record);
        ReportScheduler sched = new ReportScheduler(sender(s), s.clock(), Duration.ofMillis(50), GRACE);
        sched.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (s.transport().sent.size() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        sched.close();
        assertEquals(4, s.transport().sent.size());
        assertTrue(sched.name().startsWith("reports as R <r@receiver.example>: aggregate daily (UTC)"), sched.name());
    }

    private static ReportSender sender(Setup s) {
        FixtureResolver dns = FixtureResolver.builder()
                .add("example.org._report._dmarc.reports.example.net", DnsRecord.Txt.of("v=DMARC1")).build();
        return ReportSender.builder(ReportingConfig.of("R", "r@receiver.example"), s.log(),
                new InMemoryDeliveryQueue(), s.transport()).dns(dns).clock(s.clock()).build();
    }
}
