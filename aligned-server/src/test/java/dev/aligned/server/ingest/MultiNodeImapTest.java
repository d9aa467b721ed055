package dev.aligned.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.server.ingest.testing.MailServer;
import dev.aligned.store.DailyRollup;
import dev.aligned.store.Ingestor;
import dev.aligned.store.ReportStore;
import dev.aligned.store.RollupQuery;
import dev.aligned.store.StoreStats;
import dev.aligned.store.testing.PostgresServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Two pollers ("nodes": each its own store connection, lock connection and IMAP session) on one PostgreSQL
 * database and one mailbox: the advisory lock lets only one read the mailbox at a time, every report is stored
 * exactly once and none is dropped.
 */
class MultiNodeImapTest {
    static final int MESSAGES = 30;

    /** Counts how many leases are held at once, across both nodes. */
    static final class CountingLock implements MailboxLock {
        final MailboxLock inner;
        final AtomicInteger holders;
        final AtomicInteger maxHolders;

        CountingLock(MailboxLock inner, AtomicInteger holders, AtomicInteger maxHolders) {
            this.inner = inner;
            this.holders = holders;
            this.maxHolders = maxHolders;
        }

        @Override
        public Optional<Lease> tryLock(String key) {
            Optional<Lease> l = inner.tryLock(key);
            if (l.isEmpty()) {
                return l;
            }
            maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
            Lease lease = l.get();
            return Optional.of(new Lease() {
                @Override
                public boolean isValid() {
                    return lease.isValid();
                }

                @Override
                public void close() {
                    holders.decrementAndGet();
                    lease.close();
                }
            });
        }
    }

    @Test
    void twoNodesPollingOneMailboxStoreEveryReportExactlyOnce() throws Exception {
        String url = PostgresServer.shared().createDatabase();
        try (MailServer mail = MailServer.start(ImapSourceTest.USER, ImapSourceTest.PASSWORD)) {
            for (int i = 0; i < MESSAGES; i++) {
                mail.deliver(ImapSourceTest.report("node-" + i, 2));
            }
            ImapMailbox box = ImapMailbox.builder("127.0.0.1", ImapSourceTest.USER, Secret.of(ImapSourceTest.PASSWORD))
                    .security(ImapSecurity.NONE).port(mail.imapPort()).maxMessagesPerPoll(3)
                    .timeout(Duration.ofSeconds(10)).build();
            AtomicInteger holders = new AtomicInteger();
            AtomicInteger maxHolders = new AtomicInteger();
            List<PollOutcome> outcomes = new CopyOnWriteArrayList<>();
            // schema first, so the race is about messages, not migrations
            ReportStore.builder().url(url).build().close();
            Thread[] nodes = new Thread[2];
            for (int n = 0; n < nodes.length; n++) {
                nodes[n] = Thread.ofPlatform().name("node-" + n).start(() -> {
                    try (ReportStore store = ReportStore.builder().url(url).build()) {
                        ImapSource src = ImapSource.builder(box, Ingestor.builder(store).build())
                                .lock(new CountingLock(MailboxLock.postgres(url, null), holders, maxHolders))
                                .afterStore((s, r) -> pause(5)).build();
                        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                        while (System.nanoTime() < deadline) {
                            PollOutcome o = src.pollOnce();
                            outcomes.add(o);
                            if (o instanceof PollOutcome.Polled p && p.inputs() == 0) {
                                return;
                            }
                        }
                    }
                });
            }
            for (Thread t : nodes) {
                t.join(120_000);
                assertFalse(t.isAlive());
            }
            assertEquals(1, maxHolders.get(), "never two pollers in the mailbox at once");
            long skipped = outcomes.stream().filter(o -> o instanceof PollOutcome.Skipped).count();
            assertTrue(skipped > 0, "the nodes did contend for the lock: " + outcomes.size() + " outcomes");
            assertTrue(outcomes.stream().noneMatch(o -> o instanceof PollOutcome.Unavailable), outcomes.toString());
            long fresh = outcomes.stream().filter(o -> o instanceof PollOutcome.Polled)
                    .mapToLong(o -> ((PollOutcome.Polled) o).newReports()).sum();
            long dups = outcomes.stream().filter(o -> o instanceof PollOutcome.Polled)
                    .mapToLong(o -> ((PollOutcome.Polled) o).duplicates()).sum();
            assertEquals(MESSAGES, fresh);
            assertEquals(0, dups, "no message was read by both nodes");
            assertEquals(0, mail.count("INBOX"));
            assertEquals(MESSAGES, mail.count("Aligned.Processed"));
            assertEquals(0, mail.count("Aligned.Error"));
            try (ReportStore store = ReportStore.builder().url(url).build()) {
                StoreStats st = store.stats();
                assertEquals(MESSAGES, st.reports());
                assertEquals(2L * MESSAGES, st.records());
                long messages = store.rollups(RollupQuery.domain("example.com")).stream()
                        .mapToLong(DailyRollup::messages).sum();
                assertEquals(3L * MESSAGES, messages, "each report's 1 + 2 messages counted once");
            }
        }
    }

    @Test
    void theAdvisoryLockIsExclusivePerMailboxAndReleasedOnClose() throws Exception {
        String url = PostgresServer.shared().createDatabase();
        MailboxLock a = MailboxLock.postgres(url, null);
        MailboxLock b = MailboxLock.postgres(url, null);
        try (MailboxLock.Lease la = a.tryLock("imap://u@h:993/INBOX").orElseThrow()) {
            assertTrue(la.isValid());
            assertTrue(b.tryLock("imap://u@h:993/INBOX").isEmpty(), "held by the other node");
            try (MailboxLock.Lease other = b.tryLock("imap://u@h:993/Other").orElseThrow()) {
                assertTrue(other.isValid(), "another mailbox is another lock");
            }
        }
        try (MailboxLock.Lease lb = b.tryLock("imap://u@h:993/INBOX").orElseThrow()) {
            assertTrue(lb.isValid(), "free again once released");
        }
    }

    @Test
    void anUnreachableDatabaseMakesThePollUnavailableWithoutReadingTheMailbox() throws Exception {
        try (MailServer mail = MailServer.start(ImapSourceTest.USER, ImapSourceTest.PASSWORD);
                ReportStore store = ReportStore.builder().url(PostgresServer.shared().createDatabase()).build()) {
            mail.deliver(ImapSourceTest.report("x", 1));
            ImapMailbox box = ImapMailbox.builder("127.0.0.1", ImapSourceTest.USER, Secret.of(ImapSourceTest.PASSWORD))
                    .security(ImapSecurity.NONE).port(mail.imapPort()).build();
            String deadUrl = "jdbc:postgresql://127.0.0.1:1/none?user=aligned&connectTimeout=2";
            PollOutcome o = ImapSource.builder(box, Ingestor.builder(store).build())
                    .lock(MailboxLock.postgres(deadUrl, Secret.of("db-secret"))).build().pollOnce();
            PollOutcome.Unavailable u = (PollOutcome.Unavailable) o;
            assertTrue(u.error().startsWith("cannot take the mailbox lock in jdbc:postgresql://127.0.0.1:1/none: "),
                    u.error());
            assertFalse(u.error().contains("db-secret"));
            assertEquals(1, mail.count("INBOX"));
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
