package dev.aligned.server.reporting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DomainName;
import dev.aligned.dns.FixtureResolver;
import dev.aligned.store.StoreDataSource;
import dev.aligned.store.testing.MutableClock;
import dev.aligned.store.testing.PostgresServer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The V5 tables on a real PostgreSQL (Debian's postgresql, started by the store's {@link PostgresServer}; skipped
 * with the reason when it is not installed, failed when CI is set): the same SQL as SQLite, and two nodes sharing
 * one database generate and send each report once.
 */
class PostgresReportingTest {
    static final LocalDate DAY = LocalDate.of(2026, 11, 20);

    @Test
    void evaluationsCollapseAndReadBackEqualOnPostgres() throws Exception {
        DataSource ds = StoreDataSource.open(PostgresServer.shared().createDatabase(), null, null);
        List<Evaluation> all = Evaluations.stream(21, 3000, Evaluations.START);
        try (JdbcEvaluationLog log = JdbcEvaluationLog.open(ds)) {
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                all.forEach(e -> pool.submit(() -> log.record(e)));
            }
            long total = 0;
            for (DomainName d : log.policyDomains(DAY)) {
                Map<String, Long> expected = EvaluationLogTest.expected(all, d);
                Map<String, Long> actual = EvaluationLogTest.actual(log, d);
                assertEquals(expected, actual, d.name());
                total += actual.values().stream().mapToLong(Long::longValue).sum();
            }
            assertEquals(3000, total);
        }
    }

    @Test
    void twoNodesOnOneDatabaseGenerateAndSendEachReportOnce() throws Exception {
        String url = PostgresServer.shared().createDatabase();
        DataSource ds = StoreDataSource.open(url, null, null);
        try (JdbcEvaluationLog log = JdbcEvaluationLog.open(ds)) {
            Evaluations.stream(22, 1000, Evaluations.START).forEach(log::record);
        }
        FixtureResolver dns = FixtureResolver.builder()
                .add("example.org._report._dmarc.reports.example.net", DnsRecord.Txt.of("v=DMARC1")).build();
        MutableClock clock = new MutableClock(Instant.parse("2026-11-21T00:10:00Z"));
        RecordingTransport shared = new RecordingTransport();
        Map<String, Integer> generatedBy = new HashMap<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            List<Future<List<ReportOutcome>>> runs = new java.util.ArrayList<>();
            for (int node = 0; node < 2; node++) {
                runs.add(pool.submit(() -> {
                    DataSource own = StoreDataSource.open(url, null, null);
                    try (JdbcEvaluationLog log = JdbcEvaluationLog.open(own);
                            JdbcDeliveryQueue queue = JdbcDeliveryQueue.open(own)) {
                        ReportSender s = ReportSender.builder(ReportingConfig.of("R", "r@receiver.example"), log,
                                queue, shared).dns(dns).clock(clock).build();
                        List<ReportOutcome> o = s.generate(DAY);
                        s.deliverDue();
                        return o;
                    }
                }));
            }
            for (Future<List<ReportOutcome>> f : runs) {
                for (ReportOutcome o : f.get()) {
                    if (o.status() == ReportOutcome.Status.GENERATED) {
                        generatedBy.merge(o.domain().name(), 1, Integer::sum);
                    }
                }
            }
        }
        assertEquals(Map.of("example.com", 1, "example.org", 1, "shop.example.net", 1), generatedBy);
        assertEquals(4, shared.sent.size(), "each of the 4 messages sent by exactly one node");
        try (JdbcDeliveryQueue queue = JdbcDeliveryQueue.open(ds)) {
            assertTrue(queue.forDay(DAY).stream().allMatch(d -> d.state() == Delivery.State.SENT));
            clock.advance(Duration.ofHours(1));
            assertEquals(List.of(), queue.due(clock.instant(), 10));
            assertFalse(queue.forDay(DAY).isEmpty());
            assertEquals(0, queue.countSince(Delivery.Kind.FAILURE, DomainName.of("example.com"),
                    Instant.parse("2026-11-01T00:00:00Z")));
        }
    }
}
