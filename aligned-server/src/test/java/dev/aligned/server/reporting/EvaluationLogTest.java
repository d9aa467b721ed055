package dev.aligned.server.reporting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dns.DomainName;
import dev.aligned.store.StoreDataSource;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationLogTest {
    @TempDir
    Path tmp;

    static final LocalDate DAY = LocalDate.of(2026, 11, 20);

    /** Expected tallies: identical evaluations (all but the receive time) counted together. */
    static Map<String, Long> expected(List<Evaluation> evaluations, DomainName domain) {
        Map<String, Long> m = new HashMap<>();
        for (Evaluation e : evaluations) {
            if (e.policyDomain().equals(domain) && e.day().equals(DAY)) {
                m.merge(EvaluationCodec.identity(e), 1L, Long::sum);
            }
        }
        return m;
    }

    static Map<String, Long> actual(EvaluationLog log, DomainName domain) {
        Map<String, Long> m = new HashMap<>();
        log.tallies(domain, DAY, t -> m.merge(EvaluationCodec.identity(t.evaluation()), t.messages(), Long::sum));
        return m;
    }

    void identicalEvaluationsCollapseWithCounts(EvaluationLog log) {
        List<Evaluation> all = Evaluations.stream(7, 3000, Evaluations.START);
        all.forEach(log::record);
        assertEquals(Evaluations.DOMAINS.stream().map(DomainName::of).sorted().toList(), log.policyDomains(DAY));
        long total = 0;
        for (DomainName d : log.policyDomains(DAY)) {
            Map<String, Long> exp = expected(all, d);
            Map<String, Long> act = actual(log, d);
            assertEquals(exp, act, d.name());
            assertTrue(act.size() < exp.values().stream().mapToLong(Long::longValue).sum(), "some rows collapsed");
            total += act.values().stream().mapToLong(Long::longValue).sum();
        }
        assertEquals(3000, total);
        assertEquals(List.of(), log.policyDomains(DAY.plusDays(1)));
    }

    @Test
    void inMemoryLogCollapsesIdenticalEvaluations() {
        identicalEvaluationsCollapseWithCounts(new InMemoryEvaluationLog());
    }

    @Test
    void sqliteLogCollapsesIdenticalEvaluationsAndReadsThemBackEqual() {
        try (JdbcEvaluationLog log = JdbcEvaluationLog.open(
                StoreDataSource.open("jdbc:sqlite:" + tmp.resolve("a.db"), null, null))) {
            identicalEvaluationsCollapseWithCounts(log);
            // what comes back is the same evaluation that went in (first one of each kind)
            Evaluation first = Evaluations.stream(7, 1, Evaluations.START).get(0);
            List<Evaluation> back = new ArrayList<>();
            log.tallies(first.policyDomain(), DAY, t -> back.add(t.evaluation()));
            assertTrue(back.stream().anyMatch(e -> e.equals(first)), "first evaluation read back equal");
        }
    }

    @Test
    void concurrentRecordsAreGroupCommittedAndNoneIsLost() throws Exception {
        List<Evaluation> all = Evaluations.stream(11, 2000, Evaluations.START);
        try (JdbcEvaluationLog log = JdbcEvaluationLog.open(
                StoreDataSource.open("jdbc:sqlite:" + tmp.resolve("c.db"), null, null))) {
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (Evaluation e : all) {
                    pool.submit(() -> log.record(e));
                }
            }
            long total = 0;
            for (DomainName d : log.policyDomains(DAY)) {
                assertEquals(expected(all, d), actual(log, d));
                total += actual(log, d).values().stream().mapToLong(Long::longValue).sum();
            }
            assertEquals(2000, total);
        }
    }

    @Test
    void deleteBeforeDropsOlderDaysOnly() {
        InMemoryEvaluationLog log = new InMemoryEvaluationLog();
        Evaluation e = Evaluations.stream(3, 1, Evaluations.START).get(0);
        log.record(e);
        log.record(new Evaluation(Instant.parse("2026-11-21T10:00:00Z"), e.sourceIp(), e.headerFrom(),
                e.envelopeFrom(), e.envelopeTo(), e.policyDomain(), e.policy(), e.mode(), e.disposition(),
                e.overrides(), e.dmarc(), e.dkimAligned(), e.spfAligned(), e.dkim(), e.spf()));
        assertEquals(1, log.deleteBefore(DAY.plusDays(1)));
        assertEquals(List.of(), log.policyDomains(DAY));
        assertEquals(List.of(e.policyDomain()), log.policyDomains(DAY.plusDays(1)));
    }
}
