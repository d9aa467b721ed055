package dev.aligned.server.ingest;

import static dev.aligned.store.testing.TestReports.gzip;
import static dev.aligned.store.testing.TestReports.utf8;
import static dev.aligned.store.testing.TestReports.xml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.store.Ingestor;
import dev.aligned.store.ReportStore;
import dev.aligned.store.testing.PostgresServer;
import dev.aligned.store.testing.TestReports.Rec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorySourceTest {
    static final long DAY = 1718236800L;

    @TempDir
    Path tmp;

    static byte[] report(String id) {
        return utf8(xml("reporter.example", id, "example.com", DAY, DAY + 86399,
                List.of(new Rec("192.0.2.1", 2, "none", "pass", "pass"))));
    }

    @Test
    void readsTheTreeOnceAndAgainOnlyWhatChanged() throws Exception {
        Path dir = tmp.resolve("spool");
        Files.createDirectories(dir.resolve("sub"));
        Files.createDirectories(dir.resolve("Maildir/tmp"));
        Files.createDirectories(dir.resolve("Maildir/new"));
        Files.createDirectories(dir.resolve("Maildir/cur"));
        Files.write(dir.resolve("a.xml"), report("d-1"));
        Files.write(dir.resolve("sub/b.xml.gz"), gzip(report("d-2")));
        Files.write(dir.resolve("Maildir/tmp/partial"), report("d-3")); // still being delivered: skipped
        Files.writeString(dir.resolve("notes.txt"), "not a report");
        try (ReportStore store = ReportStore.builder().url("jdbc:sqlite:" + tmp.resolve("a.db")).build()) {
            DirectorySource src = new DirectorySource(new WatchedDirectory(dir, Duration.ofMinutes(1)),
                    Ingestor.builder(store).build());
            PollOutcome.Polled p = assertInstanceOf(PollOutcome.Polled.class, src.pollOnce());
            assertEquals(3, p.inputs());
            assertEquals(2, p.newReports());
            assertEquals(1, p.failures().size());
            assertEquals(0, assertInstanceOf(PollOutcome.Polled.class, src.pollOnce()).inputs(), "nothing changed");
            Files.write(dir.resolve("c.xml"), report("d-4"));
            Files.setLastModifiedTime(dir.resolve("a.xml"), FileTime.fromMillis(0));
            PollOutcome.Polled q = assertInstanceOf(PollOutcome.Polled.class, src.pollOnce());
            assertEquals(2, q.inputs(), "the new file and the touched one");
            assertEquals(1, q.newReports());
            assertEquals(1, q.duplicates());
            assertEquals(3, store.stats().reports());
        }
    }

    @Test
    void aMissingDirectoryIsUnavailableWithWhatToDo() {
        try (ReportStore store = ReportStore.builder().url("jdbc:sqlite:" + tmp.resolve("a.db")).build()) {
            Path missing = tmp.resolve("nope");
            PollOutcome.Unavailable u = assertInstanceOf(PollOutcome.Unavailable.class,
                    new DirectorySource(new WatchedDirectory(missing, Duration.ofMinutes(1)),
                            Ingestor.builder(store).build()).pollOnce());
            assertEquals(missing + ": no such directory; create it or fix 'path'", u.error());
        }
    }

    static final Clock LATER = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1));

    static WatchedDirectory moving(Path dir) {
        return WatchedDirectory.moving(dir, Duration.ofMinutes(1), dir.resolve("done"), dir.resolve("error"));
    }

    @Test
    void storedFilesMoveToTheProcessedFolderAndFailedOnesToTheErrorFolderKeepingTheirPaths() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("spool/sub"));
        Path root = dir.getParent();
        Files.write(root.resolve("a.xml"), report("m-1"));
        Files.write(dir.resolve("b.xml"), report("m-2"));
        Files.writeString(root.resolve("notes.txt"), "not a report");
        try (ReportStore store = ReportStore.builder().url("jdbc:sqlite:" + tmp.resolve("a.db")).build()) {
            DirectorySource src = new DirectorySource(moving(root), Ingestor.builder(store).build(),
                    FileClaims.locking(MailboxLock.inProcess()), LATER);
            PollOutcome.Polled p = assertInstanceOf(PollOutcome.Polled.class, src.pollOnce());
            assertEquals(3, p.inputs());
            assertEquals(2, p.newReports());
            assertEquals(1, p.failures().size());
            assertEquals(2, store.stats().reports());
        }
        assertTrue(Files.exists(root.resolve("done/a.xml")));
        assertTrue(Files.exists(root.resolve("done/sub/b.xml")));
        assertTrue(Files.exists(root.resolve("error/notes.txt")));
        assertFalse(Files.exists(root.resolve("a.xml")) || Files.exists(dir.resolve("b.xml"))
                || Files.exists(root.resolve("notes.txt")));
        // the folders inside the tree are not read again
        try (ReportStore store = ReportStore.builder().url("jdbc:sqlite:" + tmp.resolve("a.db")).build()) {
            PollOutcome.Polled again = assertInstanceOf(PollOutcome.Polled.class, new DirectorySource(moving(root),
                    Ingestor.builder(store).build(), FileClaims.locking(MailboxLock.inProcess()), LATER).pollOnce());
            assertEquals(0, again.inputs());
        }
    }

    @Test
    void aFileIsNotMovedWhenTheStoreIsDown() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("spool"));
        Files.write(root.resolve("a.xml"), report("down-1"));
        ReportStore store = ReportStore.builder().url("jdbc:sqlite:" + tmp.resolve("a.db")).build();
        DirectorySource src = new DirectorySource(moving(root), Ingestor.builder(store).build(),
                FileClaims.locking(MailboxLock.inProcess()), LATER);
        store.close();
        PollOutcome.Unavailable u = assertInstanceOf(PollOutcome.Unavailable.class, src.pollOnce());
        assertTrue(u.error().startsWith("report store: "), u.error());
        assertTrue(Files.exists(root.resolve("a.xml")), "left in place");
        assertFalse(Files.exists(root.resolve("done")));
    }

    @Test
    void aFileModifiedInTheLastTwoSecondsWaitsForTheNextPollWhenFilesAreMoved() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("spool"));
        Files.write(root.resolve("a.xml"), report("fresh-1"));
        Instant written = Files.getLastModifiedTime(root.resolve("a.xml")).toInstant();
        try (ReportStore store = ReportStore.builder().url("jdbc:sqlite:" + tmp.resolve("a.db")).build()) {
            FileClaims claims = FileClaims.locking(MailboxLock.inProcess());
            PollOutcome.Polled now = assertInstanceOf(PollOutcome.Polled.class, new DirectorySource(moving(root),
                    Ingestor.builder(store).build(), claims, Clock.fixed(written.plusMillis(1500), ZoneOffset.UTC))
                    .pollOnce());
            assertEquals(0, now.inputs(), "may still be being written");
            PollOutcome.Polled later = assertInstanceOf(PollOutcome.Polled.class, new DirectorySource(moving(root),
                    Ingestor.builder(store).build(), claims, Clock.fixed(written.plusMillis(2500), ZoneOffset.UTC))
                    .pollOnce());
            assertEquals(1, later.newReports());
        }
    }

    @Test
    void postgresClaimsHandDisjointBatchesToTwoNodesAndGiveBackWhatADeadNodeHeld() throws Exception {
        String url = PostgresServer.shared().createDatabase();
        ReportStore.builder().url(url).build().close(); // schema 2 holds file_claims
        Path root = tmp.resolve("claimed");
        FileClaims a = FileClaims.postgres(url, null);
        FileClaims b = FileClaims.postgres(url, null);
        List<String> names = java.util.stream.IntStream.range(0, 10).mapToObj(i -> "f" + i + ".xml").toList();
        a.offer(root, names);
        b.offer(root, names.subList(0, 5)); // offered twice: still one claim each
        FileClaims.Batch first = a.claim(root, 4);
        assertEquals(names.subList(0, 4), first.names());
        try (FileClaims.Batch second = b.claim(root, 100)) {
            assertEquals(names.subList(4, 10), second.names(), "rows locked by the first node are skipped");
            second.names().forEach(second::done);
        }
        first.done("f0.xml");
        first.close(); // f1..f3 not done: given back, as when a node dies and its transaction rolls back
        try (FileClaims.Batch third = b.claim(root, 100)) {
            assertEquals(List.of("f1.xml", "f2.xml", "f3.xml"), third.names());
        }
    }

    @Test
    void twoNodesOnPostgresqlWatchingOneDirectoryWorkOnEachFileOnce() throws Exception {
        int files = 300;
        String url = PostgresServer.shared().createDatabase();
        Path root = Files.createDirectories(tmp.resolve("shared"));
        for (int i = 0; i < files; i++) {
            Files.write(root.resolve(String.format("r%03d.xml", i)), report("shared-" + i));
        }
        ReportStore.builder().url(url).build().close();
        java.util.concurrent.atomic.AtomicLong inputs = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong fresh = new java.util.concurrent.atomic.AtomicLong();
        List<Thread> nodes = new java.util.ArrayList<>();
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int n = 0; n < 2; n++) {
            nodes.add(Thread.ofPlatform().start(() -> {
                try (ReportStore store = ReportStore.builder().url(url).build()) {
                    DirectorySource src = new DirectorySource(moving(root), Ingestor.builder(store).build(),
                            FileClaims.postgres(url, null), LATER);
                    while (true) {
                        PollOutcome.Polled p = assertInstanceOf(PollOutcome.Polled.class, src.pollOnce());
                        inputs.addAndGet(p.inputs());
                        fresh.addAndGet(p.newReports());
                        if (p.inputs() == 0 && !p.more()) {
                            break;
                        }
                    }
                } catch (Throwable t) {
                    errors.add(t);
                }
            }));
        }
        for (Thread t : nodes) {
            t.join(300_000);
        }
        assertEquals(List.of(), errors);
        assertEquals(files, inputs.get(), "each file read by one node only");
        assertEquals(files, fresh.get());
        try (ReportStore store = ReportStore.builder().url(url).build();
                java.util.stream.Stream<Path> done = Files.list(root.resolve("done"))) {
            assertEquals(files, store.stats().reports());
            assertEquals(files, done.count());
        }
    }

    @Test
    void aFileWhoseOfferFailedIsOfferedAgainOnTheNextPoll() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("spool"));
        Files.write(root.resolve("a.xml"), report("offer-1"));
        FileClaims inner = FileClaims.locking(MailboxLock.inProcess());
        int[] offers = {0};
        FileClaims flaky = new FileClaims() { // the claims database is down for the first poll
            @Override
            public void offer(Path directory, java.util.Collection<String> names) {
                if (offers[0]++ == 0) {
                    throw new MailboxLock.LockUnavailableException("cannot claim files in db: connection refused", null);
                }
                inner.offer(directory, names);
            }

            @Override
            public Batch claim(Path directory, int max) {
                return inner.claim(directory, max);
            }
        };
        try (ReportStore store = ReportStore.builder().url("jdbc:sqlite:" + tmp.resolve("a.db")).build()) {
            DirectorySource src = new DirectorySource(new WatchedDirectory(root, Duration.ofMinutes(1)),
                    Ingestor.builder(store).build(), flaky, LATER);
            PollOutcome.Unavailable u = assertInstanceOf(PollOutcome.Unavailable.class, src.pollOnce());
            assertEquals("cannot claim files in db: connection refused", u.error());
            PollOutcome.Polled p = assertInstanceOf(PollOutcome.Polled.class, src.pollOnce());
            assertEquals(1, p.newReports(), "the unchanged file is offered again, not taken as seen");
        }
    }
}
